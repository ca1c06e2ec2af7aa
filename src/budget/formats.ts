/** The budget formats: each renders the whole report and names the file `--out` writes it to. */
import { renderCalendar } from "./format-calendar.js";
import { renderCsv } from "./format-csv.js";
import { renderIcs } from "./format-ics.js";
import { renderMarkdown } from "./format-markdown.js";
import { renderTable } from "./format-table.js";
import { renderXlsx } from "./format-xlsx.js";
import type { BudgetReport } from "./report-model.js";

/** A format: its file name under --out and its renderer. */
export interface BudgetFormat {
  readonly fileName: string;
  /** Text for the text formats, bytes for the workbook. */
  readonly render: (report: BudgetReport) => string | Promise<Buffer>;
}

/** The names --format accepts. */
export type BudgetFormatName = "table" | "markdown" | "csv" | "json" | "xlsx" | "calendar" | "ics";

/** Every format; `satisfies` makes a name without a renderer a compile error. */
export const BUDGET_FORMATS = {
  table: { fileName: "budget.txt", render: renderTable },
  markdown: { fileName: "budget.md", render: renderMarkdown },
  csv: { fileName: "budget.csv", render: renderCsv },
  json: { fileName: "budget.json", render: (r) => JSON.stringify(r, null, 2) + "\n" },
  xlsx: { fileName: "budget.xlsx", render: renderXlsx },
  calendar: { fileName: "deadlines.md", render: renderCalendar },
  ics: { fileName: "deadlines.ics", render: renderIcs },
} as const satisfies Record<BudgetFormatName, BudgetFormat>;

/** The format names, in the order --help lists them. */
export const BUDGET_FORMAT_NAMES = Object.keys(BUDGET_FORMATS) as readonly BudgetFormatName[];
