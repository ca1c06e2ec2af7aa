/** Reads one YAML or JSON document from disk or text, turning every way it can be unusable into a problem. */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import { toPointer } from "./locate.js";
import { findDuplicateKeyOf } from "./duplicate-keys.js";
import { embeddedValue } from "./embedded-documents.js";
import type { InputProblem } from "./input-problem.js";

/** A machine file is a few KB and a fleet file of thousands a few MB; larger fleets belong in JSON Lines. */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

export type ParsedDocument =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | { readonly ok: false; readonly problem: InputProblem };

const problem = (file: string, message: string, line?: number): ParsedDocument => ({
  ok: false,
  problem: { file, pointer: "", ...(line === undefined ? {} : { line }), message },
});

function isJsonName(file: string): boolean {
  return file.toLowerCase().endsWith(".json");
}

/**
 * Parses JSON text, refusing a repeated key (JSON.parse would silently keep the last one, and a
 * machine could then pass on a value its author overrode by mistake) as YAML's parser does.
 */
export function parseJson(text: string, file: string, startLine = 1): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    const line =
      position === undefined
        ? undefined
        : text.slice(0, Number(position)).split("\n").length + startLine - 1;
    return problem(file, `is not valid JSON: ${(error as Error).message}`, line);
  }
  const duplicate = findDuplicateKeyOf(text, value);
  if (duplicate !== undefined) {
    return {
      ok: false,
      problem: {
        file,
        pointer: duplicate.pointer,
        line: duplicate.line + startLine - 1,
        message:
          "is a duplicate key: each key may appear once in an object (JSON readers disagree on which one wins)",
      },
    };
  }
  return { ok: true, value, text };
}

/** The YAML parser recurses once per level; thousands of levels overflow the stack. */
const TOO_DEEP =
  "is nested too deeply to read as YAML (thousands of levels; a machine config has a few)";

const DUPLICATE_KEY_MESSAGE =
  "is a duplicate key: each key may appear once in a mapping (readers disagree on which one wins)";

/** The pointer of the mapping key that starts at `offset`, found by walking the parsed tree. */
function keyPointerAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  try {
    visit(doc, {
      Pair(_key, pair, ancestors) {
        if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
        const tokens: (string | number)[] = [];
        ancestors.forEach((node, i) => {
          if (isPair(node) && isScalar(node.key)) tokens.push(String(node.key.value));
          else if (isSeq(node)) tokens.push(node.items.indexOf(ancestors[i + 1]));
        });
        found = toPointer([...tokens, String(pair.key.value)]);
        return visit.BREAK;
      },
    });
  } catch (error) {
    // A tree nested thousands deep overflows the walk: the line still says where.
    if (!(error instanceof RangeError)) throw error;
  }
  return found;
}

/** Parses text already read: JSON by file name (fast path), YAML 1.2 otherwise. */
export function parseText(rawText: string, file: string, startLine = 1): ParsedDocument {
  // Windows tools (PowerShell 5.1's Out-File, Notepad) start UTF-8 files with a byte-order mark.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (text.includes("\u0000")) return problem(file, "is a binary file, expected YAML or JSON text");
  if (!/\S/.test(text)) return problem(file, "is empty, expected a YAML or JSON document");
  if (isJsonName(file)) return parseJson(text, file, startLine);
  // The bundle carries the shipped policy files already parsed, found by their exact text.
  const embedded = embeddedValue(text);
  if (embedded !== undefined) return { ok: true, value: embedded.value, text };
  const lineCounter = new LineCounter();
  let doc;
  try {
    // Alias expansion is capped: a "billion laughs" file is refused instead of exhausting memory.
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    if (error instanceof RangeError) return problem(file, TOO_DEEP);
    return problem(file, `is not valid YAML: ${(error as Error).message}`);
  }
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line + startLine - 1;
    // The parser turns its own stack overflow into this error.
    if (first.code === "RESOURCE_EXHAUSTION") return problem(file, TOO_DEEP, line);
    if (first.code === "DUPLICATE_KEY") {
      const pointer = keyPointerAt(doc, first.pos[0]);
      if (pointer !== undefined)
        return { ok: false, problem: { file, pointer, line, message: DUPLICATE_KEY_MESSAGE } };
    }
    return problem(file, `is not valid YAML: ${first.message.split("\n")[0]}`, line);
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }), text };
  } catch (error) {
    if (error instanceof RangeError) return problem(file, TOO_DEEP);
    return problem(file, `is not usable YAML: ${(error as Error).message}`);
  }
}

/**
 * The file's text: UTF-16 when it starts with a UTF-16 byte-order mark (what Windows PowerShell
 * 5.1's `>` and `Out-File` write by default), UTF-8 otherwise.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  return bytes.toString("utf8");
}

/**
 * Reads and parses a file, refusing oversized files before reading them. Synchronous on purpose:
 * for thousands of small files on a local disk, a blocking read is several times faster than a
 * promise round trip through the thread pool, and a batch check has nothing else to do meanwhile.
 */
export function readDocumentSync(file: string, maxBytes = MAX_DOCUMENT_BYTES): ParsedDocument {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const info = fstatSync(fd);
    if (!info.isFile()) return problem(file, "is not a regular file");
    if (info.size > maxBytes) {
      return problem(
        file,
        `is ${(info.size / 1048576).toFixed(1)} MiB, larger than the ${maxBytes / 1048576} MiB limit for one document (use one file per machine, or JSON Lines for a large fleet)`,
      );
    }
    return parseText(decodeText(readFileSync(fd)), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") return problem(file, "is not a regular file");
    return problem(file, `cannot be read: ${code ?? String(error)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The same, for callers that read one policy file among other async work. */
export function readDocument(file: string, maxBytes = MAX_DOCUMENT_BYTES): Promise<ParsedDocument> {
  return Promise.resolve(readDocumentSync(file, maxBytes));
}
