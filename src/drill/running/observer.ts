/** Live progress of a run as the engine reports it, with secrets removed before anyone sees it. */
import type { Secret } from "../../support/secret.js";
import { redactDeep } from "../results/journal.js";
import type { StepOutcome } from "../results/run-record.js";
import type { PlannedStep } from "../planning/plan.js";
import type { HandledSignal } from "./interrupts.js";

/** Live progress for a task list or plain lines. */
export interface DrillObserver {
  fence?(outcome: "ok" | "refused" | "failed", details: readonly string[]): void;
  stepStart?(step: PlannedStep, attempt: number): void;
  stepEnd?(step: PlannedStep, outcome: StepOutcome): void;
  note?(step: PlannedStep, message: string, warning: boolean): void;
  signal?(signal: HandledSignal, action: string): void;
}

/** The observer, seeing every message and outcome with the secrets already redacted. */
export function redactingObserver(
  observer: DrillObserver,
  secrets: readonly Secret[],
): DrillObserver {
  const clean = <T>(value: T): T => redactDeep(value, secrets) as T;
  return {
    fence: (outcome, details) => observer.fence?.(outcome, clean(details)),
    stepStart: (s, attempt) => observer.stepStart?.(s, attempt),
    stepEnd: (s, outcome) => observer.stepEnd?.(s, clean(outcome)),
    note: (s, message, warning) => observer.note?.(s, clean(message), warning),
    signal: (signal, action) => observer.signal?.(signal, action),
  };
}
