import { machineCases } from "../../fixtures/control-cases.js";
import {
  compliantKiosk,
  compliantLinuxServer,
  daysBefore,
  instantBefore,
} from "../../fixtures/machine-factory.js";

describe("sec-disk-encryption", () => {
  machineCases("sec-disk-encryption", [
    { name: "BitLocker on", expect: "pass" },
    { name: "LUKS on a Linux server", machine: compliantLinuxServer(), expect: "pass" },
    {
      name: "partially encrypted",
      set: { "/security/diskEncryption/status": "partial" },
      expect: "fail",
    },
    {
      name: "not encrypted",
      set: { "/security/diskEncryption/status": "none" },
      expect: "fail",
      evidence: { pointer: "/security/diskEncryption/status", actual: "none" },
    },
    {
      name: "unknown status",
      set: { "/security/diskEncryption/status": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      set: { "/security/diskEncryption": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-firewall-enabled", () => {
  machineCases("sec-firewall-enabled", [
    { name: "all three Windows profiles on", expect: "pass" },
    { name: "Linux default profile on", machine: compliantLinuxServer(), expect: "pass" },
    {
      name: "public profile off",
      set: { "/security/firewall/public": false },
      expect: "fail",
      evidence: { pointer: "/security/firewall/public", actual: false },
    },
    { name: "no profile reported", set: { "/security/firewall": {} }, expect: "fail" },
    {
      name: "unknown firewall",
      set: { "/security/firewall": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown profile state",
      set: { "/security/firewall/domain": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-edr-installed", () => {
  machineCases("sec-edr-installed", [
    { name: "Defender installed", expect: "pass" },
    { name: "no antivirus section", set: { "/security/antivirus": undefined }, expect: "fail" },
    { name: "empty product name", set: { "/security/antivirus/product": "" }, expect: "fail" },
    {
      name: "unknown product",
      set: { "/security/antivirus/product": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown antivirus",
      set: { "/security/antivirus": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-edr-running", () => {
  machineCases("sec-edr-running", [
    { name: "agent running", expect: "pass" },
    { name: "agent stopped", set: { "/security/antivirus/running": false }, expect: "fail" },
    {
      name: "unknown service state",
      set: { "/security/antivirus/running": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-edr-realtime-protection", () => {
  machineCases("sec-edr-realtime-protection", [
    { name: "real-time on", expect: "pass" },
    {
      name: "real-time off",
      set: { "/security/antivirus/realTimeProtection": false },
      expect: "fail",
    },
    {
      name: "unknown real-time state",
      set: { "/security/antivirus/realTimeProtection": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-edr-signatures-current", () => {
  machineCases("sec-edr-signatures-current", [
    { name: "updated yesterday", expect: "pass" },
    {
      name: "updated 6 days ago",
      set: { "/security/antivirus/signatureDate": instantBefore(6) },
      expect: "pass",
    },
    {
      name: "updated 12 days ago",
      set: { "/security/antivirus/signatureDate": instantBefore(12) },
      expect: "fail",
      evidence: { pointer: "/security/antivirus/signatureDate" },
    },
    {
      name: "12 days with the town allowing 14",
      set: { "/security/antivirus/signatureDate": instantBefore(12) },
      params: { maxAgeDays: 14 },
      expect: "pass",
    },
    {
      name: "3 days with the town requiring 2",
      set: { "/security/antivirus/signatureDate": instantBefore(3) },
      params: { maxAgeDays: 2 },
      expect: "fail",
    },
    {
      name: "date only, 2 days ago",
      set: { "/security/antivirus/signatureDate": daysBefore(2) },
      expect: "pass",
    },
    {
      name: "unknown date",
      set: { "/security/antivirus/signatureDate": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      set: { "/security/antivirus/signatureDate": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-smbv1-disabled", () => {
  machineCases("sec-smbv1-disabled", [
    { name: "SMBv1 off", expect: "pass" },
    {
      name: "SMBv1 on",
      set: { "/security/smbv1Enabled": true },
      expect: "fail",
      evidence: { pointer: "/security/smbv1Enabled", actual: true },
    },
    {
      name: "unknown SMBv1 state",
      set: { "/security/smbv1Enabled": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported on Windows",
      set: { "/security/smbv1Enabled": undefined },
      expect: "fail",
    },
    { name: "Linux", machine: compliantLinuxServer(), expect: "not-applicable" },
  ]);
});

describe("sec-autorun-disabled", () => {
  machineCases("sec-autorun-disabled", [
    { name: "AutoRun off", expect: "pass" },
    { name: "AutoRun on", set: { "/security/autorunEnabled": true }, expect: "fail" },
    {
      name: "unknown AutoRun state",
      set: { "/security/autorunEnabled": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "macOS",
      set: { "/os": { family: "macos", name: "macOS", version: "15.7.2" } },
      expect: "not-applicable",
    },
  ]);
});

describe("sec-removable-media-restricted", () => {
  machineCases("sec-removable-media-restricted", [
    { name: "encrypted-only", expect: "pass" },
    { name: "blocked on a kiosk", machine: compliantKiosk(), expect: "pass" },
    {
      name: "allowed",
      set: { "/security/removableMedia": "allowed" },
      expect: "fail",
      evidence: { pointer: "/security/removableMedia", actual: "allowed" },
    },
    {
      name: "read-only by default",
      set: { "/security/removableMedia": "read-only" },
      expect: "fail",
    },
    {
      name: "read-only with the town accepting it",
      set: { "/security/removableMedia": "read-only" },
      params: { allowed: ["blocked", "encrypted-only", "read-only"] },
      expect: "pass",
    },
    {
      name: "unknown policy",
      set: { "/security/removableMedia": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-audit-logging", () => {
  machineCases("sec-audit-logging", [
    { name: "audit logging on", expect: "pass" },
    { name: "audit logging off", set: { "/security/auditLogging": false }, expect: "fail" },
    {
      name: "unknown audit state",
      set: { "/security/auditLogging": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-time-sync", () => {
  machineCases("sec-time-sync", [
    { name: "synchronised", expect: "pass" },
    { name: "chrony on Linux", machine: compliantLinuxServer(), expect: "pass" },
    { name: "not synchronised", set: { "/security/timeSync/enabled": false }, expect: "fail" },
    {
      name: "unknown sync state",
      set: { "/security/timeSync/enabled": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "unknown: not reported", set: { "/security/timeSync": undefined }, expect: "fail" },
  ]);
});
