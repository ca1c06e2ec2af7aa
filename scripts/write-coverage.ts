/** Regenerates docs/coverage.md from the bundled baselines (a test fails while it is stale). */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { bundledCoveragePage } from "../src/check/report/bundled-coverage.js";
import { PROJECT_ROOT } from "../src/support/project-root.js";

const file = path.join(PROJECT_ROOT, "docs", "coverage.md");
await writeFile(file, await bundledCoveragePage());
console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
