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
