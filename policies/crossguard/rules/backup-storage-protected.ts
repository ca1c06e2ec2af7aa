/**
 * What holds the backups cannot be deleted by a `pulumi up`: every offsite backup bucket with its
 * versioning and Object Lock configuration, every KMS key, key policy, AWS Backup vault and vault
 * lock carries `protect: true`. (The resource options CrossGuard hands a policy carry `protect`
 * but not `retainOnDelete`; tests assert that one through a stack transform.)
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { indexBuckets } from "../lib/buckets.js";
import { UnknownTracker } from "../lib/known.js";
import { describeResource } from "../lib/values.js";

/** Resource types kept whole wherever they appear: each guards recovery points or their keys. */
const ALWAYS_PROTECTED: readonly string[] = [
  "aws:kms/key:Key",
  "aws:kms/keyPolicy:KeyPolicy",
  "aws:backup/vault:Vault",
  "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
];

/** Stack policy: protect on everything whose loss loses backups. */
export const backupStorageProtected: StackValidationPolicy = {
  name: "backup-storage-protected",
  description:
    "Offsite backup buckets (with their aws.s3.BucketVersioning and aws.s3.BucketObjectLockConfiguration), KMS keys and key policies, AWS Backup vaults (standard and logically air-gapped) and vault locks are registered with protect: true, so no pulumi up or destroy can delete them.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const unknowns = new UnknownTracker();
    const index = indexBuckets(args.resources);
    const mustProtect = new Set<PolicyResource>(
      args.resources.filter((r) => ALWAYS_PROTECTED.includes(r.type)),
    );
    for (const bucket of index.buckets) {
      const role = index.roleOf(bucket);
      if (role instanceof Error) {
        unknowns.note(role);
        continue;
      }
      if (role !== "backup") continue;
      mustProtect.add(bucket);
      for (const sibling of [aws.s3.BucketVersioning, aws.s3.BucketObjectLockConfiguration]) {
        for (const found of index.siblingsOf(bucket, sibling).found) mustProtect.add(found);
      }
    }
    if (mustProtect.size === 0) {
      args.notApplicable("the stack has no backup buckets, keys or vaults");
    }
    for (const resource of mustProtect) {
      if (resource.opts.protect !== true) {
        reportViolation(
          `${describeResource(resource)}: not protected; register it with { protect: true, retainOnDelete: true } so deleting it from the program cannot delete backups or their keys`,
          resource.urn,
        );
      }
    }
    unknowns.rethrow();
  },
};
