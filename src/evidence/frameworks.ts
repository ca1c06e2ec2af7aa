/**
 * The framework map for work that is not a baseline control (policies/data/evidence-frameworks.yaml):
 * which CIS Controls v8 safeguards and NIST CSF 2.0 subcategories a drill (by runbook), an
 * infrastructure plan and a collection are evidence for. Loaded once, validated, and every id
 * checked against the safeguard and subcategory lists, each problem located in its file.
 */
import path from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { loadValidated } from "../documents/ajv.js";
import type { InputProblem } from "../documents/input-problem.js";
import { lineOf } from "../documents/locate.js";
import { DATA_DIR } from "../support/project-root.js";
import type { EntryFrameworks } from "./entry.js";

const CIS_ID = "^\\d+\\.\\d+$";
const CSF_ID = "^[A-Z]{2}\\.[A-Z]{2}-\\d{2}$";

const Mapping = Type.Object(
  {
    why: Type.String({ minLength: 1, description: "What the work shows, in a sentence" }),
    cis: Type.Array(Type.String({ pattern: CIS_ID }), {
      uniqueItems: true,
      description: 'CIS Controls v8 safeguards, e.g. "11.5"',
    }),
    csf: Type.Array(Type.String({ pattern: CSF_ID }), {
      uniqueItems: true,
      description: 'NIST CSF 2.0 subcategories, e.g. "PR.DS-11"',
    }),
  },
  { additionalProperties: false },
);

/** The file's schema (policies/schemas/evidence-frameworks.schema.json). */
export const EvidenceFrameworksSchema = Type.Object(
  {
    drills: Type.Record(Type.String({ pattern: "^[a-z0-9][a-z0-9-]*$" }), Mapping, {
      description: "Runbook id → what a drill of it evidences when it passes",
    }),
    infraPlan: Mapping,
    collect: Mapping,
  },
  { additionalProperties: false },
);
export type EvidenceFrameworkMap = Static<typeof EvidenceFrameworksSchema>;

const Subcategories = Type.Object({
  source: Type.String({ pattern: "^https://" }),
  subcategories: Type.Array(
    Type.Object(
      { id: Type.String({ pattern: CSF_ID }), title: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    { minItems: 1 },
  ),
});
const Safeguards = Type.Object({
  safeguards: Type.Array(Type.Object({ id: Type.String(), title: Type.String() })),
});

/** The map's file, and the lists its ids are checked against. */
export const FRAMEWORK_FILES = {
  map: path.join(DATA_DIR, "evidence-frameworks.yaml"),
  cis: path.join(DATA_DIR, "cis-controls-v8.yaml"),
  csf: path.join(DATA_DIR, "nist-csf-2.0.yaml"),
} as const;

/** Every known id with its title: CIS safeguards and CSF subcategories. */
export interface FrameworkCatalog {
  readonly cis: ReadonlyMap<string, string>;
  readonly csf: ReadonlyMap<string, string>;
}

/** Loads the CIS safeguard and CSF subcategory lists. */
export async function loadFrameworkCatalog(
  files: { cis: string; csf: string } = FRAMEWORK_FILES,
): Promise<
  { ok: true; catalog: FrameworkCatalog } | { ok: false; problems: readonly InputProblem[] }
> {
  const [cis, csf] = await Promise.all([
    loadValidated(files.cis, Safeguards),
    loadValidated(files.csf, Subcategories),
  ]);
  if (!cis.ok || !csf.ok)
    return {
      ok: false,
      problems: [...(cis.ok ? [] : cis.problems), ...(csf.ok ? [] : csf.problems)],
    };
  return {
    ok: true,
    catalog: {
      cis: new Map(cis.value.safeguards.map((s) => [s.id, s.title])),
      csf: new Map(csf.value.subcategories.map((s) => [s.id, s.title])),
    },
  };
}

/** Problems with ids a catalog does not have, each at its place in `file`. */
export function unknownIds(
  refs: readonly { pointer: string; cis?: readonly string[]; csf?: readonly string[] }[],
  catalog: FrameworkCatalog,
  file: string,
  text?: string,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (pointer: string, message: string) => {
    const line = text === undefined ? undefined : lineOf(text, pointer);
    problems.push({ file, pointer, ...(line === undefined ? {} : { line }), message });
  };
  for (const ref of refs) {
    (ref.cis ?? []).forEach((id, i) => {
      if (!catalog.cis.has(id))
        at(
          `${ref.pointer}/cis/${i}`,
          `"${id}" is not a CIS Controls v8 safeguard (see ${path.basename(FRAMEWORK_FILES.cis)})`,
        );
    });
    (ref.csf ?? []).forEach((id, i) => {
      if (!catalog.csf.has(id))
        at(
          `${ref.pointer}/csf/${i}`,
          `"${id}" is not in ${path.basename(FRAMEWORK_FILES.csf)}: a NIST CSF 2.0 subcategory id such as PR.DS-11, added there with its title`,
        );
    });
  }
  return problems;
}

export type LoadedFrameworks =
  | { readonly ok: true; readonly map: EvidenceFrameworkMap; readonly catalog: FrameworkCatalog }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

/**
 * Loads the map; every problem (schema, an unknown safeguard or subcategory, a runbook that does
 * not exist) comes back located.
 */
export async function loadEvidenceFrameworks(
  runbookIds: readonly string[],
  files: { map: string; cis: string; csf: string } = FRAMEWORK_FILES,
): Promise<LoadedFrameworks> {
  const [loaded, catalog] = await Promise.all([
    loadValidated(files.map, EvidenceFrameworksSchema),
    loadFrameworkCatalog(files),
  ]);
  if (!catalog.ok) return catalog;
  if (!loaded.ok) return loaded;
  const map = loaded.value;
  const problems = unknownIds(
    [
      ...Object.entries(map.drills).map(([id, m]) => ({ pointer: `/drills/${id}`, ...m })),
      { pointer: "/infraPlan", ...map.infraPlan },
      { pointer: "/collect", ...map.collect },
    ],
    catalog.catalog,
    files.map,
    loaded.text,
  );
  for (const id of Object.keys(map.drills))
    if (!runbookIds.includes(id)) {
      const line = lineOf(loaded.text, `/drills/${id}`);
      problems.push({
        file: files.map,
        pointer: `/drills/${id}`,
        ...(line === undefined ? {} : { line }),
        message: `no runbook "${id}": choose one of ${runbookIds.join(", ")}`,
      });
    }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, map, catalog: catalog.catalog };
}

/** The safeguards of a mapping, as an entry carries them. */
export function frameworksOf(
  mapping: { cis: readonly string[]; csf: readonly string[] } | undefined,
): EntryFrameworks {
  return { cis: [...(mapping?.cis ?? [])], csf: [...(mapping?.csf ?? [])] };
}

/** No safeguards: the run's own entry, and a drill of a runbook the map does not name. */
export const NO_FRAMEWORKS: EntryFrameworks = { cis: [], csf: [] };
