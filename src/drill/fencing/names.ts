/**
 * File names a drill gives to files it renames: the original name plus an extension, shortened
 * when that would pass the file-name limit, so the rename cannot fail with "name too long".
 */
import { createHash } from "node:crypto";

/** The longest file name (one path component) in bytes on Linux file systems (ext4, xfs, btrfs). */
export const NAME_MAX = 255;

/** The longest prefix of `name` that fits in `bytes` bytes of UTF-8 without splitting a character. */
function prefixWithin(name: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const char of name) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    used += size;
    end += char.length;
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
  if (Buffer.byteLength(plain) <= NAME_MAX && !taken(plain)) return plain;
  const digest = createHash("sha256").update(name).digest("hex").slice(0, 12);
  for (let n = 0; n < 1000; n++) {
    const tag = `~${digest}${n === 0 ? "" : `-${n}`}${extension}`;
    const candidate = `${prefixWithin(name, NAME_MAX - Buffer.byteLength(tag))}${tag}`;
    if (!taken(candidate)) return candidate;
  }
  throw new Error(`no free shortened name for ${name}${extension}`);
}
