/**
 * What a manifest is: every regular file under a root with its relative posix path, size,
 * permission bits and sha256, sorted by path. Built before a disaster and again after recovery,
 * two manifests are compared file by file.
 */

/** One regular file of a manifest. */
export interface ManifestEntry {
  /** Relative to the root, posix separators. */
  path: string;
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Last modification, whole seconds since the epoch (as `stat %Y` and restic's own record compare). */
  mtime: number;
  sha256: string;
}

/** Every regular file under a root, sorted by path, with totals. */
export interface Manifest {
  root: string;
  /** Sorted by path. */
  entries: ManifestEntry[];
  files: number;
  bytes: number;
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

/** Sums and sorts entries into a manifest. */
export function manifestOf(root: string, entries: ManifestEntry[]): Manifest {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    root,
    entries: sorted,
    files: sorted.length,
    bytes: sorted.reduce((sum, e) => sum + e.size, 0),
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
