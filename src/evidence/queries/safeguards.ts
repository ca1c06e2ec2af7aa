/**
 * The safeguards evidence is expected for: CIS Controls v8 IG1 and IG2 (policies/data/
 * cis-controls-v8.yaml) and, when policies/data/nist-csf-2.0.yaml is there, NIST CSF 2.0
 * subcategories. A table that cannot be read is an InputError naming the file.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { InputError } from "../../support/errors.js";
import { DATA_DIR } from "../../support/project-root.js";

export type Framework = "cis" | "csf";

export interface Safeguard {
  readonly framework: Framework;
  readonly id: string;
  readonly title: string;
}

const CSF_ID = /^[A-Z]{2}\.[A-Z]{2}-\d{2}$/;

function read(file: string): unknown {
  try {
    return parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError([
      { file, pointer: "", message: `cannot be read: ${(error as Error).message}` },
    ]);
  }
}

/** Every object with a string `id` (and `title`), wherever the table nests it. */
function* objectsWithId(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objectsWithId(v);
  else if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.id === "string") yield o;
    for (const v of Object.values(o)) if (typeof v === "object") yield* objectsWithId(v);
  }
}

/** The safeguards of IG1 and IG2, then the CSF subcategories when their table exists. */
export function expectedSafeguards(dir = DATA_DIR): Safeguard[] {
  const cisFile = path.join(dir, "cis-controls-v8.yaml");
  const cis = read(cisFile) as { safeguards?: unknown };
  if (!Array.isArray(cis?.safeguards))
    throw new InputError([{ file: cisFile, pointer: "/safeguards", message: "must be a list" }]);
  const found: Safeguard[] = [];
  cis.safeguards.forEach((s: unknown, i: number) => {
    const o = s as { id?: unknown; ig?: unknown; title?: unknown };
    if (typeof o?.id !== "string" || typeof o.ig !== "number")
      throw new InputError([
        { file: cisFile, pointer: `/safeguards/${i}`, message: "must have an id and an ig" },
      ]);
    if (o.ig <= 2)
      found.push({ framework: "cis", id: o.id, title: typeof o.title === "string" ? o.title : "" });
  });
  const csfFile = path.join(dir, "nist-csf-2.0.yaml");
  if (existsSync(csfFile)) {
    const seen = new Set<string>();
    for (const o of objectsWithId(read(csfFile))) {
      const id = o.id as string;
      if (!CSF_ID.test(id) || seen.has(id)) continue;
      seen.add(id);
      found.push({ framework: "csf", id, title: typeof o.title === "string" ? o.title : "" });
    }
  }
  return found;
}
