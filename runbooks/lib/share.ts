/**
 * What the share drills have in common: where their scratch space is, which snapshot they recover
 * from, how a recovered tree is judged against its manifest, and how the original share is kept
 * safe (a hard-link copy) and put back whatever happened.
 */
import { posix } from "node:path";
import { rotatingSubset, type Snapshot } from "../../src/restic/restic.js";
import type {
  DrillFact,
  DrillHost,
  DrillRestic,
  SnapshotRef,
} from "../../src/drill/runbook/context.js";
import { StepFailure, describeError, isRetryable } from "../../src/drill/runbook/failures.js";
import type { ManifestDiff } from "../../src/drill/manifest/manifest.js";
import { validCheckSubset, type SettingsReader } from "../../src/drill/runbook/settings.js";

/** Tag of every snapshot a drill takes. */
export const DRILL_TAG = "stronghold-drill";
/** Tag of the ransomware drill's post-infection snapshot: never recovered from. */
export const INFECTED_TAG = "stronghold-drill-infected";

/** `restic check --read-data-subset` parts for "auto": each day reads one seventh of the data. */
export const AUTO_CHECK_PARTS = 7;

const MINUTE = 60_000;
/** Step timeouts of the share drills, generous enough for a real share. */
export const TIMEOUTS = {
  check: 5 * MINUTE,
  manifest: 120 * MINUTE,
  snapshot: 240 * MINUTE,
  restore: 360 * MINUTE,
  readData: 360 * MINUTE,
  files: 30 * MINUTE,
  health: 5 * MINUTE,
} as const;

/** Transient trouble (a dropped connection, a lock) gets two more tries. */
export const RETRY = { attempts: 3, backoffMs: 1_000, factor: 2 } as const;
/** A restore is retried once, from an empty folder. */
export const RESTORE_RETRY = { attempts: 2, backoffMs: 2_000 } as const;

/** The run's scratch folder: beside the share, so it is inside the same sandbox and file system. */
export function scratchDir(data: string, runId: string): string {
  return posix.join(posix.dirname(data), `.stronghold-drill-${runId}`);
}

/** The paths a share drill uses on the file server. */
export function sharePaths(data: string, runId: string) {
  const scratch = scratchDir(data, runId);
  return {
    data,
    scratch,
    original: posix.join(scratch, "original"),
    restored: posix.join(scratch, "restored"),
    damaged: posix.join(scratch, "damaged"),
  };
}

/** A snapshot's id and time, marked when a drill took it. */
export function ref(snapshot: Snapshot): SnapshotRef {
  return {
    id: snapshot.id,
    time: snapshot.time,
    ...(snapshot.tags.includes(DRILL_TAG) ? { takenByDrill: true } : {}),
  };
}

/** Snapshots of exactly this folder, infected drill snapshots left out, oldest first. */
export async function snapshotsOf(restic: DrillRestic, data: string): Promise<Snapshot[]> {
  const all = await restic.snapshots();
  return all.filter(
    (s) => s.paths.length === 1 && s.paths[0] === data && !s.tags.includes(INFECTED_TAG),
  );
}

/** The town's own snapshots of the folder (none a drill took), oldest first. */
export async function townSnapshotsOf(restic: DrillRestic, data: string): Promise<Snapshot[]> {
  return (await snapshotsOf(restic, data)).filter((s) => !s.tags.includes(DRILL_TAG));
}

/**
 * The newest snapshot the town's backup job took of the folder (a drill's own never counts), or a
 * step failure saying there is none. A snapshot restic cannot read fails (ResticError
 * corrupt-data) rather than quietly leaving an older one as the newest.
 */
export async function newestSnapshot(restic: DrillRestic, data: string): Promise<Snapshot> {
  const newest = (await townSnapshotsOf(restic, data)).at(-1);
  if (!newest)
    throw new StepFailure(
      `the repository ${restic.repositoryLabel} holds no snapshot of ${data} from the town's backup job (snapshots tagged ${DRILL_TAG} do not count): back it up first (cd ${data} && restic backup .)`,
    );
  return newest;
}

/**
 * When a drill restores a snapshot it took itself, the RPO is still measured to the town's
 * newest snapshot (taken before `before`, when given): recorded here, and said in a note.
 */
export async function recordTownRecoveryPoint(
  ctx: {
    record(fact: DrillFact): void;
    note(message: string): void;
    warn(message: string): void;
  },
  restic: DrillRestic,
  data: string,
  drillSnapshot: Snapshot,
  before?: Date,
): Promise<void> {
  const town = (await townSnapshotsOf(restic, data))
    .filter((s) => before === undefined || s.time.getTime() < before.getTime())
    .at(-1);
  if (!town) {
    ctx.warn(
      `the drill restores its own snapshot ${drillSnapshot.shortId}; the town's backup job has no snapshot of ${data}, so the RPO cannot be measured`,
    );
    return;
  }
  ctx.record({ kind: "recovery-point", snapshot: ref(town) });
  ctx.note(
    `the drill restores its own snapshot ${drillSnapshot.shortId} of ${drillSnapshot.time.toISOString()}; the RPO is measured to the town's newest snapshot ${town.shortId} of ${town.time.toISOString()}`,
  );
}

/** Takes a snapshot of the folder and returns it with its time. */
export async function takeSnapshot(
  restic: DrillRestic,
  data: string,
  tags: readonly string[],
): Promise<Snapshot> {
  const summary = await restic.backup(data, { tags: [...tags] });
  const taken = (await restic.snapshots()).find(
    (s) => s.shortId === summary.snapshotId || s.id.startsWith(summary.snapshotId),
  );
  if (!taken)
    throw new StepFailure(
      `snapshot ${summary.snapshotId} was taken but is not listed by the repository`,
      [],
      true,
    );
  return taken;
}

const LIST_LIMIT = 20;

function listed(label: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const shown = paths.slice(0, LIST_LIMIT).map((p) => `${label}: ${p}`);
  if (paths.length > LIST_LIMIT) shown.push(`${label}: … and ${paths.length - LIST_LIMIT} more`);
  return shown;
}

/**
 * Throws a step failure naming every missing, altered and re-moded file (and extra files when
 * they count); returns the diff when the tree matches.
 */
export function requireMatch(
  diff: ManifestDiff,
  what: string,
  options: { extraFails: boolean },
): ManifestDiff {
  const extraFails = options.extraFails && diff.extra.length > 0;
  if (diff.ok && !extraFails) return diff;
  const counts = [
    diff.missing.length > 0 ? `${diff.missing.length} missing` : "",
    diff.altered.length > 0 ? `${diff.altered.length} altered` : "",
    diff.modeChanged.length > 0 ? `${diff.modeChanged.length} with another mode` : "",
    extraFails ? `${diff.extra.length} unexpected` : "",
  ].filter(Boolean);
  throw new StepFailure(`${what}: ${counts.join(", ")} file(s)`, [
    ...listed("missing", diff.missing),
    ...listed("altered", diff.altered),
    ...listed("mode changed", diff.modeChanged),
    ...(extraFails ? listed("unexpected", diff.extra) : []),
  ]);
}

/**
 * Puts the share back from the hard-link copy taken at preflight. Safe to repeat: once the copy
 * has been moved back there is nothing left to do.
 */
export async function putBackOriginal(
  host: DrillHost,
  paths: ReturnType<typeof sharePaths>,
): Promise<"put-back" | "already-back"> {
  try {
    return (await host.files().moveOver(paths.original, paths.data)) ? "put-back" : "already-back";
  } catch (error) {
    // Say where the original is, so a person can finish what cleanup could not.
    throw new StepFailure(
      describeError(error),
      [
        `the original share is kept at ${paths.original} on ${host.name}: once the host is reachable, replace ${paths.data} with it (mv -T)`,
      ],
      isRetryable(error),
    );
  }
}

/** Removes the scratch folder, unless it still holds the only copy of the original share. */
export async function removeScratch(
  host: DrillHost,
  paths: ReturnType<typeof sharePaths>,
): Promise<void> {
  if (!(await host.files().remove([paths.scratch], { unlessExists: paths.original })))
    throw new StepFailure(
      `the original share is still at ${paths.original} on ${host.name} (it could not be put back): scratch space kept; move it back to ${paths.data} by hand`,
    );
}

/** Reads the data path option shared by every share drill. */
export function readData(reader: SettingsReader): string {
  return reader.path("--data", reader.options.data, "the share to drill on, on the file server");
}

/** Reads `--check-subset`, resolving "auto" to today's part of AUTO_CHECK_PARTS. */
export function readCheckSubset(reader: SettingsReader, now: Date): string {
  const value = reader.options.checkSubset ?? "auto";
  if (!validCheckSubset(value)) {
    reader.problem("--check-subset", `"${value}" is not "n/N" (n ≤ N), "x%" or "auto"`);
    return value;
  }
  return value === "auto" ? rotatingSubset(now, AUTO_CHECK_PARTS) : value;
}

/** Files and bytes of the given manifest entries. */
export function tally(entries: readonly { size: number }[]): { files: number; bytes: number } {
  return { files: entries.length, bytes: entries.reduce((sum, e) => sum + e.size, 0) };
}

/** The fact a restore step records for the metrics: what came back and how long it took. */
export function restoredFact(restored: {
  readonly files: number;
  readonly bytes: number;
  readonly durationSeconds: number;
}): DrillFact {
  return {
    kind: "restored",
    files: restored.files,
    bytes: restored.bytes,
    seconds: restored.durationSeconds,
  };
}
