/**
 * What a manifest is: every regular file under a root with its relative posix path, size,
 * permission bits and sha256, sorted by path, and (unless it is a sample) the tree's symbolic
 * links with their targets and its hard-link groups. Built before a disaster and again after
 * recovery, two manifests are compared file by file.
 */
import { FileTable, type FileRecord } from "./file-table.js";

/** One regular file of a manifest. */
export interface ManifestEntry extends FileRecord {
  /** Relative to the root, posix separators. */
  readonly path: string;
  readonly size: number;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
  /** Last modification, whole seconds since the epoch (as `stat %Y` and restic's own record compare). */
  readonly mtime: number;
  readonly sha256: string;
}

/** A symbolic link under the root and its target, as `readlink` gives it. */
export interface ManifestSymlink {
  /** Relative to the root, posix separators. */
  readonly path: string;
  readonly target: string;
}

/** The links of a whole tree (a sample has none: it lists regular files only). */
export interface ManifestLinks {
  /** Sorted by path. */
  readonly symlinks: readonly ManifestSymlink[];
  /**
   * Regular files of the tree that are one file (same inode, link count above 1), each group
   * sorted, groups sorted by their first path. Links from outside the tree are not seen.
   */
  readonly hardLinkGroups: readonly (readonly string[])[];
}

/** A regular file's place on its file system, to group hard links (`stat %h %i`). */
export interface FileIdentity {
  readonly path: string;
  /** Link count. */
  readonly nlink: number;
  readonly inode: number;
}

/** Every regular file under a root, with totals, and its links. */
export interface Manifest {
  root: string;
  /** On disk (file-table.ts); read in path order. */
  entries: FileTable<ManifestEntry>;
  files: number;
  bytes: number;
  /** Symbolic links and hard-link groups; undefined for a manifest of a sample. */
  links?: ManifestLinks;
}

/** How to build a manifest: hashing parallelism and an optional sample. */
export interface ManifestOptions {
  /** Parallel hashers (local: worker threads, ssh: sha256sum processes; default one per core). */
  concurrency?: number;
  /** Only these relative paths (a random sample); a listed path that is not a file is left out. */
  sample?: string[];
}

/** A tree could not be read on its host: the message names the path and the cause. */
export class ManifestError extends Error {
  override name = "ManifestError";
}

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A manifest of `entries` (a table, or records to put in one), with its totals. */
export function manifestOf(
  root: string,
  entries: FileTable<ManifestEntry> | Iterable<ManifestEntry>,
  links?: ManifestLinks,
): Manifest {
  const table = entries instanceof FileTable ? entries : FileTable.of(entries);
  table.flush();
  return {
    root,
    entries: table,
    files: table.files,
    bytes: table.bytes,
    ...(links ? { links } : {}),
  };
}

/** Sorts symbolic links and groups files with one inode into hard-link groups. */
export function linksOf(
  symlinks: readonly ManifestSymlink[],
  files: readonly FileIdentity[],
): ManifestLinks {
  const byInode = new Map<number, string[]>();
  for (const f of files) {
    if (f.nlink < 2) continue;
    const group = byInode.get(f.inode);
    if (group) group.push(f.path);
    else byInode.set(f.inode, [f.path]);
  }
  const hardLinkGroups = [...byInode.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort(byPath))
    .sort((a, b) => byPath(a[0]!, b[0]!));
  return {
    symlinks: [...symlinks].sort((a, b) => byPath(a.path, b.path)),
    hardLinkGroups,
  };
}

/** A sample path must stay inside the root: relative, posix, no "." or ".." parts. */
export function checkSamplePath(path: string): void {
  const parts = path.split("/");
  if (path === "" || path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === ".."))
    throw new ManifestError(
      `sample path "${path}" must be relative to the root, without "." or ".."`,
    );
}
