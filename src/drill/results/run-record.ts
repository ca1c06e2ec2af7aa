/** The record of one drill run: every step's outcome, the metrics against the targets, the verdict. */
import type { Phase, RetryPolicy, StepKind } from "../runbook/runbook.js";
import type { JournalTarget } from "./journal.js";

/** How a step ended. */
export const STEP_STATUSES = ["passed", "failed", "timed-out", "interrupted", "skipped"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

interface Ran {
  readonly attempts: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly warnings: readonly string[];
}
/** A step's end: when it ran, how often, and for a failure why. */
export type StepOutcome =
  | (Ran & { readonly status: "passed" })
  | (Ran & {
      readonly status: "failed" | "timed-out" | "interrupted";
      readonly error: string;
      readonly details: readonly string[];
    })
  | { readonly status: "skipped"; readonly reason: string };

/** A step as reports show it: what it is, what it declared, how it ended. */
export interface StepRecord {
  readonly phase: Phase;
  readonly name: string;
  readonly kind: StepKind;
  readonly summary: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Hosts and paths the step declared it may change. */
  readonly touches: readonly { readonly host: string; readonly paths: readonly string[] }[];
  readonly outcome: StepOutcome;
}

/** A target measured against its goal; `achievedSeconds` is absent when the run could not measure it. */
export interface TargetMetric {
  readonly targetSeconds: number;
  readonly achievedSeconds?: number;
  readonly met?: boolean;
  /** Why it was not measured, or what it was measured between. */
  readonly basis: string;
}

/** What a run measured, against the targets. */
export interface DrillMetrics {
  /** When the data was compromised, before the disaster was detected (ransomware's dwell time). */
  readonly infectionStartedAt?: string;
  readonly disasterAt?: string;
  readonly recoveredAt?: string;
  readonly recoveryPoint?: { readonly snapshot: string; readonly time: string };
  /** The snapshot the drill took itself and restored from, when it did; the RPO never counts it. */
  readonly drillSnapshot?: { readonly snapshot: string; readonly time: string };
  /** Disaster injected → recovery verified; absent for a drill that injects nothing. */
  readonly rto?: TargetMetric;
  /** Infection start, else disaster time (or the run's start) − time of the snapshot recovered from. */
  readonly rpo?: TargetMetric;
  readonly verified: { readonly files: number; readonly bytes: number };
  /** The attack on the backups, when the drill made one: its verdict and each attempt. */
  readonly backupAttack?: {
    readonly verdict: "withstood" | "unproven" | "destroyable";
    readonly attempts: readonly string[];
  };
  readonly restored: {
    readonly files: number;
    readonly bytes: number;
    readonly seconds: number;
    /** Restored bytes per second of restore time. */
    readonly bytesPerSecond?: number;
  };
}

/** The run's verdict; anything but passed names where it failed and why. */
export type DrillVerdict =
  | { readonly status: "passed" }
  | {
      readonly status: "failed" | "interrupted" | "refused";
      /** The step (or "RTO target" / "RPO target", or "fencing") the drill failed at. */
      readonly failedAt: string;
      readonly reasons: readonly string[];
    };

/** The whole record of one run, from which the report and JUnit XML are written. */
export interface DrillRun {
  readonly runId: string;
  readonly runbook: { readonly id: string; readonly title: string; readonly scenario: string };
  readonly startedAt: string;
  readonly endedAt: string;
  readonly inventory: string;
  readonly repository?: string;
  readonly targets: readonly JournalTarget[];
  readonly steps: readonly StepRecord[];
  readonly warnings: readonly { readonly step: string; readonly message: string }[];
  readonly metrics: DrillMetrics;
  readonly verdict: DrillVerdict;
  /** The signal that interrupted the run, if one did. */
  readonly interruptedBy?: string;
  readonly evidenceDir: string;
}
