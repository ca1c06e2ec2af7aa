/** No bucket of the stack can be made public, by ACL or by policy. */
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { missingSibling } from "../lib/buckets.js";
import { validateBuckets } from "../lib/bucket-policy.js";
import { prop } from "../lib/values.js";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** Stack policy over every bucket and its public access block. */
export const s3BucketPublicAccessBlocked: StackValidationPolicy = {
  name: "s3-bucket-public-access-blocked",
  description:
    "Every bucket (backups and access logs) has an aws.s3.BucketPublicAccessBlock with all four settings true: blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets.",
  enforcementLevel: "mandatory",
  validateStack: validateBuckets("any", ({ bucket, index, unknowns, report }) => {
    const lookup = index.siblingsOf(bucket, aws.s3.BucketPublicAccessBlock);
    missingSibling(lookup, unknowns, () =>
      report(
        `no aws.s3.BucketPublicAccessBlock for this bucket; add one with ${FLAGS.join(", ")} all true`,
      ),
    );
    for (const block of lookup.found) {
      const open = FLAGS.filter((flag) => {
        const value = unknowns.read(() => prop(block, flag));
        return value.known && value.value !== true;
      });
      if (open.length > 0) {
        report(`public access block "${block.name}" does not set ${open.join(", ")} to true`);
      }
    }
  }),
};
