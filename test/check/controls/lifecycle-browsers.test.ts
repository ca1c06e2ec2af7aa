import { expect } from "chai";
import { machineCases } from "../../fixtures/control-cases.js";
import { AT, compliantMachine } from "../../fixtures/machine-factory.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { staleBrowserTable } from "../../../src/check/controls/machine/browsers.js";
import type { AppLifecycleTable } from "../../../src/check/policy/baseline-schema.js";

const base = compliantMachine();
// The sample machine's own Chrome (on the bundled table's major) is left out: these cases use a table of their own.
const software = (base.software as Exclude<typeof base.software, "unknown" | undefined>).filter(
  (s) => s.name !== "Google Chrome",
);
const withApp = (name: string, version?: string) => [
  ...software,
  { name, ...(version === undefined ? {} : { version }), publisher: "Vendor" },
];
const at = software.length;

// A table of the test's own, so the cases do not move when policies/data is updated.
const table: AppLifecycleTable = {
  reviewed: "2026-11-01",
  products: [
    {
      product: "Firefox ESR 140",
      name: "^Mozilla Firefox\\b.*\\bESR\\b",
      version: "^140\\.",
      endOfSupport: "2026-09-29",
      source: "https://example.org/esr",
    },
  ],
  browsers: {
    asOf: "2026-11-10",
    releases: [
      {
        product: "Google Chrome",
        name: "^Google Chrome$",
        channel: "rapid",
        major: 155,
        released: "2026-11-03",
        source: "https://example.org/chrome",
      },
      {
        product: "Firefox ESR 153",
        name: "^Mozilla Firefox\\b.*\\bESR\\b",
        channel: "esr",
        major: 153,
        released: "2026-07-21",
        source: "https://example.org/esr",
      },
      {
        product: "Firefox ESR 140",
        name: "^Mozilla Firefox\\b.*\\bESR\\b",
        channel: "esr",
        major: 140,
        released: "2025-06-24",
        source: "https://example.org/esr",
      },
      {
        product: "Mozilla Firefox",
        name: "^Mozilla Firefox\\b",
        channel: "rapid",
        major: 158,
        released: "2026-10-13",
        source: "https://example.org/firefox",
      },
    ],
  },
};
const data = { appLifecycle: table };
const chrome = (version?: string) => ({ "/software": withApp("Google Chrome", version) });

describe("lcm-app-browser-current", () => {
  machineCases("lcm-app-browser-current", [
    { name: "the bundled table: Chrome 151 on the sample machine", expect: "pass" },
    { name: "Chrome on the current major", set: chrome("155.0.7900.10"), data, expect: "pass" },
    {
      name: "Chrome two behind (the default allows two)",
      set: chrome("153.0.1"),
      data,
      expect: "pass",
    },
    { name: "Chrome newer than the table", set: chrome("156.0.1"), data, expect: "pass" },
    {
      name: "Chrome three behind",
      set: chrome("152.0.7800.5"),
      data,
      expect: "fail",
      evidence: {
        pointer: `/software/${at}`,
        actual: "Google Chrome 152.0.7800.5",
        expected:
          /^at most 2 major versions behind: 3 behind Google Chrome's current major 155 since 2026-11-03, as of 2026-11-10 \(https:\/\/example.org\/chrome\)$/,
      },
    },
    {
      name: "Chrome one behind when the town allows none",
      set: chrome("154.0.1"),
      data,
      params: { allowedMajorsBehind: 0 },
      expect: "fail",
      evidence: { expected: /^at most 0 major versions behind: 1 behind/ },
    },
    {
      name: "Firefox (rapid) five behind",
      set: { "/software": withApp("Mozilla Firefox (x64 en-US)", "153.0.2") },
      data,
      expect: "fail",
      evidence: { expected: /5 behind Mozilla Firefox's current major 158/ },
    },
    {
      name: "Firefox ESR 153 is a listed branch, not five majors behind",
      set: { "/software": withApp("Mozilla Firefox ESR (x64 en-US)", "153.4.0") },
      data,
      expect: "pass",
    },
    {
      name: "Firefox ESR 140 is a listed branch (its end date is lcm-app-supported's)",
      set: { "/software": withApp("Mozilla Firefox ESR (x64 en-US)", "140.9.0") },
      data,
      expect: "pass",
    },
    {
      name: "Firefox ESR 128 is no listed branch",
      set: { "/software": withApp("Mozilla Firefox ESR (x64 en-US)", "128.14.0") },
      data,
      expect: "fail",
      evidence: { expected: /^a supported ESR branch \(153, 140, as of 2026-11-10;/ },
    },
    {
      name: "not a browser: Edge WebView2 is not Edge",
      set: { "/software": withApp("Microsoft Edge WebView2 Runtime", "90.0.1") },
      expect: "pass",
    },
    {
      name: "unknown: a browser without a version",
      set: chrome(undefined),
      data,
      expect: "fail",
      evidence: {
        pointer: `/software/${at}`,
        actual: "unknown",
        expected: /^a version of Google Chrome, to compare with its current major 155/,
      },
    },
    {
      name: "unknown inventory",
      set: { "/software": "unknown" },
      expect: "fail",
      evidence: { pointer: "/software", actual: "unknown" },
    },
    {
      name: "a table without browsers: nothing to judge",
      data: { appLifecycle: { reviewed: table.reviewed, products: table.products } },
      expect: "not-applicable",
    },
  ]);
});

describe("lcm-app-browser-behind", () => {
  machineCases("lcm-app-browser-behind", [
    { name: "Chrome on the current major", set: chrome("155.0.1"), data, expect: "pass" },
    {
      name: "Chrome one behind",
      set: chrome("154.0.7850.3"),
      data,
      expect: "fail",
      evidence: {
        pointer: `/software/${at}`,
        expected: /^fewer than 1 major versions behind: 1 behind Google Chrome's current major 155/,
      },
    },
    { name: "Chrome two behind", set: chrome("153.0.1"), data, expect: "fail" },
    {
      name: "three behind is lcm-app-browser-current's finding, not this one's",
      set: chrome("152.0.1"),
      data,
      expect: "pass",
    },
    {
      name: "the town warns from two behind",
      set: chrome("154.0.1"),
      data,
      params: { warnMajorsBehind: 2 },
      expect: "pass",
    },
    {
      name: "no version is lcm-app-browser-current's finding",
      set: chrome(undefined),
      data,
      expect: "pass",
    },
    {
      name: "unknown inventory",
      set: { "/software": "unknown" },
      expect: "fail",
      evidence: { pointer: "/software", actual: "unknown" },
    },
  ]);
});

describe("the browser table's age", () => {
  it("warns once the current majors are older than staleDays", () => {
    expect(staleBrowserTable(table, new Date("2027-01-09T12:00:00Z"), 60)).to.equal(undefined);
    expect(staleBrowserTable(table, new Date("2027-01-10T12:00:00Z"), 60)).to.equal(
      "the browsers' current major versions in policies/data/app-lifecycle.yaml are as of " +
        "2026-11-10, 61 days before this run (more than 60): browsers behind a newer major pass " +
        "until the table is updated",
    );
  });

  it("says nothing without a browser table", () => {
    expect(staleBrowserTable({ reviewed: "2020-01-01", products: table.products }, AT, 1)).to.equal(
      undefined,
    );
  });

  it("ships dated majors for Chrome, Edge, Firefox and the ESR branches, each with a source", async () => {
    const { appLifecycle } = await loadReferenceData();
    const browsers = appLifecycle.browsers!;
    expect(browsers.asOf).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(browsers.releases.map((r) => r.product)).to.include.members([
      "Google Chrome",
      "Microsoft Edge",
      "Mozilla Firefox",
    ]);
    expect(browsers.releases.some((r) => r.channel === "esr")).to.equal(true);
    for (const r of browsers.releases) {
      expect(r.source).to.match(/^https:\/\//);
      expect(r.released <= browsers.asOf, `${r.product} released after asOf`).to.equal(true);
    }
  });
});
