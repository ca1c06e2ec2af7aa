/**
 * The report formats: each module renders one format and names its default file. Renderers only
 * produce text through `write`; where it goes (and writing files atomically) is the CLI's.
 */
import type { CheckReport } from "../evaluation/report-model.js";
import type { Reporter, Write } from "./common.js";
import * as json from "./json.js";
import * as junit from "./junit.js";
import * as markdown from "./markdown.js";
import * as sarif from "./sarif.js";
import * as table from "./table.js";

export type { Render, Reporter, Write } from "./common.js";
export { renderTable, type TableOptions } from "./table.js";
export { renderMarkdown, type MarkdownOptions } from "./markdown.js";

export type Format = "table" | "json" | "junit" | "sarif" | "markdown";

/** Every format's module; `satisfies` makes a Format without a renderer a compile error. */
export const REPORTERS = { table, json, junit, sarif, markdown } as const satisfies Record<
  Format,
  Reporter
>;

/** The formats, in the order help text lists them. */
export const FORMATS = Object.keys(REPORTERS) as readonly Format[];

/** Default output file name of each format. */
export const DEFAULT_FILE_NAMES: Readonly<Record<Format, string>> = Object.fromEntries(
  FORMATS.map((f) => [f, REPORTERS[f].fileName]),
) as Record<Format, string>;

/** True when `name` is one of the formats (for parsing a --format option). */
export function isFormat(name: string): name is Format {
  return Object.hasOwn(REPORTERS, name);
}

/** Renders `report` in `format` into one string: for tests and small reports only. */
export function renderToString(format: Format, report: CheckReport): string {
  const chunks: string[] = [];
  const write: Write = (chunk) => chunks.push(chunk);
  REPORTERS[format].render(report, write);
  return chunks.join("");
}
