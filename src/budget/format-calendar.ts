/** The deadlines of the next twelve months as Markdown, one row per deadline. */
import { cell } from "../output/markdown-text.js";
import type { BudgetReport, Deadline } from "./report-model.js";

const KIND: Readonly<Record<Deadline["kind"], string>> = {
  "warranty-end": "warranty ends",
  "license-expiry": "license expires",
  "contract-notice": "renewal notice due",
  "os-end-of-support": "OS support ends",
};

/** The deadlines of the report, one table row each, in date order. */
export function renderCalendar(report: BudgetReport): string {
  const from = report.at.slice(0, 10);
  let out = `# IT deadlines from ${from}, twelve months\n\n`;
  if (report.deadlines.length === 0) return out + "None.\n";
  out += "| Date | What | Department | Concerns | Source |\n| --- | --- | --- | --- | --- |\n";
  for (const d of report.deadlines)
    out += `| ${d.date} | ${cell(`${KIND[d.kind]}: ${d.title.replace(/^[^:]*: /, "")}`)} | ${cell(d.department)} | ${cell(d.subjects.join(", "))} | ${cell(d.source)} |\n`;
  return out;
}
