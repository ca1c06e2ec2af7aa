/** Regenerates policies/schemas/*.schema.json from the TypeBox sources (a test fails when stale). */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { publishedSchemas } from "../src/cli/published-schemas.js";
import { POLICIES_DIR } from "../src/support/project-root.js";

const dir = path.join(POLICIES_DIR, "schemas");
await mkdir(dir, { recursive: true });
for (const [file, text] of publishedSchemas()) {
  await writeFile(path.join(dir, file), text);
  console.log(`wrote ${path.join("policies/schemas", file)}`);
}
