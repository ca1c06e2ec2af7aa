/**
 * The plan of a run, made before anything is touched: which inventory host plays each target,
 * the runbook's settings, every step with the paths it may change and the commands it runs, and
 * the fences checked as written. A dry run prints it; a real run executes it.
 */
import { describeTransport, type Inventory, type InventoryHost } from "../../hosts/inventory.js";
import { repositoryString, type RepositoryLocation } from "../../restic/repository.js";
import { redact } from "../../support/secret.js";
import { shellQuote } from "../../hosts/transport/session.js";
import type { PlanView, TargetView } from "../runbook/context.js";
import { checkDeclaredPath, type Refusal } from "../fencing/fencing.js";
import type { Runbook, RunbookStep, TargetSpec } from "../runbook/runbook.js";
import type { DrillOptions } from "../runbook/settings.js";

/** A runbook target with the inventory host chosen for it. */
export interface PlannedTarget {
  /** The runbook's name for the target, e.g. "share". */
  readonly key: string;
  readonly spec: TargetSpec;
  readonly host: InventoryHost;
}

/** A step with the paths it may change and the commands it runs, resolved for this run. */
export interface PlannedStep {
  readonly step: RunbookStep;
  readonly touches: readonly {
    readonly target: string;
    readonly host: string;
    readonly paths: readonly string[];
  }[];
  readonly commands: readonly { readonly host: string; readonly command: string }[];
}

/** Everything a run will do, decided before anything is touched. */
export interface DrillPlan {
  readonly runbook: Runbook;
  readonly runId: string;
  readonly inventoryFile: string;
  readonly settings: unknown;
  /** The options the settings were read from: with the run id, what plans the run again. */
  readonly options: DrillOptions;
  readonly targets: readonly PlannedTarget[];
  readonly steps: readonly PlannedStep[];
  readonly rtoMinutes: number;
  readonly rpoMinutes: number;
  readonly repository?: { readonly location: RepositoryLocation; readonly label: string };
  readonly view: PlanView<string, unknown>;
}

/** What a plan is made from. */
export interface PlanRequest {
  readonly runbook: Runbook;
  readonly inventory: Inventory;
  readonly options: DrillOptions;
  /** `--target role=host` (or `key=host`) choices. */
  readonly choices?: ReadonlyMap<string, string>;
  readonly rtoMinutes?: number;
  readonly rpoMinutes?: number;
  readonly repository?: RepositoryLocation;
  readonly runId: string;
  /** Planned for `drill recover`: only the cleanup runs, which needs no repository. */
  readonly cleanupOnly?: boolean;
}

/** A plan, or why there can be none. */
export type PlanResult =
  | { readonly ok: true; readonly plan: DrillPlan }
  /** The request cannot be planned (settings, target choice): exit 2, every problem listed. */
  | { readonly ok: false; readonly kind: "usage"; readonly problems: readonly string[] }
  /** The fences refuse the plan: exit 2, every refusal listed. */
  | { readonly ok: false; readonly kind: "refused"; readonly refusals: readonly Refusal[] };

/** The repository as plans and journals show it (URL passwords redacted). */
export function repositoryLabel(location: RepositoryLocation): string {
  return redact(repositoryString(location), []);
}

function chooseHost(
  key: string,
  spec: TargetSpec,
  inventory: Inventory,
  choices: ReadonlyMap<string, string>,
  problems: string[],
): InventoryHost | undefined {
  const chosen = choices.get(key) ?? choices.get(spec.role);
  if (chosen !== undefined) {
    const host = inventory.hosts.find((h) => h.name === chosen);
    if (!host)
      problems.push(
        `--target ${spec.role}=${chosen}: ${inventory.file} has no host named ${chosen}`,
      );
    return host;
  }
  const candidates = inventory.hosts.filter((h) => h.roles.includes(spec.role));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    problems.push(
      `the runbook needs a host with role ${spec.role} (${spec.purpose}); ${inventory.file} has none (add "roles: [${spec.role}]" to one)`,
    );
  } else {
    problems.push(
      `several hosts in ${inventory.file} have role ${spec.role} (${candidates.map((h) => h.name).join(", ")}): choose one with --target ${spec.role}=<host>`,
    );
  }
  return undefined;
}

/** Resolves targets and settings and checks the fences as written; touches nothing. */
export function planDrill(request: PlanRequest): PlanResult {
  const { runbook, inventory } = request;
  const problems: string[] = [];
  const choices = request.choices ?? new Map<string, string>();
  const targetSpecs = Object.entries(runbook.meta.targets);
  for (const name of choices.keys()) {
    if (!targetSpecs.some(([key, spec]) => key === name || spec.role === name))
      problems.push(
        `--target ${name}=…: runbook ${runbook.meta.id} has no target or role ${name} (it uses ${targetSpecs.map(([, s]) => s.role).join(", ")})`,
      );
  }
  const targets: PlannedTarget[] = [];
  for (const [key, spec] of targetSpecs) {
    const host = chooseHost(key, spec, inventory, choices, problems);
    if (host) targets.push({ key, spec, host });
  }
  const settings = runbook.settings(request.options);
  if (!settings.ok) for (const p of settings.problems) problems.push(`${p.option} ${p.message}`);
  if (runbook.meta.usesRepository && request.repository === undefined && !request.cleanupOnly)
    problems.push(
      `runbook ${runbook.meta.id} restores from the offsite repository: give --repo <spec> or --stack-outputs <file>`,
    );
  for (const [option, value] of [
    ["--rto-minutes", request.rtoMinutes],
    ["--rpo-minutes", request.rpoMinutes],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      problems.push(`${option} must be a positive number of minutes`);
  }
  if (problems.length > 0 || !settings.ok) return { ok: false, kind: "usage", problems };

  const label = request.repository ? repositoryLabel(request.repository) : undefined;
  const byKey = new Map(targets.map((t) => [t.key, t]));
  const view: PlanView<string, unknown> = {
    runId: request.runId,
    settings: settings.value,
    rtoMinutes: request.rtoMinutes ?? runbook.meta.rtoMinutes,
    rpoMinutes: request.rpoMinutes ?? runbook.meta.rpoMinutes,
    target: (key: string): TargetView => {
      const t = byKey.get(key);
      if (!t) throw new Error(`runbook ${runbook.meta.id} names an undeclared target "${key}"`);
      return {
        name: t.host.name,
        transport: describeTransport(t.host.transport),
        sandbox: t.host.drill.sandbox,
      };
    },
    restic: (...args: string[]) =>
      ["restic", "-r", label ?? "<repository>", ...args]
        .map((a) => (a.startsWith("<") ? a : shellQuote(a)))
        .join(" "),
  };

  const refusals: Refusal[] = [];
  for (const t of targets) {
    if (t.spec.destructive && !t.host.drill.target)
      refusals.push({
        host: t.host.name,
        message: `${t.host.name} (${inventory.file} ${t.host.pointer}) plays ${t.spec.role}, which runbook ${runbook.meta.id} changes, but it is not marked drill.target: true`,
      });
  }
  const steps: PlannedStep[] = runbook.steps.map((step) => {
    const touches = step.touches(view).map((touch) => {
      const t = byKey.get(touch.target);
      if (!t) throw new Error(`step ${step.name} touches an undeclared target "${touch.target}"`);
      if (!t.spec.destructive)
        refusals.push({
          host: t.host.name,
          step: step.name,
          message: `step ${step.name} would change ${t.host.name}, but runbook ${runbook.meta.id} does not declare ${touch.target} destructive`,
        });
      for (const path of touch.paths) {
        const refusal = checkDeclaredPath(t.host.name, step.name, path, t.host.drill.sandbox);
        if (refusal) refusals.push(refusal);
      }
      return { target: touch.target, host: t.host.name, paths: touch.paths };
    });
    const commands = step.commands(view).map((c) => ({
      host: view.target(c.target).name,
      command: c.command,
    }));
    return { step, touches, commands };
  });
  if (refusals.length > 0) return { ok: false, kind: "refused", refusals };
  return {
    ok: true,
    plan: {
      runbook,
      runId: request.runId,
      inventoryFile: inventory.file,
      settings: settings.value,
      options: request.options,
      targets,
      steps,
      rtoMinutes: view.rtoMinutes,
      rpoMinutes: view.rpoMinutes,
      ...(request.repository && label
        ? { repository: { location: request.repository, label } }
        : {}),
      view,
    },
  };
}
