/**
 * Schemas written by people (check fragments, parameter schemas) are checked against the 2020-12
 * meta-schema before they are compiled. ajv compiles that meta-schema in every instance on its
 * first check, at the start of each run and again on a control's first failure; its validator is
 * compiled once, at build time, instead (`npm run validators`; BENCHMARKS.md has the gain).
 */
import type { AnySchema } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import validateMetaSchema2020 from "./meta-schema-2020.validate.cjs";

/**
 * ajv's 2020-12 class, checking schemas against the precompiled meta-schema validator with the
 * same result and message ajv gives ("schema is invalid: data/minimum must be number"). A schema
 * that names its own meta-schema (`$schema`) is checked by ajv as before.
 */
export class Ajv2020PrecompiledMeta extends Ajv2020 {
  override validateSchema(
    schema: AnySchema,
    throwOrLogError?: boolean,
  ): boolean | Promise<unknown> {
    if (typeof schema === "boolean" || schema.$schema !== undefined)
      return super.validateSchema(schema, throwOrLogError);
    const valid = validateMetaSchema2020(schema);
    this.errors = valid ? null : (validateMetaSchema2020.errors ?? null);
    // Thrown as ajv throws it (no instance here sets validateSchema: "log").
    if (!valid && throwOrLogError) throw new Error(`schema is invalid: ${this.errorsText()}`);
    return valid;
  }
}
