/**
 * A recovered share's links judged: every symbolic link the snapshot lists must come back with
 * the target its tree recorded (or, where that tree was not read, the target it had on the share
 * before the disaster), and files that were one file must not come back as separate copies: the
 * hard-link groups of the trees read, and those of the share before the disaster whose files did
 * not change after the snapshot.
 */
import type { SnapshotLinks } from "../../restic/links.js";
import type { Manifest } from "./entries.js";
import type { SnapshotFile } from "./recovery-check.js";
import type { FileTable } from "./file-table.js";

/** What the snapshot recorded of the share's links (see readSnapshotLinks). */
export type SnapshotLinkRecord = Pick<
  SnapshotLinks,
  "listed" | "symlinks" | "unread" | "hardLinkGroups" | "treesRead" | "collisions"
>;

/** The links of a recovered share against the snapshot and the share before. */
export interface LinkCheck {
  readonly symlinks: {
    /** Restored with the target the snapshot's tree recorded. */
    readonly againstTree: number;
    /** Not read from the tree; restored with the target they had on the share before. */
    readonly againstShareOnly: number;
    /** Listed by the snapshot, not restored as a symbolic link. */
    readonly missing: readonly string[];
    /** "path: restored → recorded": another target than the tree recorded. */
    readonly retargeted: readonly string[];
    /** Restored symbolic links the snapshot does not list. */
    readonly unexpected: readonly string[];
    /** Not read from the tree, and another target than on the share before (changed since?) or no share before. */
    readonly unverified: readonly string[];
  };
  readonly hardLinks: {
    /** Groups of two or more files compared. */
    readonly groups: number;
    /** Groups restored as separate files, their paths joined by " = ". */
    readonly split: readonly string[];
  };
  readonly ok: boolean;
}

/** Judges the links of `restored` (a manifest of the whole share, not a sample). */
export function checkLinks(
  snapshot: FileTable<SnapshotFile>,
  recorded: SnapshotLinkRecord,
  restored: Manifest,
  before?: Manifest,
): LinkCheck {
  const got = new Map((restored.links?.symlinks ?? []).map((l) => [l.path, l.target]));
  const was = new Map((before?.links?.symlinks ?? []).map((l) => [l.path, l.target]));
  const listed = new Set(recorded.listed);
  const missing = recorded.listed.filter((p) => !got.has(p));
  const retargeted: string[] = [];
  let againstTree = 0;
  for (const { path, target } of recorded.symlinks) {
    const now = got.get(path);
    if (now === undefined) continue;
    if (now === target) againstTree += 1;
    else retargeted.push(`${path}: ${now} → ${target}`);
  }
  let againstShareOnly = 0;
  const unverified: string[] = [];
  for (const path of recorded.unread) {
    const now = got.get(path);
    if (now === undefined) continue;
    if (was.get(path) === now) againstShareOnly += 1;
    else unverified.push(path);
  }
  const unexpected = [...got.keys()].filter((p) => !listed.has(p));

  // Files unchanged since the snapshot: their links on the share before are the snapshot's.
  const unchanged = (path: string) => {
    const was = before?.entries.get(path);
    const then = was && snapshot.get(path);
    return !!then && then.size === was.size && then.mtime === was.mtime && then.mode === was.mode;
  };
  const groups = new Map<string, readonly string[]>();
  const add = (group: readonly string[]) => {
    if (group.length > 1) groups.set(group.join("\0"), group);
  };
  recorded.hardLinkGroups.forEach(add);
  for (const group of before?.links?.hardLinkGroups ?? []) add(group.filter(unchanged));
  const restoredGroup = new Map<string, number>();
  (restored.links?.hardLinkGroups ?? []).forEach((g, i) =>
    g.forEach((p) => restoredGroup.set(p, i)),
  );
  const split = [...groups.values()]
    .filter((g) => {
      const first = restoredGroup.get(g[0]!);
      return first === undefined || g.some((p) => restoredGroup.get(p) !== first);
    })
    .map((g) => g.join(" = "));

  return {
    symlinks: {
      againstTree,
      againstShareOnly,
      missing,
      retargeted: retargeted.sort(),
      unexpected: unexpected.sort(),
      unverified: unverified.sort(),
    },
    hardLinks: { groups: groups.size, split: split.sort() },
    ok:
      missing.length === 0 &&
      retargeted.length === 0 &&
      unexpected.length === 0 &&
      split.length === 0,
  };
}
