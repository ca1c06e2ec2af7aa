/**
 * The bucket settings every backup bucket shares, offsite copy, Veeam's bucket and replica alike:
 * versioning, Object Lock (with a default retention, or per object for Veeam), SSE-KMS with a customer-managed key and bucket key, all
 * four public-access blocks, owner-enforced ownership, a TLS-only and encrypted-puts-only
 * policy, and access logging to a separate bucket. Children are parented to the caller.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LockMode } from "../config-schema.js";
import { tagged, type Tags } from "../tags.js";
import type { AccessRoleArns } from "./key-policy.js";
import { kept } from "./kept.js";
import { policyJson, type Statement } from "./policy-documents.js";

/** Bucket settings only the deployer role may change: each one guards the backups. */
export const PROTECTION_SETTINGS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketLogging",
] as const;

/** Requests that destroy rather than change: only the break-glass role may make them. */
export const BUCKET_DESTRUCTION = ["s3:DeleteBucket", "s3:BypassGovernanceRetention"] as const;

/**
 * How a locked bucket's versions get their retention: a bucket default every new version
 * receives (restic, AWS replication), or per object, set by the client itself (Veeam, which
 * documents that a default retention on its bucket causes unpredictable behaviour and data loss).
 */
export type Retention =
  | { readonly kind: "bucket-default"; readonly mode: LockMode; readonly days: number }
  | { readonly kind: "per-object" };

export interface LockedBucketArgs {
  readonly region: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly retention: Retention;
  readonly roles: AccessRoleArns;
  readonly logBucket: pulumi.Input<string>;
  readonly tags: Tags;
  /** Allows for other accounts' principals (the replication role writing into a replica). */
  readonly grants?: (bucketArn: pulumi.Output<string>) => readonly Statement[];
}

export interface LockedBucket {
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
}

/**
 * Denies plain-HTTP requests and puts that ask for any encryption but SSE-KMS with our key. A put
 * that names no encryption gets the bucket default (SSE-KMS with this key), so it is allowed.
 */
export function backupBucketPolicy(
  bucketArn: pulumi.Input<string>,
  kmsKeyArn: pulumi.Input<string>,
  roles: AccessRoleArns,
): Statement[] {
  const objects = pulumi.interpolate`${bucketArn}/*`;
  return [
    // A stolen admin key (even AdministratorAccess) cannot unprotect the bucket: only the role
    // `pulumi up` runs as may. (The account root can still reset a bucket policy: AWS's rule.)
    {
      Sid: "OnlyDeployerChangesProtection",
      Effect: "Deny",
      Principal: "*",
      Action: [...PROTECTION_SETTINGS],
      Resource: bucketArn,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": roles.deployer } },
    },
    {
      Sid: "OnlyBreakGlassDestroys",
      Effect: "Deny",
      Principal: "*",
      Action: [...BUCKET_DESTRUCTION],
      Resource: [bucketArn, objects],
      Condition: { ArnNotEquals: { "aws:PrincipalArn": roles.breakGlass } },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, objects],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    // Never "...IfExists" on a header in a Deny: it is true when the header is absent, and restic
    // and Veeam send none (they rely on the bucket default), so every upload would be refused.
    // Null "false" makes each Deny apply only to a put that names the header.
    {
      Sid: "DenyOtherEncryption",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption": "false" },
      },
    },
    {
      Sid: "DenyOtherKmsKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": kmsKeyArn },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
      },
    },
    // SSE-C would leave backups readable only with a key the town never sees: the ransomware
    // pattern of re-uploading data under an attacker's key.
    {
      Sid: "DenyCustomerProvidedKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
    },
  ];
}

/** Creates an immutable backup bucket and its guard rails in `args.region`. */
export function createLockedBucket(
  name: string,
  args: LockedBucketArgs,
  parent: pulumi.Resource,
): LockedBucket {
  const opts = { parent };
  const region = args.region;
  // Object Lock can only be switched on when the bucket is created.
  const bucket = new aws.s3.Bucket(
    name,
    { region, objectLockEnabled: true, tags: tagged(args.tags, { Name: name }) },
    kept(parent),
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      region,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    kept(parent),
  );
  new aws.s3.BucketObjectLockConfiguration(
    `${name}-object-lock`,
    {
      region,
      bucket: bucket.id,
      objectLockEnabled: "Enabled",
      ...(args.retention.kind === "bucket-default"
        ? { rule: { defaultRetention: { mode: args.retention.mode, days: args.retention.days } } }
        : {}),
    },
    kept(parent, { dependsOn: [versioning] }),
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      region,
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: args.kmsKeyArn,
          },
          // One data key per bucket instead of per object: cuts KMS requests (and cost) by ~99%.
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      region,
      bucket: bucket.id,
      policy: policyJson([
        ...backupBucketPolicy(bucket.arn, args.kmsKeyArn, args.roles),
        ...(args.grants?.(bucket.arn) ?? []),
      ]),
    },
    kept(parent, { dependsOn: [publicAccess, ownership] }),
  );
  new aws.s3.BucketLogging(
    `${name}-logging`,
    {
      region,
      bucket: bucket.id,
      targetBucket: args.logBucket,
      targetPrefix: pulumi.interpolate`${bucket.id}/`,
    },
    opts,
  );
  return { bucket, versioning };
}

/**
 * The bucket that receives S3 server access logs (and, when given, the CloudTrail trail's logs)
 * in a region: SSE-S3 (log delivery cannot use SSE-KMS), versioned so an overwrite or delete
 * keeps the old log, public access blocked, TLS only, logs expire after `retentionDays`.
 */
export function createAccessLogBucket(
  name: string,
  args: {
    readonly region: string;
    readonly retentionDays: number;
    readonly tags: Tags;
    /** The trail that delivers here, and the account it writes under. */
    readonly cloudTrail?: {
      readonly arn: pulumi.Input<string>;
      readonly account: pulumi.Input<string>;
      readonly prefix: string;
    };
    /** AWS Config and AWS Backup Audit Manager reports deliver here too, under these prefixes. */
    readonly auditDelivery?: {
      readonly account: pulumi.Input<string>;
      readonly configPrefix: string;
      readonly reportsPrefix: string;
    };
  },
  parent: pulumi.Resource,
): aws.s3.Bucket {
  const opts = { parent };
  const region = args.region;
  const bucket = new aws.s3.Bucket(name, { region, tags: tagged(args.tags, { Name: name }) }, opts);
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      region,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      region,
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      region,
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: args.retentionDays },
          noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
        },
      ],
    },
    { parent, dependsOn: [versioning] },
  );
  const objects = pulumi.interpolate`${bucket.arn}/*`;
  const statements: Statement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucket.arn, objects],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "AllowS3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: objects,
    },
  ];
  if (args.cloudTrail !== undefined) {
    const trail = args.cloudTrail;
    const fromTrail = { StringEquals: { "aws:SourceArn": trail.arn } };
    statements.push(
      {
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucket.arn,
        Condition: fromTrail,
      },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${bucket.arn}/${trail.prefix}/AWSLogs/${trail.account}/*`,
        Condition: fromTrail,
      },
    );
  }
  if (args.auditDelivery !== undefined) {
    const audit = args.auditDelivery;
    const fromAccount = { StringEquals: { "aws:SourceAccount": audit.account } };
    // AWS Config's documented delivery permissions ("Permissions for the Amazon S3 bucket",
    // AWS Config Developer Guide), and Backup Audit Manager's service-linked role for reports.
    statements.push(
      {
        Sid: "ConfigBucketCheck",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: bucket.arn,
        Condition: fromAccount,
      },
      {
        Sid: "ConfigDelivery",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${bucket.arn}/${audit.configPrefix}/AWSLogs/${audit.account}/Config/*`,
        Condition: {
          StringEquals: {
            "aws:SourceAccount": audit.account,
            "s3:x-amz-acl": "bucket-owner-full-control",
          },
        },
      },
      {
        Sid: "BackupReportDelivery",
        Effect: "Allow",
        Principal: {
          AWS: pulumi.interpolate`arn:aws:iam::${audit.account}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`,
        },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${bucket.arn}/${audit.reportsPrefix}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
    );
  }
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    { region, bucket: bucket.id, policy: policyJson(statements) },
    { parent, dependsOn: [publicAccess, ownership] },
  );
  return bucket;
}
