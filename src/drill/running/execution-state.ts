/** What one run shares between its steps: the plan, the evidence so far and how to reach hosts. */
import type { Secret } from "../../support/secret.js";
import type { Journal } from "../results/journal.js";
import type { DrillPlan } from "../planning/plan.js";
import type { DrillFact } from "../runbook/context.js";
import type { BackupAccess } from "./drill-host.js";
import type { Interrupts } from "./interrupts.js";
import type { DrillObserver } from "./observer.js";
import type { TargetSessions } from "./target-sessions.js";

/** The mutable state of a run; only the engine's own modules hold it. */
export interface ExecutionState {
  readonly plan: DrillPlan;
  readonly journal: Journal;
  readonly observer: DrillObserver;
  readonly interrupts: Interrupts;
  readonly sessions: TargetSessions;
  /** In every command's environment, to find the run's commands by (run-commands.ts). */
  readonly marker: string;
  readonly secrets: readonly Secret[];
  readonly backup: BackupAccess | undefined;
  /** How long a stopped step may take to reach its next command before the run moves on. */
  readonly settleGraceMs: number;
  readonly startedAt: Date;
  readonly facts: DrillFact[];
  readonly warnings: { step: string; message: string }[];
  /** Each passed step's output, by step name. */
  readonly data: Record<string, unknown>;
  /** Paths a step has taken over (moved aside) on the hosts, so no later step reuses them. */
  readonly taken: Set<string>;
  /** Each destructive host's sandbox as resolved on the host by the fence check. */
  readonly resolvedSandbox: Map<string, readonly string[]>;
  /** Steps that began, by name. */
  readonly started: Set<string>;
  /** `drill recover`: only the cleanup of a killed run runs, and nothing is known of its steps. */
  readonly recovering: boolean;
  /** The nightly run the drill is a stage of (its folder name), when it is. */
  readonly nightly?: string;
  /** When the first inject step started: the disaster, if no step records it more exactly. */
  firstInjectAt: Date | undefined;
}

/** The warnings one step gave. */
export function warningsOf(state: ExecutionState, step: string): string[] {
  return state.warnings.filter((w) => w.step === step).map((w) => w.message);
}
