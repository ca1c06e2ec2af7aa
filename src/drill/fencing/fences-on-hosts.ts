/**
 * The fences checked on the hosts before any step runs: each destructive target's sandbox and the
 * paths the steps declared, resolved on the host itself (symbolic links, `..`).
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import type { HostSession } from "../../hosts/transport/session.js";
import type { DrillPlan } from "../planning/plan.js";
import { describeError } from "../runbook/failures.js";
import { checkOnHost, type Refusal } from "./fencing.js";

/** The outcome: every sandbox as the host resolved it, or why the run must not start. */
export type HostFenceCheck =
  | { readonly kind: "ok"; readonly resolvedSandbox: ReadonlyMap<string, readonly string[]> }
  | { readonly kind: "refused" | "failed"; readonly details: readonly string[] };

/** Checks every destructive target; a host that cannot be reached fails the check, never skips it. */
export async function checkFencesOnHosts(
  plan: DrillPlan,
  sessionOf: (host: InventoryHost) => Promise<HostSession>,
  timeoutMs: number,
): Promise<HostFenceCheck> {
  const refusals: Refusal[] = [];
  const failures: string[] = [];
  const resolvedSandbox = new Map<string, readonly string[]>();
  for (const target of plan.targets.filter((t) => t.spec.destructive)) {
    const declared = plan.steps.flatMap((s) =>
      s.touches
        .filter((t) => t.target === target.key)
        .flatMap((t) => t.paths.map((p) => ({ step: s.step.name, path: p }))),
    );
    try {
      const session = await sessionOf(target.host);
      const checked = await checkOnHost(session, target.host.drill.sandbox, declared, timeoutMs);
      resolvedSandbox.set(target.host.name, checked.resolvedSandbox);
      refusals.push(...checked.refusals);
    } catch (error) {
      failures.push(
        `cannot check the sandbox of ${target.host.name} before the drill: ${describeError(error)}`,
      );
    }
  }
  if (refusals.length > 0)
    return { kind: "refused", details: [...refusals.map((r) => r.message), ...failures] };
  if (failures.length > 0) return { kind: "failed", details: failures };
  return { kind: "ok", resolvedSandbox };
}
