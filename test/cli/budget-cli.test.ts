// `stronghold budget` through the CLI, in process: the sample town, every format written, and
// usage and input errors as located messages with exit code 2, never a stack trace.
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import type { BudgetReport } from "../../src/budget/report-model.js";
import { compliantMachine } from "../fixtures/machine-factory.js";
import { type CliRun, strongholdInProcess } from "../fixtures/stronghold-in-process.js";

const SAMPLE = "examples/millbrook";
const SAMPLE_ARGS = [
  `${SAMPLE}/machines`,
  "--overlay",
  `${SAMPLE}/overlay.yaml`,
  "--prices",
  `${SAMPLE}/prices.csv`,
  "--licenses",
  `${SAMPLE}/licenses.csv`,
  "--contracts",
  `${SAMPLE}/contracts.csv`,
  "--at",
  "2026-11-20",
];

function run(args: string[]): Promise<CliRun> {
  return strongholdInProcess(["budget", ...args]);
}

describe("stronghold budget (CLI)", function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-budget-cli-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes every format into --out and the summary to stdout", async () => {
    const out = path.join(dir, "reports");
    const r = await run([
      ...SAMPLE_ARGS,
      "--format",
      "table,markdown,csv,json,xlsx,calendar,ics",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Capital reserve request FY2028: \$/);
    const names = ["budget.txt", "budget.md", "budget.csv", "budget.json", "budget.xlsx"];
    for (const name of [...names, "deadlines.md", "deadlines.ics"]) {
      expect(existsSync(path.join(out, name)), name).to.equal(true);
      expect(r.stderr).to.include(`wrote ${path.join(out, name)}`);
    }
    const json = JSON.parse(await readFile(path.join(out, "budget.json"), "utf8")) as {
      kind: string;
    };
    expect(json.kind).to.equal("stronghold-budget");
  });

  it("levels the spend and lists what moved in the Markdown", async () => {
    const r = await run([...SAMPLE_ARGS, "--max-per-year", "90,000", "--format", "markdown"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include("Capital levelled to at most $90,000.00 a year");
    expect(r.stdout).to.match(
      /\| FY2028 \| FY2029 \| FY2028 capital \$[\d,.]+ is above \$90,000.00: moved later/,
    );
  });

  const usage: [args: string[], message: RegExp][] = [
    [["--years", "0"], /--years "0" must be a whole number of fiscal years from 1 to 30/],
    [["--inflation", "-2"], /--inflation "-2" must be a yearly percentage/],
    [["--fiscal-year-start", "13-01"], /--fiscal-year-start "13-01" is not a day of the year/],
    [["--format", "xlsx"], /--format xlsx needs --out <dir>/],
    [["--format", "csv,json"], /--format csv,json needs --out <dir>/],
    [
      ["--format", "pdf"],
      /--format "pdf": choose from table, markdown, csv, json, xlsx, calendar, ics/,
    ],
    [["--at", "yesterday"], /--at "yesterday" is not a date/],
    [["--level", "--max-per-year", "60000"], /--max-per-year and --level both choose the cap/],
    [["--tolerance", "6"], /--tolerance needs --max-per-year or --level/],
    [["--level", "--tolerance", "six"], /--tolerance "six" must be a whole number of months/],
    [["--max-per-year", "lots"], /--max-per-year "lots" must be an amount in dollars/],
  ];
  for (const [args, message] of usage)
    it(`refuses ${args.join(" ")} with exit 2 and a message`, async () => {
      const r = await run([...SAMPLE_ARGS, ...args]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.match(/\n\s+at /);
    });

  it("reports every unreadable register at once, located, with exit 2", async () => {
    const prices = path.join(dir, "prices.csv");
    await writeFile(prices, "Model,Unit Cost\nX,1\n");
    const r = await run([
      `${SAMPLE}/machines`,
      "--prices",
      prices,
      "--contracts",
      path.join(dir, "missing.csv"),
      "--at",
      "2026-11-20",
    ]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(`${prices}:1: lacks the column(s) Class`);
    expect(r.stderr).to.include(`${path.join(dir, "missing.csv")}: cannot be read: ENOENT`);
  });

  it("forecasts the machines it can read and locates the file it cannot, with exit 2", async () => {
    const machines = path.join(dir, "machines");
    await mkdir(machines);
    await writeFile(path.join(machines, "broken.yaml"), "hostname: x\nrole: desktop\n");
    await writeFile(
      path.join(machines, "good.yaml"),
      stringify(compliantMachine({ hardware: { purchaseDate: "2025-01-01" } })),
    );
    const r = await run([machines, "--at", "2026-11-20", "--format", "json"]);
    expect(r.code).to.equal(2);
    const report = JSON.parse(r.stdout) as BudgetReport;
    expect(report.lines.map((l) => l.subject)).to.include("th-clerk-ws-01");
    expect(report.problems.some((p) => p.file.endsWith("broken.yaml"))).to.equal(true);
    expect(r.stderr).to.include(`${path.join(machines, "broken.yaml")}`);
    expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it("forecasts with rows it could use and lists the others, located, with exit 2", async () => {
    const prices = path.join(dir, "prices.csv");
    await writeFile(prices, "Class,Model,Unit Cost\nworkstation,,1150\ndesktop,,900\n");
    const r = await run([`${SAMPLE}/machines`, "--prices", prices, "--at", "2026-11-20"]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/^Capital reserve request FY2028: \$/);
    expect(r.stderr).to.include(
      `${prices}:3: /Class: "desktop" is not a class: expected one of workstation, laptop, server, kiosk, network-device`,
    );
  });
});
