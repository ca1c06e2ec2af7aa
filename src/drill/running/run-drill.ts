/**
 * Executes a plan: fences checked on the hosts, then the steps phase by phase with their timeouts
 * and retries, then cleanup — always, after a pass, a failure, a timeout or a signal. Everything
 * goes into the journal as it happens; the report and JUnit XML are written at the end.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Secret } from "../../support/secret.js";
import type { InventoryHost } from "../../hosts/inventory.js";
import { UsageError } from "../../support/errors.js";
import type { DrillFact, StepContext } from "../runbook/context.js";
import { drillHost, type BackupAccess } from "./drill-host.js";
import { describeError, errorDetails, isRetryable } from "../runbook/failures.js";
import { checkOnHost, type Refusal } from "../fencing/fencing.js";
import { Interrupts, type HandledSignal } from "./interrupts.js";
import { Journal, redactDeep, summariseOutput, type JournalTarget } from "../evidence/journal.js";
import { computeMetrics } from "../evidence/metrics.js";
import type { DrillPlan, PlannedStep, PlannedTarget } from "../planning/plan.js";
import type { DrillRun, DrillVerdict, StepOutcome, StepRecord } from "../evidence/run-record.js";
import { writeEvidence } from "../evidence/evidence.js";
import { TargetSessions, type SessionOpener } from "./target-sessions.js";

/** Live progress for a task list or plain lines. */
export interface DrillObserver {
  fence?(outcome: "ok" | "refused" | "failed", details: readonly string[]): void;
  stepStart?(step: PlannedStep, attempt: number): void;
  stepEnd?(step: PlannedStep, outcome: StepOutcome): void;
  note?(step: PlannedStep, message: string, warning: boolean): void;
  signal?(signal: HandledSignal, action: string): void;
}

/** How a plan is executed: where the evidence goes, the secrets, how progress is shown. */
export interface ExecuteOptions {
  /** Where journal.jsonl, report.md and junit.xml go (created; must not hold a journal yet). */
  readonly evidenceDir: string;
  readonly password?: Secret;
  /** Extra restic environment (cloud credentials as Secrets). */
  readonly env?: Readonly<Record<string, Secret | string>>;
  readonly observer?: DrillObserver;
  /** Install SIGINT/SIGTERM handlers for the run (the CLI does; tests may trigger `interrupts`). */
  readonly handleSignals?: boolean;
  readonly interrupts?: Interrupts;
  /** How long a stopped step may take to reach its next command before the run moves on. */
  readonly settleGraceMs?: number;
  /** After a repeated signal, how much longer cleanup may run. */
  readonly forceCleanupBoundMs?: number;
  readonly openSession?: SessionOpener;
  readonly fenceTimeoutMs?: number;
}

const DEFAULT_SETTLE_GRACE_MS = 15_000;
const DEFAULT_FORCE_BOUND_MS = 30_000;
/** After this long, a stopped step's SSH sessions are closed so its remote commands end too. */
const HANGUP_AFTER_MS = 1_000;

type StoppedOutcome = Extract<StepOutcome, { readonly error: string }>;

type Race =
  | { readonly kind: "done"; readonly value: unknown }
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "timeout" }
  | { readonly kind: "interrupt"; readonly signal: HandledSignal }
  | { readonly kind: "forced" };

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Runs the plan and returns its record; the evidence is on disk when this resolves. */
export async function executeDrill(plan: DrillPlan, options: ExecuteOptions): Promise<DrillRun> {
  const evidenceDir = path.resolve(options.evidenceDir);
  if (existsSync(path.join(evidenceDir, "journal.jsonl")))
    throw new UsageError(
      `${evidenceDir} already holds a drill journal: choose a new report folder`,
    );
  try {
    mkdirSync(evidenceDir, { recursive: true });
  } catch (error) {
    throw new UsageError(
      `cannot create the report folder ${evidenceDir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const secrets: Secret[] = [
    ...(options.password ? [options.password] : []),
    ...Object.values(options.env ?? {}).filter((v): v is Secret => typeof v !== "string"),
  ];
  const journal = new Journal(path.join(evidenceDir, "journal.jsonl"), () => secrets);
  const observer = redactingObserver(options.observer ?? {}, secrets);
  const interrupts =
    options.interrupts ?? new Interrupts(options.forceCleanupBoundMs ?? DEFAULT_FORCE_BOUND_MS);
  const onSignal = (signal: HandledSignal, action: string) => {
    journal.write({ event: "signal", signal, action });
    observer.signal?.(signal, action);
  };
  const signalListener = interrupts.listen(onSignal);
  const removeHandlers = options.handleSignals ? interrupts.install() : () => undefined;
  const sessions = new TargetSessions(options.openSession);
  try {
    return await new DrillExecution(
      plan,
      options,
      journal,
      observer,
      interrupts,
      sessions,
      evidenceDir,
      secrets,
    ).run();
  } finally {
    removeHandlers();
    signalListener();
    await sessions.closeAll();
  }
}

/** The observer, seeing every message and outcome with the secrets already redacted. */
function redactingObserver(observer: DrillObserver, secrets: readonly Secret[]): DrillObserver {
  const clean = <T>(value: T): T => redactDeep(value, secrets) as T;
  return {
    fence: (outcome, details) => observer.fence?.(outcome, clean(details)),
    stepStart: (s, attempt) => observer.stepStart?.(s, attempt),
    stepEnd: (s, outcome) => observer.stepEnd?.(s, clean(outcome)),
    note: (s, message, warning) => observer.note?.(s, clean(message), warning),
    signal: (signal, action) => observer.signal?.(signal, action),
  };
}

class DrillExecution {
  private readonly facts: DrillFact[] = [];
  private readonly warnings: { step: string; message: string }[] = [];
  private readonly data: Record<string, unknown> = {};
  private readonly taken = new Set<string>();
  private readonly resolvedSandbox = new Map<string, readonly string[]>();
  private firstInjectAt: Date | undefined;
  private readonly startedAt = new Date();
  private readonly backup: BackupAccess | undefined;
  private readonly settleGraceMs: number;

  constructor(
    private readonly plan: DrillPlan,
    private readonly options: ExecuteOptions,
    private readonly journal: Journal,
    private readonly observer: DrillObserver,
    private readonly interrupts: Interrupts,
    private readonly sessions: TargetSessions,
    private readonly evidenceDir: string,
    private readonly secrets: readonly Secret[],
  ) {
    this.backup =
      plan.repository && options.password
        ? {
            repository: plan.repository.location,
            password: options.password,
            env: options.env ?? {},
          }
        : undefined;
    this.settleGraceMs = options.settleGraceMs ?? DEFAULT_SETTLE_GRACE_MS;
  }

  private targetsRecord(): JournalTarget[] {
    return this.plan.targets.map((t) => ({
      key: t.key,
      role: t.spec.role,
      host: t.host.name,
      transport: this.plan.view.target(t.key).transport,
      destructive: t.spec.destructive,
      sandbox: t.host.drill.sandbox,
    }));
  }

  async run(): Promise<DrillRun> {
    const { plan, journal } = this;
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

    const fence = await this.checkFencesOnHosts();
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
      if (stopped !== undefined || this.interrupts.received !== undefined) {
        const reason = this.interrupts.received
          ? `not run: interrupted by ${this.interrupts.received}`
          : `not run: step ${stopped?.name ?? "?"} did not pass`;
        records.push(this.skip(s, reason));
        continue;
      }
      const record = this.record(s, await this.runStep(s, false));
      records.push(record);
      if (record.outcome.status !== "passed") stopped = record;
    }
    for (const s of plan.steps.filter((p) => p.step.phase === "cleanup")) {
      if (this.interrupts.forced) {
        records.push(
          this.skip(s, "NOT RUN: cleanup was abandoned after a repeated signal and its bound"),
        );
        continue;
      }
      records.push(this.record(s, await this.runStep(s, true)));
    }
    return this.finish(records, undefined);
  }

  private skip(s: PlannedStep, reason: string): StepRecord {
    const outcome: StepOutcome = { status: "skipped", reason };
    this.journal.write({
      event: "step-end",
      step: s.step.name,
      phase: s.step.phase,
      status: "skipped",
      attempts: 0,
      durationMs: 0,
      error: reason,
    });
    this.observer.stepEnd?.(s, outcome);
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
  private async checkFencesOnHosts(): Promise<
    { kind: "ok" } | { kind: "refused" | "failed"; details: string[] }
  > {
    const refusals: Refusal[] = [];
    const failures: string[] = [];
    const timeoutMs = this.options.fenceTimeoutMs ?? 30_000;
    for (const target of this.plan.targets.filter((t) => t.spec.destructive)) {
      const declared = this.plan.steps.flatMap((s) =>
        s.touches
          .filter((t) => t.target === target.key)
          .flatMap((t) => t.paths.map((p) => ({ step: s.step.name, path: p }))),
      );
      try {
        const session = await this.sessions.get(target.host);
        const checked = await checkOnHost(session, target.host.drill.sandbox, declared, timeoutMs);
        this.resolvedSandbox.set(target.host.name, checked.resolvedSandbox);
        refusals.push(...checked.refusals);
      } catch (error) {
        failures.push(
          `cannot check the sandbox of ${target.host.name} before the drill: ${describeError(error)}`,
        );
      }
    }
    const details = [...refusals.map((r) => r.message), ...failures];
    const kind = refusals.length > 0 ? "refused" : failures.length > 0 ? "failed" : "ok";
    this.journal.write({ event: "fence", outcome: kind, details });
    this.observer.fence?.(kind, details);
    return kind === "ok" ? { kind } : { kind, details };
  }

  private context(
    s: PlannedStep,
    attempt: number,
    deadline: number,
    signal: AbortSignal,
    used: Set<InventoryHost>,
  ): StepContext<string, unknown, Readonly<Record<string, unknown>>> {
    const { plan, journal } = this;
    const name = s.step.name;
    const targetOf = (key: string): PlannedTarget => {
      const t = plan.targets.find((x) => x.key === key);
      if (!t) throw new Error(`step ${name} names an undeclared target "${key}"`);
      return t;
    };
    const hosts = new Map<string, ReturnType<typeof drillHost>>();
    return {
      ...plan.view,
      data: Object.freeze({ ...this.data }),
      attempt,
      signal,
      host: (key) => {
        let h = hosts.get(key);
        if (!h) {
          const t = targetOf(key);
          h = drillHost({
            host: t.host,
            step: name,
            deadline,
            signal,
            sessions: this.sessions,
            journal,
            allowed: s.touches.filter((x) => x.target === key).flatMap((x) => x.paths),
            resolvedSandbox: this.resolvedSandbox.get(t.host.name) ?? [],
            ...(this.backup ? { backup: this.backup } : {}),
            taken: this.taken,
            onUse: (host) => used.add(host),
          });
          hosts.set(key, h);
        }
        return h;
      },
      declareLost: (key) => {
        const t = targetOf(key);
        this.sessions.declareLost(t.host);
        journal.write({
          event: "note",
          step: name,
          message: `${t.host.name} declared lost: every further use is refused`,
        });
      },
      record: (fact) => {
        this.facts.push(fact);
        journal.write({ event: "fact", step: name, fact });
      },
      warn: (message) => {
        this.warnings.push({ step: name, message });
        journal.write({ event: "warning", step: name, message });
        this.observer.note?.(s, message, true);
      },
      note: (message) => {
        journal.write({ event: "note", step: name, message });
        this.observer.note?.(s, message, false);
      },
    };
  }

  /** One step: attempts with timeouts and backoff; a signal (or, in cleanup, the force bound) stops it. */
  private async runStep(s: PlannedStep, cleanup: boolean): Promise<StepOutcome> {
    const { step } = s;
    const started = new Date();
    let attempt = 0;
    const ran = (
      status: StoppedOutcome["status"],
      error: string,
      details: readonly string[] = [],
    ): StoppedOutcome => {
      const endedAt = new Date();
      return {
        status,
        attempts: attempt,
        startedAt: started.toISOString(),
        endedAt: endedAt.toISOString(),
        durationMs: endedAt.getTime() - started.getTime(),
        warnings: this.warningsOf(step.name),
        error,
        details,
      };
    };
    for (;;) {
      attempt += 1;
      const controller = new AbortController();
      const deadline = Date.now() + step.timeoutMs;
      const used = new Set<InventoryHost>();
      this.journal.write({
        event: "step-start",
        step: step.name,
        phase: step.phase,
        kind: step.kind,
        attempt,
        timeoutMs: step.timeoutMs,
      });
      this.observer.stepStart?.(s, attempt);
      if (step.kind === "inject" && this.firstInjectAt === undefined)
        this.firstInjectAt = new Date();
      const ctx = this.context(s, attempt, deadline, controller.signal, used);
      const running: Promise<Race> = Promise.resolve()
        .then(() => step.run(ctx))
        .then(
          (value): Race => ({ kind: "done", value }),
          (error: unknown): Race => ({ kind: "error", error }),
        );
      const timer = delay(step.timeoutMs);
      const stop: Promise<Race> = cleanup
        ? this.interrupts.force.then((): Race => ({ kind: "forced" }))
        : this.interrupts.first.then((signal): Race => ({ kind: "interrupt", signal }));
      const first = await Promise.race([
        running,
        timer.promise.then((): Race => ({ kind: "timeout" })),
        stop,
      ]);
      timer.cancel();

      let outcome: StoppedOutcome;
      let retryable = false;
      switch (first.kind) {
        case "done": {
          this.data[step.name] = first.value;
          const endedAt = new Date();
          const passed: StepOutcome = {
            status: "passed",
            attempts: attempt,
            startedAt: started.toISOString(),
            endedAt: endedAt.toISOString(),
            durationMs: endedAt.getTime() - started.getTime(),
            warnings: this.warningsOf(step.name),
          };
          this.end(s, passed, summariseOutput(first.value, this.secrets));
          return passed;
        }
        case "error":
          outcome = ran("failed", describeError(first.error), errorDetails(first.error));
          retryable = isRetryable(first.error);
          break;
        case "timeout":
          await this.settle(
            controller,
            `timed out after ${step.timeoutMs / 1000} s`,
            running,
            used,
          );
          outcome = ran(
            "timed-out",
            `step ${step.name} did not finish within ${step.timeoutMs / 1000} s`,
          );
          retryable = true;
          break;
        case "interrupt":
          await this.settle(controller, `interrupted by ${first.signal}`, running, used);
          outcome = ran("interrupted", `interrupted by ${first.signal} during step ${step.name}`);
          break;
        case "forced":
          await this.settle(controller, "abandoned", running, used);
          outcome = ran(
            "interrupted",
            `abandoned after a repeated signal: cleanup step ${step.name} did not finish within the bound`,
          );
          break;
      }
      const stoppedBySignal = !cleanup && this.interrupts.received !== undefined;
      if (
        retryable &&
        attempt < step.retry.attempts &&
        !stoppedBySignal &&
        !this.interrupts.forced
      ) {
        const wait = step.retry.backoffMs * step.retry.factor ** (attempt - 1);
        this.journal.write({
          event: "attempt-failed",
          step: step.name,
          attempt,
          error: outcome.error,
          retryInMs: wait,
        });
        this.observer.note?.(
          s,
          `attempt ${attempt} failed; retrying in ${(wait / 1000).toFixed(1)} s`,
          false,
        );
        const pause = delay(wait);
        await Promise.race([
          pause.promise,
          cleanup ? this.interrupts.force : this.interrupts.first,
        ]);
        pause.cancel();
        if ((cleanup && this.interrupts.forced) || (!cleanup && this.interrupts.received)) {
          this.end(s, outcome);
          return outcome;
        }
        continue;
      }
      this.end(s, outcome);
      return outcome;
    }
  }

  /** Stops a step and waits (bounded) until it has really stopped, so nothing runs behind cleanup. */
  private async settle(
    controller: AbortController,
    reason: string,
    running: Promise<Race>,
    used: Set<InventoryHost>,
  ): Promise<void> {
    controller.abort(reason);
    const settled = running.then(() => true);
    const hangup = delay(HANGUP_AFTER_MS);
    if (await Promise.race([settled, hangup.promise.then(() => false)])) return hangup.cancel();
    // Closing the SSH sessions the step used ends its remote commands (the server hangs them up).
    for (const host of used) if (host.transport.kind === "ssh") await this.sessions.drop(host);
    const grace = delay(this.settleGraceMs);
    await Promise.race([settled, grace.promise]);
    grace.cancel();
  }

  private warningsOf(step: string): string[] {
    return this.warnings.filter((w) => w.step === step).map((w) => w.message);
  }

  private end(s: PlannedStep, outcome: StepOutcome, output?: string): void {
    if (outcome.status === "skipped") return;
    this.journal.write({
      event: "step-end",
      step: s.step.name,
      phase: s.step.phase,
      status: outcome.status,
      attempts: outcome.attempts,
      durationMs: outcome.durationMs,
      ...(outcome.status === "passed" ? {} : { error: outcome.error, details: outcome.details }),
      ...(output === undefined ? {} : { output }),
    });
    this.observer.stepEnd?.(s, outcome);
  }

  private finish(records: StepRecord[], forced: DrillVerdict | undefined): DrillRun {
    const { plan } = this;
    const metrics = computeMetrics({
      runStartedAt: this.startedAt,
      facts: this.facts,
      ...(this.firstInjectAt ? { firstInjectAt: this.firstInjectAt } : {}),
      steps: records,
      rtoMinutes: plan.rtoMinutes,
      rpoMinutes: plan.rpoMinutes,
      measuresRpo: plan.runbook.meta.usesRepository,
    });
    const verdict = forced ?? this.verdict(records, metrics);
    this.journal.write({ event: "run-end", verdict, metrics });
    this.journal.sync();
    const run: DrillRun = {
      runId: plan.runId,
      runbook: {
        id: plan.runbook.meta.id,
        title: plan.runbook.meta.title,
        scenario: plan.runbook.meta.scenario,
      },
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      inventory: plan.inventoryFile,
      ...(plan.repository ? { repository: plan.repository.label } : {}),
      targets: this.targetsRecord(),
      steps: records,
      warnings: this.warnings,
      metrics,
      verdict,
      ...(this.interrupts.received ? { interruptedBy: this.interrupts.received } : {}),
      evidenceDir: this.evidenceDir,
    };
    writeEvidence(run, this.secrets);
    // What the caller prints is as clean as what was written.
    return redactDeep(run, this.secrets) as DrillRun;
  }

  private verdict(records: readonly StepRecord[], metrics: DrillRun["metrics"]): DrillVerdict {
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
    if (this.interrupts.received)
      return {
        status: "interrupted",
        failedAt: first?.name ?? "interrupt",
        reasons: reasons.length > 0 ? reasons : [`interrupted by ${this.interrupts.received}`],
      };
    if (first) return { status: "failed", failedAt: first.name, reasons };
    if (missed.length > 0) return { status: "failed", failedAt: missed.join(", "), reasons };
    return { status: "passed" };
  }
}
