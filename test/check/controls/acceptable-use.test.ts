import { fleetCases, machineCases } from "../../fixtures/control-cases.js";
import { compliantMachine, compliantServer, daysBefore } from "../../fixtures/machine-factory.js";
import { licenses } from "../../fixtures/registers.js";
import type { MachineConfig } from "../../../src/machine-config/schema.js";

/** The compliant workstation with one more installed title, at /software/4. */
const installing = (name: string, publisher?: string) => ({
  "/software/4": publisher === undefined ? { name } : { name, publisher },
});

describe("aup-prohibited-software", () => {
  machineCases("aup-prohibited-software", [
    { name: "office software only", expect: "pass" },
    { name: "nothing installed", set: { "/software": [] }, expect: "pass" },
    {
      name: "µTorrent",
      set: installing("µTorrent"),
      expect: "fail",
      evidence: { pointer: "/software/4", actual: "µTorrent", expected: /peer-to-peer/ },
    },
    { name: "qBittorrent, lower case on Linux", set: installing("qbittorrent"), expect: "fail" },
    { name: "BitTorrent", set: installing("BitTorrent"), expect: "fail" },
    {
      name: "XMRig",
      set: installing("XMRig"),
      expect: "fail",
      evidence: { expected: /cryptocurrency miner/ },
    },
    { name: "NiceHash Miner", set: installing("NiceHash Miner"), expect: "fail" },
    {
      name: "AnyDesk",
      set: installing("AnyDesk", "philandro Software GmbH"),
      expect: "fail",
      evidence: { actual: "AnyDesk (philandro Software GmbH)", expected: /remote-access/ },
    },
    { name: "TeamViewer, not approved", set: installing("TeamViewer"), expect: "fail" },
    {
      name: "TeamViewer Host approved by the town",
      set: installing("TeamViewer Host"),
      params: { approved: ["^TeamViewer Host$"] },
      expect: "pass",
    },
    {
      name: "Steam",
      set: installing("Steam", "Valve Corporation"),
      expect: "fail",
      evidence: { expected: /game/ },
    },
    {
      name: "a Valve game, by publisher",
      set: installing("Counter-Strike 2", "Valve"),
      expect: "fail",
    },
    { name: "Epic Games Launcher", set: installing("Epic Games Launcher"), expect: "fail" },
    {
      name: "a word inside another name is not a match",
      set: installing("Steam Cleaner Service Manager"),
      expect: "pass",
    },
    {
      name: "a pattern the town added",
      set: installing("Honey Browser Extension"),
      params: { prohibited: [{ category: "other", name: "^Honey\\b" }] },
      expect: "fail",
      evidence: { expected: /town policy/ },
    },
    {
      // A Windows entry may carry an empty Publisher value; a title without one is another title.
      name: "a publisher pattern matching the empty publisher, not the missing one",
      set: {
        ...installing("Kiosk Helper"),
        "/software/5": { name: "Kiosk Helper", publisher: "" },
      },
      params: { prohibited: [{ category: "other", publisher: "^$" }] },
      expect: "fail",
      evidence: { pointer: "/software/5", actual: "Kiosk Helper ()" },
    },
    {
      name: "two prohibited titles, two pieces of evidence",
      set: { ...installing("XMRig"), "/software/5": { name: "uTorrent" } },
      expect: "fail",
      evidence: { pointer: "/software/5" },
    },
    {
      name: "unknown inventory",
      set: { "/software": "unknown" },
      expect: "fail",
      evidence: { pointer: "/software", actual: "unknown" },
    },
    { name: "unknown: no inventory reported", set: { "/software": undefined }, expect: "fail" },
    { name: "network device", set: { "/role": "network-device" }, expect: "not-applicable" },
  ]);
});

const withSoftware = (hostname: string, ...names: string[]): MachineConfig =>
  compliantMachine({ hostname, software: names.map((name) => ({ name })) });

const M365 = licenses({ product: "Microsoft 365 Apps", seats: 40 });

describe("aup-commercial-software-licensed", () => {
  fleetCases("aup-commercial-software-licensed", [
    {
      name: "Microsoft 365 Apps licensed",
      machines: [compliantMachine()],
      data: { licenses: M365 },
      expect: ["pass"],
    },
    {
      name: "only free titles",
      machines: [
        withSoftware("a", "Google Chrome", "7-Zip 24.09 (x64)", "Adobe Acrobat Reader DC"),
      ],
      data: { licenses: M365 },
      expect: ["pass"],
    },
    {
      name: "AutoCAD with no license",
      machines: [withSoftware("a", "Google Chrome", "AutoCAD 2024 - English"), compliantMachine()],
      data: { licenses: M365 },
      expect: ["fail", "pass"],
      evidence: {
        0: {
          pointer: "/software/1",
          actual: "AutoCAD 2024 - English",
          expected: /AutoCAD in licenses\.csv/,
        },
      },
    },
    {
      name: "license matched case-insensitively",
      machines: [withSoftware("a", "ArcGIS Pro")],
      data: { licenses: licenses({ product: "arcgis pro", seats: 1 }) },
      expect: ["pass"],
    },
    {
      name: "expired subscription",
      machines: [withSoftware("a", "Adobe Acrobat (64-bit)")],
      data: {
        licenses: licenses({ product: "Adobe Acrobat Pro", seats: 5, expires: daysBefore(10) }),
      },
      expect: ["fail"],
      evidence: { 0: { expected: /licenses\.csv line 2 expired/ } },
    },
    {
      name: "a title bought in 600 lots, all expired: the first lines named, the rest counted",
      machines: [withSoftware("a", "Adobe Acrobat (64-bit)")],
      data: {
        licenses: licenses(
          ...Array.from({ length: 600 }, () => ({
            product: "Adobe Acrobat Pro",
            seats: 1,
            expires: daysBefore(10),
          })),
        ),
      },
      expect: ["fail"],
      evidence: { 0: { expected: /licenses\.csv lines 2, 3, 4, 5, 6 and 595 more expired$/ } },
    },
    {
      name: "renewed subscription next to the expired one",
      machines: [withSoftware("a", "Adobe Acrobat (64-bit)")],
      data: {
        licenses: licenses(
          { product: "Adobe Acrobat Pro", seats: 5, expires: daysBefore(10) },
          { product: "Adobe Acrobat Pro", seats: 5, expires: "2027-11-30" },
        ),
      },
      expect: ["pass"],
    },
    {
      name: "unknown inventory",
      machines: [compliantMachine({ software: "unknown" }), compliantServer()],
      data: { licenses: licenses({ product: "Veeam Agent for Microsoft Windows", seats: 1 }) },
      expect: ["fail", "pass"],
      evidence: { 0: { pointer: "/software", actual: "unknown" } },
    },
    {
      name: "no license register given",
      machines: [compliantMachine()],
      expect: ["not-applicable"],
    },
  ]);
});

describe("aup-license-seats-within-owned", () => {
  const autocad = (n: number) =>
    Array.from({ length: n }, (_, i) => withSoftware(`dpw-ws-0${i + 1}`, "AutoCAD 2024 - English"));
  fleetCases("aup-license-seats-within-owned", [
    {
      name: "2 installations, 2 seats",
      machines: autocad(2),
      data: { licenses: licenses({ product: "AutoCAD", seats: 2 }) },
      expect: ["pass", "pass"],
    },
    {
      name: "3 installations, 2 seats: every installation is listed",
      machines: autocad(3),
      data: { licenses: licenses({ product: "AutoCAD", seats: 2 }) },
      expect: ["fail", "fail", "fail"],
      evidence: {
        2: {
          pointer: "/software/0",
          actual: "AutoCAD 2024 - English: installed on 3 machines",
          expected: /≤ 2 seats owned \(licenses\.csv line 2\)/,
        },
      },
    },
    {
      name: "seats bought in 600 lots: the finding names the first lines and counts the rest",
      machines: autocad(3),
      data: {
        licenses: licenses(
          ...Array.from({ length: 600 }, () => ({ product: "AutoCAD", seats: 0 })),
          { product: "AutoCAD", seats: 2 },
        ),
      },
      expect: ["fail", "fail", "fail"],
      evidence: {
        0: { expected: /^≤ 2 seats owned \(licenses\.csv lines 2, 3, 4, 5, 6 and 596 more\)$/ },
      },
    },
    {
      name: "seats add up across register lines",
      machines: autocad(3),
      data: {
        licenses: licenses({ product: "AutoCAD", seats: 1 }, { product: "AutoCAD", seats: 2 }),
      },
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "expired seats do not count",
      machines: autocad(2),
      data: {
        licenses: licenses(
          { product: "AutoCAD", seats: 1 },
          { product: "AutoCAD", seats: 5, expires: daysBefore(1) },
        ),
      },
      expect: ["fail", "fail"],
    },
    {
      name: "two versions on one machine take one seat",
      machines: [withSoftware("a", "AutoCAD 2024 - English", "AutoCAD 2025 - English")],
      data: { licenses: licenses({ product: "AutoCAD", seats: 1 }) },
      expect: ["pass"],
    },
    {
      name: "an unlicensed title is left to aup-commercial-software-licensed",
      machines: autocad(2),
      data: { licenses: M365 },
      expect: ["pass", "pass"],
    },
    {
      name: "unknown inventory",
      machines: [compliantMachine({ software: "unknown" })],
      data: { licenses: M365 },
      expect: ["fail"],
      evidence: { 0: { actual: "unknown" } },
    },
  ]);
});
