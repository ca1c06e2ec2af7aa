/**
 * Writes examples/millbrook/stack-outputs.prod.json: what `pulumi stack output --json` would
 * print for the sample town's prod stack, from a run under mocks (AWS ids and ARNs are the
 * mocks'; secrets masked as the CLI masks them). A test fails while the file is stale.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { runStackWithMocks } from "../src/infra/mock-run.js";
import { stackOutputJson } from "../src/infra/stack-outputs.js";
import { PROJECT_ROOT } from "../src/support/project-root.js";

const run = await runStackWithMocks("prod");
const file = path.join(PROJECT_ROOT, "examples", "millbrook", "stack-outputs.prod.json");
await writeFile(file, stackOutputJson(run.outputs, run.secrets));
console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
