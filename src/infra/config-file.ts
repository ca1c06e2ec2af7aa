/**
 * Reads a stack settings file (stacks/Pulumi.<stack>.yaml) into the key/value strings the Pulumi
 * CLI would hand the program, so a mocked run sees exactly what `pulumi up` would.
 */
import type { InputProblem } from "../documents/input-problem.js";
import { readDocumentSync } from "../documents/read-document.js";
import { toPointer } from "../documents/locate.js";
import { parseStackConfig, type ConfigValues, type ParsedStackConfig } from "./config.js";

/**
 * Stands in for a `secure:` value, which only the Pulumi CLI can decrypt. It satisfies every
 * secret setting's pattern, so an offline run gets as far as a real one would.
 */
export const SECRET_PLACEHOLDER = "MockSecretValue.0001";

export type StackConfigFile =
  | {
      readonly ok: true;
      readonly values: ConfigValues;
      /** Keys whose values were `secure:` in the file (the CLI would decrypt them). */
      readonly secretKeys: readonly string[];
      readonly text: string;
    }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the file's `config:` map; values are stringified the way the CLI passes them. */
export function readStackConfigFile(file: string): StackConfigFile {
  const doc = readDocumentSync(file);
  if (!doc.ok) return { ok: false, problems: [doc.problem] };
  if (!isRecord(doc.value) || !isRecord(doc.value.config)) {
    return {
      ok: false,
      problems: [{ file, pointer: "/config", message: "is required: a map of stack settings" }],
    };
  }
  const values = new Map<string, string>();
  const secretKeys: string[] = [];
  const problems: InputProblem[] = [];
  for (const [key, value] of Object.entries(doc.value.config)) {
    if (isRecord(value) && typeof value.secure === "string") {
      values.set(key, SECRET_PLACEHOLDER);
      secretKeys.push(key);
    } else if (value === null || value === undefined) {
      problems.push({ file, pointer: toPointer(["config", key]), message: "has no value" });
    } else if (typeof value === "string") {
      values.set(key, value);
    } else if (typeof value === "number" || typeof value === "boolean") {
      values.set(key, String(value));
    } else {
      values.set(key, JSON.stringify(value));
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, values, secretKeys, text: doc.text };
}

/** Reads and validates a stack settings file; every problem comes back with its line. */
export function loadStackConfigFile(file: string): ParsedStackConfig {
  const read = readStackConfigFile(file);
  if (!read.ok) return read;
  return parseStackConfig(read.values, { file, text: read.text });
}
