/** Regenerates the precompiled validators (a test fails while one is stale). */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_VALIDATORS } from "./validator-code.js";

const root = fileURLToPath(new URL("../", import.meta.url));
for (const { file, code } of GENERATED_VALIDATORS) {
  await writeFile(path.join(root, file), code());
  console.log(`wrote ${file}`);
}
