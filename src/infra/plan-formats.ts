/** The formats `stronghold infra plan --format` offers, each with its renderer. */
import type { Write } from "../output/write.js";
import type { Plan } from "./plan.js";
import { renderPlanMarkdown } from "./plan-markdown.js";
import { renderPlanTable } from "./plan-table.js";

/** The output formats, the first the default. */
export const PLAN_FORMATS = ["table", "json", "markdown"] as const;
/** One of {@link PLAN_FORMATS}. */
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** The version of the JSON shape; bumped on an incompatible change. */
export const PLAN_JSON_VERSION = 1;

/** One renderer per format: a new format is a compile error until it has one. */
export const PLAN_RENDERERS: Readonly<
  Record<PlanFormat, (plan: Plan, write: Write, options: { readonly color: boolean }) => void>
> = {
  table: (plan, write, options) => renderPlanTable(plan, write, options),
  json: (plan, write) =>
    write(`${JSON.stringify({ schemaVersion: PLAN_JSON_VERSION, ...plan }, null, 2)}\n`),
  markdown: (plan, write) => renderPlanMarkdown(plan, write),
};
