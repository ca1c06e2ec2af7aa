/**
 * Regenerates policies/iam/deployer/*.json, the deployer role's policies, from mocked runs of the
 * stacks in stacks/ (a test fails while they are stale). Run it after changing a stack's settings.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEPLOYER_POLICY_DIR, deployerPolicyFiles } from "../src/infra/deployer-policy.js";
import { PROJECT_ROOT } from "../src/support/project-root.js";

const dir = path.join(PROJECT_ROOT, DEPLOYER_POLICY_DIR);
await mkdir(dir, { recursive: true });
for (const [name, text] of Object.entries(await deployerPolicyFiles())) {
  await writeFile(path.join(dir, name), text);
  console.log(`wrote ${path.join(DEPLOYER_POLICY_DIR, name)}`);
}
