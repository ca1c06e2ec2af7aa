/**
 * The terminal summary: header, scores, worst controls with how to fix each, failing machines
 * with why each fails, waivers, every input problem, warnings and the gate verdict. Colour is the caller's decision (NO_COLOR, FORCE_COLOR,
 * isTTY are the CLI's business); with `color: false` the output holds no escape codes at all.
 */
import pc from "picocolors";
import type { CheckReport, Score } from "../evaluation/report-model.js";
import type { Severity, Status } from "../evaluation/result.js";
import { STATUSES } from "../evaluation/result.js";
import {
  type Write,
  controlsById,
  describeEvidence,
  describeFailure,
  describeWaiver,
  oneLine,
  formatScore,
  problemLocation,
  tallyControls,
  worstSubjects,
} from "./common.js";

export interface TableOptions {
  readonly color: boolean;
  /** How many failing machines to list before "…and K more". */
  readonly maxMachines?: number;
  /** How many controls to list under "Worst controls". */
  readonly maxControls?: number;
  /** How many waived or expired-waiver results to list (expired first) before "…and K more". */
  readonly maxWaivers?: number;
  /** How many failed control ids to show per machine before "+K". */
  readonly maxIdsPerMachine?: number;
}

const DEFAULTS = { maxMachines: 20, maxControls: 10, maxWaivers: 20, maxIdsPerMachine: 6 } as const;

const STATUS_LABEL: Readonly<Record<Status, string>> = {
  pass: "PASS",
  fail: "FAIL",
  waived: "WAIVED",
  "not-applicable": "N/A",
  error: "ERROR",
};

/** Default file name of this format when written under --out. */
export const fileName = "stronghold-report.txt";

/** Renders the terminal summary without colour. */
export function render(report: CheckReport, write: Write): void {
  renderTable(report, write, { color: false });
}

/** Renders the terminal summary; colour codes appear only when `options.color` is true. */
export function renderTable(report: CheckReport, write: Write, options: TableOptions): void {
  const c = pc.createColors(options.color);
  const maxMachines = options.maxMachines ?? DEFAULTS.maxMachines;
  const maxControls = options.maxControls ?? DEFAULTS.maxControls;
  const maxIds = options.maxIdsPerMachine ?? DEFAULTS.maxIdsPerMachine;
  const maxWaivers = options.maxWaivers ?? DEFAULTS.maxWaivers;
  const severityColor: Readonly<Record<Severity, (s: string) => string>> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.dim,
  };
  const scoreColor = (score: number, text: string): string =>
    score >= 90 ? c.green(text) : score >= 70 ? c.yellow(text) : c.red(text);
  const heading = (text: string): string => `\n${c.bold(text)}\n`;

  // Header.
  const header = [
    c.bold(`Stronghold compliance check — ${report.tool.name} ${report.tool.version}`),
  ];
  header.push(`Evaluated at  ${report.at}`);
  const baselines = report.baselines.map((b) => `${b.id} ${b.version} (${b.title})`);
  header.push(`Baselines     ${baselines.length === 0 ? "none" : baselines.join(", ")}`);
  header.push(
    `Overlay       ${report.overlay === undefined ? "none" : `${report.overlay.name} (${report.overlay.file})`}`,
  );
  write(`${header.join("\n")}\n`);

  // Fleet score.
  const fleet = report.scores.fleet;
  const machines = report.subjects.filter((s) => s.kind === "machine").length;
  const unreported = report.subjects.length - machines;
  const counts = STATUSES.map((s) => `${STATUS_LABEL[s].toLowerCase()} ${fleet.counts[s]}`);
  write(
    `${heading("Fleet")}` +
      `  Score ${scoreColor(fleet.score, formatScore(fleet.score))}  ·  ${plural(machines, "machine")}` +
      `${unreported > 0 ? `, ${plural(unreported, "unreported asset")}` : ""}  ·  ${counts.join("  ")}\n`,
  );

  // Scores by department and site.
  const scoreTable = (title: string, label: string, scores: Readonly<Record<string, Score>>) => {
    const names = Object.keys(scores).sort((a, b) => a.localeCompare(b));
    if (names.length === 0) return;
    const rows = names.map((name) => {
      const s = scores[name] as Score;
      return [name, formatScore(s.score), ...STATUSES.map((st) => String(s.counts[st]))];
    });
    const lines = alignColumns(
      [label, "SCORE", ...STATUSES.map((s) => STATUS_LABEL[s])],
      rows,
      ["l", "r", ...STATUSES.map(() => "r" as const)],
      (row, col, padded) => (col === 1 ? scoreColor(Number(rows[row]?.[1]), padded) : padded),
    );
    write(heading(title) + lines.map((l, i) => `  ${i === 0 ? c.dim(l) : l}\n`).join(""));
  };
  scoreTable("Scores by department", "DEPARTMENT", report.scores.byDepartment);
  scoreTable("Scores by site", "SITE", report.scores.bySite);

  // Worst controls.
  const tallies = tallyControls(report).filter((t) => t.fail + t.error > 0);
  if (tallies.length > 0) {
    const shown = tallies.slice(0, maxControls);
    const lines = alignColumns(
      ["FAILS", "ERRORS", "SEVERITY", "CONTROL", "TITLE"],
      shown.map((t) => [
        String(t.fail),
        String(t.error),
        t.control?.severity ?? "?",
        t.id,
        t.control?.title ?? "(control not in this run)",
      ]),
      ["r", "r", "l", "l", "l"],
      (row, col, padded) => {
        const severity = shown[row]?.control?.severity;
        return col === 2 && severity !== undefined ? severityColor[severity](padded) : padded;
      },
    );
    // Under each control, how to fix it, starting in the CONTROL column.
    const indent = " ".repeat(2 + (lines[0] ?? "").indexOf("CONTROL"));
    const body = lines.flatMap((l, i) => {
      if (i === 0) return [`  ${c.dim(l)}`];
      const remediation = shown[i - 1]?.control?.remediation;
      return remediation === undefined
        ? [`  ${l}`]
        : [`  ${l}`, `${indent}${c.dim("fix:")} ${oneLine(remediation)}`];
    });
    const more = tallies.length - shown.length;
    write(
      `${heading(`Worst controls (${tallies.length} with failures)`)}${body.join("\n")}\n` +
        (more > 0 ? `  …and ${more} more controls\n` : ""),
    );
  }

  // Failing machines: one write per machine.
  const worst = worstSubjects(report, maxMachines);
  if (worst.total > 0) {
    const hostWidth = Math.max(4, ...worst.top.map((f) => f.subject.subject.length));
    const deptWidth = Math.max(10, ...worst.top.map((f) => f.subject.department.length));
    write(
      `${heading(`Failing machines (${worst.total})`)}` +
        `  ${c.dim(`${"HOST".padEnd(hostWidth)}  ${"DEPARTMENT".padEnd(deptWidth)}  SCORE  FAILED CONTROLS`)}\n`,
    );
    for (const f of worst.top) {
      const score = f.score?.score;
      const scoreText = (score === undefined ? "—" : formatScore(score)).padStart(5);
      const ids = f.failed.slice(0, maxIds).join(", ");
      const extra = f.failed.length > maxIds ? ` +${f.failed.length - maxIds}` : "";
      const kind = f.subject.kind === "unreported-asset" ? c.dim(" (never reported)") : "";
      // Why, under the machine: one line per failed control shown.
      const why = f.subject.results
        .filter((r) => r.status === "fail" || r.status === "error")
        .slice(0, maxIds)
        .map((r) => `      ${r.control}: ${c.dim(describeFailure(r) ?? "")}\n`)
        .join("");
      write(
        `  ${f.subject.subject.padEnd(hostWidth)}  ${f.subject.department.padEnd(deptWidth)}  ` +
          `${score === undefined ? scoreText : scoreColor(score, scoreText)}  ${ids}${extra}${kind}\n` +
          why,
      );
    }
    const more = worst.total - worst.top.length;
    if (more > 0) write(`  …and ${more} more\n`);
  }

  // Waivers: expired ones first (those failures need someone), then valid ones; one write per
  // machine, capped at maxWaivers lines with the rest counted.
  let expiredTotal = 0;
  let validTotal = 0;
  for (const s of report.subjects) {
    for (const r of s.results.findings()) {
      if (r.status === "waived") validTotal += 1;
      else if (r.status === "fail" && r.expiredWaiver !== undefined) expiredTotal += 1;
    }
  }
  if (expiredTotal + validTotal > 0) {
    write(heading(`Waivers (${expiredTotal} expired, ${validTotal} valid)`));
    const byId = controlsById(report);
    let shown = 0;
    for (const expired of [true, false]) {
      for (const s of report.subjects) {
        if (shown >= maxWaivers) break;
        const lines: string[] = [];
        for (const r of s.results.findings()) {
          if (shown >= maxWaivers) break;
          if (!expired && r.status === "waived") {
            lines.push(`  ${s.subject}  ${r.control}  waived: ${describeWaiver(r.waiver)}`);
            shown += 1;
          } else if (expired && r.status === "fail" && r.expiredWaiver !== undefined) {
            const title = byId.get(r.control)?.title;
            lines.push(
              `  ${s.subject}  ${r.control}  ${c.bold(c.red("EXPIRED"))} waiver ` +
                `${describeWaiver(r.expiredWaiver)} — the failure stands` +
                (title === undefined ? "" : ` (${title})`),
            );
            for (const e of r.evidence) lines.push(`      ${c.dim(describeEvidence(e))}`);
            shown += 1;
          }
        }
        if (lines.length > 0) write(`${lines.join("\n")}\n`);
      }
    }
    const rest = expiredTotal + validTotal - shown;
    if (rest > 0) write(`  …and ${rest} more\n`);
  }

  // Input problems: every one of them, one write per problem.
  if (report.problems.length > 0) {
    write(heading(c.red(`Input problems (${report.problems.length})`)));
    for (const p of report.problems) write(`  ${c.bold(problemLocation(p))}  ${p.message}\n`);
  }

  if (report.warnings.length > 0) {
    write(
      heading(c.yellow(`Warnings (${report.warnings.length})`)) +
        report.warnings.map((w) => `  - ${w}\n`).join(""),
    );
  }

  // Gate verdict.
  const gate = report.gate;
  const policy = `fail on ${gate.failOn}, minimum score ${gate.minScore}`;
  const verdict = gate.passed ? c.bold(c.green("Gate: PASSED")) : c.bold(c.red("Gate: FAILED"));
  write(`\n${verdict} (${policy})\n` + gate.reasons.map((reason) => `  - ${reason}\n`).join(""));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Pads each column to its widest cell (measured on plain text) and returns the header line followed
 * by one line per row; `decorate` may then colour a padded body cell without breaking alignment.
 */
function alignColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ("l" | "r")[],
  decorate: (row: number, col: number, padded: string) => string = (_r, _c, padded) => padded,
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[], row: number | undefined) =>
    cells
      .map((cell, col) => {
        const width = widths[col] ?? 0;
        // The last left-aligned column is not padded, so lines carry no trailing spaces.
        const padded =
          col === cells.length - 1 && align[col] === "l"
            ? cell
            : align[col] === "r"
              ? cell.padStart(width)
              : cell.padEnd(width);
        return row === undefined ? padded : decorate(row, col, padded);
      })
      .join("  ");
  return [line(header, undefined), ...rows.map((r, i) => line(r, i))];
}
