/**
 * Room for a restore, checked before a drill changes anything: the free space and inodes of the
 * file system the restore lands on, measured with `df` on the host, against what the restore
 * writes (restic's restore size) plus a margin. A refusal gives both in human units and in bytes.
 */
import type { DrillHost, DrillRestic } from "../../src/drill/runbook/context.js";
import { formatBytes } from "../../src/drill/results/metrics.js";
import { StepFailure } from "../../src/drill/runbook/failures.js";
import { locateShare } from "./share.js";

/**
 * Space a restore needs beyond its files' bytes: restic writes a block per folder and keeps
 * partly written files while it works, the share drills' hard-link copy adds a folder for each
 * folder, and a file system that is nearly full reserves blocks for root and slows down. 5% of
 * the size covers the per-file overhead of shares of many small files; 64 MiB keeps a small
 * restore from taking the last free blocks of a system disk.
 */
export const SPACE_MARGIN = { fraction: 0.05, bytes: 64 * 1024 * 1024 } as const;

/** Inodes beyond the restore's files, folders and links: the hard-link copy's folders, restic's temporary files. */
export const INODE_MARGIN = { fraction: 0.05, inodes: 1024 } as const;

/** What a restore writes, and what it is (for the refusal). */
export interface SpaceNeed {
  /** Bytes of the files restored. */
  readonly bytes: number;
  /** Files, folders and links restored: the inodes taken. */
  readonly files: number;
  /** E.g. "snapshot 1a2b3c4d's /srv/share". */
  readonly what: string;
}

/** The file system a folder is on, as `df` sees it. */
export interface FreeSpace {
  /** The folder measured: the given one, or its nearest existing parent. */
  readonly measured: string;
  /** Where the file system is mounted. */
  readonly mount: string;
  readonly availableBytes: number;
  /** Absent when the file system has no fixed number of inodes (btrfs, ZFS report 0). */
  readonly inodes?: { readonly total: number; readonly available: number };
}

/** The room a space step found, for the steps after it and the report. */
export interface RoomForRestore {
  readonly mount: string;
  readonly needBytes: number;
  readonly availableBytes: number;
  readonly needInodes: number;
  readonly availableInodes?: number;
}

const DF_FIELDS = "--output=avail,itotal,iavail,target";

// $1 is the folder; the restore creates it, so the nearest existing parent is measured.
const DF_SCRIPT = [
  'p=$1; while [ ! -d "$p" ]; do p=$(dirname -- "$p"); done',
  'printf "%s\\n" "$p"',
  `exec df -B1 ${DF_FIELDS} -- "$p"`,
].join("\n");

/** The df command as a plan shows it. */
export function dfCommand(folder: string): string {
  return `df -B1 ${DF_FIELDS} -- <${folder} or its nearest existing parent>`;
}

/** "1.2 GiB (1,288,490,188 bytes)". */
export function bytesAndHuman(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes.toLocaleString("en-US")} bytes)`;
}

/** Bytes a restore of `bytes` needs with the margin. */
export function withMargin(bytes: number): number {
  return Math.ceil(bytes * (1 + SPACE_MARGIN.fraction)) + SPACE_MARGIN.bytes;
}

/** Inodes a restore of `files` nodes needs with the margin. */
export function inodesWithMargin(files: number): number {
  return Math.ceil(files * (1 + INODE_MARGIN.fraction)) + INODE_MARGIN.inodes;
}

/**
 * Reads what DF_SCRIPT prints: the folder measured, df's header, then available bytes, total
 * inodes, available inodes and the mount point. Anything else is a located error.
 */
export function parseDf(stdout: string, where: string): FreeSpace {
  const lines = stdout.split("\n").filter((l) => l !== "");
  const measured = lines[0];
  const row = /^\s*(\d+)\s+(\d+|-)\s+(\d+|-)\s+(.+)$/.exec(lines[2] ?? "");
  if (measured === undefined || row === null)
    throw new StepFailure(`df on ${where} printed no line of free space`, [
      ...lines.slice(0, 5).map((l) => `df: ${l}`),
    ]);
  const total = row[2] === "-" ? 0 : Number(row[2]);
  const available = row[3] === "-" ? 0 : Number(row[3]);
  return {
    measured,
    mount: row[4]!.trim(),
    availableBytes: Number(row[1]),
    ...(total > 0 ? { inodes: { total, available } } : {}),
  };
}

/** Free space and inodes where `folder` is (or will be) on the host. */
export async function freeSpace(host: DrillHost, folder: string): Promise<FreeSpace> {
  const result = await host.exec(["sh", "-c", DF_SCRIPT, "free-space", folder]);
  const where = `${host.name} (${folder})`;
  if (result.code !== 0)
    throw new StepFailure(
      `cannot measure the free space for ${folder} on ${host.name}: df ${result.timedOut ? "timed out" : `exited ${result.code ?? "on a signal"}`}`,
      `${result.stderr}\n${result.stdout}`
        .trim()
        .split("\n")
        .filter(Boolean)
        .slice(0, 5)
        .map((l) => `df: ${l}`),
    );
  return parseDf(result.stdout, where);
}

/**
 * The verdict: room enough for `need` plus the margins where `folder` lands on `host`, or a step
 * failure with the numbers. "needs 1.2 GiB (1,288,490,188 bytes) for the restore on fs01:/srv,
 * 300.0 MiB (314,572,800 bytes) free".
 */
export function requireRoom(
  hostName: string,
  folder: string,
  need: SpaceNeed,
  free: FreeSpace,
): RoomForRestore {
  const needBytes = withMargin(need.bytes);
  const needInodes = inodesWithMargin(need.files);
  const on = `${hostName}:${free.mount}`;
  const details = [
    `${need.what}: ${bytesAndHuman(need.bytes)} in ${need.files.toLocaleString("en-US")} files, folders and links`,
    `margin: ${SPACE_MARGIN.fraction * 100}% + ${formatBytes(SPACE_MARGIN.bytes)} of space, ${INODE_MARGIN.fraction * 100}% + ${INODE_MARGIN.inodes} inodes`,
    `the restore lands in ${folder}, on the file system mounted at ${free.mount} (measured at ${free.measured})`,
    `free space there, or restore elsewhere, then run the drill again`,
  ];
  if (free.availableBytes < needBytes)
    throw new StepFailure(
      `needs ${bytesAndHuman(needBytes)} for the restore on ${on}, ${bytesAndHuman(free.availableBytes)} free`,
      details,
    );
  if (free.inodes !== undefined && free.inodes.available < needInodes)
    throw new StepFailure(
      `needs ${needInodes.toLocaleString("en-US")} inodes for the restore on ${on}, ${free.inodes.available.toLocaleString("en-US")} free`,
      details,
    );
  return {
    mount: free.mount,
    needBytes,
    availableBytes: free.availableBytes,
    needInodes,
    ...(free.inodes === undefined ? {} : { availableInodes: free.inodes.available }),
  };
}

/** The note of a space step that found room. */
export function describeRoom(hostName: string, room: RoomForRestore): string {
  const inodes =
    room.availableInodes === undefined
      ? "the file system has no fixed number of inodes"
      : `${room.needInodes.toLocaleString("en-US")} inodes needed, ${room.availableInodes.toLocaleString("en-US")} free`;
  return `room for the restore on ${hostName}:${room.mount}: ${bytesAndHuman(room.needBytes)} needed with the margin, ${bytesAndHuman(room.availableBytes)} free; ${inodes}`;
}

/**
 * What restoring the share's folder out of a snapshot writes: the whole snapshot's restore size
 * when the share is its root, else the part below the share's path in it.
 */
export async function shareRestoreSize(
  ctx: { note(message: string): void },
  restic: DrillRestic,
  snapshotId: string,
  data: string,
  hint?: readonly string[],
): Promise<SpaceNeed> {
  // The restore locates the share again and warns of an odd layout: said once, there.
  const quiet = { note: (m: string) => ctx.note(m), warn: (m: string) => ctx.note(m) };
  const where = await locateShare(quiet, restic, snapshotId, data, hint);
  const size = await restic.restoreSize(snapshotId, where.path === "/" ? undefined : where.path);
  return { ...size, what: `the restore of ${where.path} from snapshot ${snapshotId.slice(0, 8)}` };
}

/**
 * What restoring chosen files out of a snapshot writes: their bytes, and an inode for each file
 * and for each folder restic creates on the way to them (`inSnapshot`: the share's path there).
 */
export function filesRestoreSize(
  files: readonly { readonly path: string; readonly size: number }[],
  inSnapshot: string,
  what: string,
): SpaceNeed {
  const folders = new Set<string>();
  let bytes = 0;
  for (const f of files) {
    bytes += f.size;
    const segments = `${inSnapshot}/${f.path}`.split("/").filter(Boolean);
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join("/"));
  }
  return { bytes, files: files.length + folders.size, what };
}
