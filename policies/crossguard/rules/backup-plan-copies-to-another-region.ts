/** A regional disaster cannot take every copy: each backup rule copies to a vault in another region. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { regionOf } from "../lib/regions.js";
import { arnRegion } from "../lib/values.js";

/** Resource policy over each aws.backup.Plan. */
export const backupPlanCopiesToAnotherRegion: ResourceValidationPolicy = {
  name: "backup-plan-copies-to-another-region",
  description:
    "Every rule of an aws.backup.Plan has a copy action whose destination vault ARN is in a region other than the plan's.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.backup.Plan, (plan, args, reportViolation) => {
    const region = regionOf(args);
    // An unknown region reaches CrossGuard as "can't run during preview", like any unknown value.
    if (!region.known) throw region.error;
    if (region.value === undefined) {
      reportViolation(
        "the plan's region is not set (no region argument and no provider region), so cross-region copies cannot be checked",
      );
      return;
    }
    for (const [i, rule] of plan.rules.entries()) {
      const name = `rule ${JSON.stringify(rule.ruleName)} (rules[${i}])`;
      const destinations = (rule.copyActions ?? []).map((c) => c.destinationVaultArn);
      if (destinations.length === 0) {
        reportViolation(`${name} has no copyActions; copy every recovery point to the DR region`);
        continue;
      }
      const regions = destinations.map((arn) => arnRegion(arn));
      if (!regions.some((r) => r !== undefined && r !== region.value)) {
        reportViolation(
          `${name} copies only within ${region.value} (${destinations.join(", ")}); copy to a vault in another region`,
        );
      }
    }
  }),
};
