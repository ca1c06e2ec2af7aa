/**
 * One step of a run: attempts with their timeouts and retry backoff, stopped by a signal (or, in
 * cleanup, by the bound after a repeated signal) — and a stopped step is waited for, bounded, so
 * nothing of it still runs behind cleanup.
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import { summariseOutput } from "../results/journal.js";
import type { StepOutcome } from "../results/run-record.js";
import type { PlannedStep } from "../planning/plan.js";
import { describeError, errorDetails, isRetryable } from "../runbook/failures.js";
import { warningsOf, type ExecutionState } from "./execution-state.js";
import type { HandledSignal } from "./interrupts.js";
import { stepContext } from "./step-context.js";
import { describeProcesses, stopRunCommands, TERM_BOUND_MS } from "./run-commands.js";

/** After this long, a stopped step's commands still running are stopped on its hosts. */
const HANGUP_AFTER_MS = 1_000;
/** The bound on stopping them on one host. */
const STOP_TIMEOUT_MS = 10_000;

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

/** One step: attempts with timeouts and backoff; a signal (or, in cleanup, the force bound) stops it. */
export async function runStep(
  state: ExecutionState,
  s: PlannedStep,
  cleanup: boolean,
): Promise<StepOutcome> {
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
      warnings: warningsOf(state, step.name),
      error,
      details,
    };
  };
  for (;;) {
    attempt += 1;
    const controller = new AbortController();
    const deadline = Date.now() + step.timeoutMs;
    const used = new Set<InventoryHost>();
    state.journal.write({
      event: "step-start",
      step: step.name,
      phase: step.phase,
      kind: step.kind,
      attempt,
      timeoutMs: step.timeoutMs,
    });
    state.observer.stepStart?.(s, attempt);
    state.started.add(step.name);
    if (step.kind === "inject" && state.firstInjectAt === undefined)
      state.firstInjectAt = new Date();
    const ctx = stepContext(state, s, attempt, deadline, controller.signal, used);
    const running: Promise<Race> = Promise.resolve()
      .then(() => step.run(ctx))
      .then(
        (value): Race => ({ kind: "done", value }),
        (error: unknown): Race => ({ kind: "error", error }),
      );
    const timer = delay(step.timeoutMs);
    const stop: Promise<Race> = cleanup
      ? state.interrupts.force.then((): Race => ({ kind: "forced" }))
      : state.interrupts.first.then((signal): Race => ({ kind: "interrupt", signal }));
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
        state.data[step.name] = first.value;
        const endedAt = new Date();
        const passed: StepOutcome = {
          status: "passed",
          attempts: attempt,
          startedAt: started.toISOString(),
          endedAt: endedAt.toISOString(),
          durationMs: endedAt.getTime() - started.getTime(),
          warnings: warningsOf(state, step.name),
        };
        endStep(state, s, passed, summariseOutput(first.value, state.secrets));
        return passed;
      }
      case "error":
        outcome = ran("failed", describeError(first.error), errorDetails(first.error));
        retryable = isRetryable(first.error);
        break;
      case "timeout":
        await settle(
          state,
          step.name,
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
        await settle(state, step.name, controller, `interrupted by ${first.signal}`, running, used);
        outcome = ran("interrupted", `interrupted by ${first.signal} during step ${step.name}`);
        break;
      case "forced":
        await settle(state, step.name, controller, "abandoned", running, used);
        outcome = ran(
          "interrupted",
          `abandoned after a repeated signal: cleanup step ${step.name} did not finish within the bound`,
        );
        break;
    }
    const stoppedBySignal = !cleanup && state.interrupts.received !== undefined;
    if (
      retryable &&
      attempt < step.retry.attempts &&
      !stoppedBySignal &&
      !state.interrupts.forced
    ) {
      const wait = step.retry.backoffMs * step.retry.factor ** (attempt - 1);
      state.journal.write({
        event: "attempt-failed",
        step: step.name,
        attempt,
        error: outcome.error,
        retryInMs: wait,
      });
      state.observer.note?.(
        s,
        `attempt ${attempt} failed; retrying in ${(wait / 1000).toFixed(1)} s`,
        false,
      );
      const pause = delay(wait);
      await Promise.race([
        pause.promise,
        cleanup ? state.interrupts.force : state.interrupts.first,
      ]);
      pause.cancel();
      if ((cleanup && state.interrupts.forced) || (!cleanup && state.interrupts.received)) {
        endStep(state, s, outcome);
        return outcome;
      }
      continue;
    }
    endStep(state, s, outcome);
    return outcome;
  }
}

/** Stops a step and waits (bounded) until it has really stopped, so nothing runs behind cleanup. */
async function settle(
  state: ExecutionState,
  step: string,
  controller: AbortController,
  reason: string,
  running: Promise<Race>,
  used: Set<InventoryHost>,
): Promise<void> {
  controller.abort(reason);
  const settled = running.then(() => true);
  const hangup = delay(HANGUP_AFTER_MS);
  if (await Promise.race([settled, hangup.promise.then(() => false)])) return hangup.cancel();
  // A command left alone runs on (sshd does not stop it when its client goes): stop the step's
  // commands on each host it used, and close an SSH session where that could not be done.
  for (const host of used) {
    const stopped = await stopOn(state, step, host);
    if (!stopped && host.transport.kind === "ssh") await state.sessions.drop(host);
  }
  const grace = delay(state.settleGraceMs);
  await Promise.race([settled, grace.promise]);
  grace.cancel();
}

/**
 * Stops the run's commands on a host (TERM, then KILL), journaling what was still running;
 * false when the host could not be asked.
 */
async function stopOn(state: ExecutionState, step: string, host: InventoryHost): Promise<boolean> {
  if (state.sessions.isLost(host)) return false;
  try {
    const found = await stopRunCommands(await state.sessions.get(host), state.marker, {
      termBoundMs: TERM_BOUND_MS,
      timeoutMs: STOP_TIMEOUT_MS,
    });
    if (found.stopped.length > 0)
      state.journal.write({
        event: "note",
        step,
        message: `stopped ${describeProcesses(found.stopped)} the step left running on ${host.name}`,
      });
    if (found.survivors.length > 0) {
      const message = `${describeProcesses(found.survivors)} of the step still running on ${host.name} after KILL`;
      state.warnings.push({ step, message });
      state.journal.write({ event: "warning", step, message });
    }
    return true;
  } catch (error) {
    state.journal.write({
      event: "note",
      step,
      message: `could not stop the step's commands on ${host.name}: ${describeError(error)}`,
    });
    return false;
  }
}

/** Journals and shows how a step ended (skipped steps are journaled where they are skipped). */
export function endStep(
  state: ExecutionState,
  s: PlannedStep,
  outcome: StepOutcome,
  output?: string,
): void {
  if (outcome.status === "skipped") return;
  state.journal.write({
    event: "step-end",
    step: s.step.name,
    phase: s.step.phase,
    status: outcome.status,
    attempts: outcome.attempts,
    durationMs: outcome.durationMs,
    ...(outcome.status === "passed" ? {} : { error: outcome.error, details: outcome.details }),
    ...(output === undefined ? {} : { output }),
  });
  state.observer.stepEnd?.(s, outcome);
}
