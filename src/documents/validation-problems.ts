/** Turns ajv errors into input problems a person can act on: field, what was expected, where. */
import type { ErrorObject } from "ajv";
import type { InputProblem } from "./input-problem.js";
import { lineOf, toPointer, pointerTokens } from "./locate.js";
import { didYouMean } from "../support/suggest.js";

/** A union's or condition's own error repeats its branches' errors and says nothing by itself. */
export function isSummaryError(error: ErrorObject): boolean {
  return error.keyword === "anyOf" || error.keyword === "oneOf" || error.keyword === "if";
}

/** The field an error is about: for a missing field, the field itself rather than its parent. */
export function errorPointer(error: ErrorObject): string {
  if (error.keyword !== "required") return error.instancePath;
  const missing = (error.params as { missingProperty: string }).missingProperty;
  return error.instancePath + toPointer([missing]);
}

interface ObjectSchema {
  readonly type?: unknown;
  readonly properties?: Record<string, ObjectSchema>;
  readonly required?: readonly string[];
}

/** "is required", and what the object must contain (or, for a missing object, what it holds). */
function requiredMessage(error: ErrorObject): string {
  const missing = (error.params as { missingProperty: string }).missingProperty;
  const parent = error.parentSchema as ObjectSchema | undefined;
  const own = parent?.properties?.[missing];
  if (own?.type === "object" && own.required !== undefined && own.required.length > 0)
    return `is required: an object with ${own.required.join(", ")}`;
  const required = parent?.required ?? [];
  if (required.length < 2) return "is required";
  const where = error.instancePath === "" ? "the document" : error.instancePath;
  return `is required (${where} must contain ${required.join(", ")})`;
}

function describe(error: ErrorObject): { pointer: string; message: string } {
  const base = error.instancePath;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { pointer: errorPointer(error), message: requiredMessage(error) };
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const known = Object.keys((error.parentSchema as ObjectSchema | undefined)?.properties ?? {});
      const guess = didYouMean(key, known);
      return {
        pointer: base + toPointer([key]),
        message:
          guess === ""
            ? "is not a known field (check the spelling against the schema)"
            : `is not a known field${guess}`,
      };
    }
    case "type":
      return { pointer: base, message: `must be ${String(p.type)}` };
    case "const":
      return { pointer: base, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case "enum":
      return {
        pointer: base,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "format":
      return { pointer: base, message: `must be a valid ${String(p.format)}` };
    case "pattern": {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return {
        pointer: base,
        message: description
          ? `must be a valid value: ${description}`
          : `must match the pattern ${String(p.pattern)}`,
      };
    }
    default:
      return { pointer: base, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** The values a const or enum error allows. */
function allowedValues(error: ErrorObject): unknown[] {
  const p = error.params as { allowedValue?: unknown; allowedValues?: unknown[] };
  if (error.keyword === "const") return [p.allowedValue];
  if (error.keyword === "enum") return p.allowedValues ?? [];
  return [];
}

/**
 * A union branch the value is not even shaped for: the wrong type or literal at the union's own
 * place, or a wrong discriminator literal (a `const` not inside a deeper union).
 */
function isMismatch(error: ErrorObject, union: ErrorObject, branchPrefix: string): boolean {
  if (error.instancePath === union.instancePath)
    return error.keyword === "type" || error.keyword === "const" || error.keyword === "enum";
  return (
    error.keyword === "const" &&
    !/\/(anyOf|oneOf)\//.test(error.schemaPath.slice(branchPrefix.length))
  );
}

/**
 * Keeps, for every anyOf/oneOf, only the branches that fit best: among those the value has the
 * shape of, the ones with fewest errors; when it has the shape of none, every branch (their
 * alternatives are the message: `must be boolean or must be "unknown"`).
 */
function bestBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  const unions = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (!kept.includes(union)) continue;
    const prefix = union.schemaPath + "/";
    const branches = new Map<string, ErrorObject[]>();
    for (const e of kept) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split("/")[0]!;
      const list = branches.get(branch) ?? [];
      list.push(e);
      branches.set(branch, list);
    }
    const shaped = [...branches].filter(
      ([branch, list]) => !list.some((e) => isMismatch(e, union, `${prefix}${branch}/`)),
    );
    if (shaped.length === 0) continue;
    const count = (list: ErrorObject[]) => list.filter((e) => !isSummaryError(e)).length;
    const fewest = Math.min(...shaped.map(([, list]) => count(list)));
    const keep = new Set(shaped.filter(([, list]) => count(list) === fewest).map(([b]) => b));
    const drop = new Set(
      [...branches].filter(([branch]) => !keep.has(branch)).flatMap(([, list]) => list),
    );
    kept = kept.filter((e) => !drop.has(e));
  }
  return kept;
}

/** The alternatives of one field: "one of" a list of literals, else joined with "or". */
function join(
  messages: readonly string[],
  literals?: { data: unknown; allowed: unknown[] },
): string {
  if (literals === undefined) return messages.join(" or ");
  const guess = didYouMean(literals.data, literals.allowed);
  // A choice among three or more literals (an enum written as a union) reads as one list.
  if (literals.allowed.length === messages.length && messages.length > 2)
    return `must be one of ${literals.allowed.map((v) => JSON.stringify(v)).join(", ")}${guess}`;
  return messages.join(" or ") + guess;
}

/**
 * One problem per field: of a union only the best-fitting branches speak, their alternatives
 * joined with "or" and the union's own summary error dropped; a wrong literal or key gets a
 * "did you mean" when one allowed is close, and each problem carries the line of the field when the source text is known.
 */
export function validationProblems(
  errors: readonly ErrorObject[],
  file: string,
  options: { text?: string; pointerPrefix?: string; startLine?: number } = {},
): InputProblem[] {
  const byPointer = new Map<string, string[]>();
  // Values a wrong literal was compared with, per field, for a "did you mean".
  const literals = new Map<string, { data: unknown; allowed: unknown[] }>();
  for (const error of bestBranches(errors)) {
    if (isSummaryError(error)) continue;
    const { pointer, message } = describe(error);
    const messages = byPointer.get(pointer) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPointer.set(pointer, messages);
    const allowed = allowedValues(error);
    if (allowed.length > 0) {
      const entry = literals.get(pointer) ?? { data: error.data, allowed: [] };
      entry.allowed.push(...allowed);
      literals.set(pointer, entry);
    }
  }
  if (byPointer.size === 0 && errors.length > 0) {
    const first = errors[0]!;
    byPointer.set(first.instancePath, [first.message ?? "is invalid"]);
  }
  const prefix = options.pointerPrefix ?? "";
  return [...byPointer].map(([pointer, messages]) => {
    const full = prefix + pointer;
    const line =
      options.text === undefined ? undefined : lineOf(options.text, full, options.startLine);
    return {
      file,
      pointer: pointerTokens(full).length === 0 ? "" : full,
      ...(line === undefined ? {} : { line }),
      message: join(messages, literals.get(pointer)),
    };
  });
}
