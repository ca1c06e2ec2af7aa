/**
 * File names as bytes and as text. A name that is valid UTF-8 is its text. Each byte that is not
 * part of valid UTF-8 is written "\xNN" (two lowercase hex digits), as restic's trees write it, so
 * the text is unique per name and turns back into the same bytes: Latin-1 "Müller" and "Möller"
 * stay two names. A backslash that would read as such an escape ("back\xfc.txt" typed as text)
 * is itself written "\x5c", so no text names two files. `restic ls --json` shows each byte that
 * is not UTF-8 as U+FFFD instead (`lsForm`).
 */

/** Bytes in the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const n =
    c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const second = b[i + 1]!;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not valid UTF-8.
  if (c === 0xe0 && second < 0xa0) return 0;
  if (c === 0xed && second > 0x9f) return 0;
  if (c === 0xf0 && second < 0x90) return 0;
  if (c === 0xf4 && second > 0x8f) return 0;
  return n;
}

const strict = new TextDecoder("utf-8", { fatal: true });

/** A backslash in valid text that an escape could be mistaken for ("back\xfc.txt" as typed). */
const LOOKS_ESCAPED = /\\(?=x[0-9a-f]{2})/g;

/** Valid UTF-8 text as a name's text: a backslash that reads as an escape is itself "\x5c". */
function literal(text: string): string {
  return text.includes("\\x") ? text.replace(LOOKS_ESCAPED, "\\x5c") : text;
}

/** A name's text: UTF-8 as it is, every other byte as "\xNN". */
export function nameFromBytes(bytes: Uint8Array): string {
  try {
    return literal(strict.decode(bytes));
  } catch {
    let out = "";
    let run = 0; // start of the valid UTF-8 not yet copied
    for (let i = 0; i < bytes.length;) {
      const n = sequenceLength(bytes, i);
      if (n > 0) {
        i += n;
        continue;
      }
      out +=
        literal(strict.decode(bytes.subarray(run, i))) +
        `\\x${bytes[i]!.toString(16).padStart(2, "0")}`;
      i += 1;
      run = i;
    }
    return out + literal(strict.decode(bytes.subarray(run)));
  }
}

/** An escape in a name's text: a byte that is not UTF-8 (80 to ff), or a literal backslash (5c). */
const ESCAPE = /\\x([89a-f][0-9a-f]|5c)/g;

/** The bytes of a name's text: each "\xNN" escape is that byte, the rest UTF-8. */
export function nameToBytes(name: string): Buffer {
  if (!name.includes("\\x")) return Buffer.from(name, "utf8");
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of name.matchAll(ESCAPE)) {
    parts.push(Buffer.from(name.slice(last, m.index), "utf8"), Buffer.from([parseInt(m[1]!, 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(name.slice(last), "utf8"));
  return Buffer.concat(parts);
}

/** Paths as a NUL-separated list of their bytes, for a command's stdin. */
export function nulSeparated(paths: readonly string[], prefix = ""): Buffer {
  return Buffer.concat(paths.flatMap((p) => [nameToBytes(prefix + p), Buffer.from([0])]));
}

/** A name as `restic ls --json` shows it: each byte that is not UTF-8 as U+FFFD. */
export function lsForm(name: string): string {
  return name.includes("\\x")
    ? name.replace(ESCAPE, (_, hex: string) => (hex === "5c" ? "\\" : "\uFFFD"))
    : name;
}
