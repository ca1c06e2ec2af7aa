/**
 * Reads machine configurations from directories, single-machine files, fleet files
 * ({ machines: [...] } in YAML or JSON, or JSON Lines) and stdin. Every machine comes out
 * validated, or as the located problems that kept it out; nothing is skipped silently.
 */
import { createReadStream, readFileSync } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { InputProblem, Source } from "../evaluation/result.js";
import { MachineConfigSchema, type MachineConfig } from "../../machine-config/schema.js";
import { createAjv, twoSpeed } from "../../documents/ajv.js";
import isMachineConfig from "../../machine-config/machine-config.validate.cjs";
import {
  decodeText,
  parseJson,
  parseText,
  readDocumentSync,
  MAX_DOCUMENT_BYTES,
} from "../../documents/read-document.js";
import { validationProblems } from "../../documents/validation-problems.js";
import { entryLines, lineOf, onOneLine } from "../../documents/locate.js";
import { deviceRows, locateInRow } from "./network-device-csv.js";
import { LINES_CHUNK_BYTES, readStdin, stdinShape } from "./stdin-content.js";

/** Finds a machine's fields in the text just read. */
export interface LineLocator {
  /** The machine's source, under which lines kept past the read are filed (locate-evidence). */
  readonly source: Source;
  readonly machine: MachineConfig;
  /** The 1-based line of a field (a JSON pointer into the machine) in the source text. */
  readonly lineOf: (pointer: string) => number | undefined;
  /** The lines of a list's entries in one walk, when the text allows (see `entryLines`). */
  readonly entryLines: (pointer: string) => readonly number[] | undefined;
}

export type MachineRecord =
  | {
      readonly kind: "machine";
      readonly machine: MachineConfig;
      readonly source: Source;
      /**
       * Locates fields in the text just read, for a machine whose file spans several lines: valid
       * while the record is handled, so the text is never kept with the results.
       */
      readonly locate?: LineLocator;
    }
  | { readonly kind: "problem"; readonly problem: InputProblem };

const MACHINE_FILE = /\.(ya?ml|json)$/i;
const JSON_LINES = /\.(jsonl|ndjson)$/i;
/** A network-device CSV export: read when named as an input, never picked up from a folder of registers. */
const DEVICE_CSV = /\.csv$/i;
/** Machine files handed on together: one batch costs one promise round trip, not one per file. */
const FILES_PER_BATCH = 64;

// The yes/no validator is precompiled (npm run validators): compiling it took a second per run.
const validateMachine = twoSpeed<MachineConfig>(MachineConfigSchema, isMachineConfig, createAjv());

function isFleet(value: unknown): value is { machines: unknown[] } {
  return (
    value !== null &&
    typeof value === "object" &&
    !("hostname" in value) &&
    Array.isArray((value as { machines?: unknown }).machines)
  );
}

function check(
  value: unknown,
  source: Source,
  text: string | undefined,
  pointerPrefix = "",
  startLine = 1,
  locator?: Omit<LineLocator, "source" | "machine">,
): MachineRecord[] {
  if (validateMachine.isValid(value))
    return [
      locator === undefined
        ? { kind: "machine", machine: value, source }
        : {
            kind: "machine",
            machine: value,
            source,
            locate: { source, machine: value, ...locator },
          },
    ];
  const errors = validateMachine.explain(value);
  if (errors.length === 0) {
    const message = "does not match the machine-config schema";
    return [{ kind: "problem", problem: { file: source.file, pointer: pointerPrefix, message } }];
  }
  return validationProblems(errors, source.file, {
    ...(text === undefined ? {} : { text }),
    pointerPrefix,
    startLine,
  }).map((problem) => ({ kind: "problem", problem }));
}

/**
 * The machines in one parsed document: a single machine, or each entry of a fleet file. A file
 * on one line marks its sources so (every field is on line 1); otherwise each machine can locate
 * its fields in the text while it is handled. Text from stdin is not located: no file to point at.
 */
function fromDocument(value: unknown, file: string, text: string, located = true): MachineRecord[] {
  const oneLine = located && onOneLine(text);
  const locator = (prefix: string): Omit<LineLocator, "source" | "machine"> | undefined =>
    !located || oneLine
      ? undefined
      : {
          lineOf: (pointer) => lineOf(text, prefix + pointer),
          entryLines: (pointer) => entryLines(text, prefix + pointer),
        };
  if (!isFleet(value))
    return check(value, oneLine ? { file, oneLine } : { file }, text, "", 1, locator(""));
  return value.machines.flatMap((entry, index) => {
    const prefix = `/machines/${index}`;
    const source: Source = oneLine ? { file, index, oneLine } : { file, index };
    return check(entry, source, text, prefix, 1, locator(prefix));
  });
}

/** One JSON Lines record: a machine, or the problem with its line. */
function fromJsonLine(raw: string, file: string, line: number): MachineRecord[] {
  if (raw.trim() === "") return [];
  if (raw.length > MAX_DOCUMENT_BYTES) return tooLong(file, line);
  const doc = parseJson(raw, file, line);
  if (!doc.ok) return [{ kind: "problem", problem: { ...doc.problem, line } }];
  return check(doc.value, { file, line }, raw, "", line);
}

const tooLong = (file: string, line: number): MachineRecord[] => [
  {
    kind: "problem",
    problem: {
      file,
      line,
      pointer: "",
      message: "is longer than the 32 MiB limit for one machine",
    },
  },
];

/**
 * A unit of reading work, small enough to hand to a worker thread: document files to read and
 * parse, a run of JSON Lines already read, or records already made (stdin, missing paths).
 */
export type WorkItem =
  | { readonly kind: "files"; readonly files: readonly string[] }
  | {
      readonly kind: "lines";
      readonly file: string;
      readonly firstLine: number;
      /** UTF-8 bytes read; line i is bytes[spans[2i], spans[2i + 1]), without its newline. */
      readonly bytes: Buffer;
      readonly spans: readonly number[];
    }
  | { readonly kind: "records"; readonly records: readonly MachineRecord[] };

const NEWLINE = 0x0a;

/**
 * JSON Lines read in 1 MiB chunks of bytes, each chunk's complete lines one work item. A line
 * becomes a string only when it is checked: a megabyte of text split at once lived through
 * collections, and every chunk of the input ended up in the old generation until a full one.
 */
async function* jsonLinesItems(file: string): AsyncGenerator<WorkItem> {
  const stream = createReadStream(file, { highWaterMark: LINES_CHUNK_BYTES });
  try {
    yield* linesItems(stream as AsyncIterable<Buffer>, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const message = `cannot be read: ${code}`;
    yield {
      kind: "records",
      records: [{ kind: "problem", problem: { file, pointer: "", message } }],
    };
  } finally {
    stream.destroy();
  }
}

/** JSON Lines as they arrive in chunks of bytes (a file's, stdin's): each chunk's complete lines one work item. */
async function* linesItems(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<WorkItem> {
  // The line begun in earlier chunks, in pieces: it alone is copied once its newline comes, not
  // the chunk it ends in (copying every chunk was 0.05 s of a 100,000-machine check).
  let pieces: Buffer[] = [];
  let piecesLength = 0;
  // After a line longer than any machine may be: its remaining bytes, up to its newline.
  let skipping = false;
  let line = 1;
  /** The gathered line as a work item of its own; the pieces are emptied. */
  const gathered = (): WorkItem => {
    const bytes = Buffer.concat(pieces, piecesLength);
    pieces = [];
    piecesLength = 0;
    return { kind: "lines", file, firstLine: line, bytes, spans: [0, bytes.length] };
  };
  for await (const chunk of chunks) {
    let start = 0;
    if (skipping) {
      const end = chunk.indexOf(NEWLINE);
      if (end === -1) continue;
      skipping = false;
      start = end + 1;
    } else if (piecesLength > 0) {
      const end = chunk.indexOf(NEWLINE);
      pieces.push(end === -1 ? chunk : chunk.subarray(0, end));
      piecesLength += end === -1 ? chunk.length : end;
      // Its first 32 MiB stand for the line, which is reported as too long; the rest is skipped.
      if (end === -1 && piecesLength <= MAX_DOCUMENT_BYTES) continue;
      yield gathered();
      line++;
      if (end === -1) {
        skipping = true;
        continue;
      }
      start = end + 1;
    }
    const spans: number[] = [];
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      spans.push(start, end);
      start = end + 1;
    }
    if (start < chunk.length) {
      if (chunk.length - start > MAX_DOCUMENT_BYTES) {
        spans.push(start, chunk.length);
        skipping = true;
      } else {
        pieces.push(chunk.subarray(start));
        piecesLength = chunk.length - start;
      }
    }
    if (spans.length === 0) continue;
    yield { kind: "lines", file, firstLine: line, bytes: chunk, spans };
    line += spans.length / 2;
  }
  if (piecesLength > 0) yield gathered();
}

/** The devices of a CSV export, each validated like a machine file and located by row and column. */
export function fromDeviceCsv(text: string, file: string): MachineRecord[] {
  return deviceRows(text, file).flatMap((entry): MachineRecord[] => {
    if ("problems" in entry) return entry.problems.map((problem) => ({ kind: "problem", problem }));
    return check(entry.value, { file, line: entry.line }, undefined).map((record) =>
      record.kind === "problem"
        ? { kind: "problem", problem: locateInRow(record.problem, entry) }
        : record,
    );
  });
}

function fromDeviceCsvFile(file: string): MachineRecord[] {
  let text: string;
  try {
    text = decodeText(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return [
      { kind: "problem", problem: { file, pointer: "", message: `cannot be read: ${code}` } },
    ];
  }
  return fromDeviceCsv(text, file);
}

function fromDocumentFile(file: string): MachineRecord[] {
  const doc = readDocumentSync(file);
  return doc.ok
    ? fromDocument(doc.value, file, doc.text)
    : [{ kind: "problem", problem: doc.problem }];
}

/**
 * Machine files below a directory, in a stable order; hidden files and folders are left out.
 * A symbolic link is followed when it resolves inside the directory; one that leads outside it,
 * dangles or loops is a problem with the reason, never skipped without a word.
 */
async function listDirectory(
  dir: string,
): Promise<{ files: ListedFile[]; problems: InputProblem[] }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const realDir = await realpath(dir);
  const files: ListedFile[] = [];
  const problems: InputProblem[] = [];
  for (const e of entries) {
    const full = path.join(e.parentPath, e.name);
    if (
      path
        .relative(dir, full)
        .split(path.sep)
        .some((part) => part.startsWith("."))
    )
      continue;
    const named = MACHINE_FILE.test(e.name) || JSON_LINES.test(e.name);
    if (e.isFile()) {
      // A recursive listing descends into folders, never through links: every folder between
      // the directory and the file is real, so the file's real path needs no call per file
      // (a realpath each, one after another, was 4 s of 100,000 files' 11 s).
      if (named) files.push({ path: full, real: path.join(realDir, path.relative(dir, full)) });
      continue;
    }
    if (!e.isSymbolicLink()) continue;
    let target: string;
    try {
      target = await realpath(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const why = code === "ELOOP" ? "loops" : code === "ENOENT" ? "points at nothing" : code;
      problems.push({
        file: full,
        pointer: "",
        message: `is a symbolic link that ${why}: not followed`,
      });
      continue;
    }
    if (target !== realDir && !target.startsWith(realDir + path.sep)) {
      problems.push({
        file: full,
        pointer: "",
        message: `is a symbolic link to ${target}, outside ${dir}: not followed (copy the file in, or name it on the command line)`,
      });
      continue;
    }
    // A linked folder inside the directory is listed under its own name already.
    if (named && (await stat(target)).isFile()) files.push({ path: full, real: target });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}

/** A machine file found in a directory, with its real path (links and `..` resolved). */
interface ListedFile {
  readonly path: string;
  readonly real: string;
}

async function* directoryItems(
  dir: string,
  firstVisit: (real: string) => boolean,
): AsyncGenerator<WorkItem> {
  const { files: listed, problems } = await listDirectory(dir);
  const files: string[] = [];
  for (const file of listed) if (firstVisit(file.real)) files.push(file.path);
  if (problems.length > 0)
    yield { kind: "records", records: problems.map((problem) => ({ kind: "problem", problem })) };
  if (listed.length === 0 && problems.length === 0) {
    const message = "holds no .yaml, .yml, .json or .jsonl machine files";
    yield {
      kind: "records",
      records: [{ kind: "problem", problem: { file: dir, pointer: "", message } }],
    };
    return;
  }
  let documents: string[] = [];
  for (const file of files) {
    if (JSON_LINES.test(file)) {
      if (documents.length > 0) yield { kind: "files", files: documents };
      documents = [];
      yield* jsonLinesItems(file);
    } else {
      documents.push(file);
      if (documents.length === FILES_PER_BATCH) {
        yield { kind: "files", files: documents };
        documents = [];
      }
    }
  }
  if (documents.length > 0) yield { kind: "files", files: documents };
}

const STDIN = "<stdin>";

/** Stdin: JSON Lines as they arrive, or one document read whole. */
async function* stdinItems(stdin: Readable): AsyncGenerator<WorkItem> {
  const content = await readStdin(stdin);
  switch (content.kind) {
    case "lines":
      yield* linesItems(content.chunks, STDIN);
      return;
    case "document":
      yield { kind: "records", records: fromStdinText(decodeText(content.bytes)) };
      return;
    case "too-large": {
      const message = `is larger than the ${MAX_DOCUMENT_BYTES / 1048576} MiB limit for one document (use JSON Lines, one machine per line, for a large fleet)`;
      yield {
        kind: "records",
        records: [{ kind: "problem", problem: { file: STDIN, pointer: "", message } }],
      };
    }
  }
}

/**
 * One document from stdin. Text that starts like JSON is parsed as JSON: YAML's parser takes
 * far longer and far more memory on it, and JSON is YAML too. Several JSON objects, one per line
 * (a PowerShell pipe in UTF-16, which is not told apart before decoding), are JSON Lines.
 */
function fromStdinText(raw: string): MachineRecord[] {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const jsonLike = /^\s*[{[]/.test(text);
  const doc = jsonLike ? parseJson(text, STDIN) : parseText(text, STDIN);
  if (doc.ok) return fromDocument(doc.value, STDIN, doc.text, false);
  // Told as the bytes of a UTF-8 pipe are told; only a failed parse pays for the copy.
  if (jsonLike && stdinShape(Buffer.from(text), true) === "lines")
    return text.split("\n").flatMap((line, i) => fromJsonLine(line, STDIN, i + 1));
  // A YAML flow mapping starts like JSON; YAML is tried on text of the size people write by hand.
  if (jsonLike && text.length <= YAML_FALLBACK_BYTES) {
    const yaml = parseText(text, STDIN);
    if (yaml.ok) return fromDocument(yaml.value, STDIN, yaml.text, false);
  }
  return [{ kind: "problem", problem: doc.problem }];
}

const YAML_FALLBACK_BYTES = 1 << 20;

/** The inputs ("-" is stdin) as work items, in order. */
export async function* workItems(
  inputs: readonly string[],
  stdin: Readable = process.stdin,
): AsyncGenerator<WorkItem> {
  // A file reached twice (a folder and a file in it, or a link) is read once: read twice, its
  // machines would clash with themselves on every uniqueness control and take two seats.
  const seen = new Set<string>();
  const firstVisit = (real: string): boolean => {
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  for (const input of inputs) {
    if (input === "-") {
      yield* stdinItems(stdin);
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === "ENOENT" ? "does not exist" : `cannot be read: ${code ?? String(error)}`;
      yield {
        kind: "records",
        records: [{ kind: "problem", problem: { file: input, pointer: "", message } }],
      };
      continue;
    }
    if (info.isDirectory()) yield* directoryItems(input, firstVisit);
    else if (!firstVisit(await realpath(input).catch(() => path.resolve(input)))) continue;
    else if (JSON_LINES.test(input)) yield* jsonLinesItems(input);
    else if (DEVICE_CSV.test(input)) yield { kind: "records", records: fromDeviceCsvFile(input) };
    else yield { kind: "files", files: [input] };
  }
}

/**
 * Reads and validates what a work item names, handing each machine (or problem) to `visit` as
 * soon as it is made: a machine is checked and dropped while its objects are still young, which
 * the garbage collector reclaims for almost nothing. `unit` is the line or file of the item the
 * record came from and `k` its place among that unit's records: together with the item's place
 * in the input they order every record as one run reads it. With `owns`, only the lines and files
 * it accepts are parsed at all (a shard's share); records already made are all visited.
 */
export function visitRecords(
  item: WorkItem,
  visit: (record: MachineRecord, unit: number, k: number) => void,
  owns?: (part: Source) => boolean,
): void {
  switch (item.kind) {
    case "records":
      item.records.forEach((record, k) => visit(record, 0, k));
      return;
    case "lines": {
      const { bytes, spans } = item;
      for (let i = 0; i < spans.length / 2; i++) {
        const line = item.firstLine + i;
        if (owns !== undefined && !owns({ file: item.file, line })) continue;
        const start = spans[2 * i]!;
        const end = spans[2 * i + 1]!;
        const records =
          end - start > MAX_DOCUMENT_BYTES
            ? tooLong(item.file, line)
            : fromJsonLine(bytes.toString("utf8", start, end), item.file, line);
        for (let k = 0; k < records.length; k++) visit(records[k]!, i, k);
      }
      return;
    }
    case "files":
      item.files.forEach((file, i) => {
        if (owns !== undefined && !owns({ file })) return;
        fromDocumentFile(file).forEach((record, k) => visit(record, i, k));
      });
      return;
  }
}

/** What a work item is, without its content: every shard sees the same shapes in the same order. */
export function itemShape(item: WorkItem): string {
  switch (item.kind) {
    case "records":
      return `records\u0000${item.records.length}`;
    case "lines":
      return `lines\u0000${item.file}\u0000${item.firstLine}\u0000${item.spans.join(",")}`;
    case "files":
      return `files\u0000${item.files.join("\u0000")}`;
  }
}

/** Reads and validates what a work item names: every machine, or the problems that kept it out. */
export function recordsOf(item: WorkItem): readonly MachineRecord[] {
  const records: MachineRecord[] = [];
  visitRecords(item, (record) => records.push(record));
  return records;
}

/**
 * Every machine in the given inputs ("-" is stdin), in order, or the problems that kept it out,
 * handed on in batches so that a large fleet costs no promise round trip per machine.
 */
export async function* readMachineBatches(
  inputs: readonly string[],
  stdin: Readable = process.stdin,
): AsyncGenerator<readonly MachineRecord[]> {
  for await (const item of workItems(inputs, stdin)) yield recordsOf(item);
}

/** The same, one record at a time. */
export async function* readMachines(
  inputs: readonly string[],
  stdin: Readable = process.stdin,
): AsyncGenerator<MachineRecord> {
  for await (const batch of readMachineBatches(inputs, stdin)) yield* batch;
}
