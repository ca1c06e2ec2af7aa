/** Offsite backup buckets keep every version of every object. */
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { missingSibling } from "../lib/buckets.js";
import { validateBuckets } from "../lib/bucket-policy.js";
import { isRecord, prop } from "../lib/values.js";

/** Stack policy over each offsite backup bucket and its BucketVersioning. */
export const s3BucketVersioningEnabled: StackValidationPolicy = {
  name: "s3-bucket-versioning-enabled",
  description:
    "Offsite backup buckets keep every object version: an aws.s3.BucketVersioning with status Enabled.",
  enforcementLevel: "mandatory",
  validateStack: validateBuckets("backup", ({ bucket, index, unknowns, report }) => {
    const lookup = index.siblingsOf(bucket, aws.s3.BucketVersioning);
    missingSibling(lookup, unknowns, () =>
      report("no aws.s3.BucketVersioning for this bucket; add one with status Enabled"),
    );
    for (const versioning of lookup.found) {
      const status = unknowns.read(() => {
        const configuration = prop(versioning, "versioningConfiguration");
        return isRecord(configuration) ? configuration.status : undefined;
      });
      if (status.known && status.value !== "Enabled") {
        report(
          `versioning "${versioning.name}" has versioningConfiguration.status ${JSON.stringify(status.value)}; expected "Enabled"`,
        );
      }
    }
  }),
};
