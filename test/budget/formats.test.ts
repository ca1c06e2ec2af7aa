// The five formats read back with a parser: CSV with csv-parse, JSON against the published
// schema, the workbook with exceljs and, unzipped, as the sheet XML Excel reads.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { planForecast, priceForecast } from "../../src/budget/forecast.js";
import { CSV_HEADER, renderCsv } from "../../src/budget/format-csv.js";
import { renderMarkdown } from "../../src/budget/format-markdown.js";
import { renderTable } from "../../src/budget/format-table.js";
import { renderXlsx, SHEETS } from "../../src/budget/format-xlsx.js";
import { loadOsHardwareMinimums } from "../../src/budget/os-hardware.js";
import { loadPriceList } from "../../src/budget/prices.js";
import type { BudgetReport } from "../../src/budget/report-model.js";
import { createAjv } from "../../src/documents/ajv.js";
import { machineBought, settings, tempFolder } from "./fixtures.js";

const minimums = await loadOsHardwareMinimums();
const dir = tempFolder();

async function sampleReport(): Promise<BudgetReport> {
  const { prices } = await loadPriceList(
    await dir.file("prices.csv", "Class,Model,Unit Cost,Install Cost\nworkstation,,1150,120\n"),
  );
  const fleet = [
    machineBought("2024-09-10"),
    machineBought("2025-09-01", {
      hostname: "th-mgr-lt-01",
      role: "laptop",
      department: "manager",
    }),
    machineBought("unknown", { hostname: "th-spare-02" }),
  ];
  const licenses = {
    file: "licenses.csv",
    entries: [
      {
        product: '=HYPERLINK("http://x"), "Pro" | edition',
        seats: 2,
        licenseType: "Subscription",
        expires: "2027-09-30",
        unitCostCents: 12_345,
        line: 2,
      },
    ],
  };
  return priceForecast(
    planForecast(
      { fleet, minimums, prices, licenses, problems: [] },
      settings({ inflation: 0.03, years: 3 }),
    ),
  );
}

/** One file of a zip archive, through the system's unzip. */
function unzipped(file: string, member: string): string {
  return execFileSync("unzip", ["-p", file, member], { encoding: "utf8" });
}

/** The five entities XML escapes. */
function decodeXml(text: string): string {
  const entities: Record<string, string> = { quot: '"', apos: "'", lt: "<", gt: ">", amp: "&" };
  return text.replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => entities[name]!);
}

describe("budget formats", () => {
  it("CSV: one row per line item, read back with csv-parse; formulas neutralised", async () => {
    const report = await sampleReport();
    const rows = parse<Record<string, string>>(renderCsv(report), { columns: true });
    expect(Object.keys(rows[0]!)).to.deep.equal([...CSV_HEADER]);
    expect(rows).to.have.length(report.lines.length);
    expect(rows.map((r) => [r["Fiscal Year"], r.Kind, r.Subject, r.Cost, r.Priced])).to.deep.equal([
      ["FY2028", "replacement", "th-clerk-ws-01", "1308.10", "yes"],
      ["FY2028", "renewal", `'=HYPERLINK("http://x"), "Pro" | edition`, "254.31", "yes"],
      ["FY2029", "replacement", "th-mgr-lt-01", "", "no"],
      ["FY2029", "renewal", `'=HYPERLINK("http://x"), "Pro" | edition`, "261.94", "yes"],
      ["FY2030", "renewal", `'=HYPERLINK("http://x"), "Pro" | edition`, "269.79", "yes"],
    ]);
  });

  it("JSON validates against the published budget-report schema", async () => {
    const report = await sampleReport();
    const schema = JSON.parse(
      readFileSync(
        new URL("../../policies/schemas/budget-report.schema.json", import.meta.url),
        "utf8",
      ),
    ) as object;
    const validate = createAjv().compile(schema);
    const json = JSON.parse(JSON.stringify(report)) as unknown;
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    expect(report.unscheduled.map((u) => u.subject)).to.deep.equal(["th-spare-02"]);
    expect(report.request).to.deep.equal({
      fiscalYear: 2028,
      capitalCents: 130_810,
      operatingCents: 25_431,
      unpricedLines: 0,
    });
  });

  it("XLSX: exceljs reads back the sheets, and the sheet XML holds numbers and the strings", async () => {
    const report = await sampleReport();
    const file = await dir.file("budget.xlsx");
    await writeFile(file, await renderXlsx(report));

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((s) => s.name)).to.deep.equal([...SHEETS]);
    const lines = workbook.getWorksheet("Lines")!;
    expect(lines.rowCount).to.equal(report.lines.length + 1);
    expect(lines.getRow(2).getCell(5).value).to.equal("th-clerk-ws-01");
    expect(lines.getRow(2).getCell(9).value).to.equal(1308.1);
    expect(lines.getRow(4).getCell(9).value).to.equal("unpriced");
    const request = workbook.getWorksheet("Request")!;
    expect(request.getRow(3).getCell(6).value).to.equal(1308.1);

    // What Excel itself reads: the workbook's sheet list, the shared strings, the cells.
    const workbookXml = unzipped(file, "xl/workbook.xml");
    for (const name of SHEETS) expect(workbookXml).to.include(`name="${name}"`);
    const strings = [
      ...unzipped(file, "xl/sharedStrings.xml").matchAll(/<t[^>]*>([^<]*)<\/t>/g),
    ].map((m) => decodeXml(m[1]!));
    const sheet = unzipped(file, "xl/worksheets/sheet3.xml");
    const cell = (ref: string) =>
      new RegExp(`<c r="${ref}"([^>]*)>(?:<f>[^<]*</f>)?<v>([^<]*)</v>`).exec(sheet);
    const e2 = cell("E2")!;
    expect(e2[1]).to.include('t="s"');
    expect(strings[Number(e2[2])]).to.equal("th-clerk-ws-01");
    const i2 = cell("I2")!;
    expect(i2[1]).to.not.include('t="s"');
    expect(Number(i2[2])).to.equal(1308.1);
    // The license name that looks like a formula is a string cell, never a <f> formula.
    expect(sheet).to.not.include("<f>");
    expect(strings).to.include('=HYPERLINK("http://x"), "Pro" | edition');
  });

  it("Markdown: the request, the curve, departments; table cells escaped", async () => {
    const md = renderMarkdown(await sampleReport());
    expect(md).to.include(
      "## Capital reserve request, FY2028\n\n**$1,308.10** for 1 hardware replacement(s).",
    );
    expect(md).to.include("| FY2029 | $0.00 | $261.94 | 1 |");
    expect(md).to.include("\\| edition");
    expect(md).to.include("- th-spare-02 (machines/th-spare-02.yaml): purchase date unknown");
  });

  it("table: the request first, then the curve", async () => {
    const text = renderTable(await sampleReport());
    expect(text.split("\n")[0]).to.equal(
      "Capital reserve request FY2028: $1,308.10 (operating $254.31)",
    );
    expect(text).to.match(/^FY2029 +\$0\.00 +\$261\.94 +1$/m);
  });
});
