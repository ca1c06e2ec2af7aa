/**
 * A folder's symbolic-link targets and hard links as a snapshot recorded them. `restic ls --json`
 * lists every symlink but neither its target nor any link count; only the tree blobs hold them,
 * and reading one costs a `restic cat blob`. So only the trees on the paths to folders that hold
 * symlinks are read, each once, up to a bound; hard links are taken from those same trees.
 */
import { posix } from "node:path";
import { treeWalker } from "./locate.js";
import type { SnapshotNode, TreeNode } from "./restic.js";
import { lsForm } from "../support/file-names.js";

/** Trees read at most by default: ~1 s each over SSH. */
export const MAX_LINK_TREES = 200;

/** What the snapshot's trees say about the folder's links; paths relative to the folder. */
export interface SnapshotLinks {
  /** Every symlink `ls --json` lists below the folder. */
  readonly listed: readonly string[];
  /** Symlinks whose target was read from the tree, sorted by path. */
  readonly symlinks: readonly { readonly path: string; readonly target: string }[];
  /** Listed symlinks whose tree was not read (the bound was hit, or the name is ambiguous). */
  readonly unread: readonly string[];
  /**
   * Files of the trees read that were one file at backup (same inode, link count above 1), each
   * group sorted. Members in trees not read are not seen.
   */
  readonly hardLinkGroups: readonly (readonly string[])[];
  readonly treesRead: number;
  /** Folders where two names became one in `ls --json` (bytes that are not UTF-8 → U+FFFD). */
  readonly collisions: readonly string[];
}

class Ambiguous extends Error {}
class BoundHit extends Error {}

/** The nodes a listed name may be: the same name, else names that read the same in `ls --json`. */
function matching(nodes: readonly TreeNode[], name: string): TreeNode[] {
  const same = nodes.filter((n) => n.name === name);
  return same.length > 0 ? same : nodes.filter((n) => lsForm(n.name) === name);
}

function parts(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

/**
 * Reads the trees on the paths to the folders holding symlinks (shallowest first, each tree once,
 * at most `maxTrees`), from the snapshot's root tree; `inSnapshot` is the folder's place in it.
 */
export async function readSnapshotLinks(
  readTree: (treeId: string) => Promise<TreeNode[]>,
  rootTree: string,
  inSnapshot: string,
  nodes: readonly Pick<SnapshotNode, "path" | "type">[],
  maxTrees = MAX_LINK_TREES,
): Promise<SnapshotLinks> {
  const prefix = inSnapshot === "/" ? "/" : `${inSnapshot}/`;
  const listed = nodes
    .filter((n) => n.type === "symlink" && n.path.startsWith(prefix))
    .map((n) => n.path.slice(prefix.length))
    .sort();
  const byFolder = new Map<string, string[]>();
  for (const path of listed) {
    const folder = posix.dirname(path);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path]);
  }
  const collisions = new Set<string>();
  let fetched = 0;
  const bounded = (id: string) => {
    if (fetched >= maxTrees) throw new BoundHit(id);
    fetched += 1;
    return readTree(id);
  };
  const walker = treeWalker(bounded, rootTree, (found, name) => {
    const candidates = matching(found, name);
    if (candidates.length > 1) throw new Ambiguous(name);
    return candidates[0];
  });
  const base = parts(inSnapshot);
  const symlinks: { path: string; target: string }[] = [];
  const unread: string[] = [];
  const inodes = new Map<number, string[]>();
  const scanned = new Set<string>();
  // Shallow folders first: their trees lie on the way to deeper ones.
  const folders = [...byFolder.keys()].sort(
    (a, b) => parts(a).length - parts(b).length || (a < b ? -1 : 1),
  );
  for (const folder of folders) {
    const links = byFolder.get(folder)!;
    const rel = folder === "." ? [] : parts(folder);
    let entries: TreeNode[] | undefined;
    try {
      entries = await walker.entriesAt([...base, ...rel]);
    } catch (error) {
      if (error instanceof Ambiguous) collisions.add(folder);
      else if (!(error instanceof BoundHit)) throw error;
      unread.push(...links);
      continue;
    }
    if (entries === undefined) {
      unread.push(...links);
      continue;
    }
    // Every folder on the way down was read: its files' hard links are known (from the cache).
    for (let depth = 0; depth <= rel.length; depth++) {
      const at = rel.slice(0, depth).join("/");
      if (scanned.has(at)) continue;
      scanned.add(at);
      const inFolder =
        depth === rel.length ? entries : await walker.entriesAt([...base, ...rel.slice(0, depth)]);
      for (const n of inFolder ?? [])
        if (n.type === "file" && n.links > 1 && n.inode !== 0) {
          const path = at === "" ? lsForm(n.name) : `${at}/${lsForm(n.name)}`;
          inodes.set(n.inode, [...(inodes.get(n.inode) ?? []), path]);
        }
    }
    for (const path of links) {
      const name = posix.basename(path);
      const found = matching(entries, name);
      if (found.length > 1) collisions.add(folder);
      const node = found.length === 1 ? found[0] : undefined;
      if (node?.type === "symlink" && node.linkTarget !== undefined)
        symlinks.push({ path, target: node.linkTarget });
      else unread.push(path);
    }
  }
  return {
    listed,
    symlinks,
    unread: unread.sort(),
    hardLinkGroups: [...inodes.values()].filter((g) => g.length > 1).map((g) => g.sort()),
    treesRead: fetched,
    collisions: [...collisions].sort(),
  };
}
