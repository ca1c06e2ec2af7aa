/**
 * What the share drills have in common: where their scratch space is, which snapshot they recover
 * from, how a recovered tree is judged against its manifest, and how the original share is kept
 * safe (a hard-link copy) and put back whatever happened.
 */
import { posix } from "node:path";
import { rotatingSubset, type Snapshot, type SnapshotNode } from "../../src/restic/restic.js";
import type { RecoveryCheck, SnapshotFile } from "../../src/drill/manifest/recovery-check.js";
import { fileDatabase, FileTable } from "../../src/drill/manifest/file-table.js";
import type { Manifest } from "../../src/drill/manifest/entries.js";
import {
  compareListings,
  countDifferences,
  describeDifferences,
  entryOfNode,
  listTree,
  TreeListing,
  type ListingDiff,
} from "../../src/drill/manifest/tree-listing.js";
import {
  candidateFolders,
  holdsFolder,
  LAYOUT_DESCRIPTIONS,
  listedTrees,
  LISTED_ROOT,
  locateFolder,
  type FolderInSnapshot,
} from "../../src/restic/locate.js";
import type {
  DrillFact,
  DrillHost,
  DrillRestic,
  SnapshotRef,
} from "../../src/drill/runbook/context.js";
import { StepFailure, describeError, isRetryable } from "../../src/drill/runbook/failures.js";
import { MAX_LINK_TREES, readSnapshotLinks, type SnapshotLinks } from "../../src/restic/links.js";
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
    /** Where restic restores a snapshot before the share's own folder is taken out of it. */
    unpacked: posix.join(scratch, "from-snapshot"),
    damaged: posix.join(scratch, "damaged"),
    /** Every entry's metadata of the share, taken with the copy: what the put-back is judged by. */
    listing: posix.join(scratch, "before.list"),
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

/**
 * Snapshots that hold the folder or part of it (backed up by itself, with a parent, among other
 * paths, or file by file), infected drill snapshots left out, oldest first.
 */
export async function snapshotsOf(restic: DrillRestic, data: string): Promise<Snapshot[]> {
  const all = await restic.snapshots();
  return all.filter((s) => holdsFolder(s, data) && !s.tags.includes(INFECTED_TAG));
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
  return newestOf(await townSnapshotsOf(restic, data), restic, data);
}

/** The last of the town's snapshots of `data` (oldest first), or the step failure newestSnapshot gives. */
export function newestOf(town: readonly Snapshot[], restic: DrillRestic, data: string): Snapshot {
  const newest = town.at(-1);
  if (!newest)
    throw new StepFailure(
      `the repository ${restic.repositoryLabel} holds no snapshot of ${data} from the town's backup job (snapshots tagged ${DRILL_TAG} do not count): back it up first (restic backup ${data})`,
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

/** The share's place in a snapshot, with the snapshot's root tree (to read link targets from). */
export type ShareInSnapshot = FolderInSnapshot & { readonly tree: string };

/**
 * restic's record of the share in a snapshot, taken from the listing the restore counts with and
 * kept for the verification, so the snapshot is listed once per drill. Only what the comparison
 * uses is kept: each file's relative path, size, mode and mtime, and the symbolic links' paths.
 */
export class ShareRecord {
  /** On disk: a share's record is as large as its manifest. */
  readonly files = new FileTable<SnapshotFile>();
  /** Symbolic links below the share, as `restic ls --json` lists them (paths in the snapshot). */
  readonly symlinks: { readonly path: string; readonly type: "symlink" }[] = [];
  readonly #prefix: string;

  constructor(readonly where: ShareInSnapshot) {
    this.#prefix = where.path === "/" ? "/" : `${where.path}/`;
  }

  /** Every entry of the share with its metadata (folders too, and the share's own entry when recorded). */
  readonly tree = new TreeListing();

  /** Takes one node of the snapshot's listing; nodes outside the share are dropped. */
  readonly add = (n: SnapshotNode): void => {
    if (n.path === this.where.path && this.where.path !== "/") {
      this.tree.add(entryOfNode(n, ""));
      return;
    }
    if (!n.path.startsWith(this.#prefix)) return;
    this.tree.add(entryOfNode(n, n.path.slice(this.#prefix.length)));
    if (n.type === "file")
      this.files.add({
        path: n.path.slice(this.#prefix.length),
        size: n.size,
        mode: n.mode,
        mtime: Math.floor(n.mtime.getTime() / 1000),
      });
    else if (n.type === "symlink") this.symlinks.push({ path: n.path, type: "symlink" });
  };

  /** In a journal: where and how much, not every path. */
  toJSON(): { inSnapshot: string; files: number; symlinks: number } {
    return {
      inSnapshot: this.where.path,
      files: this.files.files,
      symlinks: this.symlinks.length,
    };
  }
}

/**
 * Where the share lies in a snapshot, read from the snapshot's tree (`hint`: names at the top of
 * the share, which settle a folder inside it named like the share). Fails when the snapshot does
 * not hold it; notes the layout, and warns when the snapshot holds only part of the share.
 */
export async function locateShare(
  ctx: { note(message: string): void; warn(message: string): void },
  restic: DrillRestic,
  snapshotId: string,
  data: string,
  hint?: readonly string[],
  /** Given every listed node once the share is found (the listing holds all of it). */
  each?: (node: SnapshotNode, where: ShareInSnapshot) => void,
): Promise<ShareInSnapshot> {
  // One repository open for the snapshot and every folder the share may be: `restic ls` of them.
  const { snapshot, nodes } = await restic.lsFolders(snapshotId, candidateFolders(data));
  const found = await locateFolder(
    listedTrees(nodes),
    { paths: snapshot.paths, tree: LISTED_ROOT },
    data,
    hint,
  );
  if (!found)
    throw new StepFailure(
      `snapshot ${snapshot.shortId} (paths ${snapshot.paths.join(", ")}) does not hold ${data}`,
      [`recognised: ${Object.values(LAYOUT_DESCRIPTIONS).join("; ")}; or with --files-from`],
    );
  ctx.note(
    `${data} is at ${found.path} in snapshot ${snapshot.shortId}: ${LAYOUT_DESCRIPTIONS[found.layout]}${found.otherPaths.length > 0 ? `, with ${found.otherPaths.length} other path(s)` : ""}`,
  );
  if (found.partial)
    ctx.warn(
      `snapshot ${snapshot.shortId} holds only part of ${data} (${snapshot.paths.length} path(s) inside it, as with --files-from): files outside them are not in the backup`,
    );
  if (found.ambiguous)
    ctx.warn(
      `snapshot ${snapshot.shortId} could hold ${data} at more than one place; ${found.path} was taken`,
    );
  const where = { ...found, tree: snapshot.tree };
  if (each) for (const n of nodes) each(n, where);
  return where;
}

/** The names at the top of the live share (none when it cannot be listed): the hint locateShare uses. */
export async function liveTopLevel(host: DrillHost, data: string): Promise<string[]> {
  const listed = await host.exec([
    "find",
    data,
    "-mindepth",
    "1",
    "-maxdepth",
    "1",
    "-printf",
    "%f\\0",
  ]);
  return listed.code === 0 ? listed.stdout.split("\0").filter(Boolean) : [];
}

/** The names at the top of a share, from its manifest's paths: the hint locateShare uses. */
export function topLevelNames(paths: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const p of paths) names.add(p.split("/")[0]!);
  return [...names];
}

/**
 * Restores the share's folder out of a snapshot into `paths.restored`, whatever the layout:
 * straight in when the snapshot's root is the share, else the share's path only (`--include`)
 * into scratch space and moved into place. restic reads every restored file back against the
 * snapshot's blob hashes (`--verify`). `restic` runs on `host`, whose `files()` must allow both folders.
 */
export async function restoreShare(
  host: DrillHost,
  restic: DrillRestic,
  snapshotId: string,
  where: ShareInSnapshot,
  paths: Pick<ReturnType<typeof sharePaths>, "restored" | "unpacked">,
): Promise<{ files: number; bytes: number; durationSeconds: number; record: ShareRecord }> {
  const files = host.files();
  await files.remove([paths.restored, paths.unpacked]); // a retry starts from empty folders
  const record = new ShareRecord(where);
  if (where.path === "/") {
    const restored = await restic.restore(snapshotId, paths.restored, {
      verify: true,
      onNode: record.add,
    });
    return { ...restored, record };
  }
  const restored = await restic.restore(snapshotId, paths.unpacked, {
    include: [where.path],
    verify: true,
    onNode: record.add,
  });
  await files.move(posix.join(paths.unpacked, where.path), paths.restored);
  await files.remove([paths.unpacked]);
  return { ...restored, record };
}

/** Warns of files changed on `where` ("share", "primary") after the recovery point: listed, never failed. */
export function warnChangedSince(
  ctx: { warn(message: string): void },
  changed: readonly string[],
  where: string,
): void {
  if (changed.length === 0) return;
  ctx.warn(
    `${changed.length} file(s) changed on the ${where} after the recovery point (the next backup's work, not a restore defect): ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ", …" : ""}`,
  );
}

/**
 * Runs the service health check on a restored folder (also its `$1`), there as the working
 * folder; a non-zero exit is a step failure naming `where`, with the check's last output lines.
 */
export async function runHealthCheck(
  host: DrillHost,
  command: string,
  folder: string,
  where: string,
): Promise<{ stdout: string }> {
  const result = await host.exec(["sh", "-c", command, "health-check", folder], { cwd: folder });
  if (result.code !== 0)
    throw new StepFailure(
      `the health check failed on ${where} (${result.timedOut ? "timed out" : `exit ${result.code ?? "signal"}`})`,
      `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-10).filter(Boolean),
      true,
    );
  return { stdout: result.stdout };
}

const LIST_LIMIT = 20;

function listed(label: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const shown = paths.slice(0, LIST_LIMIT).map((p) => `${label}: ${p}`);
  if (paths.length > LIST_LIMIT) shown.push(`${label}: … and ${paths.length - LIST_LIMIT} more`);
  return shown;
}

/**
 * The snapshot's record of the share's links: targets from the trees on the paths to folders
 * holding symlinks (at most MAX_LINK_TREES trees). Warns when some could not be read from the tree
 * and when names that are not UTF-8 collide in `restic ls --json`.
 */
export async function snapshotLinks(
  ctx: { warn(message: string): void },
  restic: DrillRestic,
  record: ShareRecord,
): Promise<SnapshotLinks> {
  const links = await readSnapshotLinks(
    (id) => restic.tree(id),
    record.where.tree,
    record.where.path,
    record.symlinks,
  );
  if (links.unread.length > 0)
    ctx.warn(
      `${links.symlinks.length} of ${links.listed.length} symlink(s) checked against the snapshot's tree (${links.treesRead} tree(s) read, at most ${MAX_LINK_TREES}); ${links.unread.length} only against the share before the disaster, e.g. ${links.unread[0]}`,
    );
  for (const folder of links.collisions)
    ctx.warn(
      `in ${folder === "." ? "the share's top folder" : folder}, names that are not UTF-8 read the same in restic ls --json (U+FFFD): their links are checked only against the share before the disaster`,
    );
  return links;
}

/** Notes what the link comparison covered, and warns of links it could not settle. */
export function noteLinks(
  ctx: { note(message: string): void; warn(message: string): void },
  check: RecoveryCheck,
): void {
  const l = check.links;
  if (!l) return;
  ctx.note(
    `links: ${l.symlinks.againstTree} symlink(s) with the target the snapshot's tree recorded, ${l.symlinks.againstShareOnly} with the target they had on the share before the disaster; ${l.hardLinks.groups} hard-link group(s) restored as one file`,
  );
  const open = l.symlinks.unverified;
  if (open.length > 0)
    ctx.warn(
      `${open.length} symlink(s) not read from the snapshot's tree and with another target than on the share before the disaster (changed after the snapshot, or no share before): ${open.slice(0, 5).join(", ")}${open.length > 5 ? ", …" : ""}`,
    );
}

/**
 * Throws a step failure naming each file that differs from the snapshot or from the share the
 * sha256 comparison used (`share`: "the share before the disaster" unless said otherwise).
 */
export function requireRecovery(
  check: RecoveryCheck,
  what: string,
  share = "the share before the disaster",
): void {
  if (check.ok) return;
  const s = check.againstSnapshot;
  const counts = [
    s.missing.length > 0 ? `${s.missing.length} missing` : "",
    s.differing.length > 0
      ? `${s.differing.length} with another size, mode or modification time than the snapshot`
      : "",
    s.unexpected.length > 0 ? `${s.unexpected.length} not in the snapshot` : "",
    check.againstShare.altered.length > 0
      ? `${check.againstShare.altered.length} unchanged since the snapshot yet different from ${share} (sha256)`
      : "",
  ].filter(Boolean);
  const l = check.links;
  const linkCounts = l
    ? [
        l.symlinks.missing.length > 0 ? `${l.symlinks.missing.length} symlink(s) missing` : "",
        l.symlinks.retargeted.length > 0
          ? `${l.symlinks.retargeted.length} symlink(s) with another target than the snapshot recorded`
          : "",
        l.symlinks.unexpected.length > 0
          ? `${l.symlinks.unexpected.length} symlink(s) not in the snapshot`
          : "",
        l.hardLinks.split.length > 0
          ? `${l.hardLinks.split.length} hard-link group(s) restored as separate files`
          : "",
      ].filter(Boolean)
    : [];
  const fileCounts = counts.length > 0 ? [`${counts.join(", ")} file(s)`] : [];
  throw new StepFailure(`${what}: ${[...fileCounts, ...linkCounts].join(", ")}`, [
    ...listed("missing", s.missing),
    ...listed("differs from the snapshot", s.differing),
    ...listed("not in the snapshot", s.unexpected),
    ...listed(`differs from ${share}`, check.againstShare.altered),
    ...listed("symlink missing", l?.symlinks.missing ?? []),
    ...listed("symlink target (restored → snapshot)", l?.symlinks.retargeted ?? []),
    ...listed("symlink not in the snapshot", l?.symlinks.unexpected ?? []),
    ...listed("hard links restored as separate files", l?.hardLinks.split ?? []),
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

/** A tree's listing on its host (tree-listing.ts), streamed into a table. */
export function listOnHost(host: DrillHost, root: string): Promise<TreeListing> {
  return listTree((argv, onStdout) => host.exec(argv, { onStdout }), root);
}

/** A listing kept in a file on the host (the one the safeguard wrote), or undefined when there is none. */
export async function storedListing(
  host: DrillHost,
  file: string,
): Promise<TreeListing | undefined> {
  const present = await host.exec(["test", "-f", file]);
  if (present.code !== 0) return undefined;
  return listTree((argv, onStdout) => host.exec(argv, { onStdout }), file, ["cat", "--", file]);
}

/** Whether commands on the host run as root (who may give files back their owners). */
export async function runsAsRoot(host: DrillHost): Promise<boolean> {
  return (await host.run(["id", "-u"])).trim() === "0";
}

/**
 * Whole seconds two modification times may differ by on the host's file system where the tree
 * is: FAT keeps them to 2 s, the others to the nanosecond (restic's listing to the millisecond).
 */
export async function mtimeTolerance(host: DrillHost, path: string): Promise<number> {
  const fs = await host.exec(["stat", "-f", "-c", "%T", "--", path]);
  return /^(msdos|vfat|fat|exfat)/i.test(fs.stdout.trim()) ? 2 : 0;
}

/**
 * Judges the put-back share against the listing taken before the drill changed anything: every
 * entry back with its type, size, mode, owner, modification time (to the nanosecond: the very
 * files and folders were put back), link target and hard-link group. Owners that differ because
 * the drill user is not root are returned apart: it could not give them back.
 */
export async function judgePutBack(
  host: DrillHost,
  paths: ReturnType<typeof sharePaths>,
): Promise<
  | { readonly kind: "nothing-to-judge" }
  | { readonly kind: "judged"; readonly diff: ListingDiff; readonly asRoot: boolean }
> {
  const before = await storedListing(host, paths.listing);
  if (before === undefined) return { kind: "nothing-to-judge" };
  const after = await listOnHost(host, paths.data);
  try {
    const asRoot = await runsAsRoot(host);
    const diff = compareListings(before, after, {
      owner: true,
      hardLinks: true,
      folderMtime: true,
      root: true,
      mtimeToleranceSeconds: "exact",
    });
    return { kind: "judged", diff, asRoot };
  } finally {
    before.drop();
    after.drop();
  }
}

/** Throws a step failure listing a metadata comparison's differences by kind. */
export function requireSameTree(diff: ListingDiff, what: string): void {
  if (diff.ok) return;
  throw new StepFailure(`${what}: ${countDifferences(diff)}`, describeDifferences(diff));
}

/**
 * Throws one step failure for a recovery check and a metadata comparison together, so a report
 * names every kind of difference at once: missing files, links, and each kind of metadata.
 */
export function requireRecoveredExactly(
  check: RecoveryCheck,
  metadata: ListingDiff,
  what: string,
): void {
  if (check.ok && metadata.ok) return;
  let message = what;
  let details: string[] = [];
  try {
    requireRecovery(check, what);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    message = error.message;
    details = [...error.details];
  }
  if (!metadata.ok) {
    message = `${message}${check.ok ? ": " : "; "}metadata: ${countDifferences(metadata)}`;
    details.push(...describeDifferences(metadata));
  }
  throw new StepFailure(message, details);
}

/**
 * The restored share's folders (empty ones too: restic records them, a file comparison cannot
 * see them) and owners against restic's record of the snapshot: each folder there with the mode,
 * owner and modification time recorded, none added, and every file's owner. Files' content, size,
 * mode and mtime and the links are judged by checkRecovery. Owners are compared only when restic
 * ran as root (it restores owners only then); a note says so otherwise. The share's own folder is
 * judged when the snapshot records it; when it does not (backed up from inside it), its mode and
 * owner are compared with the listing taken before the drill and a difference is a warning: no
 * snapshot of that layout can restore them.
 */
export async function judgeRestoredMetadata(
  ctx: { note(message: string): void; warn(message: string): void },
  host: DrillHost,
  record: ShareRecord,
  paths: ReturnType<typeof sharePaths>,
): Promise<ListingDiff> {
  const asRoot = await runsAsRoot(host);
  const tolerance = await mtimeTolerance(host, paths.data);
  record.tree.done();
  const restored = await listOnHost(host, paths.data);
  try {
    const recordsRoot = record.where.path !== "/";
    const diff = compareListings(record.tree, restored, {
      byShownName: true,
      owner: asRoot,
      folderMtime: true,
      root: recordsRoot,
      mtimeToleranceSeconds: tolerance,
      // Folders on every count; files by the kinds of metadata (presence and content are
      // checkRecovery's); links are link-check's.
      judge: (type, kind) =>
        type === "d" || (type === "f" && ["size", "mode", "owner", "mtime"].includes(kind)),
    });
    if (!asRoot)
      ctx.note(
        "owners not compared: restic gives files back their owners only when it runs as root",
      );
    if (!recordsRoot) await compareRootWithBefore(ctx, host, paths, restored, asRoot);
    return diff;
  } finally {
    restored.drop();
  }
}

async function compareRootWithBefore(
  ctx: { warn(message: string): void },
  host: DrillHost,
  paths: ReturnType<typeof sharePaths>,
  restored: TreeListing,
  asRoot: boolean,
): Promise<void> {
  const present = await host.exec(["test", "-f", paths.listing]);
  if (present.code !== 0) return;
  // find prints the starting point first: the share's own entry is the listing's first record.
  const before = await listTree((argv, onStdout) => host.exec(argv, { onStdout }), paths.listing, [
    "head",
    "-z",
    "-n",
    "2",
    "--",
    paths.listing,
  ]);
  try {
    const diff = compareListings(before, restored, {
      root: true,
      owner: asRoot,
      judge: (type, kind) => type === "d" && (kind === "mode" || kind === "owner"),
    });
    const lines = [...diff.byKind.mode, ...diff.byKind.owner];
    if (lines.length > 0)
      ctx.warn(
        `the snapshot does not record the share's own folder (backed up from inside it, as cd ${paths.data} && restic backup .), so the restore cannot give it back its mode and owner: ${lines.join("; ")} — set them by hand after a real recovery`,
      );
  } finally {
    before.drop();
  }
}

/** The share's default tolerance: a day's deletions on a town share stay well below 1% of its files. */
export const DEFAULT_MISSING_TOLERANCE = 1;

/**
 * The live share against the town's newest snapshot of it, before a drill takes the share as its
 * "before" state: how many of the snapshot's files the share lacks (by name), and how many it
 * holds unchanged in size and time but with another mode (a mode change leaves mtime alone).
 * More than `tolerancePercent` of the snapshot's files missing is more than a day's changes
 * explain: the share is damaged (by a killed drill, or otherwise), and a drill on it would take
 * the damage for the state to recover to.
 */
export async function checkShareIntact(
  ctx: { note(message: string): void; warn(message: string): void },
  restic: DrillRestic,
  data: string,
  manifest: Manifest,
  tolerancePercent: number,
): Promise<{ snapshot?: string; files: number; missing: number; modeChanged: number }> {
  const newest = (await townSnapshotsOf(restic, data)).at(-1);
  if (!newest) {
    ctx.warn(
      `the share cannot be checked against a snapshot: the town's backup job has none of ${data}`,
    );
    return { files: 0, missing: 0, modeChanged: 0 };
  }
  let record: ShareRecord | undefined;
  const quiet = { note: () => undefined, warn: () => undefined };
  await locateShare(
    quiet,
    restic,
    newest.id,
    data,
    topLevelNames(manifest.entries.paths()),
    (n, where) => {
      record ??= new ShareRecord(where);
      record.add(n);
    },
  );
  if (!record) return { snapshot: newest.shortId, files: 0, missing: 0, modeChanged: 0 };
  record.files.flush();
  manifest.entries.flush();
  const db = fileDatabase();
  const s = record.files.table;
  const m = manifest.entries.table;
  const files = record.files.files;
  const missingRows = db
    .prepare(
      `SELECT s.path FROM ${s} s WHERE NOT EXISTS (SELECT 1 FROM ${m} m WHERE m.lsname = s.lsname) ORDER BY s.path`,
    )
    .all() as { path: string }[];
  const modeChanged = (
    db
      .prepare(
        `SELECT count(*) AS n FROM ${s} s JOIN ${m} m ON m.lsname = s.lsname AND m.size = s.size AND m.mtime = s.mtime AND m.mode != s.mode`,
      )
      .get() as { n: number }
  ).n;
  const missing = missingRows.length;
  const allowed = Math.floor((files * tolerancePercent) / 100);
  if (missing > allowed)
    throw new StepFailure(
      `the share ${data} is damaged, recover it first: ${missing} of the ${files} files of the town's newest snapshot ${newest.shortId} (${newest.time.toISOString()}) are missing from it, more than the ${tolerancePercent}% (${allowed}) the changes since then explain (--missing-tolerance). If a drill was killed here, run stronghold drill recover; otherwise restore the share from the backup before drilling on it`,
      listed(
        "missing",
        missingRows.map((r) => r.path),
      ),
    );
  ctx.note(
    `the share holds ${files - missing} of the ${files} files of the town's newest snapshot ${newest.shortId}${missing > 0 ? ` (${missing} removed since, within the ${tolerancePercent}% allowed)` : ""}`,
  );
  if (modeChanged > 0)
    ctx.warn(
      `${modeChanged} file(s) have another mode than the newest snapshot recorded, with the same size and modification time`,
    );
  return { snapshot: newest.shortId, files, missing, modeChanged };
}
