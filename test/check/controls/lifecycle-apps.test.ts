import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { machineCases } from "../../fixtures/control-cases.js";
import { AT, compliantMachine, daysAfter, daysBefore } from "../../fixtures/machine-factory.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { DATA_DIR } from "../../../src/support/project-root.js";
import { InputError } from "../../../src/support/errors.js";
import type { AppLifecycleTable } from "../../../src/check/policy/baseline-schema.js";

const base = compliantMachine();
const software = base.software as Exclude<typeof base.software, "unknown" | undefined>;
const withApp = (name: string, version?: string) => [
  ...software,
  { name, ...(version === undefined ? {} : { version }), publisher: "Vendor" },
];

// A table of the test's own, so version matching and the warning window do not depend on the
// real dates in policies/data/app-lifecycle.yaml.
const table: AppLifecycleTable = {
  reviewed: "2026-11-01",
  products: [
    {
      product: "Adobe Acrobat Reader 2017",
      name: "^Adobe Acrobat Reader\\b",
      version: "^17\\.",
      endOfSupport: daysBefore(30),
      source: "https://example.org/acrobat-2017",
    },
    {
      product: "Adobe Acrobat Reader 2020",
      name: "^Adobe Acrobat Reader\\b",
      version: "^20\\.",
      endOfSupport: daysAfter(60),
      source: "https://example.org/acrobat-2020",
    },
  ],
};

describe("lcm-app-supported", () => {
  machineCases("lcm-app-supported", [
    { name: "Microsoft 365 Apps, Chrome, 7-Zip, Reader DC", expect: "pass" },
    {
      name: "Office 2016 (support ended 2025-10-14)",
      set: { "/software": withApp("Microsoft Office Professional Plus 2016", "16.0.4266.1001") },
      expect: "fail",
      evidence: {
        pointer: `/software/${software.length}`,
        actual: "Microsoft Office Professional Plus 2016 16.0.4266.1001",
        expected: /Microsoft Office 2016 support ended 2025-10-14 \(https:\/\//,
      },
    },
    {
      name: "Office LTSC 2021 (ended 2026-10-13, before the test date)",
      set: { "/software": withApp("Microsoft Office LTSC Professional Plus 2021 - en-us") },
      expect: "fail",
      evidence: { expected: /2021 support ended 2026-10-13/ },
    },
    {
      name: "Office LTSC 2021 the day support ends",
      set: { "/software": withApp("Microsoft Office LTSC Professional Plus 2021 - en-us") },
      at: new Date("2026-10-13T23:00:00Z"),
      expect: "pass",
    },
    {
      name: "Office LTSC 2024 (supported to 2029)",
      set: { "/software": withApp("Microsoft Office LTSC Professional Plus 2024 - en-us") },
      expect: "pass",
    },
    {
      name: "Adobe Flash Player, any version",
      set: { "/software": withApp("Adobe Flash Player 32 NPAPI", "32.0.0.465") },
      expect: "fail",
      evidence: { expected: /Adobe Flash Player support ended 2020-12-31/ },
    },
    {
      name: "version pattern: Reader 2017 (ended) fails",
      set: { "/software": withApp("Adobe Acrobat Reader 2017", "17.011.30207") },
      data: { appLifecycle: table },
      expect: "fail",
      evidence: { expected: /Reader 2017 support ended/ },
    },
    {
      name: "version pattern: Reader 2020 (supported) passes",
      set: { "/software": withApp("Adobe Acrobat Reader 2020", "20.005.30636") },
      data: { appLifecycle: table },
      expect: "pass",
    },
    {
      name: "version pattern: a title without a version matches no versioned product",
      set: { "/software": withApp("Adobe Acrobat Reader 2017") },
      data: { appLifecycle: table },
      expect: "pass",
    },
    {
      name: "unknown inventory",
      set: { "/software": "unknown" },
      expect: "fail",
      evidence: { pointer: "/software", actual: "unknown" },
    },
    {
      name: "unknown: inventory not reported",
      set: { "/software": undefined },
      expect: "fail",
      evidence: { pointer: "/software" },
    },
  ]);
});

describe("lcm-app-support-ending", () => {
  machineCases("lcm-app-support-ending", [
    { name: "nothing listed installed", expect: "pass" },
    {
      name: "Reader 2020 ends in 60 days (default window 180)",
      set: { "/software": withApp("Adobe Acrobat Reader 2020", "20.005.30636") },
      data: { appLifecycle: table },
      expect: "fail",
      evidence: {
        pointer: `/software/${software.length}`,
        expected: /support that lasts more than 180 days: .* in 60 days/,
      },
    },
    {
      name: "Reader 2020 ends in 60 days, town warns 30 days ahead",
      set: { "/software": withApp("Adobe Acrobat Reader 2020", "20.005.30636") },
      data: { appLifecycle: table },
      params: { warnDays: 30 },
      expect: "pass",
    },
    {
      name: "already ended is lcm-app-supported's finding, not this one's",
      set: { "/software": withApp("Adobe Acrobat Reader 2017", "17.011.30207") },
      data: { appLifecycle: table },
      expect: "pass",
    },
    {
      name: "Office 2021 in June 2026, 134 days before its end",
      set: { "/software": withApp("Microsoft Office Professional Plus 2021") },
      at: new Date("2026-06-01T12:00:00Z"),
      expect: "fail",
      evidence: { expected: /ends 2026-10-13, in 134 days/ },
    },
    {
      name: "unknown inventory",
      set: { "/software": "unknown" },
      expect: "fail",
      evidence: { pointer: "/software", actual: "unknown" },
    },
  ]);
});

describe("app-lifecycle.yaml loading", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "app-lifecycle-"));
    for (const f of ["os-lifecycle.yaml", "software-catalog.yaml", "cis-controls-v8.yaml"]) {
      await writeFile(path.join(dir, f), await readFile(path.join(DATA_DIR, f)));
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function problemsOf(text: string) {
    await writeFile(path.join(dir, "app-lifecycle.yaml"), text);
    try {
      await loadReferenceData(dir);
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      return (error as InputError).problems;
    }
    return [];
  }

  it("loads the bundled table, dated, every entry with a source", async () => {
    const data = await loadReferenceData();
    expect(data.appLifecycle.reviewed).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(data.appLifecycle.products.length).to.be.greaterThan(5);
    for (const p of data.appLifecycle.products) expect(p.source).to.match(/^https:\/\//);
    expect(AT.toISOString() > data.appLifecycle.products[0]!.endOfSupport).to.equal(true);
  });

  it("reports a wrong date and a missing source with file, pointer and line", async () => {
    const problems = await problemsOf(
      [
        'reviewed: "2026-11-01"',
        "products:",
        "  - product: Office 2016",
        "    name: ^Microsoft Office",
        "    endOfSupport: 14 October 2025",
      ].join("\n"),
    );
    const file = path.join(dir, "app-lifecycle.yaml");
    expect(problems).to.deep.include.members([
      {
        file,
        pointer: "/products/0/endOfSupport",
        line: 5,
        message: "must be a valid date",
      },
    ]);
    expect(problems).to.deep.include.members([
      {
        file,
        pointer: "/products/0/source",
        line: 3,
        message: "is required (/products/0 must contain product, name, endOfSupport, source)",
      },
    ]);
  });

  it("reports a pattern that is not a regular expression, located", async () => {
    const problems = await problemsOf(
      [
        'reviewed: "2026-11-01"',
        "products:",
        "  - product: Office 2016",
        "    name: ^Microsoft Office (2016",
        '    endOfSupport: "2025-10-14"',
        "    source: https://example.org/office",
      ].join("\n"),
    );
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ pointer: "/products/0/name", line: 4 });
    expect(problems[0]!.message).to.match(/^must be a regular expression: /);
  });
});
