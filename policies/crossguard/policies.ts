/**
 * The policies of the Stronghold pack, in the order they are reported. Kept apart from index.ts
 * (which serves them to the Pulumi engine) so tests and the offline evaluator can import them.
 */
import type { PolicyPackArgs } from "@pulumi/policy";
import { backupAgentNoDestructivePermissions } from "./rules/backup-agent-no-destructive-permissions.js";
import { backupStorageProtected } from "./rules/backup-storage-protected.js";
import { backupPlanCopiesToAnotherRegion } from "./rules/backup-plan-copies-to-another-region.js";
import { backupVaultLocked } from "./rules/backup-vault-locked.js";
import { drFailoverTargetOwned } from "./rules/dr-failover-target-owned.js";
import { drRegionDiffersFromPrimary } from "./rules/dr-region-differs-from-primary.js";
import { drSecurityGroupCoversServices } from "./rules/dr-security-group-covers-services.js";
import { kmsKeyRotationEnabled } from "./rules/kms-key-rotation-enabled.js";
import { requiredTags } from "./rules/required-tags.js";
import { s3BucketAccessLogging } from "./rules/s3-bucket-access-logging.js";
import { s3BucketKmsEncryption } from "./rules/s3-bucket-kms-encryption.js";
import { s3BucketObjectLockEnabled } from "./rules/s3-bucket-object-lock-enabled.js";
import { s3BucketPublicAccessBlocked } from "./rules/s3-bucket-public-access-blocked.js";
import { s3BucketTlsOnly } from "./rules/s3-bucket-tls-only.js";
import { s3LifecycleStorageClassFit } from "./rules/s3-lifecycle-storage-class-fit.js";
import { s3PutDenyNotIfHeaderAbsent } from "./rules/s3-put-deny-not-if-header-absent.js";
import { s3BucketVersioningEnabled } from "./rules/s3-bucket-versioning-enabled.js";

/** The pack's name as the Pulumi CLI shows it (letters, digits, `-`, `_`, `.`). */
export const PACK_NAME = "stronghold-guardrails";

/** Everything `new PolicyPack(PACK_NAME, PACK)` needs. */
export const PACK: PolicyPackArgs = {
  description:
    "Guard rails for the town's immutable offsite backups and pilot-light DR environment on AWS.",
  enforcementLevel: "mandatory",
  provider: "aws",
  tags: ["backup", "disaster-recovery", "s3", "aws-backup"],
  policies: [
    s3BucketVersioningEnabled,
    s3BucketObjectLockEnabled,
    s3BucketKmsEncryption,
    s3BucketPublicAccessBlocked,
    s3BucketTlsOnly,
    s3BucketAccessLogging,
    s3PutDenyNotIfHeaderAbsent,
    s3LifecycleStorageClassFit,
    kmsKeyRotationEnabled,
    backupVaultLocked,
    backupPlanCopiesToAnotherRegion,
    backupAgentNoDestructivePermissions,
    backupStorageProtected,
    drRegionDiffersFromPrimary,
    drSecurityGroupCoversServices,
    drFailoverTargetOwned,
    requiredTags,
  ],
};
