/**
 * File names a drill gives to files it renames: the original name plus an extension, shortened
 * when that would pass the file-name limit, so the rename cannot fail with "name too long".
 */
import { createHash } from "node:crypto";
import { nameToBytes } from "../../support/file-names.js";

/** The longest file name (one path component) in bytes on Linux file systems (ext4, xfs, btrfs). */
export const NAME_MAX = 255;

// A name's text (file-names.ts) writes each byte that is not UTF-8, and a typed backslash before
// "x", as "\xNN": one byte on disk, never to be cut in two.
const UNIT = /\\x(?:[89a-f][0-9a-f]|5c)|[\s\S]/gu;

/**
 * The longest prefix of `name` that fits in `bytes` bytes on disk, without splitting a character
 * or a byte escape.
 */
function prefixWithin(name: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const [unit] of name.matchAll(UNIT)) {
    const size = nameToBytes(unit).length;
    if (used + size > bytes) break;
    used += size;
    end += unit.length;
  }
  return name.slice(0, end);
}

/**
 * `name` + `extension` when that fits in NAME_MAX bytes; otherwise a prefix of `name`, "~", 12
 * hex digits of the name's sha256 and the extension: still ending in the extension, at most
 * NAME_MAX bytes, and different from every name `taken` reports (a further digit counter if needed).
 */
export function lockedName(
  name: string,
  extension: string,
  taken: (candidate: string) => boolean = () => false,
): string {
  const plain = `${name}${extension}`;
  if (nameToBytes(plain).length <= NAME_MAX && !taken(plain)) return plain;
  const digest = createHash("sha256").update(name).digest("hex").slice(0, 12);
  for (let n = 0; n < 1000; n++) {
    const tag = `~${digest}${n === 0 ? "" : `-${n}`}${extension}`;
    const candidate = `${prefixWithin(name, NAME_MAX - Buffer.byteLength(tag))}${tag}`;
    if (!taken(candidate)) return candidate;
  }
  throw new Error(`no free shortened name for ${name}${extension}`);
}
