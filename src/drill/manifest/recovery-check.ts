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
  const got = new Map(restored.entries.map((e) => [e.path, e]));
  const recorded = new Map(snapshot.map((f) => [f.path, f]));
  const missing: string[] = [];
  const differing: string[] = [];
  let matched = 0;
  let verifiedBytes = 0;
  for (const want of snapshot) {
    const found = got.get(want.path);
    if (!found) missing.push(want.path);
    else if (found.size !== want.size || found.mode !== want.mode || found.mtime !== want.mtime)
      differing.push(want.path);
    else {
      matched += 1;
      verifiedBytes += want.size;
    }
  }
  const unexpected = restored.entries.filter((e) => !recorded.has(e.path)).map((e) => e.path);

  const altered: string[] = [];
  const changed: string[] = [];
  let compared = 0;
  if (before) {
    const live = new Set<string>();
    for (const was of before.entries) {
      live.add(was.path);
      const then = recorded.get(was.path);
      const unchanged =
        then !== undefined &&
        then.size === was.size &&
        then.mtime === was.mtime &&
        then.mode === was.mode;
      if (!unchanged) {
        changed.push(was.path);
        continue;
      }
      compared += 1;
      if (got.get(was.path)?.sha256 !== was.sha256) altered.push(was.path);
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
