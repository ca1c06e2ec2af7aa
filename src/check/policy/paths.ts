/** Where the bundled policy files live, whatever the working directory. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { POLICIES_DIR } from "../../support/project-root.js";

export const BASELINES_DIR = path.join(POLICIES_DIR, "baselines");
export const DEFAULT_BASELINES = ["security", "acceptable-use", "lifecycle"] as const;

const BASELINE_ID = /^[a-z][a-z0-9-]*$/;

/** True when a baseline argument names a bundled baseline rather than a file. */
export function isBaselineId(ref: string): boolean {
  return BASELINE_ID.test(ref);
}

/** The ids of the bundled baselines, sorted. */
export function bundledBaselineIds(): string[] {
  return readdirSync(BASELINES_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length))
    .sort();
}

/** A baseline argument is a bundled id ("security") or a path to a YAML file. */
export function baselineFile(ref: string, relativeTo = process.cwd()): string {
  return isBaselineId(ref)
    ? path.join(BASELINES_DIR, `${ref}.yaml`)
    : path.resolve(relativeTo, ref);
}
