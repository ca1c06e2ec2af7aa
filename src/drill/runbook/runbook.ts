/**
 * A runbook: metadata (what disaster, which targets, the town's RTO and RPO) and typed steps in
 * phases preflight → inject → recover → verify, then cleanup, which always runs. The builder adds
 * each step's output to the data later steps see, so the compiler refuses a step that reads what
 * no earlier step produced, a step name used twice, and a step added to an earlier phase.
 */
import type { DrillOptions, SettingsParser } from "./settings.js";
import type { PlanView, StepContext } from "./context.js";

/** The phases, in the order they run. */
export const PHASES = ["preflight", "inject", "recover", "verify", "cleanup"] as const;
export type Phase = (typeof PHASES)[number];
/** The phases a step can produce data in (cleanup produces none). */
export type MainPhase = Exclude<Phase, "cleanup">;

/** What a step does, for the plan, the report and the RTO clock (the first inject starts it). */
export const STEP_KINDS = [
  "check",
  "snapshot",
  "safeguard",
  "inject",
  "restore",
  "verify",
  "health",
  "cleanup",
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** How often a step is tried, and how long it waits in between. */
export interface RetryPolicy {
  /** Tries in all, at least 1. */
  readonly attempts: number;
  /** Wait before the second try; each later wait is `factor` times the previous one. */
  readonly backoffMs: number;
  readonly factor: number;
}

/** One try. */
export const NO_RETRY: RetryPolicy = { attempts: 1, backoffMs: 0, factor: 1 };

/** A host a runbook needs, chosen from the inventory by role. */
export interface TargetSpec {
  readonly role: string;
  /** Destructive steps run on it: the host must be a drill target and they stay in its sandbox. */
  readonly destructive: boolean;
  readonly purpose: string;
}

/** A runbook's metadata; `T` names its targets. */
export interface RunbookMeta<T extends string> {
  /** kebab-case, the name on the command line. */
  readonly id: string;
  readonly title: string;
  /** The disaster, in a sentence or two. */
  readonly scenario: string;
  /** What a passing drill proves, one claim per entry. */
  readonly proves: readonly string[];
  /** Default targets; `--rto-minutes` / `--rpo-minutes` override them per run. */
  readonly rtoMinutes: number;
  readonly rpoMinutes: number;
  readonly targets: { readonly [K in T]: TargetSpec };
  /** The drill reads the offsite restic repository (it then needs --repo and a password). */
  readonly usesRepository: boolean;
  /**
   * When the runner's repository password is needed: always (the default), or only with
   * --fresh-snapshot, for a drill whose other hosts open the repository with their own.
   */
  readonly runnerPassword?: "always" | "fresh-snapshot";
}

/** Paths a destructive step may touch on one target, declared before anything runs. */
export interface Touch<T extends string> {
  readonly target: T;
  readonly paths: readonly string[];
}

/** A command the plan shows for a step (it is what the step runs; placeholders in <angle brackets>). */
export interface PlannedCommand<T extends string> {
  readonly target: T;
  readonly command: string;
}

interface CommonSpec<T extends string, S> {
  /** One line: what the step does. */
  readonly summary: string;
  readonly timeoutMs: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Makes the step destructive: every path it may change, on which target. */
  readonly touches?: (plan: PlanView<T, S>) => readonly Touch<T>[];
  readonly commands?: (plan: PlanView<T, S>) => readonly PlannedCommand<T>[];
}

/**
 * A preflight, inject, recover or verify step producing `O` (awaited, if a promise) for the steps
 * after it.
 */
export interface StepSpec<T extends string, S, D, O> extends CommonSpec<T, S> {
  readonly kind: Exclude<StepKind, "cleanup">;
  readonly run: (ctx: StepContext<T, S, D>) => O;
}

/**
 * A cleanup step. It runs after a failure anywhere, so it sees every earlier output as possibly
 * absent and must check before it relies on one.
 */
export interface CleanupSpec<T extends string, S, D> extends CommonSpec<T, S> {
  readonly run: (ctx: StepContext<T, S, Partial<D>>) => Promise<void> | void;
}

/** A step as the engine runs it, its types erased after the builder checked them. */
export interface RunbookStep {
  readonly phase: Phase;
  readonly name: string;
  readonly kind: StepKind;
  readonly summary: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly touches: (plan: PlanView<string, unknown>) => readonly Touch<string>[];
  readonly commands: (plan: PlanView<string, unknown>) => readonly PlannedCommand<string>[];
  readonly run: (ctx: StepContext<string, unknown, Readonly<Record<string, unknown>>>) => unknown;
}

/** A complete runbook, ready for the engine. */
export interface Runbook {
  readonly meta: RunbookMeta<string>;
  readonly settings: SettingsParser<unknown>;
  readonly steps: readonly RunbookStep[];
}

type Empty = Record<never, never>;
/** A name not yet taken by an earlier step (never otherwise, so the call does not compile). */
type FreshName<N extends string, D> = N extends keyof D ? never : N;
type With<D, N extends string, O> = D & { readonly [K in N]: Awaited<O> };

function retryOf(retry: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...NO_RETRY, ...retry };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1)
    throw new RangeError(`retry attempts must be a positive integer, got ${policy.attempts}`);
  return policy;
}

const STEP_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Accumulates steps. `P` is the phase of the last step added: a step may go into that phase or a
 * later one, never an earlier one; `D` is every output so far, keyed by step name.
 */
export class RunbookBuilder<T extends string, S, D, P extends Phase> {
  /** Phantom: makes builders of different phases distinct types. */
  declare readonly phase: P;

  constructor(
    private readonly meta: RunbookMeta<T>,
    private readonly parseSettings: SettingsParser<S>,
    private readonly steps: readonly RunbookStep[],
  ) {}

  private add<O>(
    phase: Phase,
    name: string,
    kind: StepKind,
    spec: CommonSpec<T, S> & { run: (ctx: never) => O },
  ): RunbookStep[] {
    if (!STEP_NAME.test(name)) throw new Error(`step name "${name}" must be kebab-case`);
    if (this.steps.some((s) => s.name === name))
      throw new Error(`step name "${name}" is used twice`);
    if (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs <= 0)
      throw new Error(`step "${name}" needs a positive timeout`);
    const step: RunbookStep = {
      phase,
      name,
      kind,
      summary: spec.summary,
      timeoutMs: spec.timeoutMs,
      retry: retryOf(spec.retry),
      touches: (spec.touches ?? (() => [])) as RunbookStep["touches"],
      commands: (spec.commands ?? (() => [])) as RunbookStep["commands"],
      run: spec.run as unknown as RunbookStep["run"],
    };
    return [...this.steps, step];
  }

  private next<D2, P2 extends Phase>(steps: RunbookStep[]): RunbookBuilder<T, S, D2, P2> {
    return new RunbookBuilder<T, S, D2, P2>(this.meta, this.parseSettings, steps);
  }

  /** Checks that the steady state holds and records what the disaster will be measured against. */
  preflight<N extends string, O>(
    this: RunbookBuilder<T, S, D, "preflight">,
    name: FreshName<N, D>,
    spec: StepSpec<T, S, D, O>,
  ): RunbookBuilder<T, S, With<D, N, O>, "preflight"> {
    return this.next(this.add("preflight", name, spec.kind, spec));
  }

  /** Causes the simulated disaster. */
  inject<N extends string, O>(
    this: RunbookBuilder<T, S, D, "preflight" | "inject">,
    name: FreshName<N, D>,
    spec: StepSpec<T, S, D, O>,
  ): RunbookBuilder<T, S, With<D, N, O>, "inject"> {
    return this.next(this.add("inject", name, spec.kind, spec));
  }

  /** Recovers from the offsite backup. */
  recover<N extends string, O>(
    this: RunbookBuilder<T, S, D, "preflight" | "inject" | "recover">,
    name: FreshName<N, D>,
    spec: StepSpec<T, S, D, O>,
  ): RunbookBuilder<T, S, With<D, N, O>, "recover"> {
    return this.next(this.add("recover", name, spec.kind, spec));
  }

  /** Proves the recovery: every byte, the repository, the service. */
  verify<N extends string, O>(
    this: RunbookBuilder<T, S, D, MainPhase>,
    name: FreshName<N, D>,
    spec: StepSpec<T, S, D, O>,
  ): RunbookBuilder<T, S, With<D, N, O>, "verify"> {
    return this.next(this.add("verify", name, spec.kind, spec));
  }

  /** Puts things back; runs whatever happened before, in the order added. */
  cleanup<N extends string>(
    name: FreshName<N, D>,
    spec: CleanupSpec<T, S, D>,
  ): RunbookBuilder<T, S, D, "cleanup"> {
    return this.next(this.add("cleanup", name, "cleanup", spec));
  }

  /** The finished runbook. */
  build(): Runbook {
    const targets = this.meta.targets as Readonly<Record<string, TargetSpec>>;
    for (const step of this.steps) {
      if (step.phase === "inject" && !Object.values(targets).some((t) => t.destructive))
        throw new Error(`runbook ${this.meta.id} injects a disaster but has no destructive target`);
    }
    return {
      meta: this.meta,
      settings: this.parseSettings,
      steps: this.steps,
    };
  }
}

/** Starts a runbook: its metadata and how it reads its settings from the drill options. */
export function defineRunbook<T extends string, S>(
  meta: RunbookMeta<T>,
  settings: SettingsParser<S>,
): RunbookBuilder<T, S, Empty, "preflight"> {
  return new RunbookBuilder<T, S, Empty, "preflight">(meta, settings, []);
}

/** Re-exported so a runbook module needs one import for its definitions. */
export type { DrillOptions };
