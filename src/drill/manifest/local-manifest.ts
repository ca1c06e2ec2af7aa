/** The manifest of a tree on this machine: a walk with lstat, then hashing on worker threads. */
import type { Dirent } from "node:fs";
import { lstat, readdir, readlink, stat } from "node:fs/promises";
import { join, posix, sep } from "node:path";
import { hashFiles } from "./hash-pool.js";
import {
  checkSamplePath,
  linksOf,
  ManifestError,
  manifestOf,
  type Manifest,
  type ManifestOptions,
  type ManifestSymlink,
} from "./entries.js";

interface Found {
  readonly path: string;
  readonly file: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
  readonly nlink: number;
  readonly inode: number;
}

function toPosix(relative: string): string {
  return sep === "/" ? relative : relative.split(sep).join(posix.sep);
}

async function walk(root: string): Promise<{ found: Found[]; symlinks: ManifestSymlink[] }> {
  const found: Found[] = [];
  const symlinks: ManifestSymlink[] = [];
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
    for (const e of entries.filter((l) => l.isSymbolicLink())) {
      const rel = relDir ? join(relDir, e.name) : e.name;
      try {
        symlinks.push({ path: toPosix(rel), target: await readlink(join(root, rel)) });
      } catch (error) {
        throw new ManifestError(
          `cannot read the link ${join(root, rel)}: ${(error as Error).message}`,
        );
      }
    }
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
          nlink: s.nlink,
          inode: s.ino,
        };
      }),
    );
    found.push(...stats);
  }
  return { found, symlinks };
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
                nlink: s.nlink,
                inode: s.ino,
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

/** Regular files with their hashes, plus symbolic links and hard-link groups of a whole tree. */
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
  const walked = options.sample ? undefined : await walk(root);
  const found = walked ? walked.found : await sampled(root, options.sample ?? []);
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
    walked ? linksOf(walked.symlinks, walked.found) : undefined,
  );
}
