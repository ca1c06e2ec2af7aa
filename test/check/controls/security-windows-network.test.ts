import { machineCases } from "../../fixtures/control-cases.js";
import { compliantLinuxServer, compliantServer } from "../../fixtures/machine-factory.js";

describe("sec-firewall-default-inbound-block", () => {
  machineCases("sec-firewall-default-inbound-block", [
    { name: "all three profiles block", expect: "pass" },
    {
      name: "public profile allows",
      set: { "/security/firewallDefaultInbound/public": "allow" },
      expect: "fail",
      evidence: { pointer: "/security/firewallDefaultInbound/public", actual: "allow" },
    },
    {
      name: "no profile reported",
      set: { "/security/firewallDefaultInbound": {} },
      expect: "fail",
    },
    {
      name: "unknown profile action",
      set: { "/security/firewallDefaultInbound/domain": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/firewallDefaultInbound/domain", actual: "unknown" },
    },
    {
      name: "unknown firewall",
      set: { "/security/firewallDefaultInbound": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      set: { "/security/firewallDefaultInbound": undefined },
      expect: "fail",
    },
    { name: "Linux server", machine: compliantLinuxServer(), expect: "not-applicable" },
  ]);
});

describe("sec-rdp-nla-required", () => {
  machineCases("sec-rdp-nla-required", [
    { name: "Remote Desktop off", expect: "pass" },
    {
      name: "server with Remote Desktop and NLA",
      machine: compliantServer({
        security: { remoteDesktop: { enabled: true, networkLevelAuthentication: true } },
      }),
      expect: "pass",
    },
    {
      name: "Remote Desktop off, NLA unknown",
      set: { "/security/remoteDesktop/networkLevelAuthentication": "unknown" },
      expect: "pass",
    },
    {
      name: "Remote Desktop on without NLA",
      set: {
        "/security/remoteDesktop/enabled": true,
        "/security/remoteDesktop/networkLevelAuthentication": false,
      },
      expect: "fail",
      evidence: { pointer: "/security/remoteDesktop/networkLevelAuthentication", actual: false },
    },
    {
      name: "unknown whether Remote Desktop is on, NLA off",
      set: {
        "/security/remoteDesktop/enabled": "unknown",
        "/security/remoteDesktop/networkLevelAuthentication": false,
      },
      expect: "fail",
    },
    {
      name: "unknown NLA with Remote Desktop on",
      set: {
        "/security/remoteDesktop/enabled": true,
        "/security/remoteDesktop/networkLevelAuthentication": "unknown",
      },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown Remote Desktop",
      set: { "/security/remoteDesktop": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      set: { "/security/remoteDesktop": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-smb-signing-required", () => {
  machineCases("sec-smb-signing-required", [
    { name: "server and client require signing", expect: "pass" },
    {
      name: "server does not require signing",
      set: { "/security/smbSigning/server": false },
      expect: "fail",
      evidence: { pointer: "/security/smbSigning/server", actual: false },
    },
    {
      name: "client does not require signing",
      set: { "/security/smbSigning/client": false },
      expect: "fail",
      evidence: { pointer: "/security/smbSigning/client", actual: false },
    },
    {
      name: "unknown client setting",
      set: { "/security/smbSigning/client": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown signing",
      set: { "/security/smbSigning": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "unknown: not reported", set: { "/security/smbSigning": undefined }, expect: "fail" },
  ]);
});
