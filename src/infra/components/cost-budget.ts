/**
 * An AWS Budget for the account's monthly cost, so a forgotten standing instance, NAT gateway or
 * runaway restore shows up in the town's inbox before the invoice does: e-mail at 80% of the
 * actual spend and when the month's forecast passes the limit.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Tags } from "../tags.js";

export interface CostBudgetArgs {
  readonly namePrefix: string;
  readonly monthlyUsd: number;
  readonly emails: readonly string[];
  readonly tags: Tags;
}

export class CostBudget extends pulumi.ComponentResource {
  readonly budget: aws.budgets.Budget;

  constructor(name: string, args: CostBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:monitoring:CostBudget", name, {}, opts);
    const subscribers = { subscriberEmailAddresses: [...args.emails] };
    // The whole account, not only this stack's resources: a cost-allocation-tag filter sees
    // nothing until someone activates the tag in Billing, and the budget would stay silent.
    this.budget = new aws.budgets.Budget(
      `${name}-monthly`,
      {
        name: `${args.namePrefix}-monthly-cost`,
        budgetType: "COST",
        limitAmount: String(args.monthlyUsd),
        limitUnit: "USD",
        timeUnit: "MONTHLY",
        notifications: [
          {
            comparisonOperator: "GREATER_THAN",
            notificationType: "ACTUAL",
            threshold: 80,
            thresholdType: "PERCENTAGE",
            ...subscribers,
          },
          {
            comparisonOperator: "GREATER_THAN",
            notificationType: "FORECASTED",
            threshold: 100,
            thresholdType: "PERCENTAGE",
            ...subscribers,
          },
        ],
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ budgetName: this.budget.name });
  }
}
