/** Where the CrossGuard pack lives, and the policy configuration each stack's CI passes to it. */
import { existsSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../support/project-root.js";

/** The pack folder, as `pulumi preview --policy-pack` takes it. */
export function policyPackDir(projectRoot: string = PROJECT_ROOT): string {
  return path.join(projectRoot, "policies", "crossguard");
}

/**
 * `policies/crossguard/config/<stack>.json`, the file CI passes as `--policy-pack-config` for
 * that stack, when it exists; without one the policies' defaults apply.
 */
export function stackPolicyConfigFile(
  stack: string,
  projectRoot: string = PROJECT_ROOT,
): string | undefined {
  const file = path.join(policyPackDir(projectRoot), "config", `${stack}.json`);
  return existsSync(file) ? file : undefined;
}
