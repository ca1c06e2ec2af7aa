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
import { lsForm } from "../../support/file-names.js";
import { checkLinks, type LinkCheck, type SnapshotLinkRecord } from "./link-check.js";

/** A regular file as the snapshot recorded it (`restic ls --json`), relative to the share. */
export interface SnapshotFile {
  readonly path: string;
  readonly size: number;
  readonly mode: number;
  /** Whole seconds since the epoch. */
  readonly mtime: number;
}

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

/** Items by the name `restic ls --json` shows for their path. */
function byLsName<T extends { readonly path: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = lsForm(item.path);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

/**
 * Judges a restored share; `before` is the manifest taken before the disaster, when there is one;
 * `links` the snapshot's record of symbolic links and hard links, to judge those too.
 */
export function checkRecovery(
  snapshot: readonly SnapshotFile[],
  restored: Manifest,
  before?: Manifest,
  links?: SnapshotLinkRecord,
): RecoveryCheck {
  // restic ls shows each byte of a name that is not UTF-8 as U+FFFD, where the manifests keep the
  // name exactly: files are matched to the record by that shown name, in groups when two names
  // read the same (Latin-1 "Müller" and "Möller"), each by its size, mode and mtime.
  const got = byLsName(restored.entries);
  const recorded = byLsName(snapshot);
  const missing: string[] = [];
  const differing: string[] = [];
  const unexpected: string[] = [];
  let matched = 0;
  let verifiedBytes = 0;
  for (const [name, wants] of recorded) {
    const pool = [...(got.get(name) ?? [])];
    const open: SnapshotFile[] = [];
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
  }
  for (const [name, found] of got)
    if (!recorded.has(name)) unexpected.push(...found.map((f) => f.path));

  const altered: string[] = [];
  const changed: string[] = [];
  let compared = 0;
  if (before) {
    const restoredByPath = new Map(restored.entries.map((e) => [e.path, e]));
    const live = new Set<string>();
    for (const was of before.entries) {
      live.add(lsForm(was.path));
      const unchanged = (recorded.get(lsForm(was.path)) ?? []).some((then) => sameMeta(then, was));
      if (!unchanged) {
        changed.push(was.path);
        continue;
      }
      compared += 1;
      if (restoredByPath.get(was.path)?.sha256 !== was.sha256) altered.push(was.path);
    }
    // In the snapshot, gone from the share before the disaster: removed since the recovery point.
    for (const f of snapshot) if (!live.has(f.path)) changed.push(f.path);
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
