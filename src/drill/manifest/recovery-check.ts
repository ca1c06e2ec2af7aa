/**
 * A recovered share judged twice, each comparison named in the report: against restic's own
 * record of the snapshot (every file there, with its size, mode and modification time; restic's
 * `restore --verify` has already checked every byte against the blob hashes), and against the
 * share as it was before the disaster, by sha256, for the files that did not change on the live
 * share after the snapshot. A file changed after the snapshot is the next backup's work: it is
 * listed as changed since the recovery point and never fails the drill. Given the snapshot's
 * record of the share's links, symbolic links and hard links are judged too (link-check.ts).
 */
import type { Manifest } from "./entries.js";
import { fileDatabase, FileTable, type FileRecord } from "./file-table.js";
import { checkLinks, type LinkCheck, type SnapshotLinkRecord } from "./link-check.js";

/**
 * A regular file as the snapshot recorded it (`restic ls --json`), relative to the share: its
 * path as restic shows it, size, mode and mtime (whole seconds since the epoch).
 */
export type SnapshotFile = Omit<FileRecord, "sha256">;

/** The two comparisons and what lies between them. */
export interface RecoveryCheck {
  readonly againstSnapshot: {
    /** Files of the snapshot found restored with the same size, mode and modification time. */
    readonly matched: number;
    readonly missing: readonly string[];
    /** Restored with another size, mode or modification time than the snapshot recorded. */
    readonly differing: readonly string[];
    /** Restored files the snapshot does not hold. */
    readonly unexpected: readonly string[];
  };
  readonly againstShare: {
    /** Files unchanged since the snapshot, compared by sha256 with the share before the disaster. */
    readonly compared: number;
    readonly altered: readonly string[];
  };
  /** Changed, added or removed on the live share after the snapshot (never a failure). */
  readonly changedSinceRecoveryPoint: readonly string[];
  /** Symbolic links and hard links, when the snapshot's record of them was given. */
  readonly links?: LinkCheck;
  readonly verifiedFiles: number;
  readonly verifiedBytes: number;
  readonly ok: boolean;
}

type Meta = { readonly size: number; readonly mode: number; readonly mtime: number };

function sameMeta(a: Meta, b: Meta): boolean {
  return a.size === b.size && a.mode === b.mode && a.mtime === b.mtime;
}

type Listed = SnapshotFile & { readonly lsname: string; readonly side: 0 | 1 };

/**
 * Judges a restored share; `before` is the manifest taken before the disaster, when there is one;
 * `links` the snapshot's record of symbolic links and hard links, to judge those too. The three
 * sets stay on disk (file-table.ts): each comparison is one SQL statement read row by row.
 */
export function checkRecovery(
  record: FileTable<SnapshotFile> | Iterable<SnapshotFile>,
  restored: Manifest,
  before?: Manifest,
  links?: SnapshotLinkRecord,
): RecoveryCheck {
  const snapshot = record instanceof FileTable ? record : FileTable.of(record);
  const db = fileDatabase();
  const s = snapshot.table;
  const r = restored.entries.table;
  snapshot.flush();
  restored.entries.flush();
  before?.entries.flush();

  // restic ls shows each byte of a name that is not UTF-8 as U+FFFD, where the manifests keep the
  // name exactly: files are matched to the record by that shown name, in groups when two names
  // read the same (Latin-1 "Müller" and "Möller"), each by its size, mode and mtime.
  const missing: string[] = [];
  const differing: string[] = [];
  const unexpected: string[] = [];
  let matched = 0;
  let verifiedBytes = 0;
  const judge = (wants: Listed[], pool: Listed[]) => {
    const open: Listed[] = [];
    for (const want of wants) {
      const i = pool.findIndex((f) => sameMeta(f, want));
      if (i < 0) open.push(want);
      else {
        pool.splice(i, 1);
        matched += 1;
        verifiedBytes += want.size;
      }
    }
    for (const want of open) (pool.shift() ? differing : missing).push(want.path);
    unexpected.push(...pool.map((f) => f.path));
  };
  const both = db.prepare(
    `SELECT 0 AS side, lsname, path, size, mode, mtime FROM ${s}
     UNION ALL SELECT 1 AS side, lsname, path, size, mode, mtime FROM ${r}
     ORDER BY lsname, side, path`,
  );
  let group: { name: string; wants: Listed[]; pool: Listed[] } | undefined;
  for (const row of both.iterate() as Iterable<Listed>) {
    if (group?.name !== row.lsname) {
      if (group) judge(group.wants, group.pool);
      group = { name: row.lsname, wants: [], pool: [] };
    }
    (row.side === 0 ? group.wants : group.pool).push(row);
  }
  if (group) judge(group.wants, group.pool);

  const altered: string[] = [];
  const changed: string[] = [];
  let compared = 0;
  if (before) {
    const b = before.entries.table;
    // Unchanged since the snapshot: the record shows the file with the same size, mode and mtime.
    const againstShare = db.prepare(
      `SELECT b.path, b.sha256,
         EXISTS (SELECT 1 FROM ${s} s WHERE s.lsname = b.lsname AND s.size = b.size AND s.mode = b.mode AND s.mtime = b.mtime) AS unchanged,
         (SELECT r.sha256 FROM ${r} r WHERE r.path = b.path LIMIT 1) AS got
       FROM ${b} b`,
    );
    type Compared = { path: string; sha256: string; unchanged: 0 | 1; got: string | null };
    for (const was of againstShare.iterate() as Iterable<Compared>) {
      if (!was.unchanged) {
        changed.push(was.path);
        continue;
      }
      compared += 1;
      if (was.got !== was.sha256) altered.push(was.path);
    }
    // In the snapshot, gone from the share before the disaster: removed since the recovery point.
    const removed = db.prepare(
      `SELECT s.path FROM ${s} s WHERE NOT EXISTS (SELECT 1 FROM ${b} b WHERE b.lsname = s.path)`,
    );
    for (const row of removed.iterate() as Iterable<{ path: string }>) changed.push(row.path);
  }
  const sorted = (list: string[]) => list.sort();
  const linkCheck = links ? checkLinks(snapshot, links, restored, before) : undefined;
  return {
    againstSnapshot: {
      matched,
      missing: sorted(missing),
      differing: sorted(differing),
      unexpected: sorted(unexpected),
    },
    againstShare: { compared, altered: sorted(altered) },
    changedSinceRecoveryPoint: sorted(changed),
    ...(linkCheck ? { links: linkCheck } : {}),
    verifiedFiles: matched,
    verifiedBytes,
    ok:
      missing.length === 0 &&
      differing.length === 0 &&
      unexpected.length === 0 &&
      altered.length === 0 &&
      (linkCheck?.ok ?? true),
  };
}
