/** Maps a JSON pointer to the line where that value stands in a YAML or JSON text. */
import { findNodeAtLocation, parseTree, type Node as JsonNode } from "jsonc-parser";
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

/** True when no line break comes before the last character that is not one. */
export function onOneLine(text: string): boolean {
  const first = text.indexOf("\n");
  return first === -1 || text.slice(first).trim() === "";
}

/** Offsets where each line of a text starts: line n (1-based) starts at lineStarts[n - 1]. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * 1-based line of a character offset, by binary search in the text's line starts: a fleet file
 * with many failing machines asks for many lines of one text, and scanning from its start for
 * each would take time quadratic in the fleet.
 */
export function lineAtOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** JSON goes through a JSON parser (many times faster than YAML's for collector output). */
let jsonCache: { text: string; root: JsonNode | undefined; starts: number[] } | undefined;

function jsonTree(text: string): { root: JsonNode | undefined; starts: number[] } {
  if (jsonCache?.text !== text)
    jsonCache = { text, root: parseTree(text), starts: lineStarts(text) };
  return jsonCache;
}

function jsonOffset(text: string, pointer: string): number | undefined {
  const root = jsonTree(text).root;
  if (root === undefined) return undefined;
  let node: JsonNode = root;
  for (const token of pointerTokens(pointer)) {
    const next = findNodeAtLocation(node, [node.type === "array" ? Number(token) : token]);
    if (next === undefined) break;
    node = next;
  }
  // A property's value: report the line of its key, where a reader looks.
  return node.parent?.type === "property" ? node.parent.offset : node.offset;
}

/**
 * The line of each entry of the list at a pointer, exactly as `lineOf` gives each
 * `${pointer}/${i}`, from one walk instead of one per entry. JSON only: undefined for YAML, a
 * pointer that is not a list, or anything else where asking entry by entry is the sure way.
 */
export function entryLines(text: string, pointer: string, startLine = 1): number[] | undefined {
  try {
    if (!/^\s*[{[]/.test(text)) return undefined;
    const { root, starts } = jsonTree(text);
    let node: JsonNode | undefined = root;
    for (const token of pointerTokens(pointer)) {
      if (node === undefined) return undefined;
      node = findNodeAtLocation(node, [node.type === "array" ? Number(token) : token]);
    }
    if (node?.type !== "array" || node.children === undefined) return undefined;
    return node.children.map((entry) => lineAtOffset(starts, entry.offset) + startLine - 1);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

let cache: { text: string; doc: Document; lineCounter: LineCounter } | undefined;

function yamlOffset(text: string, pointer: string): { offset: number; line: number } | undefined {
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
  return offset === undefined ? undefined : { offset, line: lineCounter.linePos(offset).line };
}

/**
 * 1-based line of the deepest existing node on the pointer's path (a missing field is reported
 * where its parent stands). `startLine` offsets a document embedded in a larger file.
 */
export function lineOf(text: string, pointer: string, startLine = 1): number | undefined {
  try {
    if (/^\s*[{[]/.test(text)) {
      const offset = jsonOffset(text, pointer);
      if (offset !== undefined) return lineAtOffset(jsonTree(text).starts, offset) + startLine - 1;
    }
    const found = yamlOffset(text, pointer);
    return found === undefined ? undefined : found.line + startLine - 1;
  } catch (error) {
    // Both parsers recurse: a document nested thousands deep overflows the stack. The problem is
    // still reported, by its pointer, just without a line.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
