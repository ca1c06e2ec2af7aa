/**
 * Executes a plan's steps once the run is set up: fences checked on the hosts, then the steps
 * phase by phase, then cleanup — always, after a pass, a failure, a timeout or a signal — and the
 * evidence written at the end.
 */
import { redactDeep, type JournalTarget } from "../evidence/journal.js";
import { computeMetrics } from "../evidence/metrics.js";
import type { DrillRun, DrillVerdict, StepOutcome, StepRecord } from "../evidence/run-record.js";
import { writeEvidence } from "../evidence/evidence.js";
import { drillVerdict } from "../evidence/verdict.js";
import { checkFencesOnHosts } from "../fencing/fences-on-hosts.js";
import type { PlannedStep } from "../planning/plan.js";
import type { ExecutionState } from "./execution-state.js";
import { runStep } from "./run-step.js";

/** One run of a plan; `run()` resolves with its record once the evidence is on disk. */
export class DrillExecution {
  constructor(
    private readonly state: ExecutionState,
    private readonly evidenceDir: string,
    private readonly fenceTimeoutMs: number,
  ) {}

  private targetsRecord(): JournalTarget[] {
    return this.state.plan.targets.map((t) => ({
      key: t.key,
      role: t.spec.role,
      host: t.host.name,
      transport: this.state.plan.view.target(t.key).transport,
      destructive: t.spec.destructive,
      sandbox: t.host.drill.sandbox,
    }));
  }

  async run(): Promise<DrillRun> {
    const { plan, journal } = this.state;
    journal.write({
      event: "run-start",
      runId: plan.runId,
      runbook: { id: plan.runbook.meta.id, title: plan.runbook.meta.title },
      inventory: plan.inventoryFile,
      ...(plan.repository ? { repository: plan.repository.label } : {}),
      targets: this.targetsRecord(),
      settings: plan.settings,
      rtoMinutes: plan.rtoMinutes,
      rpoMinutes: plan.rpoMinutes,
      steps: plan.steps.map((s) => ({ phase: s.step.phase, name: s.step.name, kind: s.step.kind })),
    });

    const fence = await this.checkFences();
    const records: StepRecord[] = [];
    if (fence.kind !== "ok") {
      for (const s of plan.steps)
        records.push(
          this.record(s, {
            status: "skipped",
            reason: `not run: ${fence.kind === "refused" ? "the fences refused the run" : "the hosts could not be checked"}`,
          }),
        );
      return this.finish(records, {
        status: fence.kind === "refused" ? "refused" : "failed",
        failedAt: "fencing",
        reasons: fence.details,
      });
    }

    let stopped: StepRecord | undefined;
    for (const s of plan.steps.filter((p) => p.step.phase !== "cleanup")) {
      if (stopped !== undefined || this.state.interrupts.received !== undefined) {
        const reason = this.state.interrupts.received
          ? `not run: interrupted by ${this.state.interrupts.received}`
          : `not run: step ${stopped?.name ?? "?"} did not pass`;
        records.push(this.skip(s, reason));
        continue;
      }
      const record = this.record(s, await runStep(this.state, s, false));
      records.push(record);
      if (record.outcome.status !== "passed") stopped = record;
    }
    for (const s of plan.steps.filter((p) => p.step.phase === "cleanup")) {
      if (this.state.interrupts.forced) {
        records.push(
          this.skip(s, "NOT RUN: cleanup was abandoned after a repeated signal and its bound"),
        );
        continue;
      }
      records.push(this.record(s, await runStep(this.state, s, true)));
    }
    return this.finish(records, undefined);
  }

  private skip(s: PlannedStep, reason: string): StepRecord {
    const outcome: StepOutcome = { status: "skipped", reason };
    this.state.journal.write({
      event: "step-end",
      step: s.step.name,
      phase: s.step.phase,
      status: "skipped",
      attempts: 0,
      durationMs: 0,
      error: reason,
    });
    this.state.observer.stepEnd?.(s, outcome);
    return this.record(s, outcome);
  }

  private record(s: PlannedStep, outcome: StepOutcome): StepRecord {
    const { step } = s;
    return {
      phase: step.phase,
      name: step.name,
      kind: step.kind,
      summary: step.summary,
      timeoutMs: step.timeoutMs,
      retry: step.retry,
      touches: s.touches.map((t) => ({ host: t.host, paths: t.paths })),
      outcome,
    };
  }

  /** Host-side fences: sandboxes and declared paths resolved on each destructive target. */
  private async checkFences(): Promise<
    { kind: "ok" } | { kind: "refused" | "failed"; details: readonly string[] }
  > {
    const { plan, sessions, journal, observer } = this.state;
    const checked = await checkFencesOnHosts(
      plan,
      (host) => sessions.get(host),
      this.fenceTimeoutMs,
    );
    const details = checked.kind === "ok" ? [] : checked.details;
    if (checked.kind === "ok")
      for (const [host, sandbox] of checked.resolvedSandbox)
        this.state.resolvedSandbox.set(host, sandbox);
    journal.write({ event: "fence", outcome: checked.kind, details });
    observer.fence?.(checked.kind, details);
    return checked.kind === "ok" ? { kind: "ok" } : { kind: checked.kind, details };
  }

  private finish(records: StepRecord[], forced: DrillVerdict | undefined): DrillRun {
    const { plan } = this.state;
    const metrics = computeMetrics({
      runStartedAt: this.state.startedAt,
      facts: this.state.facts,
      ...(this.state.firstInjectAt ? { firstInjectAt: this.state.firstInjectAt } : {}),
      steps: records,
      rtoMinutes: plan.rtoMinutes,
      rpoMinutes: plan.rpoMinutes,
      measuresRpo: plan.runbook.meta.usesRepository,
    });
    const verdict = forced ?? drillVerdict(records, metrics, this.state.interrupts.received);
    this.state.journal.write({ event: "run-end", verdict, metrics });
    this.state.journal.sync();
    const run: DrillRun = {
      runId: plan.runId,
      runbook: {
        id: plan.runbook.meta.id,
        title: plan.runbook.meta.title,
        scenario: plan.runbook.meta.scenario,
      },
      startedAt: this.state.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      inventory: plan.inventoryFile,
      ...(plan.repository ? { repository: plan.repository.label } : {}),
      targets: this.targetsRecord(),
      steps: records,
      warnings: this.state.warnings,
      metrics,
      verdict,
      ...(this.state.interrupts.received ? { interruptedBy: this.state.interrupts.received } : {}),
      evidenceDir: this.evidenceDir,
    };
    writeEvidence(run, this.state.secrets);
    // What the caller prints is as clean as what was written.
    return redactDeep(run, this.state.secrets) as DrillRun;
  }
}
