/**
 * The town's immutable offsite copy: an Object Lock bucket in the offsite (DR) region encrypted
 * with its own rotating KMS key, noncurrent versions tiered to Glacier and expired after the
 * retention, access logs in a separate bucket, and a replica: in the backup account when the
 * stack has one (of Veeam's bucket too), else optionally in a third region of this account.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { tagged, type Tags } from "../tags.js";
import { TRAIL_PREFIX } from "./audit-trail.js";
import { attachKeyPolicy, type AccessRoleArns } from "./key-policy.js";
import { kept } from "./kept.js";
import { createAccessLogBucket, createLockedBucket } from "./locked-bucket.js";
import { assumedBy, policyJson, type Statement } from "./policy-documents.js";
import {
  BackupAccountReplica,
  REPLICA_KEY_ACTIONS,
  REPLICA_WRITE_ACTIONS,
} from "./backup-account-replica.js";

/** Where AWS Config and the Backup Audit Manager reports deliver in the access-log bucket. */
export const AUDIT_PREFIXES = { config: "config", reports: "backup-reports" } as const;

export interface OffsiteBackupStorageArgs {
  readonly namePrefix: string;
  /** The offsite region (the DR region): a different region from the town's primary one. */
  readonly region: string;
  /** A third region for the replica, when the stack wants one. */
  readonly replicaRegion?: string;
  readonly storage: StackConfig["offsiteStorage"];
  /** Whether a Veeam agent writes here: it then gets its own bucket without default retention. */
  readonly veeamBucket: boolean;
  readonly roles: AccessRoleArns;
  /** The CloudTrail trail that delivers into the offsite access-log bucket. */
  readonly cloudTrail: {
    readonly arn: pulumi.Input<string>;
    readonly account: pulumi.Input<string>;
  };
  /**
   * The backup account, when the stack has one: the replica (of restic's and Veeam's buckets)
   * lives there, created through `provider`, and replicaRegion (else the DR region) is its region.
   */
  readonly backupAccount?: {
    readonly accountId: string;
    readonly region: string;
    /** The backup account's own deployer, admin and break-glass roles. */
    readonly roles: AccessRoleArns;
    readonly provider: aws.Provider;
    /** The backup account's trail, which delivers into the replica's log bucket. */
    readonly cloudTrail: { readonly arn: pulumi.Input<string>; readonly account: string };
  };
  readonly tags: Tags;
}

/** A replica bucket's identity, as the stack outputs publish it. */
export interface ReplicaInfo {
  readonly bucket: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly region: string;
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The account holding the replica, when it is the backup account. */
  readonly account?: string;
  /** The replica of Veeam's bucket (backup account only). */
  readonly veeam?: {
    readonly bucket: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
  };
  /** The replica's log bucket (backup account only), where its trail delivers too. */
  readonly logBucket?: pulumi.Output<string>;
}

/** A customer-managed key with yearly rotation and the longest deletion window. */
export function backupKey(
  name: string,
  args: { readonly region: string; readonly description: string; readonly tags: Tags },
  parent: pulumi.Resource,
): aws.kms.Key {
  const key = new aws.kms.Key(
    name,
    {
      region: args.region,
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: tagged(args.tags, { Name: name }),
    },
    kept(parent),
  );
  new aws.kms.Alias(
    `${name}-alias`,
    { region: args.region, name: `alias/${name}`, targetKeyId: key.keyId },
    { parent },
  );
  return key;
}

export class OffsiteBackupStorage extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly region: string;
  readonly kmsKey: aws.kms.Key;
  readonly logBucket: aws.s3.Bucket;
  /** Veeam's own bucket (Object Lock on, retention per object), when a Veeam agent is configured. */
  readonly veeam?: aws.s3.Bucket;
  readonly replica?: ReplicaInfo;
  /** The S3 replication role, which decrypts the offsite bucket's versions to copy them. */
  readonly replicationRole?: aws.iam.Role;
  private veeamVersioning?: aws.s3.BucketVersioning;

  constructor(
    name: string,
    args: OffsiteBackupStorageArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("stronghold:backup:OffsiteBackupStorage", name, {}, opts);
    const s = args.storage;
    this.region = args.region;
    const tags = tagged(args.tags, { purpose: "offsite-backup" });

    this.kmsKey = backupKey(
      `${args.namePrefix}-offsite-backup`,
      { region: args.region, description: `${args.namePrefix} offsite backup bucket`, tags },
      this,
    );
    this.logBucket = createAccessLogBucket(
      `${name}-access-logs`,
      {
        region: args.region,
        retentionDays: s.accessLogRetentionDays,
        tags: tagged(args.tags, { purpose: "access-logs" }),
        cloudTrail: { ...args.cloudTrail, prefix: TRAIL_PREFIX },
        auditDelivery: {
          account: args.cloudTrail.account,
          configPrefix: AUDIT_PREFIXES.config,
          reportsPrefix: AUDIT_PREFIXES.reports,
        },
      },
      this,
    );
    const main = createLockedBucket(
      `${name}-bucket`,
      {
        region: args.region,
        kmsKeyArn: this.kmsKey.arn,
        retention: { kind: "bucket-default", mode: s.lockMode, days: s.lockDays },
        roles: args.roles,
        logBucket: this.logBucket.id,
        tags,
      },
      this,
    );
    this.bucket = main.bucket;
    if (args.veeamBucket) {
      // Veeam sets each object's retention itself and removes expired versions itself, so its
      // bucket has no default retention and no lifecycle rules (Veeam's documented requirement).
      const veeam = createLockedBucket(
        `${name}-veeam`,
        {
          region: args.region,
          kmsKeyArn: this.kmsKey.arn,
          retention: { kind: "per-object" },
          roles: args.roles,
          logBucket: this.logBucket.id,
          tags: tagged(args.tags, { purpose: "offsite-backup-veeam" }),
        },
        this,
      );
      this.veeam = veeam.bucket;
      this.veeamVersioning = veeam.versioning;
    }

    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        region: args.region,
        bucket: this.bucket.id,
        rules: [
          {
            id: "tier-and-expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionTransitions: [
              ...(s.noncurrentToGlacierIrDays === undefined
                ? []
                : [{ noncurrentDays: s.noncurrentToGlacierIrDays, storageClass: "GLACIER_IR" }]),
              ...(s.noncurrentToDeepArchiveDays === undefined
                ? []
                : [
                    { noncurrentDays: s.noncurrentToDeepArchiveDays, storageClass: "DEEP_ARCHIVE" },
                  ]),
            ],
            noncurrentVersionExpiration: { noncurrentDays: s.retentionDays },
            // Once its versions are gone a delete marker is clutter that slows every listing.
            expiration: { expiredObjectDeleteMarker: true },
          },
          // Current data tiers too: most of a restic repository is pack files nobody reads
          // until a restore, and Glacier Instant Retrieval still serves them in milliseconds.
          ...(s.currentToGlacierIrDays === undefined
            ? []
            : [
                {
                  id: "tier-current-objects",
                  status: "Enabled",
                  filter: {},
                  transitions: [{ days: s.currentToGlacierIrDays, storageClass: "GLACIER_IR" }],
                },
              ]),
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { parent: this, dependsOn: [main.versioning] },
    );

    // Every new object reaches EventBridge, where the upload-freshness rules count them.
    for (const bucket of [this.bucket, ...(this.veeam === undefined ? [] : [this.veeam])]) {
      new aws.s3.BucketNotification(
        `${bucket === this.bucket ? `${name}-bucket` : `${name}-veeam`}-events`,
        { region: args.region, bucket: bucket.id, eventbridge: true },
        { parent: this },
      );
    }

    if (args.backupAccount !== undefined) {
      const replica = this.createAccountReplica(name, args, args.backupAccount, main.versioning);
      this.replica = replica.info;
      this.replicationRole = replica.role;
    } else if (args.replicaRegion !== undefined) {
      const replica = this.createReplica(name, args, args.replicaRegion, main.versioning);
      this.replica = replica.info;
      this.replicationRole = replica.role;
    }

    this.registerOutputs({
      bucketName: this.bucket.id,
      bucketArn: this.bucket.arn,
      kmsKeyArn: this.kmsKey.arn,
      logBucketName: this.logBucket.id,
      replicaBucketName: this.replica?.bucket,
      veeamBucketName: this.veeam?.id,
    });
  }

  /** A second locked bucket in a third region, fed by S3 replication of every new version. */
  private createReplica(
    name: string,
    args: OffsiteBackupStorageArgs,
    region: string,
    sourceVersioning: aws.s3.BucketVersioning,
  ): { info: ReplicaInfo; role: aws.iam.Role } {
    const s = args.storage;
    const tags = tagged(args.tags, { purpose: "offsite-backup-replica" });
    const key = backupKey(
      `${args.namePrefix}-offsite-replica`,
      { region, description: `${args.namePrefix} offsite backup replica bucket`, tags },
      this,
    );
    const logBucket = createAccessLogBucket(
      `${name}-replica-access-logs`,
      {
        region,
        retentionDays: s.accessLogRetentionDays,
        tags: tagged(args.tags, { purpose: "access-logs" }),
      },
      this,
    );
    const replica = createLockedBucket(
      `${name}-replica`,
      {
        region,
        kmsKeyArn: key.arn,
        retention: { kind: "bucket-default", mode: s.lockMode, days: s.lockDays },
        roles: args.roles,
        logBucket: logBucket.id,
        tags,
      },
      this,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-replica-lifecycle`,
      {
        region,
        bucket: replica.bucket.id,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            // The replica is the last resort: it stays in Deep Archive from the start.
            noncurrentVersionExpiration: { noncurrentDays: s.retentionDays },
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      { parent: this, dependsOn: [replica.versioning] },
    );

    const role = new aws.iam.Role(
      `${name}-replication-role`,
      {
        assumeRolePolicy: assumedBy("s3.amazonaws.com"),
        description: `S3 replication of the ${args.namePrefix} offsite backups`,
        tags: tagged(args.tags, { Name: `${name}-replication-role` }),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-replication-policy`,
      {
        role: role.id,
        policy: policyJson([
          {
            Sid: "ReadSourceConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: this.bucket.arn,
          },
          {
            Sid: "ReadSourceVersions",
            Effect: "Allow",
            Action: [
              "s3:GetObjectVersionForReplication",
              "s3:GetObjectVersionAcl",
              "s3:GetObjectVersionTagging",
              "s3:GetObjectRetention",
              "s3:GetObjectLegalHold",
            ],
            Resource: pulumi.interpolate`${this.bucket.arn}/*`,
          },
          {
            Sid: "WriteReplicaVersions",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
            Resource: pulumi.interpolate`${replica.bucket.arn}/*`,
          },
          {
            Sid: "DecryptSource",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: this.kmsKey.arn,
          },
          {
            Sid: "EncryptReplica",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: key.arn,
          },
        ]),
      },
      { parent: this },
    );
    new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        region: args.region,
        bucket: this.bucket.id,
        role: role.arn,
        rules: [
          {
            id: "offsite-to-replica",
            status: "Enabled",
            filter: {},
            // Deletions stay local: a delete marker written by a compromised agent must not
            // hide objects in the replica too.
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: replica.bucket.arn,
              storageClass: "DEEP_ARCHIVE",
              encryptionConfiguration: { replicaKmsKeyId: key.arn },
            },
          },
        ],
      },
      { parent: this, dependsOn: [sourceVersioning, replica.versioning] },
    );
    attachKeyPolicy(
      `${args.namePrefix}-offsite-replica`,
      key,
      region,
      args.roles,
      [{ principals: [role.arn], viaService: `s3.${region}.amazonaws.com` }],
      this,
    );
    return {
      info: {
        bucket: replica.bucket.id,
        bucketArn: replica.bucket.arn,
        region,
        kmsKeyArn: key.arn,
      },
      role,
    };
  }

  /**
   * The replica in the backup account: S3 replication of restic's bucket (and Veeam's) into
   * locked buckets there, replicas owned by the backup account (owner override, on top of the
   * destination's owner-enforced ownership), re-encrypted under that account's key.
   */
  private createAccountReplica(
    name: string,
    args: OffsiteBackupStorageArgs,
    account: NonNullable<OffsiteBackupStorageArgs["backupAccount"]>,
    sourceVersioning: aws.s3.BucketVersioning,
  ): { info: ReplicaInfo; role: aws.iam.Role } {
    const s = args.storage;
    const role = new aws.iam.Role(
      `${name}-replication-role`,
      {
        assumeRolePolicy: assumedBy("s3.amazonaws.com"),
        description: `S3 replication of the ${args.namePrefix} offsite backups to the backup account`,
        tags: tagged(args.tags, { Name: `${name}-replication-role` }),
      },
      { parent: this },
    );
    const sources = [
      {
        key: "offsite",
        bucket: this.bucket,
        versioning: sourceVersioning,
        retention: { kind: "bucket-default", mode: s.lockMode, days: s.lockDays } as const,
      },
      ...(this.veeam === undefined
        ? []
        : [
            {
              key: "veeam",
              bucket: this.veeam,
              versioning: this.veeamVersioning,
              retention: { kind: "per-object" } as const,
            },
          ]),
    ];
    const replica = new BackupAccountReplica(
      `${name}-account-replica`,
      {
        namePrefix: args.namePrefix,
        region: account.region,
        storage: s,
        roles: account.roles,
        replicationRoleArn: role.arn,
        sources: sources.map(({ key, retention }) => ({ key, retention })),
        cloudTrail: account.cloudTrail,
        tags: args.tags,
      },
      { parent: this, providers: [account.provider] },
    );
    const destination = (key: string) => replica.buckets.find((b) => b.key === key)!;
    const sourceArns = sources.map((source) => source.bucket.arn);
    const replicaArns = replica.buckets.map((b) => b.bucket.arn);
    const statements: Statement[] = [
      {
        Sid: "ReadSourceConfiguration",
        Effect: "Allow",
        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        Resource: sourceArns,
      },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: [
          "s3:GetObjectVersionForReplication",
          "s3:GetObjectVersionAcl",
          "s3:GetObjectVersionTagging",
          "s3:GetObjectRetention",
          "s3:GetObjectLegalHold",
        ],
        Resource: sourceArns.map((arn) => pulumi.interpolate`${arn}/*`),
      },
      {
        Sid: "WriteReplicaVersions",
        Effect: "Allow",
        Action: [...REPLICA_WRITE_ACTIONS],
        Resource: replicaArns.map((arn) => pulumi.interpolate`${arn}/*`),
      },
      {
        Sid: "ReadReplicaVersioning",
        Effect: "Allow",
        Action: "s3:GetBucketVersioning",
        Resource: replicaArns,
      },
      { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: this.kmsKey.arn },
      {
        Sid: "EncryptReplica",
        Effect: "Allow",
        Action: [...REPLICA_KEY_ACTIONS],
        Resource: replica.kmsKey.arn,
      },
    ];
    new aws.iam.RolePolicy(
      `${name}-replication-policy`,
      { role: role.id, policy: policyJson(statements) },
      { parent: this },
    );
    for (const source of sources) {
      const target = destination(source.key);
      new aws.s3.BucketReplicationConfig(
        source.key === "offsite" ? `${name}-replication` : `${name}-veeam-replication`,
        {
          region: args.region,
          bucket: source.bucket.id,
          role: role.arn,
          rules: [
            {
              id: `${source.key}-to-backup-account`,
              status: "Enabled",
              filter: {},
              // Deletions stay local: a delete marker written by a compromised agent must not
              // hide objects in the replica too.
              deleteMarkerReplication: { status: "Disabled" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
              destination: {
                bucket: target.bucket.arn,
                account: account.accountId,
                accessControlTranslation: { owner: "Destination" },
                storageClass: "DEEP_ARCHIVE",
                encryptionConfiguration: { replicaKmsKeyId: replica.kmsKey.arn },
              },
            },
          ],
        },
        {
          parent: this,
          dependsOn: [
            ...(source.versioning === undefined ? [] : [source.versioning]),
            target.versioning,
          ],
        },
      );
    }
    const offsite = destination("offsite");
    const veeam = replica.buckets.find((b) => b.key === "veeam");
    return {
      info: {
        bucket: offsite.bucket.id,
        bucketArn: offsite.bucket.arn,
        region: account.region,
        kmsKeyArn: replica.kmsKey.arn,
        account: account.accountId,
        logBucket: replica.logBucket.id,
        ...(veeam === undefined
          ? {}
          : { veeam: { bucket: veeam.bucket.id, bucketArn: veeam.bucket.arn } }),
      },
      role,
    };
  }
}
