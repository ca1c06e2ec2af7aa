/**
 * `stronghold infra plan`: what `pulumi up` would create, offline. Runs each stack's program under
 * Pulumi's mocks (no AWS, no Pulumi CLI), builds the resource tree with its security settings, and
 * evaluates the CrossGuard pack with the configuration that stack's CI passes. Every unusable
 * input (stack config, policy config, unknown stack) is collected and reported at once.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { PACK, PACK_NAME } from "../../policies/crossguard/policies.js";
import type { InputProblem } from "../documents/input-problem.js";
import { InputError, UsageError } from "../support/errors.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import { runStackWithMocks, type MockedRun } from "./mock-run.js";
import { summarizeAgentAccess, type AgentAccess } from "./plan-agent-access.js";
import { buildTree, type PlanNode } from "./plan-tree.js";
import { checkPolicies, type PolicyCheckResult } from "./policy-check.js";
import {
  estimateCost,
  loadPriceTable,
  type CostEstimate,
  type PriceTable,
} from "./cost-estimate.js";
import { loadPolicyConfig, resolvePolicyConfig, type PolicyConfigs } from "./policy-config.js";
import { stackPolicyConfigFile } from "./policy-pack.js";

/** The plan of one stack. */
export interface StackPlan {
  readonly stack: string;
  /** The policy configuration used, relative to the project root; absent for the defaults. */
  readonly policyConfig?: string;
  readonly resourceCount: number;
  readonly resources: readonly PlanNode[];
  /** Per backup agent, what its identity policies say about each destructive request. */
  readonly agentAccess: readonly AgentAccess[];
  /** The monthly cost estimate, when a data size was given. */
  readonly cost?: CostEstimate;
  readonly verdict: PolicyCheckResult;
}

/** The plan of every requested stack. */
export interface Plan {
  readonly pack: string;
  readonly stacks: readonly StackPlan[];
  /** True when a stack has a mandatory violation or a policy that failed to run. */
  readonly blocked: boolean;
}

/** What to plan and with which policy configuration. */
export interface PlanOptions {
  /** Stacks to plan; default every stacks/Pulumi.<stack>.yaml. */
  readonly stacks?: readonly string[];
  /** One policy configuration for every stack, instead of policies/crossguard/config/<stack>.json. */
  readonly policyConfigFile?: string;
  /** Data size (GB) for a monthly cost estimate per stack. */
  readonly dataGb?: number;
  /** A price table instead of policies/data/aws-prices.yaml. */
  readonly priceTableFile?: string;
  readonly projectRoot?: string;
}

/** The stacks that have a settings file in stacks/. */
export function listStacks(projectRoot: string = PROJECT_ROOT): string[] {
  return readdirSync(path.join(projectRoot, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

type Resolved = { readonly file?: string; readonly configs: PolicyConfigs };

function policyConfigFor(file: string | undefined, problems: InputProblem[]): Resolved | undefined {
  const resolved =
    file === undefined
      ? resolvePolicyConfig(PACK.policies, PACK.enforcementLevel ?? "advisory", {})
      : loadPolicyConfig(file, PACK.policies, PACK.enforcementLevel ?? "advisory");
  if (!resolved.ok) {
    problems.push(...resolved.problems);
    return undefined;
  }
  return file === undefined ? { configs: resolved.configs } : { file, configs: resolved.configs };
}

/** Plans the stacks; throws UsageError for an unknown stack, InputError listing every bad input. */
export async function planStacks(options: PlanOptions = {}): Promise<Plan> {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const available = listStacks(root);
  const stacks = options.stacks?.length ? [...new Set(options.stacks)] : available;
  const unknown = stacks.filter((s) => !available.includes(s));
  if (unknown.length > 0) {
    throw new UsageError(
      `--stack ${unknown.join(", ")}: no stacks/Pulumi.<stack>.yaml for ${unknown.length > 1 ? "them" : "it"} (stacks: ${available.join(", ") || "none"})`,
    );
  }
  const problems: InputProblem[] = [];
  const shared =
    options.policyConfigFile === undefined
      ? undefined
      : policyConfigFor(options.policyConfigFile, problems);
  let prices: PriceTable | undefined;
  if (options.dataGb !== undefined) {
    const loaded = await loadPriceTable(options.priceTableFile);
    if (loaded.ok) prices = loaded.value;
    else problems.push(...loaded.problems);
  }
  const planned: { stack: string; run: MockedRun; policy: Resolved }[] = [];
  for (const stack of stacks) {
    const policy =
      shared ??
      (options.policyConfigFile === undefined
        ? policyConfigFor(stackPolicyConfigFile(stack, root), problems)
        : undefined);
    try {
      const run = await runStackWithMocks(stack, { projectRoot: root });
      if (policy !== undefined) planned.push({ stack, run, policy });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);

  const plans: StackPlan[] = [];
  for (const { stack, run, policy } of planned) {
    const verdict = await checkPolicies(PACK, run.resources, { configs: policy.configs });
    plans.push({
      stack,
      ...(policy.file === undefined
        ? {}
        : { policyConfig: path.relative(root, path.resolve(policy.file)) }),
      resourceCount: run.resources.length,
      resources: buildTree(run.resources, verdict.violations),
      agentAccess: summarizeAgentAccess(run.resources),
      ...(prices === undefined || options.dataGb === undefined
        ? {}
        : { cost: estimateCost(run.resources, options.dataGb, prices) }),
      verdict,
    });
  }
  return { pack: PACK_NAME, stacks: plans, blocked: plans.some((p) => p.verdict.blocked) };
}
