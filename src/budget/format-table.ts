/** The terminal summary: the request, the curve, and the request's line items. */
import { formatDollars } from "./money.js";
import type { BudgetReport } from "./report-model.js";

function pad(cells: readonly string[], widths: readonly number[], right: readonly number[]) {
  return (
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd() + "\n"
  );
}

function columns(rows: readonly (readonly string[])[], right: readonly number[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => pad(r, widths, right)).join("");
}

/** Control characters from a register or machine file never reach the terminal. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

/** The summary for the terminal; text from the inputs cannot move the cursor or colour it. */
export function renderTable(report: BudgetReport): string {
  const { request } = report;
  const label = `FY${request.fiscalYear}`;
  const unpriced = request.unpricedLines === 0 ? "" : `, ${request.unpricedLines} line(s) unpriced`;
  let out = `Capital reserve request ${label}: ${formatDollars(request.capitalCents)} (operating ${formatDollars(request.operatingCents)}${unpriced})\n\n`;
  out += columns(
    [
      ["Fiscal year", "Capital", "Operating", "Unpriced"],
      ...report.totals.map((t) => [
        `FY${t.fiscalYear}`,
        formatDollars(t.capitalCents),
        formatDollars(t.operatingCents),
        String(t.unpricedLines),
      ]),
    ],
    [1, 2, 3],
  );
  const capital = report.lines.filter(
    (l) => l.category === "capital" && l.fiscalYear === request.fiscalYear,
  );
  if (capital.length > 0) {
    out += `\nReplacements in ${label}:\n`;
    out += columns(
      [
        ["Due", "Department", "Machine", "Item", "Reason", "Cost"],
        ...capital.map((l) => [
          l.due ?? "",
          plain(l.department),
          plain(l.subject),
          plain(l.item),
          l.reason,
          l.costCents === null ? "unpriced" : formatDollars(l.costCents),
        ]),
      ],
      [5],
    );
  }
  if (report.moves.length > 0)
    out += `\n${report.moves.length} replacement(s) moved to level the spend (see the Markdown or JSON).\n`;
  if (report.unscheduled.length > 0)
    out += `\n${report.unscheduled.length} machine(s) not scheduled: ${report.unscheduled.map((u) => plain(u.subject)).join(", ")}\n`;
  if (report.problems.length > 0)
    out += `\n${report.problems.length} register row(s) left out (listed on stderr).\n`;
  return out;
}
