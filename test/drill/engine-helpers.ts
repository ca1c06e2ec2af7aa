/**
 * Helpers for the engine tests: hosts on the local transport with sandboxes in a temp folder, a
 * plan-and-execute shortcut, and readers for the evidence a run leaves.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Inventory, InventoryHost } from "../../src/hosts/inventory.js";
import { planDrill, type DrillPlan, type PlanRequest } from "../../src/drill/planning/plan.js";
import { executeDrill, type ExecuteOptions } from "../../src/drill/running/run-drill.js";
import type { DrillRun } from "../../src/drill/results/run-record.js";
import type { Runbook } from "../../src/drill/runbook/runbook.js";
import type { JournalLine } from "../../src/drill/results/journal.js";

export function localHost(
  name: string,
  roles: string[],
  drill: { target: boolean; sandbox: string[] },
): InventoryHost {
  return { name, transport: { kind: "local" }, roles, drill, pointer: "/hosts/0" };
}

export function inventoryOf(...hosts: InventoryHost[]): Inventory {
  return { file: "test-hosts.yaml", hosts };
}

/** A temp folder (links resolved) with a sandbox holding a small share, and a folder outside it. */
export async function scratchArea(): Promise<{
  root: string;
  sandbox: string;
  share: string;
  outside: string;
}> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "stronghold-engine-")));
  const sandbox = join(root, "sandbox");
  const share = join(sandbox, "share");
  const outside = join(root, "outside");
  await mkdir(join(share, "docs"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(share, "a.txt"), "alpha\n");
  await writeFile(join(share, "docs", "b.txt"), "bravo\n");
  await writeFile(join(outside, "keep.txt"), "must survive\n");
  return { root, sandbox, share, outside };
}

/** Plans or throws with the plan's problems. */
export function mustPlan(request: Omit<PlanRequest, "runId"> & { runId?: string }): DrillPlan {
  const result = planDrill({ runId: "test-run", ...request });
  if (!result.ok)
    throw new Error(
      result.kind === "usage"
        ? result.problems.join("; ")
        : result.refusals.map((r) => r.message).join("; "),
    );
  return result.plan;
}

export async function runPlanned(
  runbook: Runbook,
  inventory: Inventory,
  evidenceDir: string,
  options: Partial<ExecuteOptions> & { rtoMinutes?: number; rpoMinutes?: number } = {},
): Promise<DrillRun> {
  const { rtoMinutes, rpoMinutes, ...execute } = options;
  const plan = mustPlan({
    runbook,
    inventory,
    options: { freshSnapshot: false },
    ...(rtoMinutes === undefined ? {} : { rtoMinutes }),
    ...(rpoMinutes === undefined ? {} : { rpoMinutes }),
  });
  return executeDrill(plan, { settleGraceMs: 2_000, ...execute, evidenceDir });
}

export async function journalOf(dir: string): Promise<JournalLine[]> {
  const text = await readFile(join(dir, "journal.jsonl"), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalLine);
}

/** The statuses of a run's steps, by name. */
export function statuses(run: DrillRun): Record<string, string> {
  return Object.fromEntries(run.steps.map((s) => [s.name, s.outcome.status]));
}

/** The pids on this machine with an environment variable (`NAME=value`) that `match` accepts. */
export function processesWithVariable(match: (variable: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${entry}/environ`).toString().split("\0").some(match))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
