/**
 * The endpoint-protection agents the Linux collector recognises: data in
 * policies/data/edr-agents.yaml (published schema: policies/schemas/edr-agents.schema.json).
 */
import path from "node:path";
import { InputError } from "../../support/errors.js";
import { loadChecked, type ExplainingValidator } from "../../documents/ajv.js";
import { DATA_DIR } from "../../support/project-root.js";
import type { EdrCatalog } from "./edr-catalog-schema.js";
import precompiled from "./edr-catalog.validate.cjs";

/**
 * The list's validator, compiled at build time from EdrCatalogSchema (`npm run validators`; a
 * test fails while it is stale, another while it finds other problems than the schema compiled
 * at run time): compiling it cost every collection about 25 ms.
 */
const validateCatalog = precompiled as unknown as ExplainingValidator<EdrCatalog>;

/** The bundled agent list. */
export const DEFAULT_EDR_CATALOG = path.join(DATA_DIR, "edr-agents.yaml");

/** Loads the agent list; every problem is located, and a broken list stops the run (exit 2). */
export async function loadEdrCatalog(file = DEFAULT_EDR_CATALOG): Promise<EdrCatalog> {
  const loaded = await loadChecked(file, validateCatalog);
  if (!loaded.ok) throw new InputError(loaded.problems);
  return loaded.value;
}
