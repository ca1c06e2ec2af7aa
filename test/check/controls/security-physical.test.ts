import { machineCases } from "../../fixtures/control-cases.js";
import { compliantKiosk, compliantServer } from "../../fixtures/machine-factory.js";

describe("sec-server-physical-protection", () => {
  machineCases("sec-server-physical-protection", [
    { name: "server room on a UPS", machine: compliantServer(), expect: "pass" },
    {
      name: "under a desk",
      machine: compliantServer(),
      set: { "/hardware/location/securedRoom": false },
      expect: "fail",
      evidence: { pointer: "/hardware/location/securedRoom", actual: false },
    },
    {
      name: "no UPS",
      machine: compliantServer(),
      set: { "/hardware/location/ups": false },
      expect: "fail",
    },
    {
      name: "no location recorded",
      machine: compliantServer(),
      set: { "/hardware/location": undefined },
      expect: "fail",
    },
    {
      name: "unknown UPS",
      machine: compliantServer(),
      set: { "/hardware/location/ups": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "workstation", expect: "not-applicable" },
  ]);
});

describe("sec-kiosk-lockdown", () => {
  machineCases("sec-kiosk-lockdown", [
    { name: "Deep Freeze enforcing", machine: compliantKiosk(), expect: "pass" },
    {
      name: "Assigned Access",
      machine: compliantKiosk(),
      set: { "/security/kioskLockdown/agent": "Windows Assigned Access" },
      expect: "pass",
    },
    {
      name: "thawed",
      machine: compliantKiosk(),
      set: { "/security/kioskLockdown/enabled": false },
      expect: "fail",
      evidence: { pointer: "/security/kioskLockdown/enabled", actual: false },
    },
    {
      name: "no lockdown agent",
      machine: compliantKiosk(),
      set: { "/security/kioskLockdown": undefined },
      expect: "fail",
    },
    {
      name: "unknown agent",
      machine: compliantKiosk(),
      set: { "/security/kioskLockdown/agent": "unknown" },
      expect: "fail",
    },
    {
      name: "unknown enforcement",
      machine: compliantKiosk(),
      set: { "/security/kioskLockdown/enabled": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "staff workstation", expect: "not-applicable" },
  ]);
});
