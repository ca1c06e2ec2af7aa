/**
 * Reads machine configurations from directories, single-machine files, fleet files
 * ({ machines: [...] } in YAML or JSON, or JSON Lines) and stdin. Every machine comes out
 * validated, or as the located problems that kept it out; nothing is skipped silently.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { InputProblem, Source } from "../engine/result.js";
import { MachineConfigSchema, type MachineConfig } from "../machine/schema.js";
import { createAjv, twoSpeed } from "./ajv.js";
import { parseText, readDocument, MAX_DOCUMENT_BYTES } from "./read-document.js";
import { validationProblems } from "./validation-problems.js";

export type MachineRecord =
  | { readonly kind: "machine"; readonly machine: MachineConfig; readonly source: Source }
  | { readonly kind: "problem"; readonly problem: InputProblem };

const MACHINE_FILE = /\.(ya?ml|json)$/i;
const JSON_LINES = /\.(jsonl|ndjson)$/i;
/** Files read concurrently from a directory: enough to hide disk latency, bounded for memory. */
const READ_AHEAD = 64;

const validateMachine = twoSpeed<MachineConfig>(
  MachineConfigSchema,
  createAjv({ fast: true }),
  createAjv(),
);

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
): MachineRecord[] {
  if (validateMachine.isValid(value)) return [{ kind: "machine", machine: value, source }];
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

/** The machines in one parsed document: a single machine, or each entry of a fleet file. */
function fromDocument(value: unknown, file: string, text: string): MachineRecord[] {
  if (!isFleet(value)) return check(value, { file }, text);
  return value.machines.flatMap((entry, index) =>
    check(entry, { file, index }, text, `/machines/${index}`),
  );
}

/** One JSON Lines record: a machine, or the problem with its line. */
function fromJsonLine(raw: string, file: string, line: number): MachineRecord[] {
  if (raw.trim() === "") return [];
  const problem = (message: string): MachineRecord[] => [
    { kind: "problem", problem: { file, line, pointer: "", message } },
  ];
  if (raw.length > MAX_DOCUMENT_BYTES)
    return problem("is longer than the 32 MiB limit for one machine");
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return problem(`is not valid JSON: ${(error as Error).message}`);
  }
  return check(value, { file, line }, raw, "", line);
}

/** JSON Lines read in 1 MiB chunks, each chunk's complete lines handed on as one batch. */
async function* fromJsonLinesFile(file: string): AsyncGenerator<MachineRecord[]> {
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  let rest = "";
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      const batch: MachineRecord[] = [];
      for (const raw of lines) batch.push(...fromJsonLine(raw, file, ++line));
      if (rest.length > MAX_DOCUMENT_BYTES) {
        batch.push(...fromJsonLine(rest, file, ++line));
        rest = "";
      }
      yield batch;
    }
    yield fromJsonLine(rest, file, ++line);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    yield [{ kind: "problem", problem: { file, pointer: "", message: `cannot be read: ${code}` } }];
  } finally {
    stream.destroy();
  }
}

async function fromDocumentFile(file: string): Promise<MachineRecord[]> {
  const doc = await readDocument(file);
  return doc.ok
    ? fromDocument(doc.value, file, doc.text)
    : [{ kind: "problem", problem: doc.problem }];
}

async function* fromFile(file: string): AsyncGenerator<MachineRecord[]> {
  if (JSON_LINES.test(file)) yield* fromJsonLinesFile(file);
  else yield await fromDocumentFile(file);
}

/** Machine files below a directory, in a stable order; hidden files and folders are left out. */
async function listDirectory(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (MACHINE_FILE.test(e.name) || JSON_LINES.test(e.name)))
    .map((e) => path.join(e.parentPath, e.name))
    .filter(
      (f) =>
        !path
          .relative(dir, f)
          .split(path.sep)
          .some((part) => part.startsWith(".")),
    )
    .sort();
}

async function* fromDirectory(dir: string): AsyncGenerator<MachineRecord[]> {
  const files = await listDirectory(dir);
  if (files.length === 0) {
    const message = "holds no .yaml, .yml, .json or .jsonl machine files";
    yield [{ kind: "problem", problem: { file: dir, pointer: "", message } }];
    return;
  }
  // Read ahead concurrently, hand machines on in file order so reports are reproducible.
  for (let start = 0; start < files.length; start += READ_AHEAD) {
    const batch = files.slice(start, start + READ_AHEAD);
    const documents = await Promise.all(
      batch.map(async (f) => (JSON_LINES.test(f) ? undefined : fromDocumentFile(f))),
    );
    for (let i = 0; i < batch.length; i++) {
      const records = documents[i];
      if (records === undefined) yield* fromJsonLinesFile(batch[i]!);
      else yield records;
    }
  }
}

function fromStdinText(text: string): MachineRecord[] {
  const file = "<stdin>";
  const doc = parseText(text, file);
  if (doc.ok) return fromDocument(doc.value, file, doc.text);
  // Several JSON objects, one per line, are JSON Lines rather than broken YAML.
  if (/^\s*\{/.test(text) && text.trim().includes("\n")) {
    return text.split("\n").flatMap((raw, i) => fromJsonLine(raw, file, i + 1));
  }
  return [{ kind: "problem", problem: doc.problem }];
}

async function readAll(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Every machine in the given inputs ("-" is stdin), in order, or the problems that kept it out,
 * handed on in batches so that a large fleet costs no promise round trip per machine.
 */
export async function* readMachineBatches(
  inputs: readonly string[],
  stdin: Readable = process.stdin,
): AsyncGenerator<readonly MachineRecord[]> {
  for (const input of inputs) {
    if (input === "-") {
      yield fromStdinText(await readAll(stdin));
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === "ENOENT" ? "does not exist" : `cannot be read: ${code ?? String(error)}`;
      yield [{ kind: "problem", problem: { file: input, pointer: "", message } }];
      continue;
    }
    if (info.isDirectory()) yield* fromDirectory(input);
    else yield* fromFile(input);
  }
}

/** The same, one record at a time. */
export async function* readMachines(
  inputs: readonly string[],
  stdin: Readable = process.stdin,
): AsyncGenerator<MachineRecord> {
  for await (const batch of readMachineBatches(inputs, stdin)) yield* batch;
}
