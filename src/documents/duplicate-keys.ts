/** Finds the first repeated key in a JSON text, which JSON.parse would let the last one win. */
import { toPointer } from "./locate.js";

/** Where a key repeats: the pointer of the key and the 1-based line of its second appearance. */
export interface DuplicateKey {
  readonly pointer: string;
  readonly line: number;
}

type Frame =
  | { readonly kind: "object"; readonly keys: Set<string>; key: string | undefined }
  | { readonly kind: "array"; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Scans a text JSON.parse has already accepted. Iterative, so a document nested thousands deep
 * cannot overflow the stack, and linear: one pass, one set of keys per open object.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
    } else if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === BACKSLASH) {
          escaped = true;
          end++;
        } else if (d === QUOTE) break;
      }
      if (expectKey) {
        const frame = stack[stack.length - 1] as Extract<Frame, { kind: "object" }>;
        const key = escaped
          ? (JSON.parse(text.slice(i, end + 1)) as string)
          : text.slice(i + 1, end);
        if (frame.keys.has(key)) {
          const path = stack.map((f) => (f.kind === "array" ? f.index : (f.key ?? "")));
          path[path.length - 1] = key;
          return { pointer: toPointer(path), line };
        }
        frame.keys.add(key);
        frame.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ kind: "object", keys: new Set(), key: undefined });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ kind: "array", index: 0 });
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame?.kind === "array") frame.index++;
      expectKey = frame?.kind === "object";
    }
  }
  return undefined;
}

// countKeys' stack, kept between calls: a machine with a hundred programs grew a new one to a
// hundred entries (2.5 KB of garbage per machine). Empty whenever countKeys returns.
const pending: unknown[] = [];

/** Keys of every object in a parsed JSON value, walked without recursion. */
function countKeys(value: unknown): number {
  let keys = 0;
  const stack = pending;
  stack.push(value);
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === "object") stack.push(item);
      continue;
    }
    for (const key in v) {
      keys++;
      const item = (v as Record<string, unknown>)[key];
      if (item !== null && typeof item === "object") stack.push(item);
    }
  }
  return keys;
}

/**
 * The same answer as findDuplicateKey for a text JSON.parse turned into `value`, without the
 * character scan in the common case. In a text without backslashes no string holds a quote, so
 * when no colon follows white space, every key is written `"…":`, and a string that begins with
 * a colon only adds to the count of `":`; JSON.parse kept one key per distinct key of each object,
 * so the count equals its keys exactly when nothing repeats. Otherwise (or to locate the repeat)
 * the full scan runs. Colons are found one by one: `indexOf` of one character is about twice as
 * fast as of `":` (a 100,000-machine check spent 0.2 s counting those).
 */
export function findDuplicateKeyOf(text: string, value: unknown): DuplicateKey | undefined {
  if (text.indexOf("\\") === -1) {
    let written = 0;
    for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) {
      const before = text.charCodeAt(i - 1);
      if (before === QUOTE) written++;
      else if (before === 0x20 || before === 0x09 || before === NEWLINE || before === 0x0d) {
        written = -1; // a key may have white space before its colon: scan
        break;
      }
    }
    if (written === countKeys(value)) return undefined;
  }
  return findDuplicateKey(text);
}
