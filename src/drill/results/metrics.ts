/**
 * RTO and RPO achieved, compared with the targets, plus what was restored and verified. RTO runs
 * from the disaster (recorded by a step, or the start of the first inject step) to the end of the
 * last verify step, and only counts when every verify step passed. RPO is the disaster time (the
 * run's start when nothing was injected; the infection's start when the data was compromised before
 * the disaster was detected) minus the time of the town's snapshot recovered from — or
 * of the town's newest one when the drill restored a snapshot it took itself, which never counts.
 */
import type { DrillFact } from "../runbook/context.js";
import type { DrillMetrics, StepRecord, TargetMetric } from "./run-record.js";

/** What the metrics are computed from: the facts steps recorded and the steps' outcomes. */
export interface MetricsInput {
  readonly runStartedAt: Date;
  readonly facts: readonly DrillFact[];
  /** Start of the first inject step, when one ran. */
  readonly firstInjectAt?: Date;
  readonly steps: readonly StepRecord[];
  readonly rtoMinutes: number;
  readonly rpoMinutes: number;
  /** The runbook recovers from a snapshot, so the RPO must be measured. */
  readonly measuresRpo: boolean;
}

function target(
  targetMinutes: number,
  achievedSeconds: number | undefined,
  basis: string,
): TargetMetric {
  const targetSeconds = targetMinutes * 60;
  if (achievedSeconds === undefined) return { targetSeconds, basis };
  return { targetSeconds, achievedSeconds, met: achievedSeconds <= targetSeconds, basis };
}

/** RTO, RPO, restored and verified totals of a run. */
export function computeMetrics(input: MetricsInput): DrillMetrics {
  const facts = input.facts;
  const disasterFact = facts.find((f) => f.kind === "disaster");
  const disasterAt = disasterFact?.kind === "disaster" ? disasterFact.at : input.firstInjectAt;
  const injects = input.steps.some((s) => s.phase === "inject");

  const verifySteps = input.steps.filter((s) => s.phase === "verify");
  const allVerified =
    verifySteps.length > 0 && verifySteps.every((s) => s.outcome.status === "passed");
  const lastVerify = verifySteps.at(-1)?.outcome;
  const recoveredAt =
    allVerified && lastVerify && lastVerify.status === "passed"
      ? new Date(lastVerify.endedAt)
      : undefined;

  let rto: TargetMetric | undefined;
  if (injects) {
    if (disasterAt === undefined)
      rto = target(input.rtoMinutes, undefined, "not measured: the disaster was never injected");
    else if (recoveredAt === undefined)
      rto = target(input.rtoMinutes, undefined, "not measured: the recovery was not verified");
    else
      rto = target(
        input.rtoMinutes,
        (recoveredAt.getTime() - disasterAt.getTime()) / 1000,
        "disaster injected → recovery verified",
      );
  }

  const points = facts.flatMap((f) => (f.kind === "recovery-point" ? [f.snapshot] : []));
  const recoveryPoint = points.filter((s) => s.takenByDrill !== true).at(-1);
  const drillSnapshot = points.filter((s) => s.takenByDrill === true).at(-1);
  const infectionFact = facts.find((f) => f.kind === "infection");
  const infectedAt = infectionFact?.kind === "infection" ? infectionFact.startedAt : undefined;
  const reference = infectedAt ?? disasterAt ?? input.runStartedAt;
  const rpo = !input.measuresRpo
    ? undefined
    : recoveryPoint === undefined
      ? target(
          input.rpoMinutes,
          undefined,
          drillSnapshot === undefined
            ? "not measured: no snapshot was recovered from"
            : "not measured: the town's backup job has no snapshot of it (the drill restored only its own)",
        )
      : target(
          input.rpoMinutes,
          Math.max(0, (reference.getTime() - recoveryPoint.time.getTime()) / 1000),
          drillSnapshot !== undefined
            ? `${disasterAt === undefined ? "drill start" : "disaster"} − time of the town's newest snapshot (the drill restored its own snapshot, which does not count)`
            : infectedAt !== undefined
              ? "infection start − time of the last snapshot before it, restored"
              : disasterAt === undefined
                ? "drill start − time of the newest snapshot"
                : "disaster − time of the snapshot restored",
        );

  const attack = facts.filter((f) => f.kind === "backup-attack").at(-1);
  let verifiedFiles = 0;
  let verifiedBytes = 0;
  let restoredFiles = 0;
  let restoredBytes = 0;
  let restoreSeconds = 0;
  for (const f of facts) {
    if (f.kind === "verified") {
      verifiedFiles += f.files;
      verifiedBytes += f.bytes;
    } else if (f.kind === "restored") {
      restoredFiles += f.files;
      restoredBytes += f.bytes;
      restoreSeconds += f.seconds;
    }
  }
  return {
    ...(infectedAt ? { infectionStartedAt: infectedAt.toISOString() } : {}),
    ...(disasterAt ? { disasterAt: disasterAt.toISOString() } : {}),
    ...(recoveredAt && injects ? { recoveredAt: recoveredAt.toISOString() } : {}),
    ...(recoveryPoint
      ? { recoveryPoint: { snapshot: recoveryPoint.id, time: recoveryPoint.time.toISOString() } }
      : {}),
    ...(drillSnapshot
      ? { drillSnapshot: { snapshot: drillSnapshot.id, time: drillSnapshot.time.toISOString() } }
      : {}),
    ...(rto ? { rto } : {}),
    ...(rpo ? { rpo } : {}),
    verified: { files: verifiedFiles, bytes: verifiedBytes },
    ...(attack?.kind === "backup-attack"
      ? { backupAttack: { verdict: attack.verdict, attempts: [...attack.attempts] } }
      : {}),
    restored: {
      files: restoredFiles,
      bytes: restoredBytes,
      seconds: restoreSeconds,
      ...(restoreSeconds > 0 ? { bytesPerSecond: restoredBytes / restoreSeconds } : {}),
    },
  };
}

/** "1 h 02 min", "3 min 05 s", "12.4 s": durations for people. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** Bytes in binary units. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** "12.3 s of 240 min: met" — a metric in one phrase. */
export function describeTarget(m: TargetMetric): string {
  const goal = `target ${formatDuration(m.targetSeconds)}`;
  if (m.achievedSeconds === undefined) return `${m.basis} (${goal})`;
  return `${formatDuration(m.achievedSeconds)} (${goal}): ${m.met ? "met" : "MISSED"}`;
}
