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
