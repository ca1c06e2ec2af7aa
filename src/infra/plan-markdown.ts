/**
 * The Markdown rendering of a plan, for a pull-request comment: per stack, the verdict, the policy
 * table, every violation, and the resource tree with its settings folded in a <details> block.
 */
import { describeCost } from "./cost-estimate.js";
import type { Write } from "../output/write.js";
import { cell, escapeInline } from "../output/markdown-text.js";
import type { Plan, StackPlan } from "./plan.js";
import { describeAgentAccess } from "./plan-agent-access.js";
import { describeOutcome, tally } from "./plan-outcome.js";
import type { PolicyOutcome } from "./policy-check.js";
import type { PlanNode } from "./plan-tree.js";

const ICON: Readonly<Record<PolicyOutcome["status"], string>> = {
  passed: "✅",
  violated: "❌",
  "not-applicable": "➖",
  disabled: "⏸️",
  error: "⚠️",
};

/** Renders `plan` as GitHub-flavoured Markdown. */
export function renderPlanMarkdown(plan: Plan, write: Write): void {
  write(
    `## Infrastructure plan: ${plan.blocked ? "❌ blocked by mandatory policy violations" : "✅ no mandatory policy violation"}\n\n`,
  );
  write(
    `Produced offline by \`stronghold infra plan\`: each stack's program ran under Pulumi's mocks (no AWS, no Pulumi CLI), so ids and ARNs are made up; the verdict is the CrossGuard pack \`${escapeInline(plan.pack)}\` that \`pulumi preview --policy-pack policies/crossguard\` runs.\n\n`,
  );
  for (const stack of plan.stacks) renderStack(stack, write);
}

function renderStack(stack: StackPlan, write: Write): void {
  const counts = tally(stack.verdict.outcomes);
  write(
    `### Stack \`${escapeInline(stack.stack)}\`: ${stack.verdict.blocked ? "❌ blocked" : "✅ passes"}, ${stack.resourceCount} resources\n\n`,
  );
  write(
    `Policy config: ${stack.policyConfig === undefined ? "the pack's defaults" : `\`${escapeInline(stack.policyConfig)}\``}. ${counts.mandatory} mandatory violation(s), ${counts.advisory} advisory note(s)${counts.errors > 0 ? `, ${counts.errors} policy error(s)` : ""}.\n\n`,
  );
  write("| Policy | Result |\n| --- | --- |\n");
  for (const outcome of stack.verdict.outcomes) {
    write(
      `| \`${cell(outcome.policy)}\` | ${ICON[outcome.status]} ${cell(describeOutcome(outcome))} |\n`,
    );
  }
  const violations = stack.verdict.violations;
  if (violations.length > 0) {
    write("\n**Violations**\n\n");
    for (const v of violations) {
      write(
        `- ${v.enforcementLevel === "mandatory" ? "❌" : "⚠️"} \`${escapeInline(v.policy)}\` (${v.enforcementLevel}): ${escapeInline(v.message)}\n`,
      );
    }
  }
  if (stack.cost !== undefined) {
    write(
      `\n**Monthly cost estimate** for ${stack.cost.dataGb} GB (list prices of ${stack.cost.pricesAsOf}; data transfer not included)\n\n`,
    );
    write(`\`\`\`text\n${describeCost(stack.cost).join("\n")}\n\`\`\`\n`);
  }
  write("\n**Agent access** (each agent's identity policies, destructive requests)\n\n");
  for (const access of stack.agentAccess) {
    const [head, ...rest] = describeAgentAccess(access);
    write(`- ${escapeInline(head!)}\n`);
    for (const line of rest) write(`  - ${escapeInline(line.trim())}\n`);
  }
  write(
    `\n<details><summary>${stack.resourceCount} resources and their security settings</summary>\n\n`,
  );
  const draw = (nodes: readonly PlanNode[], depth: number) => {
    for (const node of nodes) {
      const pad = "  ".repeat(depth);
      const where = [
        ...(node.region === undefined ? [] : [node.region]),
        ...(node.account === undefined ? [] : [`account ${node.account}`]),
      ];
      const region = where.length === 0 ? "" : ` (${escapeInline(where.join(", "))})`;
      const flag =
        node.violated.length === 0
          ? ""
          : ` ❌ ${node.violated.map((p) => `\`${escapeInline(p)}\``).join(", ")}`;
      const settings =
        node.settings.length === 0 ? "" : `: ${node.settings.map(escapeInline).join("; ")}`;
      write(
        `${pad}- \`${escapeInline(node.type)}\` **${escapeInline(node.name)}**${region}${flag}${settings}\n`,
      );
      draw(node.children, depth + 1);
    }
  };
  draw(stack.resources, 0);
  write("\n</details>\n\n");
}
