/**
 * The forecast as an Excel workbook (exceljs): the request, the curve by department, every line.
 * Amounts are numbers in dollars with a currency format, so finance can add them up.
 */
import type { BudgetReport } from "./report-model.js";

const CURRENCY = '"$"#,##0.00';

function dollars(cents: number | null): number | null {
  return cents === null ? null : cents / 100;
}

/** Sheet names, in order: the request, the curve, all line items, what was left out. */
export const SHEETS = ["Request", "Curve", "Lines", "Not scheduled"] as const;

/** The workbook as bytes: the sheets of SHEETS, amounts as numbers. */
export async function renderXlsx(report: BudgetReport): Promise<Buffer> {
  // Loaded on use: exceljs is most of the bundle's size, and only this format needs it.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "stronghold budget";
  // A fixed date keeps the file the same for the same forecast.
  workbook.created = new Date(report.at);
  workbook.modified = new Date(report.at);

  const request = workbook.addWorksheet(SHEETS[0]);
  request.columns = [
    { header: "Due", key: "due", width: 12 },
    { header: "Department", key: "department", width: 16 },
    { header: "Machine", key: "subject", width: 18 },
    { header: "Item", key: "item", width: 30 },
    { header: "Reason", key: "reason", width: 18 },
    { header: "Cost", key: "cost", width: 14, style: { numFmt: CURRENCY } },
    { header: "Detail", key: "detail", width: 60 },
  ];
  const capital = report.lines.filter(
    (l) => l.category === "capital" && l.fiscalYear === report.request.fiscalYear,
  );
  for (const l of capital)
    request.addRow({ ...l, due: l.due ?? "", cost: dollars(l.costCents) ?? "unpriced" });
  request.addRow({
    item: `Capital reserve request FY${report.request.fiscalYear}`,
    cost: dollars(report.request.capitalCents),
  });

  const curve = workbook.addWorksheet(SHEETS[1]);
  curve.addRow([
    "Department",
    ...report.years.flatMap((y) => [`${y.label} capital`, `${y.label} operating`]),
  ]);
  const departments = [
    ...new Set(report.totals.flatMap((t) => t.departments.map((d) => d.department))),
  ].sort();
  for (const d of departments)
    curve.addRow([
      d,
      ...report.totals.flatMap((t) => {
        const found = t.departments.find((x) => x.department === d);
        return [dollars(found?.capitalCents ?? 0), dollars(found?.operatingCents ?? 0)];
      }),
    ]);
  curve.addRow([
    "Total",
    ...report.totals.flatMap((t) => [dollars(t.capitalCents), dollars(t.operatingCents)]),
  ]);
  curve.addRow(["Unpriced lines", ...report.totals.flatMap((t) => [t.unpricedLines, null])]);
  curve.getColumn(1).width = 18;
  for (let c = 2; c <= report.years.length * 2 + 1; c += 1) {
    curve.getColumn(c).width = 18;
    curve.getColumn(c).numFmt = CURRENCY;
  }

  const lines = workbook.addWorksheet(SHEETS[2]);
  lines.columns = [
    { header: "Fiscal Year", key: "year", width: 12 },
    { header: "Category", key: "category", width: 10 },
    { header: "Kind", key: "kind", width: 12 },
    { header: "Department", key: "department", width: 16 },
    { header: "Subject", key: "subject", width: 30 },
    { header: "Item", key: "item", width: 30 },
    { header: "Due", key: "due", width: 12 },
    { header: "Reason", key: "reason", width: 20 },
    { header: "Cost", key: "cost", width: 14, style: { numFmt: CURRENCY } },
    { header: "Detail", key: "detail", width: 60 },
    { header: "Source", key: "source", width: 30 },
  ];
  for (const l of report.lines)
    lines.addRow({
      ...l,
      year: `FY${l.fiscalYear}`,
      due: l.due ?? "",
      cost: dollars(l.costCents) ?? "unpriced",
    });

  const left = workbook.addWorksheet(SHEETS[3]);
  left.columns = [
    { header: "Subject", key: "subject", width: 30 },
    { header: "Department", key: "department", width: 16 },
    { header: "Source", key: "source", width: 40 },
    { header: "Reason", key: "reason", width: 80 },
  ];
  for (const u of report.unscheduled) left.addRow(u);

  for (const sheet of workbook.worksheets) {
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: "frozen", ySplit: 1 }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
