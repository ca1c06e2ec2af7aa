/**
 * Housekeeping for drill snapshots: each drill that takes a snapshot tags it, and a town's
 * maintenance window forgets all but the newest few of them per share and prunes the data only
 * they used. Only snapshots carrying the drill tag are ever chosen; the town's own are never touched.
 */
import { ResticError, type Restic, type Snapshot } from "./restic.js";
import { appendTo } from "../support/group.js";

/** What a prune keeps and forgets, per share (the snapshot's paths). */
export interface PrunePlan {
  readonly keep: readonly Snapshot[];
  readonly forget: readonly Snapshot[];
}

/** The outcome of a prune: planned only, done, or refused by an append-only repository. */
export type PruneOutcome =
  | { readonly kind: "dry-run"; readonly plan: PrunePlan }
  | { readonly kind: "pruned"; readonly plan: PrunePlan }
  | { readonly kind: "append-only"; readonly plan: PrunePlan; readonly message: string };

/**
 * Keeps the newest `keepLast` snapshots carrying `tag` for each set of paths and forgets the other
 * tagged ones; a snapshot without the tag is in neither list. A tagged snapshot that also carries
 * one of `alwaysForget` (e.g. a ransomware drill's canary, never a restore point) is always forgotten.
 */
export function planPrune(
  snapshots: readonly Snapshot[],
  tag: string,
  keepLast: number,
  alwaysForget: readonly string[] = [],
): PrunePlan {
  if (!Number.isInteger(keepLast) || keepLast < 0)
    throw new RangeError("keepLast must be a whole number ≥ 0");
  const groups = new Map<string, Snapshot[]>();
  const keep: Snapshot[] = [];
  const forget: Snapshot[] = [];
  for (const s of snapshots) {
    if (!s.tags.includes(tag)) continue;
    if (s.tags.some((t) => alwaysForget.includes(t))) {
      forget.push(s);
      continue;
    }
    const key = [...s.paths].sort().join("\n");
    appendTo(groups, key, s);
  }
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => b.time.getTime() - a.time.getTime());
    keep.push(...newestFirst.slice(0, keepLast));
    forget.push(...newestFirst.slice(keepLast));
  }
  const byTime = (a: Snapshot, b: Snapshot) => a.time.getTime() - b.time.getTime();
  return { keep: keep.sort(byTime), forget: forget.sort(byTime) };
}

/** Lists the drill snapshots, then (unless a dry run) forgets and prunes what the plan says. */
export async function pruneDrillSnapshots(
  restic: Restic,
  options: {
    readonly tag: string;
    readonly keepLast: number;
    readonly dryRun: boolean;
    /** Tags of drill snapshots forgotten whatever keepLast says. */
    readonly alwaysForget?: readonly string[];
  },
): Promise<PruneOutcome> {
  const plan = planPrune(
    await restic.snapshots({ tags: [options.tag] }),
    options.tag,
    options.keepLast,
    options.alwaysForget,
  );
  // Belt and braces: restic's --tag filter and ours agree, or nothing is forgotten.
  if (plan.forget.some((s) => !s.tags.includes(options.tag)))
    throw new ResticError("failed", `refusing to forget a snapshot without the tag ${options.tag}`);
  if (options.dryRun) return { kind: "dry-run", plan };
  try {
    await restic.forgetAndPrune(plan.forget.map((s) => s.id));
  } catch (error) {
    if (error instanceof ResticError && error.reason === "append-only-refused")
      return { kind: "append-only", plan, message: error.message };
    throw error;
  }
  return { kind: "pruned", plan };
}
