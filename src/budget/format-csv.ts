/** The forecast's line items as CSV (RFC 4180), one row each, for a spreadsheet or the ERP. */
import type { BudgetReport } from "./report-model.js";

/** The columns, in order; a spreadsheet import can rely on them. */
export const CSV_HEADER = [
  "Fiscal Year",
  "Category",
  "Kind",
  "Department",
  "Subject",
  "Item",
  "Due",
  "Reason",
  "Cost",
  "Priced",
  "Late",
  "Detail",
  "Source",
] as const;

/**
 * A field, quoted when it holds a comma, quote or line break. Text a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe, as OWASP advises for CSV exports.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Dollars with two decimals and no separators ("1234.50"), empty when unpriced. */
function amount(cents: number | null): string {
  return cents === null ? "" : `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** Every line item as one CSV row, CRLF line ends, header first. */
export function renderCsv(report: BudgetReport): string {
  const rows = report.lines.map((l) => [
    `FY${l.fiscalYear}`,
    l.category,
    l.kind,
    l.department,
    l.subject,
    l.item,
    l.due ?? "",
    l.reason,
    amount(l.costCents),
    l.costCents === null ? "no" : "yes",
    l.late ? "yes" : "no",
    l.detail,
    l.source,
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.map(csvField).join(",") + "\r\n").join("");
}
