/**
 * What one attempt of one step sees: the plan, the outputs before it, and its hosts — each reached
 * through a DrillHost that journals every command, keeps to the step's declared paths and stops
 * at its deadline or signal.
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import type { PlannedStep, PlannedTarget } from "../planning/plan.js";
import type { StepContext } from "../runbook/context.js";
import { drillHost } from "./drill-host.js";
import type { ExecutionState } from "./execution-state.js";

/** One attempt's context; `used` collects the hosts it reached, so a stop can hang them up. */
export function stepContext(
  state: ExecutionState,
  s: PlannedStep,
  attempt: number,
  deadline: number,
  signal: AbortSignal,
  used: Set<InventoryHost>,
): StepContext<string, unknown, Readonly<Record<string, unknown>>> {
  const { plan, journal } = state;
  const name = s.step.name;
  const targetOf = (key: string): PlannedTarget => {
    const t = plan.targets.find((x) => x.key === key);
    if (!t) throw new Error(`step ${name} names an undeclared target "${key}"`);
    return t;
  };
  const hosts = new Map<string, ReturnType<typeof drillHost>>();
  return {
    ...plan.view,
    data: Object.freeze({ ...state.data }),
    attempt,
    signal,
    host: (key) => {
      let h = hosts.get(key);
      if (!h) {
        const t = targetOf(key);
        h = drillHost({
          host: t.host,
          step: name,
          marker: state.marker,
          deadline,
          signal,
          sessions: state.sessions,
          journal,
          allowed: s.touches.filter((x) => x.target === key).flatMap((x) => x.paths),
          resolvedSandbox: state.resolvedSandbox.get(t.host.name) ?? [],
          ...(state.backup ? { backup: state.backup } : {}),
          ...(plan.repository ? { repository: plan.repository.location } : {}),
          taken: state.taken,
          onUse: (host) => used.add(host),
        });
        hosts.set(key, h);
      }
      return h;
    },
    started: (step) => state.recovering || state.started.has(step),
    recovering: state.recovering,
    declareLost: (key) => {
      const t = targetOf(key);
      state.sessions.declareLost(t.host);
      journal.write({
        event: "note",
        step: name,
        message: `${t.host.name} declared lost: every further use is refused`,
      });
    },
    record: (fact) => {
      state.facts.push(fact);
      journal.write({ event: "fact", step: name, fact });
    },
    warn: (message) => {
      state.warnings.push({ step: name, message });
      journal.write({ event: "warning", step: name, message });
      state.observer.note?.(s, message, true);
    },
    note: (message) => {
      journal.write({ event: "note", step: name, message });
      state.observer.note?.(s, message, false);
    },
  };
}
