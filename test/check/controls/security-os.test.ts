import { machineCases, type MachineCase } from "../../fixtures/control-cases.js";
import {
  compliantLinuxServer,
  compliantMachine,
  daysBefore,
} from "../../fixtures/machine-factory.js";
import type { MachineConfig } from "../../../src/machine-config/schema.js";

describe("sec-os-patches-current", () => {
  machineCases("sec-os-patches-current", [
    { name: "patched 6 days ago", expect: "pass" },
    { name: "patched 29 days ago", set: { "/os/lastPatchDate": daysBefore(29) }, expect: "pass" },
    {
      name: "patched 45 days ago",
      set: { "/os/lastPatchDate": daysBefore(45) },
      expect: "fail",
      evidence: { pointer: "/os/lastPatchDate", actual: daysBefore(45) },
    },
    {
      name: "45 days with the town allowing 60",
      set: { "/os/lastPatchDate": daysBefore(45) },
      params: { maxAgeDays: 60 },
      expect: "pass",
    },
    {
      name: "network device 90 days behind",
      set: { "/role": "network-device", "/os/lastPatchDate": daysBefore(90) },
      expect: "fail",
    },
    {
      name: "unknown patch date",
      set: { "/os/lastPatchDate": "unknown" },
      expect: "fail",
      evidence: { pointer: "/os/lastPatchDate", actual: "unknown" },
    },
    { name: "unknown: never reported", set: { "/os/lastPatchDate": undefined }, expect: "fail" },
  ]);
});

/** A workstation running the given OS. */
const running = (os: Partial<MachineConfig["os"]>): MachineConfig =>
  compliantMachine({ os: { build: undefined, edition: undefined, ...os } });

const supported = (name: string, os: Partial<MachineConfig["os"]>): MachineCase => ({
  name,
  machine: running(os),
  expect: "pass",
});
const unsupported = (
  name: string,
  os: Partial<MachineConfig["os"]>,
  ended: RegExp,
): MachineCase => ({
  name,
  machine: running(os),
  expect: "fail",
  evidence: { pointer: "/os", expected: ended },
});

describe("sec-os-supported", () => {
  machineCases("sec-os-supported", [
    { name: "Windows 11 Enterprise 24H2", expect: "pass" },
    supported("Windows 11 Enterprise 24H2 reported by build", {
      name: "Windows 11 Enterprise",
      version: "10.0.26100.4349",
    }),
    supported("Windows 11 Pro 25H2, edition in the name only", {
      name: "Windows 11 Pro",
      version: "25H2",
    }),
    supported("Windows 11 Education 24H2 (36 months, unlike Pro)", {
      name: "Windows 11 Education",
      version: "24H2",
      edition: "Education",
    }),
    supported("Windows 11 IoT Enterprise LTSC 2024", {
      name: "Windows 11 IoT Enterprise LTSC",
      version: "24H2",
      edition: "IoT Enterprise LTSC",
    }),
    supported("Windows 10 Enterprise LTSC 2021", {
      name: "Windows 10 Enterprise LTSC",
      version: "21H2",
      edition: "Enterprise LTSC",
    }),
    supported("Windows Server 2022 Standard", {
      name: "Windows Server 2022 Standard",
      version: "21H2",
    }),
    supported("Windows Server 2016 until January 2027", {
      name: "Windows Server 2016 Standard",
      version: "1607",
    }),
    supported("Ubuntu 24.04 LTS", { family: "linux", name: "Ubuntu", version: "24.04.3 LTS" }),
    supported("Ubuntu 22.04", { family: "linux", name: "Ubuntu", version: "22.04" }),
    supported("RHEL 9.4", { family: "linux", name: "Red Hat Enterprise Linux", version: "9.4" }),
    supported("RHEL 8.10", { family: "linux", name: "Red Hat Enterprise Linux", version: "8.10" }),
    supported("Debian 12 (LTS)", { family: "linux", name: "Debian GNU/Linux", version: "12.8" }),
    supported("macOS 15 Sequoia", { family: "macos", name: "macOS", version: "15.7.2" }),
    supported("macOS 26 Tahoe", { family: "macos", name: "macOS", version: "26.1" }),
    supported("FortiOS 7.4 on a firewall", { family: "linux", name: "FortiOS", version: "7.4.9" }),
    unsupported(
      "FortiOS 7.0",
      { family: "linux", name: "FortiOS", version: "7.0.17" },
      /2025-09-30/,
    ),
    unsupported(
      "Windows 11 Pro 24H2 (24 months, ended 2026-10-13)",
      { name: "Windows 11 Pro", version: "24H2", edition: "Pro" },
      /2026-10-13/,
    ),
    unsupported(
      "Windows 11 Pro Education 24H2 is a Home/Pro edition",
      { name: "Windows 11 Pro Education", version: "24H2", edition: "Pro Education" },
      /2026-10-13/,
    ),
    unsupported(
      "Windows 11 Enterprise 23H2 (ended 2026-11-10)",
      { name: "Windows 11 Enterprise", version: "23H2", edition: "Enterprise" },
      /2026-11-10/,
    ),
    unsupported(
      "Windows 10 Pro 22H2",
      { name: "Windows 10 Pro", version: "22H2", edition: "Pro" },
      /2025-10-14/,
    ),
    unsupported(
      "Windows 10 Enterprise 22H2",
      { name: "Windows 10 Enterprise", version: "10.0.19045.6456", edition: "Enterprise" },
      /2025-10-14/,
    ),
    unsupported(
      "Windows Server 2012 R2",
      { name: "Windows Server 2012 R2 Standard", version: "6.3.9600" },
      /2023-10-10/,
    ),
    unsupported(
      "Ubuntu 20.04",
      { family: "linux", name: "Ubuntu", version: "20.04.6 LTS" },
      /2025-05-31/,
    ),
    unsupported(
      "Ubuntu 18.04",
      { family: "linux", name: "Ubuntu", version: "18.04" },
      /2023-05-31/,
    ),
    unsupported(
      "RHEL 7.9",
      { family: "linux", name: "Red Hat Enterprise Linux", version: "7.9" },
      /2024-06-30/,
    ),
    unsupported(
      "Debian 11 (LTS ended 2026-08-31)",
      { family: "linux", name: "Debian GNU/Linux", version: "11.11" },
      /2026-08-31/,
    ),
    unsupported(
      "macOS 13 Ventura",
      { family: "macos", name: "macOS", version: "13.7.8" },
      /2025-09-15/,
    ),
    unsupported(
      "macOS 14 Sonoma",
      { family: "macos", name: "macOS", version: "14.8.2" },
      /2026-09-15/,
    ),
    {
      name: "Windows 7 is not in the table",
      machine: running({ name: "Windows 7 Professional", version: "6.1.7601" }),
      expect: "fail",
      evidence: {
        pointer: "/os",
        actual: "Windows 7 Professional 6.1.7601",
        expected: /end-of-life table/,
      },
    },
    {
      name: "Windows 11 with no edition cannot be placed",
      machine: running({ name: "Windows 11", version: "24H2" }),
      expect: "fail",
      evidence: { expected: /end-of-life table/ },
    },
    {
      name: "Ubuntu on the macOS family does not match",
      machine: running({ family: "macos", name: "Ubuntu", version: "24.04" }),
      expect: "fail",
    },
    {
      name: "Windows 11 Pro 24H2 on the last day of support",
      machine: running({ name: "Windows 11 Pro", version: "24H2" }),
      at: new Date("2026-10-13T18:00:00Z"),
      expect: "pass",
    },
    {
      name: "a release the town added to the table",
      machine: running({ family: "linux", name: "Rocky Linux", version: "9.5" }),
      data: {
        osLifecycle: {
          releases: [
            {
              family: "linux",
              name: "^Rocky Linux$",
              version: "^9(\\.\\d+)*$",
              endOfSupport: "2032-05-31",
            },
          ],
        },
      },
      expect: "pass",
    },
    {
      name: "unknown version",
      machine: running({ version: "unknown" }),
      expect: "fail",
      evidence: { pointer: "/os", actual: "unknown" },
    },
    {
      name: "unknown OS name",
      machine: compliantLinuxServer({ os: { name: "unknown" } }),
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});
