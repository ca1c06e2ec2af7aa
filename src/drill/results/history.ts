/**
 * Past runs, read back from their journals: verdict, RTO and RPO against their targets, and the
 * trend against the previous run of the same runbook. A run whose journal has no end (the process
 * was killed) is listed as incomplete; an unreadable journal is reported, never skipped silently.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { DrillMetrics, DrillVerdict, TargetMetric } from "./run-record.js";
import { formatDuration } from "./metrics.js";
import { JOURNAL_FILE } from "./evidence.js";

/** One past run as history shows it. */
export interface HistoryEntry {
  readonly runId: string;
  readonly dir: string;
  readonly runbook: string;
  readonly startedAt: string;
  readonly status: DrillVerdict["status"] | "incomplete";
  readonly failedAt?: string;
  readonly rto?: TargetMetric;
  readonly rpo?: TargetMetric;
  /** Change against the previous run of the same runbook that measured it (seconds; + is worse). */
  readonly trend?: {
    readonly previousRunId: string;
    readonly rtoDeltaSeconds?: number;
    readonly rpoDeltaSeconds?: number;
  };
}

/** Past runs, oldest first, and the journals that could not be read. */
export interface History {
  readonly entries: readonly HistoryEntry[];
  /** Journals that could not be read, with why. */
  readonly problems: readonly string[];
}

interface StartLine {
  event: "run-start";
  at: string;
  runId: string;
  runbook: { id: string };
}
interface EndLine {
  event: "run-end";
  verdict: DrillVerdict;
  metrics: DrillMetrics;
}

function readJournal(dir: string, file: string): Omit<HistoryEntry, "trend"> | string {
  let start: StartLine | undefined;
  let end: EndLine | undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let parsed: { event?: unknown };
    try {
      parsed = JSON.parse(line) as { event?: unknown };
    } catch {
      // The last line of a killed run may be cut short; anything else is damage.
      if (i >= lines.length - 2) continue;
      return `${file}:${i + 1}: not a JSON line`;
    }
    if (parsed.event === "run-start") start = parsed as StartLine;
    else if (parsed.event === "run-end") end = parsed as EndLine;
  }
  if (!start) return `${file}: no run-start line: not a drill journal`;
  return {
    runId: start.runId,
    dir,
    runbook: start.runbook.id,
    startedAt: start.at,
    status: end?.verdict.status ?? "incomplete",
    ...(end && end.verdict.status !== "passed" ? { failedAt: end.verdict.failedAt } : {}),
    ...(end?.metrics.rto ? { rto: end.metrics.rto } : {}),
    ...(end?.metrics.rpo ? { rpo: end.metrics.rpo } : {}),
  };
}

/** Reads every run folder directly under `dir` (oldest first), optionally for one runbook. */
export function readHistory(dir: string, runbook?: string): History {
  const problems: string[] = [];
  const found: Omit<HistoryEntry, "trend">[] = [];
  if (!existsSync(dir)) return { entries: [], problems: [] };
  for (const name of readdirSync(dir).sort()) {
    const runDir = path.join(dir, name);
    const journal = path.join(runDir, JOURNAL_FILE);
    if (!statSync(runDir).isDirectory() || !existsSync(journal)) continue;
    try {
      const entry = readJournal(runDir, journal);
      if (typeof entry === "string") problems.push(entry);
      else if (runbook === undefined || entry.runbook === runbook) found.push(entry);
    } catch (error) {
      problems.push(
        `${journal}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
  }
  found.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const entries = found.map((entry, i): HistoryEntry => {
    const previous = found
      .slice(0, i)
      .filter((e) => e.runbook === entry.runbook)
      .at(-1);
    if (!previous) return entry;
    const delta = (a: TargetMetric | undefined, b: TargetMetric | undefined) =>
      a?.achievedSeconds !== undefined && b?.achievedSeconds !== undefined
        ? a.achievedSeconds - b.achievedSeconds
        : undefined;
    const rtoDelta = delta(entry.rto, previous.rto);
    const rpoDelta = delta(entry.rpo, previous.rpo);
    return {
      ...entry,
      trend: {
        previousRunId: previous.runId,
        ...(rtoDelta === undefined ? {} : { rtoDeltaSeconds: rtoDelta }),
        ...(rpoDelta === undefined ? {} : { rpoDeltaSeconds: rpoDelta }),
      },
    };
  });
  return { entries, problems };
}

function metricCell(m: TargetMetric | undefined): string {
  if (m === undefined) return "n/a";
  const target = formatDuration(m.targetSeconds);
  if (m.achievedSeconds === undefined) return `— / ${target}`;
  return `${formatDuration(m.achievedSeconds)} / ${target}${m.met ? "" : " MISSED"}`;
}

/** "+2.1 s" (slower / older), "−3.0 s", "=" or "" when there is nothing to compare. */
export function trendCell(delta: number | undefined): string {
  if (delta === undefined) return "";
  if (Math.abs(delta) < 0.05) return "=";
  return `${delta > 0 ? "+" : "−"}${formatDuration(Math.abs(delta))}`;
}

/** A plain-text table, newest run last, with a line per runbook on where its RTO is heading. */
export function renderHistoryTable(history: History): string {
  const header = [
    "Started",
    "Runbook",
    "Verdict",
    "RTO / target",
    "ΔRTO",
    "RPO / target",
    "ΔRPO",
    "Failed at",
  ];
  const rows = history.entries.map((e) => [
    e.startedAt.replace(/\.\d+Z$/, "Z"),
    e.runbook,
    e.status,
    metricCell(e.rto),
    trendCell(e.trend?.rtoDeltaSeconds),
    metricCell(e.rpo),
    trendCell(e.trend?.rpoDeltaSeconds),
    e.failedAt ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  const runbooks = [...new Set(history.entries.map((e) => e.runbook))];
  const trends = runbooks.flatMap((id) => {
    const measured = history.entries.filter(
      (e) => e.runbook === id && e.rto?.achievedSeconds !== undefined,
    );
    if (measured.length < 2) return [];
    const first = measured[0]!.rto!.achievedSeconds!;
    const last = measured.at(-1)!.rto!.achievedSeconds!;
    const direction = last > first * 1.05 ? "slower" : last < first * 0.95 ? "faster" : "steady";
    return [
      `${id}: RTO ${formatDuration(first)} → ${formatDuration(last)} over ${measured.length} runs (${direction})`,
    ];
  });
  if (trends.length > 0) out.push("", ...trends);
  return `${out.join("\n")}\n`;
}
