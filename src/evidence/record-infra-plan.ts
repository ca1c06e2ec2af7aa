/** The ledger entry of one stack's `stronghold infra plan`. */
import type { EntryArtifact, EntryDraft, EntryFrameworks, EntryInput } from "./entry.js";
import type { InfraPlanEntryMetrics } from "./metrics.js";

/** What the recorder reads of one stack's plan. */
export interface StackPlanView {
  readonly stack: string;
  readonly resourceCount: number;
  readonly cost?: { readonly totalUsd: number };
  readonly verdict: {
    readonly blocked: boolean;
    readonly violations: readonly {
      readonly policy: string;
      readonly enforcementLevel: string;
    }[];
  };
}

export interface InfraPlanRecordInput {
  readonly plan: StackPlanView;
  readonly at: string;
  readonly inputs: readonly EntryInput[];
  readonly artifacts: readonly EntryArtifact[];
  readonly frameworks: EntryFrameworks;
  readonly run?: string;
}

export function infraPlanMetrics(plan: StackPlanView): InfraPlanEntryMetrics {
  const mandatory = plan.verdict.violations.filter((v) => v.enforcementLevel === "mandatory");
  return {
    resources: plan.resourceCount,
    violations: {
      mandatory: mandatory.length,
      advisory: plan.verdict.violations.length - mandatory.length,
    },
    violated: [...new Set(plan.verdict.violations.map((v) => v.policy))].sort(),
    ...(plan.cost === undefined ? {} : { monthlyCostUsd: plan.cost.totalUsd }),
  };
}

/** passed: nothing blocks `pulumi up`; failed: a mandatory violation or a policy that could not run. */
export function recordInfraPlan(input: InfraPlanRecordInput): EntryDraft {
  return {
    kind: "infra-plan",
    at: new Date(input.at).toISOString(),
    subject: input.plan.stack,
    verdict: input.plan.verdict.blocked ? "failed" : "passed",
    inputs: input.inputs,
    metrics: infraPlanMetrics(input.plan) as unknown as Record<string, unknown>,
    frameworks: input.frameworks,
    artifacts: input.artifacts,
    ...(input.run === undefined ? {} : { run: input.run }),
  };
}
