/**
 * The options every ajv instance here is built with. Kept apart from the instances themselves:
 * the generator of the precompiled validators (scripts/validator-code.ts) compiles with the same
 * options before those validators exist.
 */
import type { Options } from "ajv";

export interface AjvChoices {
  readonly fast?: boolean;
  readonly untrusted?: boolean;
  readonly source?: boolean;
}

/** What createAjv tells ajv; the precompiled validators (scripts/validator-code.ts) use the same. */
export function ajvOptions(options: AjvChoices): Options {
  return {
    // Keeps each validator's source, for ajv's standalone code (scripts/validator-code.ts).
    ...(options.source ? { code: { source: true } } : {}),
    allErrors: !options.fast,
    verbose: !options.fast,
    strict: false,
    strictSchema: Boolean(options.untrusted),
    validateSchema: Boolean(options.untrusted),
    allowUnionTypes: true,
  };
}
