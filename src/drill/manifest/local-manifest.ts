/** The manifest of a tree on this machine: a walk with lstat, hashing on worker threads as it goes. */
import type { Dirent } from "node:fs";
import { lstat, readdir, readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import { nameFromBytes, nameToBytes } from "../../support/file-names.js";
import { HashPool } from "./hash-pool.js";
import { FileTable } from "./file-table.js";
import {
  checkSamplePath,
  linksOf,
  ManifestError,
  manifestOf,
  type FileIdentity,
  type Manifest,
  type ManifestEntry,
  type ManifestOptions,
  type ManifestSymlink,
} from "./entries.js";

interface Found {
  /** The name relative to the root: posix "/" joins, each byte that is not UTF-8 as "\xNN". */
  readonly path: string;
  /** The file's exact bytes, so a name that is not UTF-8 can still be opened. */
  readonly file: Buffer;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
  readonly nlink: number;
  readonly inode: number;
}

const SLASH = Buffer.from("/");

/** `dir/name` as bytes; `dir` empty for the root's own entries. */
function under(dir: Buffer, name: Buffer): Buffer {
  return dir.length === 0 ? name : Buffer.concat([dir, SLASH, name]);
}

/**
 * The regular file at `file` (bytes), named `path`; undefined when it is gone (removed since its
 * folder was listed, on a share in use) or no longer a regular file. Any other error is located.
 */
async function foundAt(root: string, path: string, file: Buffer): Promise<Found | undefined> {
  let s;
  try {
    s = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ManifestError(`cannot read ${join(root, path)}: ${(error as Error).message}`);
  }
  if (!s.isFile()) return undefined;
  return {
    path,
    file,
    size: s.size,
    mode: s.mode & 0o7777,
    mtime: Math.floor(s.mtimeMs / 1000),
    nlink: s.nlink,
    inode: s.ino,
  };
}

const BATCH = 2048;

/**
 * Walks the tree, handing its regular files to `take` in batches as it goes (the walk goes on
 * while a batch is hashed), and returns its symbolic links and the files with more than one
 * link (the others never form a hard-link group).
 */
async function walk(
  root: string,
  take: (batch: Found[]) => Promise<void>,
): Promise<{ symlinks: ManifestSymlink[]; linked: FileIdentity[] }> {
  const rootBytes = Buffer.from(root);
  const symlinks: ManifestSymlink[] = [];
  const linked: FileIdentity[] = [];
  let batch: Found[] = [];
  let taking: Promise<void> = Promise.resolve();
  const hand = async () => {
    await taking;
    taking = take(batch);
    taking.catch(() => undefined); // handled: the next hand-over or the end awaits it
    batch = [];
  };
  // Names are read and opened as bytes: Node's default UTF-8 decoding would turn each byte that
  // is not UTF-8 into U+FFFD, so Latin-1 "Müller" and "Möller" would read the same.
  const pending: Buffer[] = [Buffer.alloc(0)];
  try {
    while (pending.length > 0) {
      const relDir = pending.pop()!;
      let entries: Dirent<Buffer>[];
      try {
        entries = await readdir(under(rootBytes, relDir), {
          withFileTypes: true,
          encoding: "buffer",
        });
      } catch (error) {
        throw new ManifestError(
          `cannot list ${join(root, nameFromBytes(relDir))}: ${(error as Error).message}`,
        );
      }
      const files = entries.filter((e) => e.isFile());
      for (const e of entries) if (e.isDirectory()) pending.push(under(relDir, e.name));
      for (const e of entries.filter((l) => l.isSymbolicLink())) {
        const rel = under(relDir, e.name);
        const path = nameFromBytes(rel);
        try {
          const target = await readlink(under(rootBytes, rel), { encoding: "buffer" });
          symlinks.push({ path, target: nameFromBytes(target) });
        } catch (error) {
          throw new ManifestError(
            `cannot read the link ${join(root, path)}: ${(error as Error).message}`,
          );
        }
      }
      const stats = await Promise.all(
        files.map((e) => {
          const rel = under(relDir, e.name);
          return foundAt(root, nameFromBytes(rel), under(rootBytes, rel));
        }),
      );
      for (const f of stats) {
        if (f === undefined) continue;
        batch.push(f);
        if (f.nlink > 1) linked.push({ path: f.path, nlink: f.nlink, inode: f.inode });
      }
      if (batch.length >= BATCH) await hand();
    }
    await hand();
  } finally {
    await taking.catch(() => undefined);
  }
  await taking;
  return { symlinks, linked };
}

async function sampled(root: string, sample: readonly string[]): Promise<Found[]> {
  sample.forEach(checkSamplePath);
  const rootBytes = Buffer.from(root);
  const found = await Promise.all(
    // The caller's names come from a manifest: "\xNN" turns back into the byte it stands for.
    [...new Set(sample)].map((path) => foundAt(root, path, under(rootBytes, nameToBytes(path)))),
  );
  return found.filter((f): f is Found => f !== undefined);
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
  const entries = new FileTable<ManifestEntry>();
  const pool = new HashPool(options.concurrency);
  const take = async (found: Found[]) => {
    let hashes;
    try {
      hashes = await pool.hash(found);
    } catch (error) {
      throw new ManifestError(`cannot hash a file under ${root}: ${(error as Error).message}`);
    }
    found.forEach((f, i) =>
      entries.add({
        path: f.path,
        size: hashes[i]!.size,
        mode: f.mode,
        mtime: f.mtime,
        sha256: hashes[i]!.sha256,
      }),
    );
  };
  try {
    if (options.sample) {
      await take(await sampled(root, options.sample));
      return manifestOf(root, entries);
    }
    const walked = await walk(root, take);
    return manifestOf(root, entries, linksOf(walked.symlinks, walked.linked));
  } finally {
    await pool.close();
  }
}
