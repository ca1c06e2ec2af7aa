/**
 * The ransomware drill's attack on the backups, aimed only at a canary: a tiny folder the drill
 * writes in its scratch space and backs up as a snapshot tagged CANARY_TAG and with the run's own
 * tag. With exactly the restic credentials the infected host uses, the drill tries what ransomware
 * tries — forget the snapshot, forget and prune it, delete or overwrite its file in the storage —
 * and records whether the canary survived each attempt. Before every attempt the target is checked
 * to be this run's canary (id, tags, path); nothing else is ever aimed at. On an S3 bucket with
 * versioning, what restic's forget and prune deleted is only hidden by delete markers: the drill
 * removes the markers that attempt put and restores the canary before counting it withstood.
 */
import { posix } from "node:path";
import { ResticError, type Snapshot } from "../../src/restic/restic.js";
import type { DrillRestic, FencedFiles } from "../../src/drill/runbook/context.js";
import { StepFailure, describeError } from "../../src/drill/runbook/failures.js";
import { DRILL_TAG, scratchDir, takeSnapshot } from "./share.js";

/** Tag of the ransomware drill's canary snapshots (they also carry DRILL_TAG and the run's tag). */
export const CANARY_TAG = "stronghold-drill-canary";
/** The file inside the canary folder. */
export const CANARY_FILE = "canary.txt";

/** The tag naming the run that took a snapshot. */
export function runTag(runId: string): string {
  return `stronghold-drill-run=${runId}`;
}

/** The canary folder, inside the run's scratch space. */
export function canaryDir(data: string, runId: string): string {
  return posix.join(scratchDir(data, runId), "canary");
}

/** Where a canary kept by the storage is restored to be read back, inside the scratch space. */
export function canaryRestoreDir(data: string, runId: string): string {
  return posix.join(scratchDir(data, runId), "canary-restored");
}

/** What the drill tries against the canary, in this order. */
export const ATTACKS = ["forget", "forget-prune", "delete-file", "overwrite-file"] as const;
/** One of ATTACKS. */
export type Attack = (typeof ATTACKS)[number];

/** How each attack reads in a plan and a report (`<canary>` is the canary's snapshot id). */
export const ATTACK_COMMANDS: { readonly [A in Attack]: string } = {
  forget: "restic forget <canary>",
  "forget-prune": "restic forget --prune <canary>",
  "delete-file":
    "delete snapshots/<canary> in the storage (rm; REST: HTTP DELETE; S3: DeleteObject, then of its version)",
  "overwrite-file":
    "overwrite snapshots/<canary> in the storage (random bytes; REST: HTTP POST; S3: PutObject, then DeleteObject of the old version)",
};

/** What the repository did with one attempt. */
export type AttemptResult =
  /** The canary is gone or unreadable: the attempt destroyed it. */
  | "destroyed"
  /** The repository refused, and the canary is intact. */
  | "refused"
  /**
   * The storage took the change but kept the canary's earlier versions (S3 versioning, locked):
   * the drill made them current again and restored the canary from them intact.
   */
  | "withstood"
  /** The attempt could not be made or failed for another reason; the canary is intact. */
  | "inconclusive";

/** One attempt, as the report shows it. */
export interface AttackAttempt {
  readonly attack: Attack;
  /** The canary's short id. */
  readonly canary: string;
  readonly result: AttemptResult;
  /** What restic, the storage or the server said. */
  readonly detail: string;
}

/**
 * The verdict on the attack: every attempt refused (withstood), some not conclusive but none
 * destroying a canary (unproven, naming them), or the attempts that destroyed one (destroyable).
 */
export type AttackVerdict =
  | { readonly kind: "withstood" }
  | { readonly kind: "unproven"; readonly inconclusive: readonly AttackAttempt[] }
  | { readonly kind: "destroyable"; readonly succeeded: readonly AttackAttempt[] };

/** Destroyable when any attempt destroyed its canary; withstood when every one was refused or withstood. */
export function judgeAttack(attempts: readonly AttackAttempt[]): AttackVerdict {
  const succeeded = attempts.filter((a) => a.result === "destroyed");
  if (succeeded.length > 0) return { kind: "destroyable", succeeded };
  const inconclusive = attempts.filter((a) => a.result !== "refused" && a.result !== "withstood");
  if (inconclusive.length > 0 || attempts.length === 0) return { kind: "unproven", inconclusive };
  return { kind: "withstood" };
}

/** One line for an attempt: "restic forget abcd1234: destroyed (…)". */
export function describeAttempt(a: AttackAttempt): string {
  const command = ATTACK_COMMANDS[a.attack].replace("<canary>", a.canary);
  return `${command}: ${a.result}${a.detail ? ` (${a.detail})` : ""}`;
}

/** What identifies this run's canary. */
export interface CanaryIdentity {
  readonly runId: string;
  readonly dir: string;
}

/** Why a listed snapshot is not this run's canary, or undefined when it is. */
export function notOurCanary(snapshot: Snapshot, identity: CanaryIdentity): string | undefined {
  for (const tag of [DRILL_TAG, CANARY_TAG, runTag(identity.runId)])
    if (!snapshot.tags.includes(tag)) return `it lacks the tag ${tag}`;
  if (snapshot.paths.length !== 1 || snapshot.paths[0] !== identity.dir)
    return `its paths are ${snapshot.paths.join(", ") || "none"}, not ${identity.dir}`;
  return undefined;
}

/**
 * The canary's state from one listing of the repository: listed and readable (returned, checked to
 * be this run's canary), gone, or listed but unreadable.
 */
export async function canaryState(
  restic: DrillRestic,
  canary: Snapshot,
  identity: CanaryIdentity,
): Promise<{ kind: "intact"; snapshot: Snapshot } | { kind: "gone" } | { kind: "damaged" }> {
  let all: Snapshot[];
  try {
    all = await restic.snapshots();
  } catch (error) {
    if (
      error instanceof ResticError &&
      error.reason === "corrupt-data" &&
      error.message.includes(canary.shortId)
    )
      return { kind: "damaged" };
    throw error;
  }
  const listed = all.find((s) => s.id === canary.id);
  if (!listed) return { kind: "gone" };
  confirmCanary(listed, identity);
  return { kind: "intact", snapshot: listed };
}

/** Fails unless the listed snapshot is this run's canary: checked before each attempt. */
function confirmCanary(listed: Snapshot, identity: CanaryIdentity): void {
  const why = notOurCanary(listed, identity);
  if (why !== undefined)
    throw new StepFailure(
      `refusing to attack snapshot ${listed.shortId}: it is not this run's canary (${why})`,
    );
}

/** A canary snapshot, as listed, and the text its file holds. */
interface Canary {
  readonly snapshot: Snapshot;
  readonly content: string;
}

/** Writes the canary file and backs the folder up: the new canary snapshot, as listed. */
async function writeCanary(
  restic: DrillRestic,
  files: FencedFiles,
  identity: CanaryIdentity,
  n: number,
): Promise<Canary> {
  if (n === 1) await files.mkdir(identity.dir);
  const content = `Stronghold ransomware drill ${identity.runId}, canary ${n}, written ${new Date().toISOString()}. Only the drill attacks this snapshot.\n`;
  await files.writeFile(posix.join(identity.dir, CANARY_FILE), content);
  const snapshot = await takeSnapshot(restic, identity.dir, [
    DRILL_TAG,
    CANARY_TAG,
    runTag(identity.runId),
  ]);
  return { snapshot, content };
}

/** How the attack reads a restored canary back: the folder to restore into and a file reader. */
export interface CanaryReadBack {
  readonly dir: string;
  read(path: string): Promise<string>;
}

/**
 * After the storage kept a canary's version: restores the canary from the repository (restic
 * reading the restored bytes back against the blob hashes) and compares the file with what was
 * written. Undefined when it matches, else what is wrong.
 */
async function restoresIntact(
  restic: DrillRestic,
  files: FencedFiles,
  canary: Canary,
  readBack: CanaryReadBack,
  n: number,
): Promise<{ result: AttemptResult; detail: string } | undefined> {
  const target = posix.join(readBack.dir, String(n));
  try {
    await restic.restore(canary.snapshot.id, target, { verify: true });
  } catch (error) {
    const corrupt = error instanceof ResticError && error.reason === "corrupt-data";
    return {
      result: corrupt ? "destroyed" : "inconclusive",
      detail: `restoring the canary from the kept version failed: ${describeError(error)}`,
    };
  }
  const restored = await readBack.read(posix.join(target, CANARY_FILE));
  await files.remove([target]);
  if (restored !== canary.content)
    return {
      result: "destroyed",
      detail: `the canary restored from the kept version differs from what was written (${restored.length} bytes, ${canary.content.length} expected)`,
    };
  return undefined;
}

type Outcome = { kind: "refused" | "kept" | "other"; detail: string };

async function attempt(restic: DrillRestic, attack: Attack, canary: Snapshot): Promise<Outcome> {
  const restricted = async (what: () => Promise<void>): Promise<Outcome> => {
    try {
      await what();
      return { kind: "other", detail: "restic reported success" };
    } catch (error) {
      if (error instanceof ResticError && error.reason === "append-only-refused")
        return { kind: "refused", detail: error.message };
      return { kind: "other", detail: describeError(error) };
    }
  };
  switch (attack) {
    case "forget":
      return restricted(() => restic.forget(canary.id));
    case "forget-prune":
      return restricted(() => restic.forgetAndPrune([canary.id]));
    case "delete-file":
    case "overwrite-file": {
      const outcome = await restic.tamperSnapshotFile(
        canary.id,
        attack === "delete-file" ? "delete" : "overwrite",
      );
      const kind = outcome.kind === "refused" || outcome.kind === "kept" ? outcome.kind : "other";
      return { kind, detail: outcome.detail };
    }
  }
}

/**
 * Runs every attack in ATTACKS against a canary, writing a new one whenever the last was
 * destroyed; a canary left unreadable is deleted at once so the repository lists again. When the
 * storage kept the canary's versions (S3 versioning with Object Lock: a delete or overwrite of its
 * file, or restic's forget and prune hidden by delete markers the drill then removes), the canary
 * is restored from them and read back (`readBack`) before the attempt counts as withstood. Returns each attempt and
 * the canaries still in the repository.
 */
export async function attackCanaries(
  restic: DrillRestic,
  files: FencedFiles,
  identity: CanaryIdentity,
  note: (message: string) => void,
  readBack: CanaryReadBack,
): Promise<{ attempts: AttackAttempt[]; remaining: string[] }> {
  const attempts: AttackAttempt[] = [];
  let current: Canary | undefined;
  let written = 0;
  let restores = 0;
  for (const attack of ATTACKS) {
    if (current === undefined) {
      written += 1;
      current = await writeCanary(restic, files, identity, written);
      note(`canary ${written}: snapshot ${current.snapshot.shortId} of ${identity.dir}`);
    }
    const canary = current.snapshot;
    // The snapshot aimed at comes from the latest listing (the backup's, or the last attempt's).
    confirmCanary(canary, identity);
    const started = new Date();
    let outcome = await attempt(restic, attack, canary);
    let state = await canaryState(restic, canary, identity);
    if (state.kind === "gone" && (attack === "forget" || attack === "forget-prune")) {
      // On a versioned S3 bucket restic's deletes only hid the objects: bring them back, then
      // judge by what restic sees again.
      const unhidden = await restic.unhideDeletedObjects(canary.id, started);
      if (unhidden.kind !== "unsupported")
        outcome = {
          kind: unhidden.kind === "unhidden" ? "kept" : "other",
          detail: `${outcome.detail}; ${unhidden.detail}`,
        };
      if (unhidden.kind === "unhidden") {
        state = await canaryState(restic, canary, identity);
        if (state.kind !== "intact")
          outcome = {
            kind: "other",
            detail: `${outcome.detail}; restic still does not list the canary`,
          };
      }
    }
    let result: AttemptResult =
      state.kind !== "intact"
        ? "destroyed"
        : outcome.kind === "refused"
          ? "refused"
          : outcome.kind === "kept"
            ? "withstood"
            : "inconclusive";
    let detail = outcome.detail;
    if (result === "withstood") {
      restores += 1;
      const wrong = await restoresIntact(restic, files, current, readBack, restores);
      const from = attack === "forget" || attack === "forget-prune" ? "the locked versions" : "it";
      if (wrong === undefined)
        detail = `${detail}; the canary restored from ${from} reads back intact`;
      else {
        result = wrong.result;
        detail = `${detail}; ${wrong.detail}`;
      }
    }
    const record = { attack, canary: canary.shortId, result, detail };
    attempts.push(record);
    note(describeAttempt(record));
    if (state.kind === "damaged") {
      // Our own canary, left unreadable: restic cannot forget it, so its file goes directly.
      const removed = await restic.tamperSnapshotFile(canary.id, "delete");
      if (removed.kind !== "done")
        throw new StepFailure(
          `the overwritten canary ${canary.shortId} could not be removed from the repository (${removed.detail}): delete snapshots/${canary.id} from the repository by hand`,
        );
    }
    current =
      state.kind === "intact" && result !== "destroyed"
        ? { snapshot: state.snapshot, content: current.content }
        : undefined;
  }
  return { attempts, remaining: current === undefined ? [] : [current.snapshot.id] };
}
