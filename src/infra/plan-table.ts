/** The terminal rendering of a plan: per stack, the resource tree with settings, then the policy verdict. */
import { describeCost } from "./cost-estimate.js";
import pc from "picocolors";
import type { Write } from "../output/write.js";
import type { Plan, StackPlan } from "./plan.js";
import { describeAgentAccess } from "./plan-agent-access.js";
import { describeOutcome, OUTCOME_LABEL, tally } from "./plan-outcome.js";
import type { PlanNode } from "./plan-tree.js";

/** Renders `plan`; colour codes appear only when `color` is true. */
export function renderPlanTable(
  plan: Plan,
  write: Write,
  options: { readonly color: boolean },
): void {
  const c = pc.createColors(options.color);
  for (const stack of plan.stacks) renderStack(stack, plan.pack, write, c);
  const blocked = plan.stacks.filter((s) => s.verdict.blocked).map((s) => s.stack);
  write(
    blocked.length === 0
      ? `\n${c.green(c.bold("Verdict: PASS"))}: no mandatory violation in ${plan.stacks.map((s) => s.stack).join(", ")}\n`
      : `\n${c.red(c.bold("Verdict: BLOCKED"))}: mandatory violations in ${blocked.join(", ")}; \`pulumi preview --policy-pack\` would stop too\n`,
  );
}

function renderStack(
  stack: StackPlan,
  pack: string,
  write: Write,
  c: ReturnType<typeof pc.createColors>,
): void {
  write(
    `${c.bold(`Stack ${stack.stack}`)}: ${stack.resourceCount} resources (offline: Pulumi mocks stand in for AWS and the engine; ids and ARNs are made up)\n`,
  );
  write(`Policy pack ${pack}, config ${stack.policyConfig ?? "defaults"}\n\n`);
  const lines: string[] = [];
  const draw = (nodes: readonly PlanNode[], indent: string) => {
    nodes.forEach((node, i) => {
      const last = i === nodes.length - 1;
      const where = [
        ...(node.region === undefined ? [] : [node.region]),
        ...(node.account === undefined ? [] : [`account ${node.account}`]),
      ];
      const region = where.length === 0 ? "" : c.dim(` [${where.join(", ")}]`);
      const flag = node.violated.length === 0 ? "" : c.red(`  ✘ ${node.violated.join(", ")}`);
      const branch = indent === "" ? "" : last ? "└─ " : "├─ ";
      lines.push(
        `${indent.slice(0, -3)}${branch}${c.cyan(node.type)} ${c.bold(node.name)}${region}${flag}`,
      );
      const inner = indent === "" ? "   " : `${indent.slice(0, -3)}${last ? "   " : "│  "}   `;
      const settingIndent = node.children.length > 0 ? `${inner.slice(0, -3)}│  ` : inner;
      for (const setting of node.settings) lines.push(`${settingIndent}${c.dim("· ")}${setting}`);
      draw(node.children, inner);
    });
  };
  draw(stack.resources, "");
  write(`${lines.join("\n")}\n`);

  write(
    `\n${c.bold("Agent access")} (from each agent's identity policies; destructive requests)\n`,
  );
  for (const access of stack.agentAccess) {
    for (const line of describeAgentAccess(access)) write(`  ${line}\n`);
  }

  if (stack.cost !== undefined) {
    write(
      `\n${c.bold("Monthly cost estimate")} for ${stack.cost.dataGb} GB (list prices of ${stack.cost.pricesAsOf}; data transfer not included)\n`,
    );
    for (const line of describeCost(stack.cost)) write(`  ${line}\n`);
  }

  const counts = tally(stack.verdict.outcomes);
  write(
    `\n${c.bold(`Policies of stack ${stack.stack}`)}: ${counts.mandatory} mandatory violation(s), ${counts.advisory} advisory note(s)${counts.errors > 0 ? `, ${counts.errors} policy error(s)` : ""}\n`,
  );
  const width = Math.max(...stack.verdict.outcomes.map((o) => o.policy.length));
  for (const outcome of stack.verdict.outcomes) {
    const label = OUTCOME_LABEL[outcome.status].padEnd(5);
    const colored =
      outcome.status === "passed"
        ? c.green(label)
        : outcome.status === "violated" || outcome.status === "error"
          ? c.red(label)
          : c.dim(label);
    write(`  ${colored} ${outcome.policy.padEnd(width)}  ${describeOutcome(outcome)}\n`);
    if (outcome.status === "violated" || outcome.status === "error") {
      for (const v of outcome.violations) {
        write(
          `        ${v.enforcementLevel === "mandatory" ? c.red("mandatory") : c.yellow("advisory")}: ${v.message}\n`,
        );
      }
    }
  }
  write("\n");
}
