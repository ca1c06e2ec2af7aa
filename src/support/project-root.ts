/** The project's root folder and its bundled policy files, found from this module whether it runs from src/ or from the dist/ bundle. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "stronghold"
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no stronghold package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The bundled policy files: baselines, schemas, reference data, the CrossGuard pack. */
export const POLICIES_DIR = path.join(PROJECT_ROOT, "policies");
/** Reference data tables (OS end of life, software and EDR catalogs). */
export const DATA_DIR = path.join(POLICIES_DIR, "data");
