/** One way to build a validator: JSON Schema draft 2020-12 with the standard formats. */
import { Ajv } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Static, TSchema } from "@sinclair/typebox";
import type { ErrorObject, Options, ValidateFunction } from "ajv";
import type { InputProblem } from "./input-problem.js";
import { readDocument } from "./read-document.js";
import { validationProblems } from "./validation-problems.js";
import { Ajv2020PrecompiledMeta } from "./meta-schema.js";
import { ajvOptions, type AjvChoices } from "./ajv-options.js";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as <A extends Ajv | Ajv2020>(ajv: A) => A;

/**
 * By default allErrors, so a file's every problem is reported at once, and verbose for field
 * descriptions; `fast` gives up both for the yes/no answer most data gets. Schemas written in
 * YAML by people (`untrusted`: check fragments, parameter schemas) are checked against the
 * meta-schema and may not use unknown keywords, so a typo like `minimun` cannot make a check
 * that always passes; the project's own TypeBox schemas skip that check (a test covers them).
 * The meta-schema's validator is precompiled (src/documents/meta-schema.ts).
 */
export function createAjv(options: AjvChoices = {}): Ajv2020 {
  const ajv = new Ajv2020PrecompiledMeta(ajvOptions(options));
  addFormats(ajv);
  return ajv;
}

/**
 * The same options in ajv's draft-07 class, for 2020-12 schemas whose every keyword means the same
 * there (src/documents/draft-07.ts): faster to compile and to run, same answers.
 */
export function createDraft07Ajv(options: AjvChoices = {}, overrides: Options = {}): Ajv {
  const ajv = new Ajv({ ...ajvOptions(options), ...overrides });
  addFormats(ajv);
  return ajv;
}

// Made on first use: a run whose validators were all compiled at build time never needs it.
let shared: Ajv2020 | undefined;
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Compiles (once per schema object) a validator for a TypeBox schema. */
export function validatorFor<T extends TSchema>(schema: T): ValidateFunction<Static<T>> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = (shared ??= createAjv()).compile(schema);
    compiled.set(schema, validate);
  }
  return validate as ValidateFunction<Static<T>>;
}

export type Loaded<T> =
  | { readonly ok: true; readonly value: T; readonly text: string }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

/** Reads a YAML/JSON file and validates it against a schema; every problem comes back located. */
export async function loadValidated<T extends TSchema>(
  file: string,
  schema: T,
): Promise<Loaded<Static<T>>> {
  return loadChecked(file, validatorFor(schema));
}

/** An explaining validator: compiled by validatorFor, or the same compiled at build time. */
export interface ExplainingValidator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

/** The same with a validator already compiled (a precompiled one: `npm run validators`). */
export async function loadChecked<T>(
  file: string,
  validate: ExplainingValidator<T>,
): Promise<Loaded<T>> {
  const doc = await readDocument(file);
  if (!doc.ok) return { ok: false, problems: [doc.problem] };
  if (validate(doc.value)) return { ok: true, value: doc.value, text: doc.text };
  return {
    ok: false,
    problems: validationProblems(validate.errors ?? [], file, { text: doc.text }),
  };
}

/**
 * A yes/no validator for the hot path and, compiled only when first needed, a detailed one that
 * explains a failure: valid data (most of it) never pays for error collection.
 */
export interface TwoSpeedValidator<T> {
  readonly isValid: (data: unknown) => data is T;
  readonly explain: (data: unknown) => readonly ErrorObject[];
}

export function twoSpeed<T>(
  schema: object,
  /** An instance to compile the yes/no validator with, or the validator already compiled. */
  fast: Ajv2020 | ((data: unknown) => boolean),
  detailed: Ajv2020,
): TwoSpeedValidator<T> {
  const isValid = typeof fast === "function" ? fast : fast.compile<T>(schema);
  let explainer: ValidateFunction | undefined;
  return {
    isValid: (data: unknown): data is T => isValid(data),
    explain: (data: unknown) => {
      explainer ??= detailed.compile(schema);
      return explainer(data) ? [] : (explainer.errors ?? []);
    },
  };
}
