/** The reference tables shipped with the baselines: OS end-of-support dates and the software catalog. */
import path from "node:path";
import { loadValidated } from "../../documents/ajv.js";
import { InputError } from "../../support/errors.js";
import { OsLifecycleSchema, SoftwareCatalogSchema } from "./baseline-schema.js";
import type { PolicyData } from "../controls/types.js";
import { DATA_DIR } from "../../support/project-root.js";

/** Loads and validates policies/data; a broken table stops the run with every problem listed. */
export async function loadReferenceData(
  dir = DATA_DIR,
): Promise<Pick<PolicyData, "osLifecycle" | "softwareCatalog">> {
  const [osLifecycle, softwareCatalog] = await Promise.all([
    loadValidated(path.join(dir, "os-lifecycle.yaml"), OsLifecycleSchema),
    loadValidated(path.join(dir, "software-catalog.yaml"), SoftwareCatalogSchema),
  ]);
  const problems = [
    ...(osLifecycle.ok ? [] : osLifecycle.problems),
    ...(softwareCatalog.ok ? [] : softwareCatalog.problems),
  ];
  if (!osLifecycle.ok || !softwareCatalog.ok) throw new InputError(problems);
  return { osLifecycle: osLifecycle.value, softwareCatalog: softwareCatalog.value };
}
