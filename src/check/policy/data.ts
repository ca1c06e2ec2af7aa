/**
 * The reference tables shipped with the baselines: OS and application end-of-support dates and
 * the software catalog.
 */
import path from "node:path";
import { loadChecked, type Loaded } from "../../documents/ajv.js";
import type { InputProblem } from "../../documents/input-problem.js";
import { lineOf } from "../../documents/locate.js";
import { InputError } from "../../support/errors.js";
import type { AppLifecycleTable } from "./baseline-schema.js";
import {
  validateAppLifecycle,
  validateCisSafeguards,
  validateOsLifecycle,
  validateSoftwareCatalog,
} from "./policy-validators.js";
import type { PolicyData } from "../controls/types.js";
import { DATA_DIR } from "../../support/project-root.js";

/** The application table's patterns that do not compile, each located by pointer and line. */
export function appPatternProblems(
  file: string,
  loaded: Loaded<AppLifecycleTable>,
): InputProblem[] {
  if (!loaded.ok) return [...loaded.problems];
  const patterns = [
    ...loaded.value.products.flatMap((p, i) =>
      (["name", "version"] as const).map((field) => ({
        source: p[field],
        pointer: `/products/${i}/${field}`,
      })),
    ),
    ...(loaded.value.browsers?.releases ?? []).map((b, i) => ({
      source: b.name,
      pointer: `/browsers/releases/${i}/name`,
    })),
  ];
  return patterns.flatMap(({ source, pointer }) => {
    if (source === undefined) return [];
    try {
      new RegExp(source, "iu");
      return [];
    } catch (error) {
      const line = lineOf(loaded.text, pointer);
      return [
        {
          file,
          pointer,
          ...(line === undefined ? {} : { line }),
          message: `must be a regular expression: ${(error as Error).message}`,
        },
      ];
    }
  });
}

/** Loads and validates policies/data; a broken table stops the run with every problem listed. */
export async function loadReferenceData(
  dir = DATA_DIR,
): Promise<Pick<PolicyData, "osLifecycle" | "softwareCatalog" | "appLifecycle" | "cisSafeguards">> {
  const appFile = path.join(dir, "app-lifecycle.yaml");
  const [osLifecycle, softwareCatalog, appLifecycle, cisSafeguards] = await Promise.all([
    loadChecked(path.join(dir, "os-lifecycle.yaml"), validateOsLifecycle),
    loadChecked(path.join(dir, "software-catalog.yaml"), validateSoftwareCatalog),
    loadChecked(appFile, validateAppLifecycle),
    loadChecked(path.join(dir, "cis-controls-v8.yaml"), validateCisSafeguards),
  ]);
  const problems = [
    ...(osLifecycle.ok ? [] : osLifecycle.problems),
    ...(softwareCatalog.ok ? [] : softwareCatalog.problems),
    ...appPatternProblems(appFile, appLifecycle),
    ...(cisSafeguards.ok ? [] : cisSafeguards.problems),
  ];
  if (
    !osLifecycle.ok ||
    !softwareCatalog.ok ||
    !appLifecycle.ok ||
    !cisSafeguards.ok ||
    problems.length > 0
  )
    throw new InputError(problems);
  return {
    osLifecycle: osLifecycle.value,
    softwareCatalog: softwareCatalog.value,
    appLifecycle: appLifecycle.value,
    cisSafeguards: cisSafeguards.value,
  };
}
