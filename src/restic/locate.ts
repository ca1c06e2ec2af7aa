/**
 * Where a folder lies inside a snapshot. `restic backup /srv/share/data`, `cd /srv/share &&
 * restic backup data` and `cd /srv/share/data && restic backup .` all record the same `paths`
 * (["/srv/share/data"]), yet store the folder at /srv/share/data, /data and / of the snapshot's
 * tree. Only the tree tells them apart, so the tree is read along the folder's path: a handful
 * of folders, whatever the size of the share, all listed by one restic command (`listedTrees`).
 */
import { posix } from "node:path";
import type { Snapshot, SnapshotNode, TreeNode } from "./restic.js";

/**
 * How the folder was named when it was backed up: by its absolute path, by a path relative to a
 * parent folder, or from inside it (`.`), where the snapshot's root is the folder itself.
 */
export type SnapshotLayout = "absolute" | "relative" | "contents";

/** The folder's place in a snapshot. */
export interface FolderInSnapshot {
  /** Its path inside the snapshot: "/srv/share/data", "/data", or "/" for the contents layout. */
  readonly path: string;
  readonly layout: SnapshotLayout;
  /** The snapshot named only paths inside the folder (`--files-from` a list of its files or subfolders). */
  readonly partial: boolean;
  /** Backed-up paths outside the folder (a snapshot of several paths). */
  readonly otherPaths: readonly string[];
  /** Another place in the tree could as well hold the folder (no hint, or a tie): the longest path was taken. */
  readonly ambiguous: boolean;
}

/** Plain English for reports and `drill show`. */
export const LAYOUT_DESCRIPTIONS: Readonly<Record<SnapshotLayout, string>> = {
  absolute: "backed up by its absolute path (restic backup /srv/share/data)",
  relative: "backed up by a path relative to a parent folder (cd /srv/share && restic backup data)",
  contents: "backed up from inside the folder (cd /srv/share/data && restic backup .)",
};

function parts(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === "/" ? "/" : `${folder}/`);
}

/** The snapshot holds the folder, or part of it: one of its paths is the folder, above it, or inside it. */
export function holdsFolder(snapshot: Pick<Snapshot, "paths">, folder: string): boolean {
  const dir = posix.normalize(folder);
  return snapshot.paths.some((p) => isWithin(dir, p) || isWithin(p, dir));
}

/** Every place the folder may have in a snapshot: each suffix of its path, longest first, "/" last. */
export function candidateFolders(folder: string): string[] {
  const want = parts(posix.normalize(folder));
  return want.map((_, i) => `/${want.slice(i).join("/")}`).concat("/");
}

/** The root of the trees `listedTrees` reads: a folder's id is its path in the snapshot. */
export const LISTED_ROOT = "/";

/**
 * The folders a listing walked (`restic ls --json <snapshot> / <folders…>`), read as trees:
 * each folder's id is its path. A folder the listing did not walk reads as empty, so list every
 * folder the reader will read (candidateFolders). Names are as `ls --json` prints them.
 */
export function listedTrees(nodes: readonly SnapshotNode[]): (id: string) => Promise<TreeNode[]> {
  const folders = new Map<string, TreeNode[]>();
  for (const n of nodes) {
    const parent = posix.dirname(n.path);
    const entry: TreeNode = {
      name: posix.basename(n.path),
      type: n.type,
      mode: n.mode,
      mtime: n.mtime,
      size: n.size,
      links: 0,
      inode: 0,
      ...(n.type === "dir" ? { subtree: n.path } : {}),
    };
    const siblings = folders.get(parent);
    if (siblings) siblings.push(entry);
    else folders.set(parent, [entry]);
  }
  return (id) => Promise.resolve(folders.get(id) ?? []);
}

/** Reads trees along paths from a root tree, each tree once (cached by id). */
export interface TreeWalker {
  readonly read: (treeId: string) => Promise<TreeNode[]>;
  /** The entries of the folder at `path` (names as the tree stores them), or undefined when it is not a folder there. */
  readonly entriesAt: (path: readonly string[]) => Promise<TreeNode[] | undefined>;
  /** Distinct trees read (or being read) so far. */
  readonly treesRead: number;
}

/** A walker over the snapshot's trees; `match` picks a folder's node by name (default: equal names). */
export function treeWalker(
  readTree: (treeId: string) => Promise<TreeNode[]>,
  root: string,
  match: (nodes: readonly TreeNode[], name: string) => TreeNode | undefined = (nodes, name) =>
    nodes.find((n) => n.name === name),
): TreeWalker {
  const cache = new Map<string, Promise<TreeNode[]>>();
  const read = (id: string) => {
    let found = cache.get(id);
    if (!found) cache.set(id, (found = readTree(id)));
    return found;
  };
  return {
    read,
    entriesAt: async (path) => {
      let nodes = await read(root);
      for (const name of path) {
        const next = match(nodes, name);
        if (next?.type !== "dir" || next.subtree === undefined) return undefined;
        nodes = await read(next.subtree);
      }
      return nodes;
    },
    get treesRead() {
      return cache.size;
    },
  };
}

/**
 * Finds the folder in the snapshot by reading its tree: each suffix of the folder's path is a
 * possible place, longest (absolute) first. When more than one exists, the one whose entries
 * best match `hint` (the names at the top of the folder on the live share) wins; without a hint,
 * the longest. Undefined when the snapshot does not hold the folder.
 */
export async function locateFolder(
  readTree: (treeId: string) => Promise<TreeNode[]>,
  snapshot: Pick<Snapshot, "paths" | "tree">,
  folder: string,
  hint?: readonly string[],
): Promise<FolderInSnapshot | undefined> {
  const dir = posix.normalize(folder);
  if (!holdsFolder(snapshot, dir)) return undefined;
  const want = parts(dir);
  const related = snapshot.paths.filter((p) => isWithin(dir, p) || isWithin(p, dir));
  // A folder backed up as part of a parent keeps at least the components below that parent.
  const minimum = Math.min(
    ...related.map((p) => want.length - Math.min(parts(p).length, want.length)),
  );
  const { read, entriesAt } = treeWalker(readTree, snapshot.tree);

  const candidates: { suffix: string[]; entries: TreeNode[] }[] = [];
  for (let k = want.length; k >= minimum; k--) {
    const suffix = want.slice(want.length - k);
    const entries = await entriesAt(suffix);
    if (entries) candidates.push({ suffix, entries });
  }
  if (candidates.length === 0) return undefined;

  // A snapshot of one path by name (absolute or relative) has a single entry at its root; any
  // other root is the folder itself, backed up from inside.
  const root = await read(snapshot.tree);
  const fromInside = snapshot.paths.length === 1 && root.length !== 1 && minimum === 0;
  let chosen = fromInside ? candidates.at(-1)! : candidates[0]!;
  let ambiguous = false;
  if (!fromInside && candidates.length > 1 && hint !== undefined && hint.length > 0) {
    const live = new Set(hint);
    const score = (c: (typeof candidates)[number]) => {
      const names = new Set(c.entries.map((n) => n.name));
      const shared = [...names].filter((n) => live.has(n)).length;
      return shared / (names.size + live.size - shared);
    };
    const ranked = candidates
      .map((c, order) => ({ c, order, score: score(c) }))
      .sort((a, b) => b.score - a.score || a.order - b.order); // ties: the longer path
    chosen = ranked[0]!.c;
    ambiguous = ranked[0]!.score === ranked[1]!.score;
  } else if (!fromInside) {
    // Without a live listing the longest path wins; the root as a whole only competes when the
    // folder's single entry could be read either way, which a hint settles.
    ambiguous = candidates.filter((c) => c.suffix.length > 0).length > 1;
  }
  const k = chosen.suffix.length;
  return {
    path: `/${chosen.suffix.join("/")}`,
    layout: k === want.length ? "absolute" : k === 0 ? "contents" : "relative",
    partial: related.every((p) => p !== dir && isWithin(p, dir)),
    otherPaths: snapshot.paths.filter((p) => !isWithin(p, dir) && !isWithin(dir, p)),
    ambiguous,
  };
}
