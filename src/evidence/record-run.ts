/** The ledger entry of a `stronghold run`, from its summary; appended after every stage's own. */
import type { EntryArtifact, EntryDraft, EntryInput } from "./entry.js";
import { NO_FRAMEWORKS } from "./frameworks.js";
import type { RunEntryMetrics } from "./metrics.js";

/** What the recorder reads of a run summary (summary.json). */
export interface RunSummaryView {
  readonly town: string;
  readonly startedAt: string;
  readonly day: string;
  readonly stages: readonly { readonly stage: string; readonly status: string }[];
  readonly comparison: {
    readonly regressions: readonly string[];
    readonly recoveries: readonly string[];
  };
  readonly interrupted?: string;
  readonly exitCode: number;
}

export interface RunRecordInput {
  readonly summary: RunSummaryView;
  /** The run's folder name, which every entry of the run carries. */
  readonly name: string;
  readonly inputs: readonly EntryInput[];
  readonly artifacts: readonly EntryArtifact[];
}

export function runMetrics(summary: RunSummaryView): RunEntryMetrics {
  return {
    day: summary.day,
    exitCode: summary.exitCode,
    stages: Object.fromEntries(summary.stages.map((s) => [s.stage, s.status])),
    regressions: summary.comparison.regressions.length,
    recoveries: summary.comparison.recoveries.length,
    ...(summary.interrupted === undefined ? {} : { interrupted: summary.interrupted }),
  };
}

/** interrupted, passed (exit 0) or failed. */
export function runVerdict(summary: RunSummaryView): "passed" | "failed" | "interrupted" {
  if (summary.interrupted !== undefined) return "interrupted";
  return summary.exitCode === 0 ? "passed" : "failed";
}

/**
 * The entry a nightly run appends last. It evidences no safeguard itself: its stages' entries do,
 * each with its own verdict.
 */
export function recordRun(input: RunRecordInput): EntryDraft {
  return {
    kind: "run",
    at: new Date(input.summary.startedAt).toISOString(),
    subject: input.summary.town,
    verdict: runVerdict(input.summary),
    inputs: input.inputs,
    metrics: runMetrics(input.summary) as unknown as Record<string, unknown>,
    frameworks: NO_FRAMEWORKS,
    artifacts: input.artifacts,
    run: input.name,
  };
}

/**
 * How `stronghold run` tells the commands it runs in process which run they belong to: the run
 * folder's name, and the night's time (ISO 8601) their entries carry.
 */
export const RUN_NAME_ENV = "STRONGHOLD_RUN_NAME";
export const RUN_AT_ENV = "STRONGHOLD_RUN_AT";
