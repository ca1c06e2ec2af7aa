import { expect } from "chai";
import { fleetCases } from "../../fixtures/control-cases.js";
import { evaluateFleetControlById } from "../../../src/check/evaluation/evaluate-one.js";
import {
  compliantKiosk,
  compliantLinuxServer,
  compliantMachine,
  compliantServer,
} from "../../fixtures/machine-factory.js";
import { assets } from "../../fixtures/registers.js";
import type { DisposalRegister } from "../../../src/check/input/disposals.js";

const ws = compliantMachine();
const server = compliantServer();
const kiosk = compliantKiosk();
const REGISTER = assets(
  { assetTag: "MB-01001", serialNumber: "5CG3301XYZ", hostname: "th-clerk-ws-01" },
  { assetTag: "MB-01002", serialNumber: "J8K2LM3", hostname: "th-fs-01" },
  { assetTag: "MB-01003", serialNumber: "PF4KX2QZ", hostname: "lib-kiosk-01", site: "library" },
);

describe("lcm-asset-registered", () => {
  fleetCases("lcm-asset-registered", [
    {
      name: "every machine registered",
      machines: [ws, server, kiosk],
      data: { assets: REGISTER },
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "found by serial number when the tag differs in case or is missing",
      machines: [
        compliantMachine({ assetTag: "mb-01001" }),
        compliantServer({ assetTag: "unknown" }),
      ],
      data: { assets: REGISTER },
      expect: ["pass", "pass"],
    },
    {
      name: "a machine the register does not know",
      machines: [ws, compliantLinuxServer()],
      data: { assets: REGISTER },
      expect: ["pass", "fail"],
      evidence: { 1: { pointer: "/assetTag", actual: "MB-01004", expected: /assets\.csv/ } },
    },
    {
      name: "a spare that reports is checked too",
      machines: [compliantLinuxServer({ lifecycle: { status: "spare" } })],
      data: { assets: REGISTER },
      expect: ["fail"],
    },
    {
      name: "unknown tag and serial",
      machines: [compliantMachine({ assetTag: "unknown", serialNumber: "unknown" })],
      data: { assets: REGISTER },
      expect: ["fail"],
      evidence: { 0: { pointer: "/assetTag", actual: "unknown" } },
    },
    {
      // A placeholder identifies no machine: matching by it would pass a machine the register
      // does not know, as whichever asset carried the same placeholder.
      name: "a firmware placeholder serial finds no asset",
      machines: [
        compliantMachine({ assetTag: "unknown", serialNumber: "To Be Filled By O.E.M." }),
        compliantServer({ assetTag: "MB-00999", serialNumber: "Default string" }),
      ],
      data: {
        assets: assets(
          { assetTag: "MB-00950", serialNumber: "To be filled by O.E.M." },
          { assetTag: "MB-00951", serialNumber: "DEFAULT STRING" },
        ),
      },
      expect: ["fail", "fail"],
      evidence: {
        0: {
          pointer: "/assetTag",
          actual: "unknown",
          expected: /a serial number other than a firmware placeholder/,
        },
        1: { pointer: "/assetTag", actual: "MB-00999" },
      },
    },
    {
      // Not one of the eight literals the list started with: a string of zeros of any length.
      name: "a string of zeros finds no asset either",
      machines: [
        compliantMachine({ assetTag: "unknown", serialNumber: "0000000000" }),
        compliantServer({ assetTag: "unknown", serialNumber: " Chassis Serial Number " }),
      ],
      data: {
        assets: assets(
          { assetTag: "MB-00950", serialNumber: "0000000000" },
          { assetTag: "MB-00951", serialNumber: "chassis serial number" },
        ),
      },
      expect: ["fail", "fail"],
    },
    {
      name: "placeholders the town adds",
      machines: [compliantMachine({ assetTag: "unknown", serialNumber: "CHASSIS-1" })],
      data: { assets: assets({ assetTag: "MB-00950", serialNumber: "chassis-1" }) },
      params: { placeholderSerials: ["Chassis-1"] },
      expect: ["fail"],
    },
    {
      name: "a pattern the town adds, between slashes",
      machines: [
        compliantMachine({ assetTag: "unknown", serialNumber: "sn-00042" }),
        compliantServer({ assetTag: "unknown" }),
      ],
      data: {
        assets: assets(
          { assetTag: "MB-00950", serialNumber: "SN-00042" },
          { assetTag: "MB-01002", serialNumber: "J8K2LM3" },
        ),
      },
      params: { placeholderSerials: ["/^SN-0+42$/"] },
      expect: ["fail", "pass"],
    },
    { name: "no asset register given", machines: [ws], expect: ["not-applicable"] },
  ]);
});

describe("lcm-asset-reported", () => {
  fleetCases("lcm-asset-reported", [
    {
      name: "every in-service asset reports",
      machines: [ws, server, kiosk],
      data: { assets: REGISTER },
      expect: ["pass", "pass", "pass"],
      unreported: [],
    },
    {
      name: "the kiosk never reported",
      machines: [ws, server],
      data: { assets: REGISTER },
      expect: ["pass", "pass"],
      unreported: ["MB-01003"],
    },
    {
      name: "spare, lost and disposed assets are not expected",
      machines: [ws],
      data: {
        assets: assets(
          { assetTag: "MB-01001", serialNumber: "5CG3301XYZ" },
          { assetTag: "MB-00900", serialNumber: "S1", status: "spare" },
          { assetTag: "MB-00901", serialNumber: "S2", status: "lost" },
          { assetTag: "MB-00902", serialNumber: "S3", status: "disposed" },
        ),
      },
      expect: ["pass"],
      unreported: [],
    },
    {
      name: "spares expected when the town says so",
      machines: [ws],
      data: { assets: assets({ assetTag: "MB-00900", serialNumber: "S1", status: "spare" }) },
      params: { expectedStatuses: ["in-service", "spare"] },
      expect: ["pass"],
      unreported: ["MB-00900"],
    },
    {
      name: "unknown tag and serial cannot account for an asset",
      machines: [compliantMachine({ assetTag: "unknown", serialNumber: "unknown" })],
      data: { assets: assets({ assetTag: "MB-01001", serialNumber: "5CG3301XYZ" }) },
      expect: ["pass"],
      unreported: ["MB-01001"],
    },
    {
      name: "a machine with a placeholder serial accounts for no asset",
      machines: [compliantMachine({ assetTag: "unknown", serialNumber: "0123456789" })],
      data: { assets: assets({ assetTag: "MB-00950", serialNumber: "0123456789" }) },
      expect: ["pass"],
      unreported: ["MB-00950"],
    },
    {
      // A serial listed again for a replacement: the expected row is the one the machine is.
      name: "a serial on a disposed row and then on an in-service row accounts for the in-service one",
      machines: [compliantMachine({ assetTag: "unknown", serialNumber: "CZC7210QRS" })],
      data: {
        assets: assets(
          { assetTag: "MB-00800", serialNumber: "CZC7210QRS", status: "disposed" },
          { assetTag: "MB-00801", serialNumber: "czc7210qrs" },
        ),
      },
      expect: ["pass"],
      unreported: [],
    },
    {
      name: "unknown: no register, nothing concluded",
      machines: [ws],
      expect: ["not-applicable"],
      unreported: [],
    },
    {
      name: "each unreported asset says where it is in the register",
      machines: [],
      data: { assets: REGISTER },
      expect: [],
      unreported: ["MB-01001", "MB-01002", "MB-01003"],
      unreportedEvidence: {
        pointer: "",
        actual: "no machine config",
        expected: /^a config from in-service asset MB-01001 \(assets\.csv line 2\)$/,
      },
    },
  ]);
});

describe("lcm-unique-serial", () => {
  fleetCases("lcm-unique-serial", [
    { name: "distinct serials", machines: [ws, server, kiosk], expect: ["pass", "pass", "pass"] },
    {
      name: "a cloned config",
      machines: [
        ws,
        server,
        compliantMachine({
          hostname: "th-clerk-ws-02",
          assetTag: "MB-01009",
          serialNumber: "5cg3301xyz ",
        }),
      ],
      expect: ["fail", "pass", "fail"],
      evidence: {
        0: {
          pointer: "/serialNumber",
          actual: "5CG3301XYZ",
          expected: /also reported by th-clerk-ws-02 \(asset MB-01009\)$/,
        },
        2: { expected: /also reported by th-clerk-ws-01 \(asset MB-01001\)$/ },
      },
    },
    {
      name: "a serial shared by fifteen machines names ten others and counts the rest",
      machines: Array.from({ length: 15 }, (_, i) =>
        compliantMachine({
          hostname: `th-clerk-ws-${String(i + 10).padStart(2, "0")}`,
          assetTag: `MB-0${1100 + i}`,
          serialNumber: "SHARED0001",
        }),
      ),
      expect: Array.from({ length: 15 }, () => "fail" as const),
      evidence: {
        0: {
          expected:
            /also reported by th-clerk-ws-11 \(asset MB-01101\), .*th-clerk-ws-20 \(asset MB-01110\) and 4 more$/,
        },
        14: { expected: /also reported by th-clerk-ws-10 \(asset MB-01100\), .* and 4 more$/ },
      },
    },
    {
      name: "firmware placeholder",
      machines: [compliantMachine({ serialNumber: "To Be Filled By O.E.M." })],
      expect: ["fail"],
      evidence: { 0: { pointer: "/serialNumber", actual: "To Be Filled By O.E.M." } },
    },
    {
      name: "strings of zeros are placeholders, not duplicates of each other",
      machines: [
        compliantMachine({ serialNumber: "00000000" }),
        compliantServer({ serialNumber: "000000000000" }),
      ],
      expect: ["fail", "fail"],
      evidence: {
        0: { actual: "00000000", expected: /not unknown or a firmware placeholder/ },
        1: { actual: "000000000000", expected: /not unknown or a firmware placeholder/ },
      },
    },
    {
      name: "unknown serials are not duplicates of each other, and fail",
      machines: [
        compliantMachine({ serialNumber: "unknown" }),
        compliantServer({ serialNumber: "unknown" }),
      ],
      expect: ["fail", "fail"],
      evidence: { 0: { actual: "unknown", expected: /serial number/ } },
    },
  ]);
});

describe("lcm-unique-hostname", () => {
  fleetCases("lcm-unique-hostname", [
    {
      name: "distinct host names",
      machines: [ws, server, kiosk],
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "same name in different case",
      machines: [ws, compliantServer({ hostname: "TH-CLERK-WS-01" })],
      expect: ["fail", "fail"],
      evidence: {
        0: {
          pointer: "/hostname",
          actual: "th-clerk-ws-01",
          expected: /TH-CLERK-WS-01 \(asset MB-01002\)/,
        },
      },
    },
    {
      name: "three machines share a name",
      machines: [
        ws,
        compliantServer({ hostname: ws.hostname }),
        compliantKiosk({ hostname: ws.hostname, assetTag: "unknown" }),
      ],
      expect: ["fail", "fail", "fail"],
      evidence: {
        0: {
          expected:
            /also reported by th-clerk-ws-01 \(asset MB-01002\), th-clerk-ws-01 \(serial PF4KX2QZ\)$/,
        },
      },
    },
    {
      name: "unknown host name",
      machines: [compliantMachine({ hostname: "unknown" }), server],
      expect: ["fail", "pass"],
      evidence: { 0: { pointer: "/hostname", actual: "unknown" } },
    },
  ]);
});

describe("lcm-unique-ip", () => {
  fleetCases("lcm-unique-ip", [
    { name: "distinct addresses", machines: [ws, server, kiosk], expect: ["pass", "pass", "pass"] },
    {
      name: "address conflict on the second interface",
      machines: [ws, compliantServer({ ipAddresses: ["10.20.1.10", "10.20.10.21"] })],
      expect: ["fail", "fail"],
      evidence: {
        1: { pointer: "/ipAddresses/1", actual: "10.20.10.21", expected: /th-clerk-ws-01/ },
      },
    },
    {
      name: "IPv6 compared case-insensitively",
      machines: [
        compliantMachine({ ipAddresses: ["2001:db8::a"] }),
        compliantServer({ ipAddresses: ["2001:DB8::A"] }),
      ],
      expect: ["fail", "fail"],
    },
    {
      name: "IPv6 compared as addresses: compressed and full forms are one address",
      machines: [
        compliantMachine({ ipAddresses: ["2001:db8:60::10"] }),
        compliantServer({ ipAddresses: ["2001:0db8:0060:0000:0000:0000:0000:0010"] }),
      ],
      expect: ["fail", "fail"],
      evidence: { 1: { actual: "2001:0db8:0060:0000:0000:0000:0000:0010" } },
    },
    {
      name: "an IPv4-mapped IPv6 address is its IPv4 address",
      machines: [
        compliantMachine({ ipAddresses: ["10.20.9.9"] }),
        compliantServer({ ipAddresses: ["::ffff:10.20.9.9"] }),
      ],
      expect: ["fail", "fail"],
    },
    {
      name: "self-assigned addresses are ignored",
      machines: [
        compliantMachine({ ipAddresses: ["169.254.10.1", "fe80::1"] }),
        compliantServer({ ipAddresses: ["169.254.10.1", "fe80::1"] }),
      ],
      expect: ["pass", "pass"],
    },
    {
      name: "the same private address in two buildings, per site",
      machines: [
        compliantMachine({ ipAddresses: ["192.168.1.10"] }),
        compliantKiosk({ ipAddresses: ["192.168.1.10"] }),
      ],
      params: { perSite: true },
      expect: ["pass", "pass"],
    },
    {
      name: "the same private address in two buildings, fleet-wide",
      machines: [
        compliantMachine({ ipAddresses: ["192.168.1.10"] }),
        compliantKiosk({ ipAddresses: ["192.168.1.10"] }),
      ],
      expect: ["fail", "fail"],
    },
    {
      name: "unknown addresses",
      machines: [compliantMachine({ ipAddresses: "unknown" }), server],
      expect: ["fail", "pass"],
      evidence: { 0: { pointer: "/ipAddresses", actual: "unknown" } },
    },
  ]);
});

describe("lcm-unique-ip: a machine with several shared addresses", () => {
  it("lists its findings in the order of its addresses, whatever order the others came in", async () => {
    // The second address clashes first (with the second machine), the first one later.
    const { results } = await evaluateFleetControlById("lcm-unique-ip", [
      compliantMachine({ hostname: "a", ipAddresses: ["10.0.0.1", "10.0.0.2"] }),
      compliantServer({ hostname: "b", ipAddresses: ["10.0.0.2"] }),
      compliantKiosk({ hostname: "c", ipAddresses: ["10.0.0.1", "10.0.0.2"] }),
    ]);
    const findings = results.map((r) =>
      r.status === "fail" ? r.evidence.map((e) => `${e.pointer} ${e.expected}`) : [],
    );
    const shared = (others: string) =>
      `an IP address no other machine reports; also reported by ${others}`;
    expect(findings).to.deep.equal([
      [
        `/ipAddresses/0 ${shared("c (asset MB-01003)")}`,
        `/ipAddresses/1 ${shared("b (asset MB-01002), c (asset MB-01003)")}`,
      ],
      [`/ipAddresses/0 ${shared("a (asset MB-01001), c (asset MB-01003)")}`],
      [
        `/ipAddresses/0 ${shared("a (asset MB-01001)")}`,
        `/ipAddresses/1 ${shared("a (asset MB-01001), b (asset MB-01002)")}`,
      ],
    ]);
  });
});

describe("lcm-unique-mac", () => {
  fleetCases("lcm-unique-mac", [
    { name: "distinct MACs", machines: [ws, server, kiosk], expect: ["pass", "pass", "pass"] },
    {
      name: "cloned VM, written with dashes on one side",
      machines: [ws, compliantLinuxServer({ macAddresses: ["3c-52-82-10-aa-01"] })],
      expect: ["fail", "fail"],
      evidence: {
        1: {
          pointer: "/macAddresses/0",
          actual: "3c-52-82-10-aa-01",
          expected: /th-clerk-ws-01 \(asset MB-01001\)/,
        },
      },
    },
    {
      name: "the AnyConnect virtual adapter every machine has",
      machines: [
        compliantMachine({ macAddresses: ["3C:52:82:10:AA:01", "00:05:9A:3C:7A:00"] }),
        compliantServer({ macAddresses: ["00:05:9A:3C:7A:00"] }),
      ],
      expect: ["pass", "pass"],
    },
    {
      name: "unknown MACs",
      machines: [compliantMachine({ macAddresses: "unknown" })],
      expect: ["fail"],
      evidence: { 0: { pointer: "/macAddresses", actual: "unknown" } },
    },
  ]);
});

describe("lcm-disposed-wipe-recorded", () => {
  const disposals = (
    ...records: { assetTag: string; method: "clear" | "purge" | "destroy" }[]
  ): DisposalRegister => ({
    file: "disposals.csv",
    records: records.map((r, i) => ({
      wipedAt: "2026-08-14",
      performedBy: "IT Coordinator",
      witness: "Town Clerk",
      certificate: "ERI certificate 2026-117",
      certificateSha256: "",
      line: i + 2,
      ...r,
    })),
  });
  const DISPOSED = assets(
    { assetTag: "MB-01001", serialNumber: "5CG3301XYZ", hostname: "th-clerk-ws-01" },
    {
      assetTag: "MB-00013",
      serialNumber: "PFNR90B9",
      hostname: "lib-staff-04",
      status: "disposed",
    },
  );
  const gone = compliantMachine({ lifecycle: { status: "disposed", disposedAt: "2026-08-14" } });

  fleetCases("lcm-disposed-wipe-recorded", [
    {
      name: "a disposed register asset with a purge record, and an active machine",
      machines: [ws],
      data: { assets: DISPOSED, disposals: disposals({ assetTag: "mb-00013", method: "purge" }) },
      expect: ["pass"],
      unreported: [],
    },
    {
      name: "a disposed register asset with no wipe record",
      machines: [ws],
      data: { assets: DISPOSED, disposals: disposals() },
      expect: ["pass"],
      unreported: ["MB-00013"],
      unreportedEvidence: {
        pointer: "",
        actual: "MB-00013",
        expected: /a wipe record for MB-00013 in disposals\.csv \(Disposed in assets\.csv line 3\)/,
      },
    },
    {
      name: "a disposed register asset wiped only with clear",
      machines: [],
      data: { assets: DISPOSED, disposals: disposals({ assetTag: "MB-00013", method: "clear" }) },
      expect: [],
      unreported: ["MB-00013"],
      unreportedEvidence: {
        actual: "clear on 2026-08-14 (disposals.csv line 2)",
        expected: /one of purge, destroy/,
      },
    },
    {
      name: "clear accepted when the overlay lists it",
      machines: [],
      params: { methods: ["clear", "purge", "destroy"] },
      data: { assets: DISPOSED, disposals: disposals({ assetTag: "MB-00013", method: "clear" }) },
      expect: [],
      unreported: [],
    },
    {
      name: "a machine config marked disposed, not in the register as disposed, without a record",
      machines: [gone],
      data: { assets: DISPOSED, disposals: disposals({ assetTag: "MB-00013", method: "destroy" }) },
      expect: ["fail"],
      evidence: {
        0: { pointer: "/assetTag", actual: "MB-01001", expected: /lifecycle\.status disposed/ },
      },
    },
    {
      name: "a serial on an in-service row and then on a disposed row: the disposed one still reports",
      machines: [compliantMachine({ assetTag: "unknown", serialNumber: "CZC7210QRS" })],
      data: {
        assets: assets(
          { assetTag: "MB-00801", serialNumber: "CZC7210QRS" },
          { assetTag: "MB-00800", serialNumber: "CZC7210QRS", status: "disposed" },
        ),
        disposals: disposals(),
      },
      expect: ["fail"],
      evidence: {
        0: { pointer: "/assetTag", actual: "MB-00800", expected: /Disposed in assets\.csv line 3/ },
      },
      unreported: [],
    },
    {
      name: "a disposed asset that still reports, with its record",
      machines: [compliantMachine({ assetTag: "MB-00013", serialNumber: "PFNR90B9" })],
      data: { assets: DISPOSED, disposals: disposals({ assetTag: "MB-00013", method: "destroy" }) },
      expect: ["pass"],
      unreported: [],
    },
    {
      name: "unknown asset tag on a machine marked disposed: no record can be found",
      machines: [
        compliantMachine({
          assetTag: "unknown",
          serialNumber: "unknown",
          lifecycle: { status: "disposed" },
        }),
      ],
      data: { assets: DISPOSED, disposals: disposals({ assetTag: "MB-00013", method: "purge" }) },
      expect: ["fail"],
      evidence: { 0: { pointer: "/assetTag", actual: "unknown" } },
    },
    {
      name: "no disposal register given",
      machines: [ws],
      data: { assets: DISPOSED },
      expect: ["not-applicable"],
    },
  ]);
});
