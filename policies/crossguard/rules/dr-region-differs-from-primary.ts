/**
 * A disaster in the primary region must not also take the DR side: the pilot-light network and
 * the offsite backup buckets live in a region where no backup plan runs.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { indexBuckets } from "../lib/buckets.js";
import { UnknownTracker } from "../lib/known.js";
import { regionOf } from "../lib/regions.js";
import { describeResource } from "../lib/values.js";

/** Stack policy: compares the regions of the plans with those of the DR side. */
export const drRegionDiffersFromPrimary: StackValidationPolicy = {
  name: "dr-region-differs-from-primary",
  description:
    "The DR side (every aws.ec2.Vpc of the pilot-light environment and every offsite backup bucket) is in a region other than the primary region, where the aws.backup.Plan resources run.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const unknowns = new UnknownTracker();
    const regionIfKnown = (resource: PolicyResource): string | undefined => {
      const region = regionOf(resource);
      if (!region.known) {
        unknowns.note(region.error);
        return undefined;
      }
      return region.value;
    };
    const plans = args.resources.filter((r) => r.isType(aws.backup.Plan));
    const primary = new Map<string, PolicyResource>();
    for (const plan of plans) {
      const region = regionIfKnown(plan);
      if (region !== undefined && !primary.has(region)) primary.set(region, plan);
    }
    const index = indexBuckets(args.resources);
    const drSide = [
      ...args.resources.filter((r) => r.isType(aws.ec2.Vpc)),
      ...index.buckets.filter((b) => index.roleOf(b) === "backup"),
    ];
    if (plans.length === 0 || drSide.length === 0) {
      args.notApplicable("the stack has no backup plan or no DR network and offsite bucket");
    }
    for (const resource of drSide) {
      const region = regionIfKnown(resource);
      const plan = region === undefined ? undefined : primary.get(region);
      if (plan !== undefined) {
        reportViolation(
          `${describeResource(resource)} is in ${region}, the primary region where backup plan "${plan.name}" runs; put the DR side in another region`,
          resource.urn,
        );
      }
    }
    unknowns.rethrow();
  },
};
