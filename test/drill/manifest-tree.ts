/** A file tree that exercises manifests: awkward names, several modes, reads across 1 MiB buffers. */
import { createHash, randomBytes } from "node:crypto";
import { chmod, link, mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Manifest, ManifestEntry, ManifestLinks } from "../../src/drill/manifest/manifest.js";

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

/** Symbolic links (path, target), awkward targets included, and hard links (new name, file). */
const SYMLINKS: readonly [string, string][] = [
  ["link-to-readme", "readme.txt"],
  ["names/link\nwith newline", "../deep/a/b/c/d/leaf.txt"],
  ["names/dangling link", "no such file 'here'"],
];
const HARD_LINKS: readonly [string, string][] = [
  ["names/hard link to readme", "readme.txt"],
  ["deep/a/leaf again", "deep/a/b/c/d/leaf.txt"],
  ["deep/leaf thrice", "deep/a/b/c/d/leaf.txt"],
];

/** Writes the tree (plus symlinks, hard links and an empty folder). */
export async function writeTree(root: string): Promise<void> {
  await mkdir(join(root, "empty-folder"), { recursive: true });
  for (const f of FILES) {
    const file = join(root, f.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, f.content);
    await chmod(file, f.mode);
    await utimes(file, MTIME, MTIME);
  }
  for (const [path, target] of SYMLINKS) await symlink(target, join(root, path));
  for (const [path, file] of HARD_LINKS) await link(join(root, file), join(root, path));
}

/** The links the tree must give, written out by hand. */
export function expectedLinks(): ManifestLinks {
  return {
    symlinks: [
      { path: "link-to-readme", target: "readme.txt" },
      { path: "names/dangling link", target: "no such file 'here'" },
      { path: "names/link\nwith newline", target: "../deep/a/b/c/d/leaf.txt" },
    ],
    hardLinkGroups: [
      ["deep/a/b/c/d/leaf.txt", "deep/a/leaf again", "deep/leaf thrice"],
      ["names/hard link to readme", "readme.txt"],
    ],
  };
}

/** The manifest entries the tree must give, computed independently of the code under test. */
export function expectedEntries(): ManifestEntry[] {
  const files = [
    ...FILES,
    ...HARD_LINKS.map(([path, file]) => ({ ...FILES.find((f) => f.path === file)!, path })),
  ];
  return files
    .map((f) => ({
      path: f.path,
      size: f.content.length,
      mode: f.mode,
      mtime: MTIME,
      sha256: createHash("sha256").update(f.content).digest("hex"),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A manifest with its records read from disk, to compare whole manifests with deep equality. */
export function plain(
  manifest: Manifest,
): Omit<Manifest, "entries"> & { entries: ManifestEntry[] } {
  return { ...manifest, entries: [...manifest.entries] };
}
