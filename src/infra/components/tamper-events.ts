/**
 * The management calls that weaken the backups' protection, as CloudTrail names them: each group
 * becomes an EventBridge rule on "AWS API Call via CloudTrail" in every alerting region, routed
 * to the alert topic. EventBridge sees these events only while a trail logs, which is why
 * stopping or deleting the trail is one of them.
 */

/** One group of calls: the CloudTrail event source and the event names. */
export interface TamperEvent {
  readonly description: string;
  readonly source: string;
  readonly eventNames: readonly string[];
}

/** Every group, keyed by the rule's name suffix. */
export const TAMPER_EVENTS: Readonly<Record<string, TamperEvent>> = {
  "kms-key-retired": {
    description:
      "a KMS key was disabled, scheduled for deletion, or its policy or rotation changed",
    source: "kms.amazonaws.com",
    eventNames: ["ScheduleKeyDeletion", "DisableKey", "DisableKeyRotation", "PutKeyPolicy"],
  },
  "bucket-protection-changed": {
    description: "a bucket's policy, Object Lock, versioning, lifecycle or replication changed",
    source: "s3.amazonaws.com",
    eventNames: [
      "PutBucketPolicy",
      "DeleteBucketPolicy",
      "PutObjectLockConfiguration",
      "PutBucketVersioning",
      "PutBucketLifecycle",
      "DeleteBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketReplication",
      "PutBucketEncryption",
      "DeleteBucket",
    ],
  },
  "vault-protection-changed": {
    description: "a vault's access policy, lock or notifications changed, or a plan was removed",
    source: "backup.amazonaws.com",
    eventNames: [
      "PutBackupVaultAccessPolicy",
      "DeleteBackupVaultAccessPolicy",
      "PutBackupVaultLockConfiguration",
      "DeleteBackupVaultLockConfiguration",
      "PutBackupVaultNotifications",
      "DeleteBackupVaultNotifications",
      "DeleteBackupVault",
      "DeleteRecoveryPoint",
      "DeleteBackupPlan",
      "UpdateBackupPlan",
      "DeleteBackupSelection",
    ],
  },
  "cloudtrail-stopped": {
    description: "CloudTrail logging was stopped, or a trail deleted or narrowed",
    source: "cloudtrail.amazonaws.com",
    eventNames: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"],
  },
};

/** The EventBridge pattern of one group. */
export function tamperPattern(event: TamperEvent): string {
  return JSON.stringify({
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: { eventSource: [event.source], eventName: [...event.eventNames] },
  });
}
