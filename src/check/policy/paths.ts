/** Where the bundled policy files live, whatever the working directory. */
import path from "node:path";
import { POLICIES_DIR } from "../../support/project-root.js";

export const BASELINES_DIR = path.join(POLICIES_DIR, "baselines");
export const DEFAULT_BASELINES = ["security", "acceptable-use", "lifecycle"] as const;

/** A baseline argument is a bundled id ("security") or a path to a YAML file. */
export function baselineFile(ref: string, relativeTo = process.cwd()): string {
  return /^[a-z][a-z0-9-]*$/.test(ref)
    ? path.join(BASELINES_DIR, `${ref}.yaml`)
    : path.resolve(relativeTo, ref);
}
