/** The manifest of a tree on this machine: a walk with lstat, then hashing on worker threads. */
import type { Dirent } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join, posix, sep } from "node:path";
import { hashFiles } from "./hash-pool.js";
import {
  checkSamplePath,
  ManifestError,
  manifestOf,
  type Manifest,
  type ManifestOptions,
} from "./entries.js";

interface Found {
  readonly path: string;
  readonly file: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
}

function toPosix(relative: string): string {
  return sep === "/" ? relative : relative.split(sep).join(posix.sep);
}

async function walk(root: string): Promise<Found[]> {
  const found: Found[] = [];
  const pending: string[] = [""];
  while (pending.length > 0) {
    const relDir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, relDir), { withFileTypes: true });
    } catch (error) {
      throw new ManifestError(`cannot list ${join(root, relDir)}: ${(error as Error).message}`);
    }
    const files = entries.filter((e) => e.isFile());
    for (const e of entries)
      if (e.isDirectory()) pending.push(relDir ? join(relDir, e.name) : e.name);
    const stats = await Promise.all(
      files.map(async (e) => {
        const rel = relDir ? join(relDir, e.name) : e.name;
        const file = join(root, rel);
        const s = await lstat(file);
        return {
          path: toPosix(rel),
          file,
          size: s.size,
          mode: s.mode & 0o7777,
          mtime: Math.floor(s.mtimeMs / 1000),
        };
      }),
    );
    found.push(...stats);
  }
  return found;
}

async function sampled(root: string, sample: readonly string[]): Promise<Found[]> {
  sample.forEach(checkSamplePath);
  const found = await Promise.all(
    [...new Set(sample)].map(async (path) => {
      const file = join(root, ...path.split("/"));
      try {
        const s = await lstat(file);
        return s.isFile()
          ? [
              {
                path,
                file,
                size: s.size,
                mode: s.mode & 0o7777,
                mtime: Math.floor(s.mtimeMs / 1000),
              },
            ]
          : [];
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    }),
  );
  return found.flat();
}

/** Regular files only: symlinks, devices and sockets are not part of a manifest. */
export async function localManifest(
  root: string,
  options: ManifestOptions = {},
): Promise<Manifest> {
  try {
    // The root may be a link to the share (/srv/share → /data/share); links below it are not followed.
    const s = await stat(root);
    if (!s.isDirectory()) throw new ManifestError(`${root} is not a folder`);
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    throw new ManifestError(`cannot read ${root}: ${(error as Error).message}`);
  }
  const found = options.sample ? await sampled(root, options.sample) : await walk(root);
  let hashes;
  try {
    hashes = await hashFiles(found, options.concurrency);
  } catch (error) {
    throw new ManifestError(`cannot hash a file under ${root}: ${(error as Error).message}`);
  }
  return manifestOf(
    root,
    found.map((f, i) => ({
      path: f.path,
      size: hashes[i]!.size,
      mode: f.mode,
      mtime: f.mtime,
      sha256: hashes[i]!.sha256,
    })),
  );
}
