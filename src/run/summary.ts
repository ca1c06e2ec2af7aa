/**
 * A run's summary (evidence/runs/<time>/summary.json): every stage's outcome and the key figures,
 * and what changed against the previous run — regressions and recoveries.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The stages of `stronghold run`, in the order they run. */
export const STAGES = ["recover", "collect", "windows", "check", "drills", "push"] as const;
export type Stage = (typeof STAGES)[number];

/** passed: exit 0; failed: exit 1; error: usage or input errors (exit 2) or a crash; skipped: not run. */
export type StageStatus = "passed" | "failed" | "error" | "skipped";

export interface StageResult {
  readonly stage: Stage;
  readonly status: StageStatus;
  /** The exit code of the command the stage ran, when it ran one. */
  readonly exitCode?: number;
  readonly durationMs: number;
  /** One line: what happened, or why it failed. */
  readonly detail: string;
  /** The stage's full output, relative to the run folder. */
  readonly log?: string;
}

/** RTO or RPO of a drill: achieved against the target, seconds. */
export interface Objective {
  readonly targetSeconds: number;
  readonly achievedSeconds?: number;
  readonly met?: boolean;
}

export interface DrillFigure {
  readonly runbook: string;
  readonly runId?: string;
  readonly verdict: string;
  readonly exitCode: number;
  /** Why it did not pass, in one line. */
  readonly reason?: string;
  readonly rto?: Objective;
  readonly rpo?: Objective;
}

export interface CheckFigures {
  readonly score: number;
  readonly gatePassed: boolean;
  readonly gateReasons: readonly string[];
  /** Controls failing on at least one machine, sorted. */
  readonly failingControls: readonly string[];
  /** Failing results (control × machine). */
  readonly failures: number;
}

export interface Comparison {
  /** The previous run's folder name, or undefined on the first run. */
  readonly previous?: string;
  readonly regressions: readonly string[];
  readonly recoveries: readonly string[];
}

export interface RunSummary {
  readonly schemaVersion: 1;
  readonly town: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** The local day (YYYY-MM-DD, the workspace's time zone) the schedule was read for. */
  readonly day: string;
  readonly dryRun: boolean;
  /** The stages --only chose; a partial run is never the baseline of a later one. */
  readonly only?: readonly Stage[];
  readonly stages: readonly StageResult[];
  readonly check?: CheckFigures;
  readonly drills: readonly DrillFigure[];
  readonly comparison: Comparison;
  readonly notifications?: { readonly sent: readonly string[]; readonly failed: readonly string[] };
  /** The signal (SIGINT, SIGTERM) that stopped the run early; such a run is never a baseline. */
  readonly interrupted?: string;
  readonly exitCode: number;
}

/** The file a run's summary is written to, inside its run folder. */
export const SUMMARY_FILE = "summary.json";

/** The newest summary in `runsDir` other than `except`, with its folder name. */
export function previousSummary(
  runsDir: string,
  except?: string,
): { name: string; summary: RunSummary } | undefined {
  if (!existsSync(runsDir)) return undefined;
  const names = readdirSync(runsDir)
    .filter((n) => n !== except && existsSync(path.join(runsDir, n, SUMMARY_FILE)))
    .sort();
  for (const name of names.reverse()) {
    try {
      const summary = JSON.parse(
        readFileSync(path.join(runsDir, name, SUMMARY_FILE), "utf8"),
      ) as RunSummary;
      if (
        summary.schemaVersion === 1 &&
        !summary.dryRun &&
        summary.only === undefined &&
        summary.interrupted === undefined
      )
        return { name, summary };
    } catch {
      // A summary cut short by a crash is not a baseline; the one before it is.
    }
  }
  return undefined;
}

const bad = (s: StageStatus) => s === "failed" || s === "error";
const minutes = (seconds: number) =>
  seconds < 120 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;

function objectiveMissed(
  name: "RTO" | "RPO",
  runbook: string,
  now: Objective | undefined,
  before: Objective | undefined,
): string | undefined {
  if (now?.met !== false || before?.met === false) return undefined;
  return `drill ${runbook}: ${name} missed: ${minutes(now.achievedSeconds ?? 0)} against a target of ${minutes(now.targetSeconds)}`;
}

/** Regressions and recoveries of `current` against `previous` (none on a first run). */
export function compareRuns(
  current: Pick<RunSummary, "stages" | "check" | "drills">,
  previous: { name: string; summary: RunSummary } | undefined,
): Comparison {
  if (previous === undefined) return { regressions: [], recoveries: [] };
  const before = previous.summary;
  const regressions: string[] = [];
  const recoveries: string[] = [];
  for (const stage of current.stages) {
    const was = before.stages.find((s) => s.stage === stage.stage);
    if (was === undefined || stage.status === "skipped" || was.status === "skipped") continue;
    if (bad(stage.status) && !bad(was.status))
      regressions.push(`stage ${stage.stage} ${stage.status} (passed last run): ${stage.detail}`);
    if (!bad(stage.status) && bad(was.status))
      recoveries.push(`stage ${stage.stage} passed again (${was.status} last run)`);
  }
  if (current.check !== undefined && before.check !== undefined) {
    if (current.check.score < before.check.score)
      regressions.push(
        `compliance score dropped from ${before.check.score} to ${current.check.score}`,
      );
    const was = new Set(before.check.failingControls);
    const now = new Set(current.check.failingControls);
    for (const c of current.check.failingControls)
      if (!was.has(c)) regressions.push(`control ${c} newly failing`);
    for (const c of before.check.failingControls)
      if (!now.has(c)) recoveries.push(`control ${c} passes again`);
  }
  for (const drill of current.drills) {
    const was = before.drills.find((d) => d.runbook === drill.runbook);
    if (was !== undefined && was.verdict === "passed" && drill.verdict !== "passed")
      regressions.push(`drill ${drill.runbook} ${drill.verdict} (passed last time)`);
    if (was !== undefined && was.verdict !== "passed" && drill.verdict === "passed")
      recoveries.push(`drill ${drill.runbook} passed again (${was.verdict} last time)`);
    for (const missed of [
      objectiveMissed("RTO", drill.runbook, drill.rto, was?.rto),
      objectiveMissed("RPO", drill.runbook, drill.rpo, was?.rpo),
    ])
      if (missed !== undefined) regressions.push(missed);
  }
  return { previous: previous.name, regressions, recoveries };
}

/** 0 every stage passed and nothing regressed; 2 a stage met usage or input errors; else 1. */
export function exitCodeOf(stages: readonly StageResult[], comparison: Comparison): number {
  if (stages.some((s) => s.status === "error")) return 2;
  if (stages.some((s) => s.status === "failed") || comparison.regressions.length > 0) return 1;
  return 0;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The one-screen summary printed at the end of a run. */
export function renderRunSummary(
  summary: RunSummary,
  file: string,
  dashboard?: { readonly file: string; readonly error?: string },
): string {
  const lines = [
    `stronghold run: ${summary.town}, ${summary.day}${summary.dryRun ? " (dry run)" : ""}${summary.interrupted === undefined ? "" : ` (stopped by ${summary.interrupted})`}`,
    "",
  ];
  for (const s of summary.stages)
    lines.push(
      `  ${s.stage.padEnd(8)} ${s.status.padEnd(7)} ${seconds(s.durationMs).padStart(8)}  ${s.detail}`,
    );
  lines.push("");
  if (summary.check !== undefined)
    lines.push(
      `compliance: score ${summary.check.score}, ${summary.check.failingControls.length} failing control(s)${summary.check.failingControls.length > 0 ? `: ${summary.check.failingControls.slice(0, 8).join(", ")}${summary.check.failingControls.length > 8 ? ", …" : ""}` : ""}`,
    );
  for (const d of summary.drills) {
    const objective = (name: string, o: Objective | undefined) =>
      o?.achievedSeconds === undefined
        ? ""
        : `, ${name} ${minutes(o.achievedSeconds)} of ${minutes(o.targetSeconds)}${o.met ? "" : " MISSED"}`;
    lines.push(
      `drill ${d.runbook}: ${d.verdict}${objective("RTO", d.rto)}${objective("RPO", d.rpo)}`,
    );
  }
  const c = summary.comparison;
  lines.push(
    c.previous === undefined
      ? "compared with: nothing (first run)"
      : `compared with ${c.previous}: ${c.regressions.length} regression(s), ${c.recoveries.length} recovery(ies)`,
  );
  for (const r of c.regressions) lines.push(`  regression: ${r}`);
  for (const r of c.recoveries) lines.push(`  recovery:   ${r}`);
  if (summary.notifications !== undefined) {
    for (const n of summary.notifications.sent) lines.push(`notified: ${n}`);
    for (const n of summary.notifications.failed) lines.push(`NOT notified: ${n}`);
  }
  lines.push(`summary: ${file}`);
  if (dashboard !== undefined)
    lines.push(
      dashboard.error === undefined
        ? `dashboard: ${dashboard.file}`
        : `dashboard: NOT written: ${dashboard.error} (the run's work and evidence are complete; stronghold report html writes it again)`,
    );
  lines.push(`exit ${summary.exitCode}`);
  return `${lines.join("\n")}\n`;
}
