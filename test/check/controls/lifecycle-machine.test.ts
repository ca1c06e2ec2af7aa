import { machineCases } from "../../fixtures/control-cases.js";
import {
  compliantKiosk,
  compliantMachine,
  compliantServer,
  daysAfter,
  daysBefore,
  instantBefore,
} from "../../fixtures/machine-factory.js";

describe("lcm-hardware-age", () => {
  machineCases("lcm-hardware-age", [
    { name: "workstation bought 400 days ago", expect: "pass" },
    {
      name: "workstation on its last day (1095 days)",
      set: { "/hardware/purchaseDate": daysBefore(1095) },
      expect: "pass",
    },
    {
      name: "workstation 1096 days old",
      set: { "/hardware/purchaseDate": daysBefore(1096) },
      expect: "fail",
      evidence: {
        pointer: "/hardware/purchaseDate",
        actual: daysBefore(1096),
        expected: /^≤ 1095 days old \(3 years for workstation\); it is 1096 days old$/,
      },
    },
    {
      name: "kiosk 4 years old (5-year cycle)",
      machine: compliantKiosk(),
      set: { "/hardware/purchaseDate": daysBefore(4 * 365) },
      expect: "pass",
    },
    {
      name: "server 6 years old",
      machine: compliantServer(),
      set: { "/hardware/purchaseDate": daysBefore(6 * 365) },
      expect: "fail",
      evidence: { expected: /5 years for server/ },
    },
    {
      name: "network switch 6 years old (7-year cycle)",
      set: { "/role": "network-device", "/hardware/purchaseDate": daysBefore(6 * 365) },
      expect: "pass",
    },
    {
      name: "workstation 4 years old with the town on a 5-year cycle",
      set: { "/hardware/purchaseDate": daysBefore(4 * 365) },
      params: {
        refreshYears: { workstation: 5, laptop: 4, kiosk: 6, server: 6, "network-device": 8 },
      },
      expect: "pass",
    },
    {
      name: "a role the town left out of refreshYears",
      params: { refreshYears: { server: 5 } },
      expect: "not-applicable",
    },
    {
      name: "unknown purchase date",
      set: { "/hardware/purchaseDate": "unknown" },
      expect: "fail",
      evidence: { pointer: "/hardware/purchaseDate", actual: "unknown" },
    },
    {
      name: "unknown: no purchase date",
      set: { "/hardware/purchaseDate": undefined },
      expect: "fail",
      evidence: { pointer: "/hardware/purchaseDate" },
    },
    {
      name: "spare on the shelf",
      set: { "/lifecycle/status": "spare", "/hardware/purchaseDate": daysBefore(2000) },
      expect: "not-applicable",
    },
  ]);
});

describe("lcm-server-warranty", () => {
  machineCases("lcm-server-warranty", [
    { name: "700 days left", machine: compliantServer(), expect: "pass" },
    {
      name: "expired last month",
      machine: compliantServer(),
      set: { "/hardware/warrantyEnd": daysBefore(30) },
      expect: "fail",
      evidence: { pointer: "/hardware/warrantyEnd" },
    },
    {
      name: "20 days left when the town wants 60",
      machine: compliantServer(),
      set: { "/hardware/warrantyEnd": daysAfter(20) },
      params: { minDaysRemaining: 60 },
      expect: "fail",
    },
    {
      name: "unknown end date",
      machine: compliantServer(),
      set: { "/hardware/warrantyEnd": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not recorded",
      machine: compliantServer(),
      set: { "/hardware/warrantyEnd": undefined },
      expect: "fail",
    },
    { name: "workstation", expect: "not-applicable" },
  ]);
});

const PENDING = { "/lifecycle/status": "pending-disposal" };

describe("lcm-disposal-wipe-record", () => {
  machineCases("lcm-disposal-wipe-record", [
    {
      name: "purged with a certificate",
      set: {
        ...PENDING,
        "/lifecycle/disposal": {
          method: "purge",
          wipedAt: daysBefore(3),
          certificate: "CERT-2026-114",
        },
      },
      expect: "pass",
    },
    {
      name: "shredded",
      set: { ...PENDING, "/lifecycle/disposal": { method: "destroy", wipedAt: daysBefore(3) } },
      expect: "pass",
    },
    {
      name: "cleared only, leaving town control",
      set: { ...PENDING, "/lifecycle/disposal": { method: "clear", wipedAt: daysBefore(3) } },
      expect: "fail",
      evidence: { pointer: "/lifecycle/disposal/method", actual: "clear" },
    },
    {
      name: "cleared with the town accepting clear",
      set: { ...PENDING, "/lifecycle/disposal": { method: "clear", wipedAt: daysBefore(3) } },
      params: { methods: ["clear", "purge", "destroy"] },
      expect: "pass",
    },
    {
      name: "no wipe record",
      set: PENDING,
      expect: "fail",
      evidence: { pointer: "/lifecycle/disposal" },
    },
    {
      name: "wipe date missing",
      set: { ...PENDING, "/lifecycle/disposal": { method: "purge" } },
      expect: "fail",
    },
    {
      name: "unknown wipe record",
      set: { ...PENDING, "/lifecycle/disposal": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown wipe date",
      set: { ...PENDING, "/lifecycle/disposal": { method: "purge", wipedAt: "unknown" } },
      expect: "fail",
    },
    { name: "machine in service", expect: "not-applicable" },
  ]);
});

describe("lcm-disposed-not-reporting", () => {
  machineCases("lcm-disposed-not-reporting", [
    { name: "active machine", expect: "pass" },
    {
      name: "pending disposal, last inventory before the disposal date",
      set: { ...PENDING, "/lifecycle/disposedAt": daysAfter(5) },
      expect: "pass",
    },
    {
      name: "collected on the disposal day",
      set: { ...PENDING, "/lifecycle/disposedAt": daysBefore(1) },
      expect: "pass",
    },
    {
      name: "collected days after the disposal date",
      set: { ...PENDING, "/lifecycle/disposedAt": daysBefore(20) },
      expect: "fail",
      evidence: {
        pointer: "/collectedAt",
        actual: instantBefore(1),
        expected: new RegExp(daysBefore(20)),
      },
    },
    {
      name: "any config from a disposed machine",
      set: { "/lifecycle/status": "disposed", "/lifecycle/disposedAt": daysAfter(1) },
      expect: "fail",
      evidence: { pointer: "/lifecycle/status", actual: "disposed" },
    },
    {
      name: "unknown disposal date",
      set: { ...PENDING, "/lifecycle/disposedAt": "unknown" },
      expect: "fail",
      evidence: { pointer: "/lifecycle/disposedAt", actual: "unknown" },
    },
    {
      name: "unknown collection time after disposal",
      set: { ...PENDING, "/lifecycle/disposedAt": daysBefore(20), "/collectedAt": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("lcm-config-fresh", () => {
  machineCases("lcm-config-fresh", [
    { name: "collected yesterday", expect: "pass" },
    { name: "collected 29 days ago", set: { "/collectedAt": instantBefore(29) }, expect: "pass" },
    {
      name: "collected 31 days ago",
      set: { "/collectedAt": instantBefore(31) },
      expect: "fail",
      evidence: { pointer: "/collectedAt", actual: instantBefore(31) },
    },
    {
      name: "10 days with the town wanting weekly",
      set: { "/collectedAt": instantBefore(10) },
      params: { maxAgeDays: 7 },
      expect: "fail",
    },
    {
      name: "unknown collection time",
      set: { "/collectedAt": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "spare machine",
      machine: compliantMachine({ lifecycle: { status: "spare" } }),
      expect: "not-applicable",
    },
  ]);
});
