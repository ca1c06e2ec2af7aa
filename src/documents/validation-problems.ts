/** Turns ajv errors into input problems a person can act on: field, what was expected, where. */
import type { ErrorObject } from "ajv";
import type { InputProblem } from "./input-problem.js";
import { lineOf, toPointer, pointerTokens } from "./locate.js";

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

function describe(error: ErrorObject): { pointer: string; message: string } {
  const base = error.instancePath;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { pointer: errorPointer(error), message: "is required" };
    case "additionalProperties":
      return {
        pointer: base + toPointer([String(p.additionalProperty)]),
        message: "is not a known field (check the spelling against the schema)",
      };
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

/**
 * One problem per field: alternatives of a union are joined with "or", the union's own summary
 * error dropped, and each problem carries the line of the field when the source text is known.
 */
export function validationProblems(
  errors: readonly ErrorObject[],
  file: string,
  options: { text?: string; pointerPrefix?: string; startLine?: number } = {},
): InputProblem[] {
  const byPointer = new Map<string, string[]>();
  for (const error of errors) {
    if (isSummaryError(error)) continue;
    const { pointer, message } = describe(error);
    const messages = byPointer.get(pointer) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPointer.set(pointer, messages);
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
      message: messages.join(" or "),
    };
  });
}
