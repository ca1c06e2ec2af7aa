/** The forecast as Markdown: the request and its line items, the curve, departments, the rest. */
import { cell, escapeInline } from "../output/markdown-text.js";
import { formatDollars } from "./money.js";
import type { BudgetLine, BudgetReport } from "./report-model.js";

function cost(cents: number | null): string {
  return cents === null ? "unpriced" : formatDollars(cents);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |\n`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: number[]) {
  const rule = header.map((_, i) => (right.includes(i) ? "---:" : "---"));
  return row(header) + row(rule) + rows.map(row).join("");
}

function lineRows(lines: readonly BudgetLine[]): string[][] {
  return lines.map((l) => [
    l.due ?? "",
    cell(l.department),
    cell(l.subject),
    cell(l.item),
    cell(l.detail),
    cost(l.costCents),
  ]);
}

const LINE_HEADER = ["Due", "Department", "Subject", "Item", "Why", "Cost"];

/** The whole forecast as one Markdown document. */
export function renderMarkdown(report: BudgetReport): string {
  const label = (year: number) => report.years.find((y) => y.year === year)?.label ?? `FY${year}`;
  const request = report.request;
  const capital = report.lines.filter(
    (l) => l.category === "capital" && l.fiscalYear === request.fiscalYear,
  );
  const operating = report.lines.filter(
    (l) => l.category === "operating" && l.fiscalYear === request.fiscalYear,
  );
  const unpriced = (n: number) => (n === 0 ? "" : ` (${n} line(s) unpriced)`);
  let out = `# IT budget forecast, ${label(report.years[0]!.year)} to ${label(report.years.at(-1)!.year)}\n\n`;
  out += `Made ${report.at.slice(0, 10)}; fiscal years start ${report.fiscalYearStart}; `;
  out += `inflation ${(report.inflation * 100).toFixed(1)} % a year.\n\n`;
  out += `## Capital reserve request, ${label(request.fiscalYear)}\n\n`;
  out += `**${formatDollars(request.capitalCents)}**${unpriced(capital.filter((l) => l.costCents === null).length)} for ${capital.length} hardware replacement(s).\n\n`;
  if (capital.length > 0) out += table(LINE_HEADER, lineRows(capital), [5]) + "\n";
  out += `## ${report.years.length}-year curve\n\n`;
  out += table(
    ["Fiscal year", "Capital", "Operating", "Unpriced lines"],
    report.totals.map((t) => [
      label(t.fiscalYear),
      formatDollars(t.capitalCents),
      formatDollars(t.operatingCents),
      String(t.unpricedLines),
    ]),
    [1, 2, 3],
  );
  out += "\n## Capital by department\n\n";
  const departments = [
    ...new Set(report.totals.flatMap((t) => t.departments.map((d) => d.department))),
  ].sort();
  out += table(
    ["Department", ...report.years.map((y) => y.label)],
    departments.map((d) => [
      cell(d),
      ...report.totals.map((t) => {
        const found = t.departments.find((x) => x.department === d);
        return found === undefined ? "" : formatDollars(found.capitalCents);
      }),
    ]),
    report.years.map((_, i) => i + 1),
  );
  out += `\n## Operating: renewals and contracts, ${label(request.fiscalYear)}\n\n`;
  out += operating.length === 0 ? "None.\n" : table(LINE_HEADER, lineRows(operating), [5]);
  if (report.smoothing !== undefined) {
    const s = report.smoothing;
    out += "\n## Moved to level the spend\n\n";
    out += `Capital levelled to at most ${formatDollars(s.capCents)} a year${s.kind === "level" ? " (the yearly average)" : ""}, moving replacements at most ${s.toleranceMonths} months from their due date and never past their OS end of support.`;
    out +=
      s.overCap.length === 0
        ? "\n\n"
        : ` Still above it: ${s.overCap.map((y) => label(y)).join(", ")}.\n\n`;
  }
  if (report.moves.length > 0) {
    if (report.smoothing === undefined) out += "\n## Moved to level the spend\n\n";
    out += table(
      ["Machine", "Department", "Due", "From", "To", "Why"],
      report.moves.map((m) => [
        cell(m.subject),
        cell(m.department),
        m.due,
        label(m.fromYear),
        label(m.toYear),
        cell(m.reason),
      ]),
      [],
    );
  }
  if (report.unscheduled.length > 0) {
    out += "\n## Not scheduled\n\n";
    for (const u of report.unscheduled)
      out += `- ${escapeInline(u.subject)} (${escapeInline(u.source)}): ${escapeInline(u.reason)}\n`;
  }
  if (report.problems.length > 0) {
    out += "\n## Register rows left out\n\n";
    for (const p of report.problems) {
      const where = `${p.file}${p.line === undefined ? "" : `:${p.line}`}${p.pointer ? ` ${p.pointer}` : ""}`;
      out += `- ${escapeInline(where)}: ${escapeInline(p.message)}\n`;
    }
  }
  return out;
}
