/**
 * The validators of the policy files every check reads, compiled at build time from the schemas
 * in baseline-schema.ts (`npm run validators`; a test fails while they are stale) rather than at
 * the start of every run. Same options as validatorFor, so every problem of a broken file reads
 * as before.
 */
import type { ExplainingValidator } from "../../documents/ajv.js";
import * as precompiled from "./policy-files.validate.cjs";
import type {
  AppLifecycleTable,
  CisSafeguards,
  OsLifecycleTable,
  RawBaseline,
  RawOverlay,
  RawWaivers,
  SoftwareCatalog,
} from "./baseline-schema.js";

// The generated module only says it answers yes or no; the schema it was made from says for what.
const typed = <T>(validate: (data: unknown) => boolean) =>
  validate as unknown as ExplainingValidator<T>;

export const validateBaseline = typed<RawBaseline>(precompiled.baseline);
export const validateOverlay = typed<RawOverlay>(precompiled.overlay);
export const validateWaivers = typed<RawWaivers>(precompiled.waivers);
export const validateOsLifecycle = typed<OsLifecycleTable>(precompiled.osLifecycle);
export const validateSoftwareCatalog = typed<SoftwareCatalog>(precompiled.softwareCatalog);
export const validateAppLifecycle = typed<AppLifecycleTable>(precompiled.appLifecycle);
export const validateCisSafeguards = typed<CisSafeguards>(precompiled.cisSafeguards);
