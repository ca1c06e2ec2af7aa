/**
 * A manifest records every regular file under a root: relative posix path, size, permission bits
 * and sha256. Built before a disaster and again after recovery, the two are compared file by file.
 */
import type { HostSession } from "../../transport/session.js";
import { localManifest } from "./local-manifest.js";
import { remoteManifest } from "./remote-manifest.js";

export interface ManifestEntry {
  /** Relative to the root, posix separators. */
  path: string;
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  sha256: string;
}

export interface Manifest {
  root: string;
  /** Sorted by path. */
  entries: ManifestEntry[];
  files: number;
  bytes: number;
}

export interface ManifestOptions {
  /** Parallel hashers (local: worker threads; default the number of cores). */
  concurrency?: number;
  /** Only these relative paths (a random sample); a listed path that is not a file is left out. */
  sample?: string[];
}

/** Hashes a tree on the host: local → worker threads with 1 MiB reads; ssh → find/stat/sha256sum on the host. */
export function buildManifest(
  session: HostSession,
  root: string,
  options: ManifestOptions = {},
): Promise<Manifest> {
  const transport = session.host.transport;
  switch (transport.kind) {
    case "local":
      return localManifest(root, options);
    case "ssh":
      return remoteManifest(session, root, options);
  }
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

/** A tree could not be read on its host: the message names the host, the path and the cause. */
export class ManifestError extends Error {
  override name = "ManifestError";
}

export { compareManifests, type ManifestDiff } from "./compare.js";
