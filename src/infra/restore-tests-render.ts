/** `stronghold infra restore-tests` output: a table, JSON or Markdown of the summary. */
import type { Write } from "../output/write.js";
import { cell, escapeInline } from "../output/markdown-text.js";
import type { JobVerdict, PlanResult, RestoreTestSummary } from "./restore-tests.js";

/** The output formats, the first the default. */
export const RESTORE_TEST_FORMATS = ["table", "json", "markdown"] as const;
export type RestoreTestFormat = (typeof RESTORE_TEST_FORMATS)[number];

/** The version of the JSON shape; bumped on an incompatible change. */
export const RESTORE_TESTS_JSON_VERSION = 1;

const LABEL: Readonly<Record<JobVerdict["kind"] | PlanResult["verdict"], string>> = {
  passed: "PASS",
  failed: "FAIL",
  overdue: "OVERDUE",
  pending: "PENDING",
};

/** `millbrook_prod_restore_testing-45725b` from the plan's ARN; restores no plan started. */
export function planLabel(plan: PlanResult): string {
  return plan.planArn === undefined
    ? "restores not started by a restore testing plan"
    : (/restore-testing-plan:(.+)$/.exec(plan.planArn)?.[1] ?? plan.planArn);
}

function headline(summary: RestoreTestSummary): string {
  return `RTO ${summary.rtoHours} h, validation window ${summary.validationWindowHours} h, judged at ${summary.at}`;
}

function planLine(plan: PlanResult, rtoHours: number): string {
  const slowest =
    plan.slowestHours === undefined
      ? ""
      : `, slowest restore ${plan.slowestHours} h of ${rtoHours} h`;
  return `${LABEL[plan.verdict]}  ${planLabel(plan)} (${plan.jobs.length} job${plan.jobs.length === 1 ? "" : "s"}${slowest})`;
}

function renderTable(summary: RestoreTestSummary, write: Write): void {
  write(`Restore tests: ${headline(summary)}\n`);
  for (const plan of summary.plans) {
    write(`\n${planLine(plan, summary.rtoHours)}\n`);
    const rows = plan.jobs.map((j) => [
      LABEL[j.verdict.kind],
      j.restoreJobId,
      j.resourceType,
      j.created,
      j.restoreHours === undefined ? "-" : `${j.restoreHours} h`,
      j.validationStatus,
      j.verdict.reason,
    ]);
    const header = ["", "job", "type", "created", "restore", "validation", "why"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows]) {
      write(
        `  ${row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd()}\n`,
      );
    }
  }
  if (summary.plans.length === 0) write("\nno restore jobs in the file\n");
  if (summary.truncated) {
    write("\nThe file ends with a NextToken: AWS listed more jobs than it holds.\n");
  }
  write(
    `\n${summary.failed ? "FAILED: a restore test failed or is overdue" : "No failed or overdue restore test"}\n`,
  );
}

function renderMarkdown(summary: RestoreTestSummary, write: Write): void {
  write(`## Restore tests\n\n${headline(summary)}\n`);
  for (const plan of summary.plans) {
    write(`\n### ${LABEL[plan.verdict]} ${escapeInline(planLabel(plan))}\n\n`);
    if (plan.planArn !== undefined) write(`\`${plan.planArn}\`\n\n`);
    write("| verdict | job | type | created | restore | validation | why |\n");
    write("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (const j of plan.jobs) {
      write(
        `| ${[
          LABEL[j.verdict.kind],
          j.restoreJobId,
          j.resourceType,
          j.created,
          j.restoreHours === undefined ? "-" : `${j.restoreHours} h`,
          j.validationStatus,
          j.verdict.reason,
        ]
          .map(cell)
          .join(" | ")} |\n`,
      );
    }
  }
  if (summary.truncated) {
    write("\nThe file ends with a NextToken: AWS listed more jobs than it holds.\n");
  }
  write(
    `\n**${summary.failed ? "A restore test failed or is overdue." : "No failed or overdue restore test."}**\n`,
  );
}

/** One renderer per format: a new format is a compile error until it has one. */
export const RESTORE_TEST_RENDERERS: Readonly<
  Record<RestoreTestFormat, (summary: RestoreTestSummary, write: Write) => void>
> = {
  table: renderTable,
  json: (summary, write) =>
    write(
      `${JSON.stringify({ schemaVersion: RESTORE_TESTS_JSON_VERSION, ...summary }, null, 2)}\n`,
    ),
  markdown: renderMarkdown,
};
