/** The shared shape of the bucket rules: one stack policy visiting each bucket with its siblings. */
import type { PolicyResource, StackValidation, StackValidationArgs } from "@pulumi/policy";
import { indexBuckets, type BucketIndex } from "./buckets.js";
import { UnknownTracker } from "./known.js";
import { describeResource } from "./values.js";

/** What a bucket rule sees for one bucket. */
export interface BucketCheck {
  readonly bucket: PolicyResource;
  readonly index: BucketIndex;
  readonly unknowns: UnknownTracker;
  readonly args: StackValidationArgs;
  /** Reports a violation against this bucket; the message says what is wrong and what to set. */
  readonly report: (message: string) => void;
}

/**
 * A stack validation that runs `check` for every bucket of the given role ("backup" buckets hold
 * backups; "any" includes the access-log buckets). Unknown values found along the way are handed
 * back to CrossGuard after every definite violation is reported.
 */
export function validateBuckets(
  role: "backup" | "any",
  check: (bucket: BucketCheck) => void,
): StackValidation {
  return (args, reportViolation) => {
    const index = indexBuckets(args.resources);
    if (index.buckets.length === 0) args.notApplicable("the stack has no S3 buckets");
    const unknowns = new UnknownTracker();
    const selected = index.buckets.filter((bucket) => {
      if (role === "any") return true;
      const bucketRole = index.roleOf(bucket);
      if (bucketRole instanceof Error) unknowns.note(bucketRole);
      return bucketRole === "backup";
    });
    if (selected.length === 0) {
      unknowns.rethrow();
      args.notApplicable("the stack has no offsite backup buckets, only access-log buckets");
    }
    for (const bucket of selected) {
      check({
        bucket,
        index,
        unknowns,
        args,
        report: (message) => reportViolation(`${describeResource(bucket)}: ${message}`, bucket.urn),
      });
    }
    unknowns.rethrow();
  };
}
