/**
 * The S3 replica in the town's backup account: one locked bucket per replicated source bucket
 * (restic's, and Veeam's when there is one), versioned, Object Lock on, encrypted with a KMS key
 * of the backup account, whose bucket and key policies admit the production account's
 * replication role for exactly what replication does and nothing else. Access logs and the
 * backup account's own CloudTrail go to a log bucket there. Every child is created through the
 * backup account's provider, passed to this component.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { tagged, type Tags } from "../tags.js";
import { TRAIL_PREFIX } from "./audit-trail.js";
import { attachKeyPolicy, type AccessRoleArns } from "./key-policy.js";
import { createAccessLogBucket, createLockedBucket, type Retention } from "./locked-bucket.js";
import { backupKey } from "./offsite-backup-storage.js";
import type { Statement } from "./policy-documents.js";

/**
 * What the production replication role may do to a replica's objects: write replicated
 * versions and their tags, and hand their ownership to the backup account. Not
 * s3:ReplicateDelete: delete markers are not replicated (a compromised agent's deletes must not
 * hide the replica's objects), so the role has no use for it.
 */
export const REPLICA_WRITE_ACTIONS = [
  "s3:ReplicateObject",
  "s3:ReplicateTags",
  "s3:ObjectOwnerOverrideToBucketOwner",
] as const;

/** The key operations S3 performs with the replica key while writing a replicated version. */
export const REPLICA_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"] as const;

export interface BackupAccountReplicaArgs {
  readonly namePrefix: string;
  /** The replica's region: the stack's replicaRegion, else the DR region. */
  readonly region: string;
  readonly storage: StackConfig["offsiteStorage"];
  /** The backup account's own deployer, admin and break-glass roles. */
  readonly roles: AccessRoleArns;
  /** The production account's S3 replication role: the only outside principal admitted. */
  readonly replicationRoleArn: pulumi.Input<string>;
  /** The source buckets to replicate, by key, and how their versions get retention. */
  readonly sources: readonly { readonly key: string; readonly retention: Retention }[];
  /** The backup account's CloudTrail trail, which delivers into the log bucket. */
  readonly cloudTrail: { readonly arn: pulumi.Input<string>; readonly account: string };
  readonly tags: Tags;
}

/** One replica bucket, by the key of the source it mirrors. */
export interface ReplicaBucket {
  readonly key: string;
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
}

export class BackupAccountReplica extends pulumi.ComponentResource {
  readonly kmsKey: aws.kms.Key;
  readonly logBucket: aws.s3.Bucket;
  readonly buckets: readonly ReplicaBucket[];

  constructor(
    name: string,
    args: BackupAccountReplicaArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("stronghold:backup:BackupAccountReplica", name, {}, opts);
    const region = args.region;
    const s = args.storage;
    const tags = tagged(args.tags, { purpose: "offsite-backup-replica" });
    this.kmsKey = backupKey(
      `${args.namePrefix}-account-replica`,
      { region, description: `${args.namePrefix} offsite replica (backup account)`, tags },
      this,
    );
    attachKeyPolicy(
      `${args.namePrefix}-account-replica`,
      this.kmsKey,
      region,
      args.roles,
      [
        {
          principals: [args.replicationRoleArn],
          viaService: `s3.${region}.amazonaws.com`,
          actions: [...REPLICA_KEY_ACTIONS],
        },
      ],
      this,
    );
    this.logBucket = createAccessLogBucket(
      `${name}-access-logs`,
      {
        region,
        retentionDays: s.accessLogRetentionDays,
        tags: tagged(args.tags, { purpose: "access-logs" }),
        cloudTrail: { ...args.cloudTrail, prefix: TRAIL_PREFIX },
      },
      this,
    );
    const grants = (bucketArn: pulumi.Output<string>): Statement[] => [
      {
        Sid: "ProductionReplicates",
        Effect: "Allow",
        Principal: { AWS: args.replicationRoleArn },
        Action: [...REPLICA_WRITE_ACTIONS],
        Resource: pulumi.interpolate`${bucketArn}/*`,
      },
      // S3 replication reads the destination's versioning state before it writes.
      {
        Sid: "ProductionReadsVersioning",
        Effect: "Allow",
        Principal: { AWS: args.replicationRoleArn },
        Action: "s3:GetBucketVersioning",
        Resource: bucketArn,
      },
    ];
    this.buckets = args.sources.map(({ key, retention }) => {
      const bucketName = `${name}-${key}`;
      const locked = createLockedBucket(
        bucketName,
        {
          region,
          kmsKeyArn: this.kmsKey.arn,
          retention,
          roles: args.roles,
          logBucket: this.logBucket.id,
          tags: tagged(tags, { source: key }),
          grants,
        },
        this,
      );
      new aws.s3.BucketLifecycleConfiguration(
        `${bucketName}-lifecycle`,
        {
          region,
          bucket: locked.bucket.id,
          rules: [
            {
              id: "expire-noncurrent-versions",
              status: "Enabled",
              filter: {},
              // Replicas arrive in Deep Archive and stay there: the copy of last resort.
              noncurrentVersionExpiration: { noncurrentDays: s.retentionDays },
              expiration: { expiredObjectDeleteMarker: true },
            },
          ],
        },
        { parent: this, dependsOn: [locked.versioning] },
      );
      return { key, bucket: locked.bucket, versioning: locked.versioning };
    });
    this.registerOutputs({
      kmsKeyArn: this.kmsKey.arn,
      bucketNames: this.buckets.map((b) => b.bucket.id),
    });
  }
}
