/** A file tree that exercises manifests: awkward names, several modes, reads across 1 MiB buffers. */
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ManifestEntry } from "../../src/drill/manifest/manifest.js";

const MiB = 1024 * 1024;

const FILES: readonly { path: string; mode: number; content: Buffer }[] = [
  { path: "readme.txt", mode: 0o644, content: Buffer.from("town share\n") },
  { path: "empty", mode: 0o600, content: Buffer.alloc(0) },
  { path: "exactly-one-mebibyte.bin", mode: 0o640, content: randomBytes(MiB) },
  { path: "big/three-and-a-bit.bin", mode: 0o644, content: randomBytes(3 * MiB + 17) },
  { path: "deep/a/b/c/d/leaf.txt", mode: 0o444, content: Buffer.from("leaf\n") },
  { path: "names/with space.txt", mode: 0o644, content: Buffer.from("space\n") },
  { path: "names/line\nbreak.txt", mode: 0o644, content: Buffer.from("newline\n") },
  { path: "names/back\\slash.txt", mode: 0o644, content: Buffer.from("backslash\n") },
  { path: "names/-rf", mode: 0o644, content: Buffer.from("dash\n") },
  { path: "names/Ümlaut – ✓.txt", mode: 0o644, content: Buffer.from("unicode\n") },
  { path: "names/quote'n\"dollar$HOME.txt", mode: 0o644, content: Buffer.from("quotes\n") },
  { path: "scripts/run.sh", mode: 0o755, content: Buffer.from("#!/bin/sh\necho ok\n") },
  { path: "scripts/setgid-tool", mode: 0o2750, content: Buffer.from("tool\n") },
];

/** Every file's modification time, in seconds: a manifest records it. */
export const MTIME = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;

/** Writes the tree (plus a symlink and an empty folder, which manifests leave out). */
export async function writeTree(root: string): Promise<void> {
  await mkdir(join(root, "empty-folder"), { recursive: true });
  for (const f of FILES) {
    const file = join(root, f.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, f.content);
    await chmod(file, f.mode);
    await utimes(file, MTIME, MTIME);
  }
  await symlink("readme.txt", join(root, "link-to-readme"));
}

/** The manifest entries the tree must give, computed independently of the code under test. */
export function expectedEntries(): ManifestEntry[] {
  return FILES.map((f) => ({
    path: f.path,
    size: f.content.length,
    mode: f.mode,
    mtime: MTIME,
    sha256: createHash("sha256").update(f.content).digest("hex"),
  })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
