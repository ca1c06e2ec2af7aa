/**
 * `drill prune`: forgets the drill's own snapshots beyond the newest few per share and prunes, run
 * here on the runner against the repository URL (no drill host is involved). Maps the outcome to
 * an exit code.
 */
import { CANARY_TAG } from "../../runbooks/lib/canary.js";
import { DRILL_TAG } from "../../runbooks/lib/share.js";
import { localSession } from "../hosts/transport/local-session.js";
import { pruneDrillSnapshots, type PrunePlan } from "../restic/prune.js";
import { Restic, ResticError, type Snapshot } from "../restic/restic.js";
import { UsageError } from "../support/errors.js";
import { drillConfigOf, passwordSource, repositoryEnv, repositoryOf } from "./drill-settings.js";
import type { Io } from "./io.js";

/** The flags of `drill prune`, as commander parses them. */
export interface PruneFlags {
  config?: string;
  repo?: string;
  stackOutputs?: string;
  cacert?: string;
  passwordFile?: string;
  keepLast?: string;
  dryRun?: boolean;
}

/** Drill snapshots kept per share unless --keep-last says otherwise. */
export const DEFAULT_KEEP_LAST = 3;

/** Exit codes of `drill prune`. */
export const PRUNE_EXIT = { done: 0, failed: 1, usage: 2, appendOnly: 3 } as const;

function keepLastOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_KEEP_LAST;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new UsageError(`--keep-last "${value}" must be a whole number ≥ 0`);
  return n;
}

function line(s: Snapshot): string {
  return `  ${s.shortId}  ${s.time.toISOString()}  ${s.paths.join(", ")}`;
}

function describePlan(plan: PrunePlan, verb: string): string {
  if (plan.forget.length === 0)
    return `nothing to forget: ${plan.keep.length} drill snapshot(s) tagged ${DRILL_TAG}, all kept\n${plan.keep.map((s) => `${line(s)}  keep\n`).join("")}`;
  const out = [
    `${verb} ${plan.forget.length} drill snapshot(s) tagged ${DRILL_TAG}, keeping ${plan.keep.length}:`,
  ];
  out.push(...plan.forget.map((s) => `${line(s)}  forget`));
  out.push(...plan.keep.map((s) => `${line(s)}  keep`));
  return `${out.join("\n")}\n`;
}

/** Prunes (or plans to prune) drill snapshots; resolves with the exit code. */
export async function pruneCommand(flags: PruneFlags, io: Io): Promise<number> {
  const keepLast = keepLastOf(flags.keepLast);
  const config = await drillConfigOf(flags.config, "", io);
  const choice = repositoryOf(flags, config);
  if (choice === undefined)
    throw new UsageError(
      "drill prune needs --repo <spec> (or --stack-outputs <file>, or a drill config or workspace naming one)",
    );
  const password = passwordSource(flags, config, io);
  if (password === undefined)
    throw new UsageError(
      "the repository password is needed: --password-file <file> (or RESTIC_PASSWORD_FILE / RESTIC_PASSWORD)",
    );
  const restic = new Restic({
    session: localSession({
      name: "this runner",
      transport: { kind: "local" },
      roles: [],
      drill: { target: false, sandbox: [] },
      pointer: "",
    }),
    repository: choice.location,
    password: password.read(),
    env: repositoryEnv(choice, io),
  });
  try {
    const outcome = await pruneDrillSnapshots(restic, {
      tag: DRILL_TAG,
      keepLast,
      alwaysForget: [CANARY_TAG],
      dryRun: flags.dryRun === true,
    });
    switch (outcome.kind) {
      case "dry-run":
        io.stdout(describePlan(outcome.plan, "would forget"));
        return PRUNE_EXIT.done;
      case "pruned":
        io.stdout(describePlan(outcome.plan, "forgot and pruned"));
        return PRUNE_EXIT.done;
      case "append-only":
        io.stderr(
          `stronghold: ${restic.repositoryLabel} is append-only: left alone, nothing was forgotten or pruned (${outcome.plan.forget.length} drill snapshot(s) would have been). Prune it where deletes are allowed, e.g. on the storage host.\n`,
        );
        return PRUNE_EXIT.appendOnly;
    }
  } catch (error) {
    if (!(error instanceof ResticError)) throw error;
    io.stderr(
      `stronghold: drill prune: ${error.message}\n${error.output.map((l) => `  restic: ${l}\n`).join("")}`,
    );
    return PRUNE_EXIT.failed;
  }
}
