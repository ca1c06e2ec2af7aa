/**
 * Executes a plan: sets up the run's journal, signal handling and host sessions, runs it, and
 * always closes what it opened. Everything goes into the journal as it happens; the report and
 * JUnit XML are written at the end.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Secret } from "../../support/secret.js";
import { UsageError } from "../../support/errors.js";
import { Journal } from "../results/journal.js";
import type { DrillRun } from "../results/run-record.js";
import type { DrillPlan } from "../planning/plan.js";
import { DrillExecution } from "./drill-execution.js";
import type { ExecutionState } from "./execution-state.js";
import { Interrupts, type HandledSignal } from "./interrupts.js";
import { redactingObserver, type DrillObserver } from "./observer.js";
import { TargetSessions, type SessionOpener } from "./target-sessions.js";
import { newRunMarker } from "./run-commands.js";

export type { DrillObserver };

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
  /** `drill recover`: run only the cleanup of the killed run this plan was made for again. */
  readonly recover?: boolean;
  /** `drill recover`: the killed run's command marker, from its journal (default: a new one). */
  readonly runMarker?: string;
  /**
   * The nightly run's folder name when the drill runs as its stage: kept in the host journals, so
   * that the entry `drill recover` appends for a killed run names the night it ran in.
   */
  readonly nightly?: string;
}

const DEFAULT_SETTLE_GRACE_MS = 15_000;
const DEFAULT_FORCE_BOUND_MS = 30_000;

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
    const state: ExecutionState = {
      plan,
      journal,
      observer,
      interrupts,
      sessions,
      marker: options.runMarker ?? newRunMarker(plan.runId),
      secrets,
      backup:
        plan.repository && options.password
          ? {
              repository: plan.repository.location,
              password: options.password,
              env: options.env ?? {},
            }
          : undefined,
      settleGraceMs: options.settleGraceMs ?? DEFAULT_SETTLE_GRACE_MS,
      startedAt: new Date(),
      facts: [],
      warnings: [],
      data: {},
      taken: new Set(),
      resolvedSandbox: new Map(),
      started: new Set(),
      recovering: options.recover === true,
      ...(options.nightly === undefined ? {} : { nightly: options.nightly }),
      firstInjectAt: undefined,
    };
    return await new DrillExecution(state, evidenceDir, options.fenceTimeoutMs ?? 30_000).run();
  } finally {
    removeHandlers();
    signalListener();
    await sessions.closeAll();
  }
}
