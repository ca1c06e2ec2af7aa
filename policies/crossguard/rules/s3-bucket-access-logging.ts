/** Every access to an offsite backup bucket is logged to a separate bucket. */
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { missingSibling } from "../lib/buckets.js";
import { validateBuckets } from "../lib/bucket-policy.js";

/** Stack policy over each offsite backup bucket and its BucketLogging. */
export const s3BucketAccessLogging: StackValidationPolicy = {
  name: "s3-bucket-access-logging",
  description:
    "Offsite backup buckets send server access logs to a separate bucket: an aws.s3.BucketLogging whose targetBucket is another bucket.",
  enforcementLevel: "mandatory",
  validateStack: validateBuckets("backup", ({ bucket, index, unknowns, report }) => {
    const lookup = index.siblingsOf(bucket, aws.s3.BucketLogging);
    missingSibling(lookup, unknowns, () =>
      report("no aws.s3.BucketLogging for this bucket; log its access to a separate log bucket"),
    );
    for (const logging of lookup.found) {
      const target = index.siblingsOf(bucket, aws.s3.BucketLogging, "targetBucket");
      if (target.found.includes(logging)) {
        report(`logging "${logging.name}" writes the bucket's access logs into the bucket itself`);
      }
    }
  }),
};
