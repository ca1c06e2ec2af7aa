/**
 * A Markdown summary for the IT steering committee and CI job summaries ($GITHUB_STEP_SUMMARY):
 * verdict, scores by department and site, top failing controls with how to fix them, the worst
 * machines with why each fails, expired
 * waivers, input problems and how to reproduce. Long lists are capped and always say how many were
 * left out; every cell value is escaped so a pipe or an angle bracket in data cannot break a table.
 */
import type { CheckReport, Score } from "../evaluation/report-model.js";
import type { Coverage } from "../policy/coverage.js";
import type { Status } from "../evaluation/result.js";
import type { ResultRow } from "../evaluation/result-row.js";
import { cell, escapeInline } from "../../output/markdown-text.js";
import { STATUSES } from "../evaluation/result.js";
import {
  type Write,
  describeEvidence,
  describeFailure,
  expiredWaivers,
  fileLine,
  formatScore,
  oneLine,
  tallyControls,
  worstSubjects,
} from "./common.js";

export interface MarkdownOptions {
  readonly maxMachines?: number;
  readonly maxControls?: number;
  readonly maxProblems?: number;
  readonly maxWaivers?: number;
  /** How many failed controls to explain per machine before "and K more". */
  readonly maxIdsPerMachine?: number;
}

const DEFAULTS = {
  maxMachines: 25,
  maxControls: 10,
  maxProblems: 100,
  maxWaivers: 50,
  maxIdsPerMachine: 6,
} as const;

const STATUS_HEADER: Readonly<Record<Status, string>> = {
  pass: "Pass",
  fail: "Fail",
  waived: "Waived",
  "not-applicable": "N/A",
  error: "Error",
};

/** Default file name of this format when written under --out. */
export const fileName = "stronghold-report.md";

/** Renders the Markdown summary with the default caps. */
export function render(report: CheckReport, write: Write): void {
  renderMarkdown(report, write, {});
}

/** Renders the Markdown summary; the caps bound its size (GitHub truncates summaries over 1 MiB). */
export function renderMarkdown(report: CheckReport, write: Write, options: MarkdownOptions): void {
  const maxMachines = options.maxMachines ?? DEFAULTS.maxMachines;
  const maxControls = options.maxControls ?? DEFAULTS.maxControls;
  const maxProblems = options.maxProblems ?? DEFAULTS.maxProblems;
  const maxWaivers = options.maxWaivers ?? DEFAULTS.maxWaivers;
  const maxIds = options.maxIdsPerMachine ?? DEFAULTS.maxIdsPerMachine;
  const gate = report.gate;
  const fleet = report.scores.fleet;

  const verdict = gate.passed ? "✅ **Gate passed**" : "❌ **Gate failed**";
  const overlay = report.overlay === undefined ? "" : ` with overlay ${code(report.overlay.name)}`;
  const baselines = report.baselines.map((b) => `${code(b.id)} ${escapeInline(b.version)}`);
  write(
    `# Stronghold compliance report\n\n` +
      `${verdict} — fleet score **${formatScore(fleet.score)}** ` +
      `(minimum ${gate.minScore}, fails on ${escapeInline(gate.failOn)} and above).\n` +
      gate.reasons.map((r) => `\n- ${escapeInline(r)}`).join("") +
      (gate.reasons.length > 0 ? "\n" : "") +
      `\nEvaluated ${report.subjects.length} subjects at ${code(report.at)} against ` +
      `${baselines.length === 0 ? "no baselines" : baselines.join(", ")}${overlay}.\n` +
      `\n${coverageLine(report.coverage)}\n`,
  );

  const scoreTable = (title: string, label: string, scores: Readonly<Record<string, Score>>) => {
    const names = Object.keys(scores).sort((a, b) => a.localeCompare(b));
    if (names.length === 0) return;
    const rows = names.map((name) => {
      const s = scores[name] as Score;
      return [cell(name), formatScore(s.score), ...STATUSES.map((st) => String(s.counts[st]))];
    });
    write(
      `\n### ${title}\n\n` +
        table([label, "Score", ...STATUSES.map((s) => STATUS_HEADER[s])], rows, [
          "l",
          ...STATUSES.map(() => "r" as const),
          "r",
        ]),
    );
  };
  write(`\n## Scores\n`);
  scoreTable("By department", "Department", report.scores.byDepartment);
  scoreTable("By site", "Site", report.scores.bySite);

  const tallies = tallyControls(report).filter((t) => t.fail + t.error > 0);
  if (tallies.length > 0) {
    const shown = tallies.slice(0, maxControls);
    write(
      `\n## Top failing controls\n\n` +
        table(
          ["Control", "Severity", "Title", "Failures", "Errors", "How to fix"],
          shown.map((t) => [
            code(t.id),
            cell(t.control?.severity ?? "unknown"),
            cell(t.control?.title ?? "(control not in this run)"),
            String(t.fail),
            String(t.error),
            cell(t.control === undefined ? "" : oneLine(t.control.remediation)),
          ]),
          ["l", "l", "l", "r", "r", "l"],
        ) +
        more(tallies.length - shown.length, "controls with failures"),
    );
  }

  const worst = worstSubjects(report, maxMachines);
  if (worst.total > 0) {
    write(
      `\n## Failing machines (${worst.total})\n\n` +
        tableHeader(
          ["Machine", "Department", "Site", "Score", "Failed controls"],
          ["l", "l", "l", "r", "l"],
        ),
    );
    for (const f of worst.top) {
      const name =
        f.subject.kind === "unreported-asset"
          ? `${cell(f.subject.subject)} (never reported)`
          : cell(f.subject.subject);
      write(
        tableRow([
          name,
          cell(f.subject.department),
          cell(f.subject.site),
          f.score === undefined ? "—" : formatScore(f.score.score),
          failures(f.subject.results, maxIds),
        ]),
      );
    }
    write(more(worst.total - worst.top.length, "failing machines"));
  }

  writeCoverage(report.coverage, write, maxControls);

  let expired = 0;
  for (const e of expiredWaivers(report)) {
    if (expired === 0) {
      write(
        `\n## Expired waivers\n\nThese failures had a waiver that has lapsed; renew or fix.\n\n` +
          tableHeader(["Machine", "Control", "Waiver", "Approver", "Expired", "Evidence"]),
      );
    }
    expired += 1;
    if (expired > maxWaivers) continue;
    write(
      tableRow([
        cell(e.subject.subject),
        code(e.result.control),
        cell(e.waiver.id),
        cell(e.waiver.approver),
        cell(e.waiver.expires),
        cell(e.result.evidence.map(describeEvidence).join("; ")),
      ]),
    );
  }
  if (expired > 0) write(more(expired - maxWaivers, "expired waivers"));

  if (report.problems.length > 0) {
    write(
      `\n## Input problems (${report.problems.length})\n\n` +
        `These inputs could not be evaluated; their machines have no results.\n\n` +
        tableHeader(["File", "Pointer", "Problem"]),
    );
    for (const p of report.problems.slice(0, maxProblems)) {
      write(
        tableRow([
          code(fileLine(p.file, p.line)),
          p.pointer === "" ? "(whole file)" : code(p.pointer),
          cell(p.message),
        ]),
      );
    }
    write(more(report.problems.length - maxProblems, "input problems (see the full report)"));
  }

  if (report.warnings.length > 0) {
    write(`\n## Warnings\n\n${report.warnings.map((w) => `- ${escapeInline(w)}\n`).join("")}`);
  }

  write(
    `\n## How to reproduce\n\n` +
      `Every age (patches, backups, waiver expiry) is measured from the evaluation time, so the ` +
      `same inputs give the same report when it is fixed:\n\n` +
      `\`\`\`sh\nstronghold check --at ${shellWord(report.at)} …same inputs and options…\n\`\`\`\n\n` +
      `Stronghold ${escapeInline(report.tool.version)}.\n`,
  );
}

/** Each failed control of a machine with why it failed, one per line of the cell. */
function failures(results: ResultRow, max: number): string {
  const failed = results.filter((r) => r.status === "fail" || r.status === "error");
  const lines = failed
    .slice(0, max)
    .map((r) => `${code(r.control)}: ${cell(describeFailure(r) ?? "")}`);
  const rest = failed.length - max;
  return lines.join("<br>") + (rest > 0 ? `<br>and ${rest} more` : "");
}

/** A code span that survives backticks and pipes in its content (pipes still split GFM tables). */
function code(text: string): string {
  if (text === "") return "";
  const body = text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const ticks = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** A word the shell passes through unchanged: quoted unless it is plainly safe. */
function shellWord(text: string): string {
  return /^[\w:.+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

function tableHeader(header: readonly string[], align?: readonly ("l" | "r")[]): string {
  const rule = header.map((_, i) => (align?.[i] === "r" ? "--:" : "---"));
  return `${tableRow(header)}${tableRow(rule)}`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |\n`;
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ("l" | "r")[],
): string {
  return tableHeader(header, align) + rows.map(tableRow).join("");
}

function more(count: number, what: string): string {
  return count > 0 ? `\n…and ${count} more ${what}.\n` : "";
}

/** Where the full coverage table is: shipped with Stronghold's documentation. */
export const COVERAGE_DOC = "docs/coverage.md";

/** One line for the top of the summary: what the run's baselines cover of IG1 and IG2. */
function coverageLine(coverage: Coverage): string {
  const { ig1, ig2 } = coverage.summary;
  return (
    `${coverage.framework} coverage: these controls check ${ig1.covered} of ${ig1.total} IG1 ` +
    `safeguards and ${ig2.covered} of ${ig2.total} IG1 and IG2 safeguards; ` +
    `${ig1.total - ig1.covered} IG1 and ${ig2.total - ig2.covered} IG1 and IG2 safeguards are ` +
    `not checked ([Coverage](#coverage)).`
  );
}

/** The safeguards no control of the run covers, IG1 first, capped like the other lists. */
function writeCoverage(coverage: Coverage, write: Write, max: number): void {
  const { ig1, ig2 } = coverage.summary;
  const uncovered = coverage.safeguards
    .filter((s) => s.controls.length === 0)
    .sort((a, b) => a.implementationGroup - b.implementationGroup);
  write(
    `\n## Coverage\n\n` +
      table(
        ["Implementation Group", "Checked", "Not checked", "Safeguards"],
        [
          ["IG1", String(ig1.covered), String(ig1.total - ig1.covered), String(ig1.total)],
          ["IG1 and IG2", String(ig2.covered), String(ig2.total - ig2.covered), String(ig2.total)],
        ],
        ["l", "r", "r", "r"],
      ) +
      `\nA passing report says nothing about the safeguards no control checks. Stronghold's ` +
      `coverage map, ${code(COVERAGE_DOC)} in its documentation, lists every safeguard with the ` +
      `controls that check it.\n`,
  );
  if (uncovered.length === 0) return;
  const shown = uncovered.slice(0, max);
  write(
    `\nNot checked by this run:\n\n` +
      table(
        ["Safeguard", "IG", "Title"],
        shown.map((s) => [code(s.id), String(s.implementationGroup), cell(s.title)]),
        ["l", "r", "l"],
      ) +
      more(uncovered.length - shown.length, "safeguards not checked"),
  );
}
