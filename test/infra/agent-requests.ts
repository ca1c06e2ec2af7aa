/**
 * The API requests each backup agent makes, as its client sends them, and what the offsite
 * storage must answer. Sources: restic's S3 backend (internal/backend/s3/s3.go: minio-go
 * PutObject with Content-MD5, a storage class and no encryption header; GetObject with a Range;
 * Stat as GetObject + HEAD; ListObjects V2 with a prefix and "/" delimiter; RemoveObject for its
 * lock files; GetBucketLocation for the region) and Veeam's documented permission set for S3
 * object storage with immutability (helpcenter.veeam.com, "Permissions", and KB3151).
 */
import type { Request } from "./iam-evaluation.js";

/** Where an agent writes: its bucket, key prefix and the bucket's KMS key. */
export interface AgentTarget {
  readonly bucket: string;
  readonly prefix: string;
  readonly keyArn: string;
  readonly region: string;
  /** The audit trail's name, for the requests that would silence it. */
  readonly trailName?: string;
}

/** One row: the call, whether storage must allow it, and why. */
export interface RequestRow {
  readonly call: string;
  readonly expect: "allow" | "deny";
  readonly why: string;
  readonly request: (t: AgentTarget) => Request;
}

const object = (t: AgentTarget, key: string) => `arn:aws:s3:::${t.bucket}/${t.prefix}${key}`;
const bucket = (t: AgentTarget) => `arn:aws:s3:::${t.bucket}`;
/** The stack's audit trail, named by convention in the primary region of the sample town. */
const trailOf = (t: AgentTarget) =>
  `arn:aws:cloudtrail:us-east-1:123456789012:trail/${t.trailName ?? "unknown"}`;
const viaS3 = (t: AgentTarget) => ({ "kms:ViaService": `s3.${t.region}.amazonaws.com` });

/** Destructive requests no backup agent's vendor requires: every one must be denied. */
export const AGENT_DESTRUCTIVE: readonly RequestRow[] = [
  ["s3:BypassGovernanceRetention", (t: AgentTarget) => object(t, "data/ab/abcd")],
  ["s3:PutBucketPolicy", bucket],
  ["s3:DeleteBucketPolicy", bucket],
  ["s3:PutBucketObjectLockConfiguration", bucket],
  ["s3:PutBucketVersioning", bucket],
  ["s3:PutLifecycleConfiguration", bucket],
  ["s3:PutReplicationConfiguration", bucket],
  ["s3:DeleteBucket", bucket],
  ["kms:ScheduleKeyDeletion", (t: AgentTarget) => t.keyArn],
  ["kms:DisableKey", (t: AgentTarget) => t.keyArn],
  ["kms:PutKeyPolicy", (t: AgentTarget) => t.keyArn],
  ["cloudtrail:StopLogging", (t: AgentTarget) => trailOf(t)],
  ["cloudtrail:DeleteTrail", (t: AgentTarget) => trailOf(t)],
].map(([action, resource]) => ({
  call: action as string,
  expect: "deny" as const,
  why: "destroys backups or their protection; no backup client needs it",
  request: (t: AgentTarget) => ({
    action: action as string,
    resource: (resource as (t: AgentTarget) => string)(t),
  }),
}));

/** restic's requests against its repository under the agent's prefix. */
export const RESTIC_REQUESTS: readonly RequestRow[] = [
  {
    call: "GetBucketLocation (minio-go looks up the bucket's region)",
    expect: "allow",
    why: "needed to sign requests for the right region",
    request: (t) => ({ action: "s3:GetBucketLocation", resource: bucket(t) }),
  },
  {
    call: "ListObjectsV2 prefix=<prefix>snapshots/ delimiter=/",
    expect: "allow",
    why: "restic lists each file type's folder",
    request: (t) => ({
      action: "s3:ListBucket",
      resource: bucket(t),
      context: { "s3:prefix": `${t.prefix}snapshots/`, "s3:delimiter": "/" },
    }),
  },
  {
    call: "PutObject data/… with Content-MD5 and x-amz-storage-class, no encryption header",
    expect: "allow",
    why: "the regression of issue #12: the bucket default (SSE-KMS) applies",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "data/ab/abcdef"),
      context: { "s3:x-amz-storage-class": "STANDARD" },
    }),
  },
  {
    call: "PutObject locks/… (no encryption header)",
    expect: "allow",
    why: "every restic command writes a lock",
    request: (t) => ({ action: "s3:PutObject", resource: object(t, "locks/0123") }),
  },
  {
    call: "GetObject data/… with Range (also HEAD for Stat)",
    expect: "allow",
    why: "restore, check and every index load read objects",
    request: (t) => ({ action: "s3:GetObject", resource: object(t, "data/ab/abcdef") }),
  },
  {
    call: "DeleteObject locks/…",
    expect: "allow",
    why: "restic removes its own lock; in a versioned bucket that only adds a delete marker",
    request: (t) => ({ action: "s3:DeleteObject", resource: object(t, "locks/0123") }),
  },
  {
    call: "kms:GenerateDataKey through S3 (SSE-KMS under the bucket key)",
    expect: "allow",
    why: "S3 asks KMS for a data key on the uploader's behalf",
    request: (t) => ({ action: "kms:GenerateDataKey", resource: t.keyArn, context: viaS3(t) }),
  },
  {
    call: "kms:Decrypt through S3",
    expect: "allow",
    why: "reading an SSE-KMS object",
    request: (t) => ({ action: "kms:Decrypt", resource: t.keyArn, context: viaS3(t) }),
  },
  {
    call: "kms:Decrypt called directly, not through S3",
    expect: "deny",
    why: "the key policy admits agents only through S3",
    request: (t) => ({ action: "kms:Decrypt", resource: t.keyArn }),
  },
  {
    call: "PutObject with SSE-C (x-amz-server-side-encryption-customer-algorithm)",
    expect: "deny",
    why: "data under a key the town does not hold is the ransomware pattern",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "data/ab/abcdef"),
      context: { "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" },
    }),
  },
  {
    call: "PutObject with x-amz-server-side-encryption: AES256",
    expect: "deny",
    why: "only SSE-KMS with the bucket's key is accepted",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "data/ab/abcdef"),
      context: { "s3:x-amz-server-side-encryption": "AES256" },
    }),
  },
  {
    call: "DeleteObject data/… (restic prune)",
    expect: "deny",
    why: "the agent key is append-only; pruning is not possible with it",
    request: (t) => ({ action: "s3:DeleteObject", resource: object(t, "data/ab/abcdef") }),
  },
  {
    call: "DeleteObjectVersion locks/…",
    expect: "deny",
    why: "restic never deletes versions; a version delete would destroy history",
    request: (t) => ({ action: "s3:DeleteObjectVersion", resource: object(t, "locks/0123") }),
  },
  {
    call: "PutObject outside the agent's prefix",
    expect: "deny",
    why: "each agent writes only under its own prefix",
    request: (t) => ({
      action: "s3:PutObject",
      resource: `arn:aws:s3:::${t.bucket}/elsewhere/x`,
    }),
  },
  ...AGENT_DESTRUCTIVE,
];

const allowVeeam = (
  call: string,
  action: string,
  on: "bucket" | "object" | "*",
  why: string,
): RequestRow => ({
  call,
  expect: "allow",
  why,
  request: (t) => ({
    action,
    resource:
      on === "bucket" ? bucket(t) : on === "*" ? "*" : object(t, "Veeam/Backup/job/blocks/0001"),
  }),
});

/** Veeam's requests, from its documented permission set for S3 with immutability. */
export const VEEAM_REQUESTS: readonly RequestRow[] = [
  allowVeeam("ListAllMyBuckets", "s3:ListAllMyBuckets", "*", "the repository wizard lists buckets"),
  allowVeeam(
    "ListObjectsV2 (any prefix)",
    "s3:ListBucket",
    "bucket",
    "the bucket is Veeam's alone",
  ),
  allowVeeam(
    "ListObjectVersions",
    "s3:ListBucketVersions",
    "bucket",
    "immutability needs versions",
  ),
  allowVeeam("GetBucketLocation", "s3:GetBucketLocation", "bucket", "documented"),
  allowVeeam("GetBucketVersioning", "s3:GetBucketVersioning", "bucket", "documented"),
  allowVeeam(
    "GetObjectLockConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "bucket",
    "Veeam checks that Object Lock is on and that no default retention is set",
  ),
  {
    call: "PutObject with x-amz-object-lock-mode and retain-until-date, no encryption header",
    expect: "allow",
    why: "Veeam sets each block's retention itself; the bucket default encryption applies",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "Veeam/Backup/job/blocks/0001"),
      context: {
        "s3:object-lock-mode": "COMPLIANCE",
        "s3:object-lock-retain-until-date": "2027-01-30T00:00:00Z",
      },
    }),
  },
  allowVeeam("GetObject", "s3:GetObject", "object", "restore"),
  {
    call: "kms:GenerateDataKey through S3",
    expect: "allow",
    why: "SSE-KMS under the bucket key",
    request: (t) => ({ action: "kms:GenerateDataKey", resource: t.keyArn, context: viaS3(t) }),
  },
  allowVeeam("GetObject?versionId", "s3:GetObjectVersion", "object", "documented"),
  allowVeeam("GetObjectRetention", "s3:GetObjectRetention", "object", "documented"),
  allowVeeam(
    "PutObjectRetention (extend)",
    "s3:PutObjectRetention",
    "object",
    "Veeam extends retention of blocks still in use",
  ),
  allowVeeam("GetObjectLegalHold", "s3:GetObjectLegalHold", "object", "documented"),
  allowVeeam("PutObjectLegalHold", "s3:PutObjectLegalHold", "object", "documented"),
  allowVeeam(
    "DeleteObject",
    "s3:DeleteObject",
    "object",
    "vendor-required: in a versioned bucket it only adds a delete marker",
  ),
  allowVeeam(
    "DeleteObject?versionId",
    "s3:DeleteObjectVersion",
    "object",
    "vendor-required to remove expired versions; a version still under its Object Lock retention cannot be deleted by anyone — that protection is Object Lock's, not IAM's",
  ),
  {
    call: "PutObject with SSE-C",
    expect: "deny",
    why: "data under a key the town does not hold",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "Veeam/Backup/job/blocks/0001"),
      context: { "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" },
    }),
  },
  {
    call: "PutObject outside the agent's prefix",
    expect: "deny",
    why: "the agent writes only under its own prefix",
    request: (t) => ({ action: "s3:PutObject", resource: `arn:aws:s3:::${t.bucket}/elsewhere/x` }),
  },
  ...AGENT_DESTRUCTIVE,
];

export { viaS3 };

/** Where the roles act: the offsite bucket and key, and the primary vault and its key. */
export interface Estate {
  readonly offsite: AgentTarget;
  readonly vaultArn: string;
  readonly vaultKeyArn: string;
  readonly vaultRegion: string;
  readonly trailArn?: string;
}

/** A row for a role: the call, the expectation and the request against the estate. */
export interface RoleRow {
  readonly call: string;
  readonly expect: "allow" | "deny";
  readonly why: string;
  readonly request: (e: Estate) => Request;
}

const row = (
  expect: "allow" | "deny",
  action: string,
  resource: (e: Estate) => string,
  why: string,
  context?: (e: Estate) => Record<string, string>,
): RoleRow => ({
  call: action,
  expect,
  why,
  request: (e) => ({ action, resource: resource(e), ...(context ? { context: context(e) } : {}) }),
});
const offsiteBucket = (e: Estate) => `arn:aws:s3:::${e.offsite.bucket}`;
const offsiteObject = (e: Estate) => `arn:aws:s3:::${e.offsite.bucket}/restic/data/ab/abcdef`;
const offsiteKey = (e: Estate) => e.offsite.keyArn;
const vault = (e: Estate) => e.vaultArn;
const vaultKey = (e: Estate) => e.vaultKeyArn;
const viaOffsiteS3 = (e: Estate) => viaS3(e.offsite);

/** Changes to what protects the backups: only the deployer role may make them. */
const PROTECTION_CHANGES: readonly ((expect: "allow" | "deny", why: string) => RoleRow)[] = [
  (x, w) => row(x, "s3:PutBucketPolicy", offsiteBucket, w),
  (x, w) => row(x, "s3:PutBucketObjectLockConfiguration", offsiteBucket, w),
  (x, w) => row(x, "s3:PutLifecycleConfiguration", offsiteBucket, w),
  (x, w) => row(x, "s3:PutBucketVersioning", offsiteBucket, w),
  (x, w) => row(x, "kms:PutKeyPolicy", offsiteKey, w),
  (x, w) => row(x, "backup:PutBackupVaultAccessPolicy", vault, w),
  (x, w) => row(x, "backup:PutBackupVaultLockConfiguration", vault, w),
];

/** Destruction nobody but break-glass may perform, and some nobody at all. */
const DESTRUCTION: readonly RoleRow[] = [
  row("deny", "s3:BypassGovernanceRetention", offsiteObject, "only break-glass may bypass"),
  row("deny", "s3:DeleteBucket", offsiteBucket, "only the deployer changes the bucket"),
  row("deny", "kms:ScheduleKeyDeletion", offsiteKey, "only break-glass retires a key"),
  row("deny", "kms:DisableKey", offsiteKey, "only break-glass retires a key"),
  row("deny", "kms:ScheduleKeyDeletion", vaultKey, "only break-glass retires a key"),
  row("deny", "backup:DeleteBackupVault", vault, "only the deployer changes the vault"),
  row("deny", "backup:DeleteBackupVaultLockConfiguration", vault, "only the deployer"),
];

/** The town's everyday admin role (AdministratorAccess): reads settings, changes no protection. */
export const ADMIN_REQUESTS: readonly RoleRow[] = [
  row("deny", "cloudtrail:StopLogging", (e) => trailOf(e.offsite), "the admin guard denies it"),
  row("deny", "cloudtrail:DeleteTrail", (e) => trailOf(e.offsite), "the admin guard denies it"),
  row("allow", "s3:GetBucketObjectLockConfiguration", offsiteBucket, "reads settings"),
  row("allow", "kms:DescribeKey", offsiteKey, "reads settings"),
  row("deny", "kms:Decrypt", offsiteKey, "administers, does not use", viaOffsiteS3),
  ...PROTECTION_CHANGES.map((r) => r("deny", "only the deployer role changes protection")),
  ...DESTRUCTION,
];

/** The role `pulumi up` runs as: changes policies, keys and locks; destroys nothing, uses no key. */
export const DEPLOYER_REQUESTS: readonly RoleRow[] = [
  ...PROTECTION_CHANGES.map((r) => r("allow", "pulumi up applies the program's settings")),
  row("deny", "kms:Decrypt", offsiteKey, "administers, does not use", viaOffsiteS3),
  ...DESTRUCTION,
];

/** The break-glass role: the only one that can retire a key. */
export const BREAK_GLASS_REQUESTS: readonly RoleRow[] = [
  row("allow", "kms:ScheduleKeyDeletion", offsiteKey, "retiring a key is its purpose"),
  row("allow", "kms:DisableKey", offsiteKey, "retiring a key is its purpose"),
  row("deny", "s3:PutBucketPolicy", offsiteBucket, "policy changes go through the deployer"),
];

/** AWS Backup's service role: uses the vault key through AWS Backup; destroys nothing. */
export const AWS_BACKUP_REQUESTS: readonly RoleRow[] = [
  row("allow", "kms:GenerateDataKey", vaultKey, "encrypts recovery points", (e) => ({
    "kms:ViaService": `backup.${e.vaultRegion}.amazonaws.com`,
  })),
  row("allow", "kms:CreateGrant", vaultKey, "grants for the resources it backs up", (e) => ({
    "kms:ViaService": `backup.${e.vaultRegion}.amazonaws.com`,
    "kms:GrantIsForAWSResource": "true",
  })),
  row("deny", "kms:CreateGrant", vaultKey, "no grants for non-AWS resources"),
  ...DESTRUCTION,
];

const resticLock = (e: Estate) =>
  `arn:aws:s3:::${e.offsite.bucket}/restic/locks/4f1c2d3e4b5a69788796a5b4c3d2e1f0`;
const resticConfig = (e: Estate) => `arn:aws:s3:::${e.offsite.bucket}/restic/config`;

/**
 * The DR restore role: what `restic restore` and `restic check` send (they take a non-exclusive
 * lock: a PutObject under locks/ and its DeleteObject when done), and nothing that changes backups.
 */
export const RESTORE_REQUESTS: readonly RoleRow[] = [
  row("allow", "s3:GetObject", offsiteObject, "restores read backups"),
  row("allow", "s3:GetObject", resticConfig, "restic opens the repository"),
  row("allow", "s3:ListBucket", offsiteBucket, "restores list the repository"),
  row("allow", "kms:Decrypt", offsiteKey, "reads SSE-KMS objects", viaOffsiteS3),
  row("allow", "s3:PutObject", resticLock, "restic writes its restore lock"),
  row("allow", "kms:GenerateDataKey", offsiteKey, "the lock file is SSE-KMS", viaOffsiteS3),
  row("allow", "s3:DeleteObject", resticLock, "restic removes its lock when done"),
  row("deny", "kms:GenerateDataKey", offsiteKey, "the key is used only through S3"),
  row("deny", "s3:PutObject", offsiteObject, "a restore never writes backups"),
  row("deny", "s3:PutObject", resticConfig, "a restore never rewrites the repository"),
  row("deny", "s3:DeleteObject", offsiteObject, "a restore never deletes backups"),
  row("deny", "s3:DeleteObjectVersion", resticLock, "not even an old lock's versions"),
  ...DESTRUCTION,
];

/** What `stronghold evidence push` sends for an evidence object: its lock on the put (src/evidence/push.ts). */
const lockedPut = (mode: string, days: string) => ({
  "s3:object-lock-mode": mode,
  "s3:object-lock-remaining-retention-days": days,
  "s3:x-amz-content-sha256": "UNSIGNED-PAYLOAD",
});

/**
 * The evidence-writer's requests (`stronghold evidence push` and `verify --remote`, with
 * @aws-sdk/client-s3) under the evidence prefix in a COMPLIANCE stack keeping evidence 2555 days,
 * and what it must never do. `t.prefix` is the evidence prefix.
 */
export const EVIDENCE_WRITER_REQUESTS: readonly RequestRow[] = [
  {
    call: "ListObjectsV2 prefix=<prefix>entries/",
    expect: "allow",
    why: "the push resumes from the bucket's segments, not from its local record",
    request: (t) => ({
      action: "s3:ListBucket",
      resource: bucket(t),
      context: { "s3:prefix": `${t.prefix}entries/` },
    }),
  },
  {
    call: "PutObject objects/<sha256> with COMPLIANCE, retain 2555 days",
    expect: "allow",
    why: "an artifact, locked on its put",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, `objects/${"ab".repeat(32)}`),
      context: lockedPut("COMPLIANCE", "2555"),
    }),
  },
  {
    call: "PutObjectRetention (the permission a put with lock headers also needs)",
    expect: "allow",
    why: "S3 checks s3:PutObjectRetention for x-amz-object-lock-* on a put",
    request: (t) => ({
      action: "s3:PutObjectRetention",
      resource: object(t, "entries/000000000001-000000000003-ab.jsonl"),
      context: lockedPut("COMPLIANCE", "2555"),
    }),
  },
  {
    call: "HEAD / GetObject entries/… and objects/…",
    expect: "allow",
    why: "the push checks which artifacts are offsite; verify --remote reads the segments",
    request: (t) => ({ action: "s3:GetObject", resource: object(t, "entries/x.jsonl") }),
  },
  {
    call: "kms:GenerateDataKey through S3",
    expect: "allow",
    why: "SSE-KMS under the bucket key on each put",
    request: (t) => ({ action: "kms:GenerateDataKey", resource: t.keyArn, context: viaS3(t) }),
  },
  {
    call: "PutObject without lock headers",
    expect: "deny",
    why: "it would get only the bucket's shorter default retention",
    request: (t) => ({ action: "s3:PutObject", resource: object(t, "objects/cd") }),
  },
  {
    call: "PutObject with GOVERNANCE in a COMPLIANCE stack",
    expect: "deny",
    why: "a governance lock can be lifted by whoever holds BypassGovernanceRetention",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "objects/cd"),
      context: lockedPut("GOVERNANCE", "2555"),
    }),
  },
  {
    call: "PutObject over an existing key with 30 days' retention",
    expect: "deny",
    why: "an overwrite with a shorter lock would let the new version expire first",
    request: (t) => ({
      action: "s3:PutObject",
      resource: object(t, "entries/000000000001-000000000003-ab.jsonl"),
      context: lockedPut("COMPLIANCE", "30"),
    }),
  },
  {
    call: "PutObjectRetention shortening to 1 day",
    expect: "deny",
    why: "retention only ever grows",
    request: (t) => ({
      action: "s3:PutObjectRetention",
      resource: object(t, "objects/cd"),
      context: lockedPut("COMPLIANCE", "1"),
    }),
  },
  ...(
    [
      ["s3:DeleteObject", "deletes evidence (a delete marker hides it)"],
      ["s3:DeleteObjectVersion", "destroys an evidence version"],
      ["s3:BypassGovernanceRetention", "lifts a governance lock"],
      ["s3:PutObjectLegalHold", "sets or lifts a legal hold"],
    ] as const
  ).map(([action, why]): RequestRow => ({
    call: `${action} on an evidence object`,
    expect: "deny",
    why,
    request: (t) => ({ action, resource: object(t, "objects/cd") }),
  })),
  {
    call: "PutBucketObjectLockConfiguration",
    expect: "deny",
    why: "the bucket's lock is the deployer's alone",
    request: (t) => ({ action: "s3:PutBucketObjectLockConfiguration", resource: bucket(t) }),
  },
  {
    call: "PutObject under restic/ with a lock",
    expect: "deny",
    why: "the writer adds evidence only under its prefix",
    request: (t) => ({
      action: "s3:PutObject",
      resource: `arn:aws:s3:::${t.bucket}/restic/data/ab/abcdef`,
      context: lockedPut("COMPLIANCE", "2555"),
    }),
  },
  {
    call: "GetObject restic/data/…",
    expect: "deny",
    why: "the writer never reads the backups",
    request: (t) => ({
      action: "s3:GetObject",
      resource: `arn:aws:s3:::${t.bucket}/restic/data/ab/abcdef`,
    }),
  },
  {
    call: "ListObjectsV2 prefix=restic/",
    expect: "deny",
    why: "nor lists them",
    request: (t) => ({
      action: "s3:ListBucket",
      resource: bucket(t),
      context: { "s3:prefix": "restic/" },
    }),
  },
  ...AGENT_DESTRUCTIVE,
];
