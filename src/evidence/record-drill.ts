/** The ledger entry of a `stronghold drill run`, from the run's record (DrillRun). */
import type { EntryArtifact, EntryDraft, EntryFrameworks, EntryInput } from "./entry.js";
import type { DrillEntryMetrics, ObjectiveFigure } from "./metrics.js";

interface Objective {
  readonly targetSeconds: number;
  readonly achievedSeconds?: number;
  readonly met?: boolean;
}

/** What the recorder reads of a drill run's record. */
export interface DrillRunView {
  readonly runId: string;
  readonly runbook: { readonly id: string; readonly title: string };
  readonly startedAt: string;
  readonly targets: readonly { readonly host: string }[];
  readonly metrics: {
    readonly rto?: Objective;
    readonly rpo?: Objective;
    readonly verified: { readonly files: number; readonly bytes: number };
  };
  readonly verdict:
    | { readonly status: "passed" }
    | {
        readonly status: "failed" | "interrupted" | "refused";
        /** The step, objective or fence; unknown for a run killed outright. */
        readonly failedAt?: string;
        readonly reasons: readonly string[];
      };
}

export interface DrillRecordInput {
  readonly run: DrillRunView;
  /** When the work counts as done: the nightly run's simulated time, else the drill's start. */
  readonly at?: string;
  readonly inputs: readonly EntryInput[];
  readonly artifacts: readonly EntryArtifact[];
  /** What the runbook evidences when it passes (evidence-frameworks.yaml). */
  readonly frameworks: EntryFrameworks;
  /** The nightly run's folder name. */
  readonly nightly?: string;
}

const figure = (o: Objective | undefined): ObjectiveFigure | undefined =>
  o === undefined
    ? undefined
    : {
        targetSeconds: o.targetSeconds,
        ...(o.achievedSeconds === undefined ? {} : { achievedSeconds: o.achievedSeconds }),
        ...(o.met === undefined ? {} : { met: o.met }),
      };

export function drillMetrics(run: DrillRunView): DrillEntryMetrics {
  const rto = figure(run.metrics.rto);
  const rpo = figure(run.metrics.rpo);
  return {
    runId: run.runId,
    scenario: run.runbook.title,
    systems: [...new Set(run.targets.map((t) => t.host))].sort(),
    ...(rto === undefined ? {} : { rto }),
    ...(rpo === undefined ? {} : { rpo }),
    verified: { files: run.metrics.verified.files, bytes: run.metrics.verified.bytes },
    ...(run.verdict.status === "passed"
      ? {}
      : {
          ...(run.verdict.failedAt === undefined ? {} : { failedAt: run.verdict.failedAt }),
          reasons: [...run.verdict.reasons],
        }),
  };
}

/**
 * The entry a drill appends. Its frameworks are what the runbook evidences when it passes, on
 * every run; the verdict says whether this run is that evidence.
 */
export function recordDrill(input: DrillRecordInput): EntryDraft {
  const { run } = input;
  return {
    kind: "drill",
    at: new Date(input.at ?? run.startedAt).toISOString(),
    subject: run.runbook.id,
    verdict: run.verdict.status,
    inputs: input.inputs,
    metrics: drillMetrics(run) as unknown as Record<string, unknown>,
    frameworks: input.frameworks,
    artifacts: input.artifacts,
    ...(input.nightly === undefined ? {} : { run: input.nightly }),
  };
}

/** What `drill recover` knows of a run that was killed before it could clean up. */
export interface KilledDrillInput {
  /** The run as its host journal describes it. */
  readonly run: {
    readonly runId: string;
    readonly runbook: { readonly id: string; readonly title: string };
    readonly startedAt: string;
    /** Each target's host. */
    readonly hosts: readonly string[];
    readonly rtoMinutes: number;
    readonly rpoMinutes: number;
  };
  /** The host whose journal was found, and when the recovery finished the cleanup. */
  readonly foundOn: string;
  readonly recoveredAt: string;
  readonly inputs: readonly EntryInput[];
  /** The recovery's own evidence (its journal and report). */
  readonly artifacts: readonly EntryArtifact[];
  readonly frameworks: EntryFrameworks;
  readonly nightly?: string;
}

/**
 * The entry of a drill that was killed (SIGKILL, power loss) and so appended none of its own,
 * appended once `drill recover` has put its originals back: the run happened and is no evidence
 * of a restore. It keeps the drill's start as its time and its objectives' targets; what it
 * achieved is unknown, so nothing counts as verified.
 */
export function recordKilledDrill(input: KilledDrillInput): EntryDraft {
  const { run } = input;
  return recordDrill({
    run: {
      runId: run.runId,
      runbook: run.runbook,
      startedAt: run.startedAt,
      targets: run.hosts.map((host) => ({ host })),
      metrics: {
        rto: { targetSeconds: run.rtoMinutes * 60 },
        rpo: { targetSeconds: run.rpoMinutes * 60 },
        verified: { files: 0, bytes: 0 },
      },
      verdict: {
        status: "interrupted",
        reasons: [
          `the run stopped before its cleanup (killed, or its machine went down); drill recover found its journal on ${input.foundOn} and put the originals back, verified, at ${input.recoveredAt}`,
        ],
      },
    },
    inputs: input.inputs,
    artifacts: input.artifacts,
    frameworks: input.frameworks,
    ...(input.nightly === undefined ? {} : { nightly: input.nightly }),
  });
}
