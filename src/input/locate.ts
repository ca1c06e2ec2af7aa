/** Maps a JSON pointer to the line where that value stands in a YAML or JSON text. */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/** Decodes an RFC 6901 pointer into its reference tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Encodes reference tokens as an RFC 6901 pointer. */
export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => "/" + String(t).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** Resolves a pointer in a plain value; undefined when absent. */
export function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const token of pointerTokens(pointer)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

let cache: { text: string; doc: Document; lineCounter: LineCounter } | undefined;

/**
 * 1-based line of the deepest existing node on the pointer's path (a missing field is reported
 * where its parent stands). `startLine` offsets a document embedded in a larger file.
 */
export function lineOf(text: string, pointer: string, startLine = 1): number | undefined {
  // A fleet file with many bad machines asks for many lines of one text: parse it once.
  if (cache?.text !== text) {
    const lineCounter = new LineCounter();
    try {
      cache = { text, doc: parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter };
    } catch {
      return undefined;
    }
  }
  const { doc, lineCounter } = cache;
  let node: Node | null = doc.contents;
  let last: Node | null = node;
  for (const token of pointerTokens(pointer)) {
    let next: unknown = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === token);
      next = pair ? (pair.value ?? pair.key) : undefined;
    } else if (isSeq(node)) {
      next = node.items[Number(token)];
    }
    if (next === undefined || next === null || typeof next !== "object") break;
    node = next as Node;
    last = node;
  }
  const offset = last?.range?.[0];
  if (offset === undefined) return undefined;
  return lineCounter.linePos(offset).line + startLine - 1;
}
