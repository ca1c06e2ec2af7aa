/**
 * Reads machine configurations from directories, single-machine files, fleet files
 * ({ machines: [...] } in YAML or JSON, or JSON Lines) and stdin. Every machine comes out
 * validated, or as the located problems that kept it out; nothing is skipped silently.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { InputProblem, Source } from "../engine/result.js";
import { MachineConfigSchema, type MachineConfig } from "../machine/schema.js";
import { validatorFor } from "./ajv.js";
import { parseText, readDocument, MAX_DOCUMENT_BYTES } from "./read-document.js";
import { validationProblems } from "./validation-problems.js";

export type MachineRecord =
  | { readonly kind: "machine"; readonly machine: MachineConfig; readonly source: Source }
  | { readonly kind: "problem"; readonly problem: InputProblem };

const MACHINE_FILE = /\.(ya?ml|json)$/i;
const JSON_LINES = /\.(jsonl|ndjson)$/i;
/** Files read concurrently from a directory: enough to hide disk latency, bounded for memory. */
const READ_AHEAD = 64;

const validateMachine = validatorFor(MachineConfigSchema);

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
  if (validateMachine(value)) return [{ kind: "machine", machine: value, source }];
  return validationProblems(validateMachine.errors ?? [], source.file, {
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

async function* fromJsonLines(
  lines: AsyncIterable<string> | Iterable<string>,
  file: string,
): AsyncGenerator<MachineRecord> {
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    if (raw.trim() === "") continue;
    if (raw.length > MAX_DOCUMENT_BYTES) {
      yield {
        kind: "problem",
        problem: {
          file,
          line,
          pointer: "",
          message: "is longer than the 32 MiB limit for one machine",
        },
      };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      yield {
        kind: "problem",
        problem: {
          file,
          line,
          pointer: "",
          message: `is not valid JSON: ${(error as Error).message}`,
        },
      };
      continue;
    }
    yield* check(value, { file, line }, raw, "", line);
  }
}

async function* fromFile(file: string): AsyncGenerator<MachineRecord> {
  if (JSON_LINES.test(file)) {
    const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
    try {
      yield* fromJsonLines(createInterface({ input: stream, crlfDelay: Infinity }), file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      yield { kind: "problem", problem: { file, pointer: "", message: `cannot be read: ${code}` } };
    } finally {
      stream.destroy();
    }
    return;
  }
  const doc = await readDocument(file);
  if (!doc.ok) yield { kind: "problem", problem: doc.problem };
  else yield* fromDocument(doc.value, file, doc.text);
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

async function* fromDirectory(dir: string): AsyncGenerator<MachineRecord> {
  const files = await listDirectory(dir);
  if (files.length === 0) {
    yield {
      kind: "problem",
      problem: {
        file: dir,
        pointer: "",
        message: "holds no .yaml, .yml, .json or .jsonl machine files",
      },
    };
    return;
  }
  // Read ahead concurrently, hand machines on in file order so reports are reproducible.
  for (let start = 0; start < files.length; start += READ_AHEAD) {
    const batch = files.slice(start, start + READ_AHEAD);
    const simple = await Promise.all(
      batch.map(async (f) => (JSON_LINES.test(f) ? undefined : readDocument(f))),
    );
    for (let i = 0; i < batch.length; i++) {
      const file = batch[i]!;
      const doc = simple[i];
      if (doc === undefined) yield* fromFile(file);
      else if (!doc.ok) yield { kind: "problem", problem: doc.problem };
      else yield* fromDocument(doc.value, file, doc.text);
    }
  }
}

async function* fromStdin(stdin: Readable): AsyncGenerator<MachineRecord> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks).toString("utf8");
  const file = "<stdin>";
  const doc = parseText(text, file);
  if (doc.ok) {
    yield* fromDocument(doc.value, file, doc.text);
    return;
  }
  // Several JSON objects, one per line, are JSON Lines rather than broken YAML.
  if (/^\s*\{/.test(text) && text.trim().includes("\n")) {
    yield* fromJsonLines(text.split("\n"), file);
    return;
  }
  yield { kind: "problem", problem: doc.problem };
}

/** Every machine in the given inputs ("-" is stdin), in order, or the problems that kept it out. */
export async function* readMachines(
  inputs: readonly string[],
  stdin: Readable = process.stdin,
): AsyncGenerator<MachineRecord> {
  for (const input of inputs) {
    if (input === "-") {
      yield* fromStdin(stdin);
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === "ENOENT" ? "does not exist" : `cannot be read: ${code ?? String(error)}`;
      yield { kind: "problem", problem: { file: input, pointer: "", message } };
      continue;
    }
    if (info.isDirectory()) yield* fromDirectory(input);
    else yield* fromFile(input);
  }
}
