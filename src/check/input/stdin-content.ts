/**
 * What `stronghold check -` was given on stdin, told from its first bytes: JSON Lines, read as
 * they arrive like a .jsonl file, or one YAML or JSON document, read whole up to the limit a file
 * has. Read whole and parsed as YAML first, 23 MB of JSON Lines (10,000 machines) took the heap
 * past 4 GB.
 */
import type { Readable } from "node:stream";
import { MAX_DOCUMENT_BYTES } from "../../documents/read-document.js";

export type StdinContent =
  /** One JSON object per line: `chunks` yields every byte, the ones already looked at first. */
  | { readonly kind: "lines"; readonly chunks: AsyncIterable<Buffer> }
  /** Anything else, whole: a document (a machine or a fleet) in YAML or JSON, or nothing. */
  | { readonly kind: "document"; readonly bytes: Buffer }
  /** A document longer than one document may be; the rest was not read. */
  | { readonly kind: "too-large" };

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === NEWLINE;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * JSON Lines when the first line is one JSON object (from `{` to `}`) and the next line that is
 * not blank starts another; a document when the first bytes say otherwise (a pretty-printed
 * JSON's first line is `{` alone, a UTF-16 byte-order mark is Windows PowerShell 5.1's document).
 * Undefined while the bytes so far cannot tell.
 */
export function stdinShape(head: Buffer, ended: boolean): "lines" | "document" | undefined {
  if (head[0] === 0xff || head[0] === 0xfe) return "document";
  let i = head.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  while (i < head.length && isSpace(head[i]!)) i++;
  if (i === head.length) return ended ? "document" : undefined;
  if (head[i] !== OPEN_BRACE) return "document";
  const newline = head.indexOf(NEWLINE, i);
  // A first line longer than any machine may be: as lines it is reported and the rest still read.
  if (newline === -1)
    return ended ? "document" : head.length > MAX_DOCUMENT_BYTES ? "lines" : undefined;
  let last = newline - 1;
  while (last > i && isSpace(head[last]!)) last--;
  if (head[last] !== CLOSE_BRACE) return "document";
  let next = newline + 1;
  while (next < head.length && isSpace(head[next]!)) next++;
  if (next === head.length) return ended ? "document" : undefined;
  return head[next] === OPEN_BRACE ? "lines" : "document";
}

/** Reads stdin far enough to tell what it holds; JSON Lines are left to be read as they arrive. */
export async function readStdin(stdin: Readable): Promise<StdinContent> {
  const source = bytesOf(stdin)[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let head: Buffer = Buffer.alloc(0);
  let unseen = 0;
  let shape: "lines" | "document" | undefined;
  let ended = false;
  while (shape === undefined) {
    const next = await source.next();
    if (next.done === true) ended = true;
    else {
      seen.push(next.value);
      unseen += next.value.length;
    }
    // Looked at again once the bytes have doubled: a long first line costs no quadratic copying.
    if (!ended && unseen < head.length) continue;
    head = seen.length === 1 ? seen[0]! : Buffer.concat(seen);
    unseen = 0;
    shape = stdinShape(head, ended);
  }
  if (shape === "lines") {
    const bom = head.subarray(0, 3).equals(UTF8_BOM);
    const rest = (async function* () {
      yield bom ? head.subarray(3) : head;
      for (let next = await source.next(); next.done !== true; next = await source.next())
        yield next.value;
    })();
    return { kind: "lines", chunks: fixedChunks(rest, LINES_CHUNK_BYTES) };
  }
  let size = head.length;
  const rest: Buffer[] = [head];
  while (!ended && size <= MAX_DOCUMENT_BYTES) {
    const next = await source.next();
    if (next.done === true) ended = true;
    else {
      rest.push(next.value);
      size += next.value.length;
    }
  }
  if (size > MAX_DOCUMENT_BYTES) {
    // Stop reading: the writer gets a broken pipe rather than filling memory.
    await source.return?.(undefined);
    return { kind: "too-large" };
  }
  return { kind: "document", bytes: Buffer.concat(rest) };
}

/**
 * JSON Lines are read in chunks of this size, as from a file: the work items (and so the places
 * shards and merges give each machine) depend on the bytes, not on how a pipe delivered them.
 */
export const LINES_CHUNK_BYTES = 1 << 20;

/** The bytes again, in chunks of exactly `size` bytes but the last. */
export async function* fixedChunks(
  source: AsyncIterable<Buffer>,
  size: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < size) continue;
    let all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    let start = 0;
    for (; all.length - start >= size; start += size) yield all.subarray(start, start + size);
    all = all.subarray(start);
    pending = all.length === 0 ? [] : [all];
    pendingBytes = all.length;
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/** Stdin's chunks as bytes: a stream given text (setEncoding, or Readable.from strings) too. */
async function* bytesOf(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>)
    yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}
