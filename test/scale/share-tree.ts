/**
 * A town-sized share for the scale tests: many small files nested five levels deep, names with
 * spaces, line breaks, leading dashes, bytes that are not UTF-8 and 254-byte names; symbolic and
 * hard links, a sparse file and empty folders. And the share's exact state, to compare before
 * and after a drill: type, mode, content, link targets, hard-link groups, empty folders.
 */
import { createHash } from "node:crypto";
import {
  link,
  lstat,
  mkdir,
  open,
  readFile,
  readdir,
  readlink,
  symlink,
  writeFile,
} from "node:fs/promises";

const SEP = Buffer.from("/");
const join = (...parts: Buffer[]): Buffer =>
  Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [SEP, p])));
const b = (s: string) => Buffer.from(s);

/** Names no drill may choke on; each one appears in several folders. */
export const ODD_NAMES: readonly Buffer[] = [
  b("line\nbreak.txt"),
  b("-rf"),
  b("--version"),
  b(" spaced name .txt"),
  b("glob*[x]?.txt"),
  Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]), // "café.txt" in latin-1
  b(`${"L".repeat(250)}0001`),
  b(`${"L".repeat(250)}0002`),
  b(`${"L".repeat(250)}0003`),
];

/** Writes `files` small files (plus the odd ones) under `root`; returns the regular files made. */
export async function generateShare(root: string, files: number): Promise<number> {
  const base = b(root);
  let made = 0;
  const folders: Buffer[] = [];
  for (let i = 0; folders.length * 40 < files; i++) {
    const parts = [
      i % 4,
      Math.floor(i / 4) % 4,
      Math.floor(i / 16) % 4,
      Math.floor(i / 64) % 4,
      i,
    ].map((n, level) => b(`level${level + 1}-${n}`));
    folders.push(join(base, ...parts));
  }
  for (const [f, folder] of folders.entries()) {
    await mkdir(folder, { recursive: true });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40 && made < files; i++, made++)
      writes.push(
        writeFile(join(folder, b(`doc-${f}-${i}.txt`)), `file ${f}/${i}\n`.repeat(1 + (i % 5))),
      );
    await Promise.all(writes);
  }
  // Odd names in the first folders; hard links, symbolic links, a sparse file, empty folders.
  for (const [i, name] of ODD_NAMES.entries()) {
    for (const folder of folders.slice(0, 3)) {
      await writeFile(join(folder, name), `odd ${i}\n`);
      made += 1;
    }
  }
  const first = folders[0]!;
  await link(join(first, b("doc-0-0.txt")), join(first, b("hardlink-to-doc-0-0.txt")));
  await link(join(first, b("doc-0-1.txt")), join(folders[5]!, b("hardlink across folders.txt")));
  await symlink("doc-0-2.txt", join(first, b("relative-link")));
  await symlink("../../../../../level1-0", join(first, b("link-to-a-folder")));
  await symlink("/etc/hostname", join(first, b("link-outside-the-share")));
  await symlink("missing-target", join(first, b("dangling-link")));
  const sparse = await open(join(base, b("sparse.img")), "w");
  await sparse.truncate(16 * 1024 * 1024);
  await sparse.write(Buffer.from("middle"), 0, 6, 8 * 1024 * 1024);
  await sparse.close();
  await mkdir(join(base, b("empty"), b("nested empty")), { recursive: true });
  await mkdir(join(first, b("-empty-with-dash")));
  await writeFile(join(folders[1]!, b("mode-600.txt")), "secret\n", { mode: 0o600 });
  await writeFile(join(folders[1]!, b("mode-755.sh")), "#!/bin/sh\n", { mode: 0o755 });
  return made + 4;
}

/** Every entry under `root` (names as raw bytes, latin-1 keyed) with what must survive a drill. */
export async function shareState(root: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const inodes = new Map<number, string[]>();
  const pending: Buffer[] = [Buffer.alloc(0)];
  for (let guard = 0; pending.length > 0 && guard < 10_000_000; guard++) {
    const rel = pending.pop()!;
    const dir = rel.length === 0 ? b(root) : join(b(root), rel);
    for (const name of await readdir(dir, { encoding: "buffer" })) {
      const relPath = rel.length === 0 ? name : join(rel, name);
      const key = relPath.toString("latin1");
      const path = join(b(root), relPath);
      const s = await lstat(path);
      const mode = (s.mode & 0o7777).toString(8);
      if (s.isSymbolicLink())
        state[key] = `link ${(await readlink(path, { encoding: "buffer" })).toString("latin1")}`;
      else if (s.isDirectory()) {
        state[key] = `dir ${mode}`;
        pending.push(relPath);
      } else if (s.isFile()) {
        const hash = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
        state[key] = `file ${mode} ${s.size} ${hash}`;
        if (s.nlink > 1) inodes.set(s.ino, [...(inodes.get(s.ino) ?? []), key]);
      } else state[key] = "other";
    }
  }
  for (const group of inodes.values()) {
    const sorted = group.sort();
    for (const key of sorted)
      state[key] += ` linked-with ${sorted.filter((k) => k !== key).join("|")}`;
  }
  return state;
}
