/**
 * A run's verdict from its steps and metrics: a step that did not pass, a cleanup that did not
 * run, or a missed (or unmeasurable) RTO or RPO fails the drill; a signal makes it interrupted.
 */
import type { DrillRun, DrillVerdict, StepRecord } from "./run-record.js";

/** The verdict, with one reason per problem, naming the step or target it concerns. */
export function drillVerdict(
  records: readonly StepRecord[],
  metrics: DrillRun["metrics"],
  interruptedBy: string | undefined,
): DrillVerdict {
  const reasons: string[] = [];
  const notPassed = records.filter(
    (r) => r.outcome.status !== "passed" && r.outcome.status !== "skipped",
  );
  const unrun = records.filter((r) => r.phase === "cleanup" && r.outcome.status === "skipped");
  for (const r of notPassed)
    if (r.outcome.status !== "passed" && r.outcome.status !== "skipped")
      reasons.push(
        `${r.phase} step ${r.name}${r.outcome.status === "failed" ? "" : ` ${r.outcome.status}`}: ${r.outcome.error}`,
      );
  for (const r of unrun) reasons.push(`cleanup step ${r.name} did not run`);
  const missed: string[] = [];
  if (metrics.rto?.met === false) {
    reasons.push(
      `RTO target missed: ${metrics.rto.achievedSeconds?.toFixed(1)} s achieved, ${metrics.rto.targetSeconds} s allowed`,
    );
    missed.push("RTO target");
  }
  if (metrics.rpo?.met === false) {
    reasons.push(
      `RPO target missed: ${metrics.rpo.achievedSeconds?.toFixed(1)} s achieved, ${metrics.rpo.targetSeconds} s allowed`,
    );
    missed.push("RPO target");
  }
  if (notPassed.length === 0 && unrun.length === 0) {
    if (metrics.rto && metrics.rto.achievedSeconds === undefined) {
      reasons.push(`RTO ${metrics.rto.basis}`);
      missed.push("RTO target");
    }
    if (metrics.rpo && metrics.rpo.achievedSeconds === undefined) {
      reasons.push(`RPO ${metrics.rpo.basis}`);
      missed.push("RPO target");
    }
  }
  const first = notPassed[0] ?? unrun[0];
  if (interruptedBy)
    return {
      status: "interrupted",
      failedAt: first?.name ?? "interrupt",
      reasons: reasons.length > 0 ? reasons : [`interrupted by ${interruptedBy}`],
    };
  if (first) return { status: "failed", failedAt: first.name, reasons };
  if (missed.length > 0) return { status: "failed", failedAt: missed.join(", "), reasons };
  return { status: "passed" };
}
