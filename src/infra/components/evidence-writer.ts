/**
 * The evidence-writer: the IAM user `stronghold evidence push` uses to copy the evidence ledger to
 * the offsite bucket's evidence prefix. It may add objects there, each with its own Object Lock
 * retention of at least the evidence retention in the stack's lock mode, and read them back (the
 * push resumes from the bucket's listing; verify --remote compares); it can never delete, shorten
 * or lift a lock, reach outside the prefix, or read the backups.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EVIDENCE_PREFIX, type LockMode } from "../config-schema.js";
import { tagged, type Tags } from "../tags.js";
import { DENIED_AGENT_ACTIONS } from "./backup-agent-access.js";
import { accessKeyUser } from "./access-key-user.js";
import type { Statement } from "./policy-documents.js";

export { EVIDENCE_PREFIX };

/** Seven years: the usual records-retention horizon for audit evidence. */
export const DEFAULT_EVIDENCE_RETENTION_DAYS = 2555;

/**
 * Slack below the retention a put may ask for: the client computes its retain-until date from
 * its own clock, and S3 counts the remaining days from its clock when the request arrives.
 */
export const RETENTION_SLACK_DAYS = 1;

/** Requests the writer may never make, on any resource. */
export const DENIED_EVIDENCE_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutObjectLegalHold",
  "s3:PutObjectAcl",
  "s3:PutObjectVersionAcl",
  ...DENIED_AGENT_ACTIONS,
] as const;

export interface EvidenceWriterArgs {
  readonly namePrefix: string;
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly lockMode: LockMode;
  readonly retentionDays: number;
  readonly tags: Tags;
}

/** The writer's policy: put, retain and read back under the prefix; denies on everything else that matters. */
export function evidenceWriterStatements(args: EvidenceWriterArgs): Statement[] {
  const objects = pulumi.interpolate`${args.bucketArn}/${EVIDENCE_PREFIX}*`;
  const anyObject = pulumi.interpolate`${args.bucketArn}/*`;
  return [
    {
      Sid: "ListEvidence",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: args.bucketArn,
      Condition: { StringLike: { "s3:prefix": [EVIDENCE_PREFIX, `${EVIDENCE_PREFIX}*`] } },
    },
    {
      // A put carrying retention headers needs s3:PutObjectRetention as well as s3:PutObject.
      // GetObject covers HEAD: the push checks which artifacts are offsite, verify reads segments.
      Sid: "AddAndReadEvidence",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:PutObjectRetention", "s3:GetObject", "s3:GetObjectRetention"],
      Resource: objects,
    },
    {
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: args.kmsKeyArn,
    },
    // Without its own lock a put gets only the bucket default (shorter); another mode could be
    // GOVERNANCE in a COMPLIANCE stack. StringNotEquals is true when the header is absent too.
    {
      Sid: "DenyPutsWithoutTheLockMode",
      Effect: "Deny",
      Action: ["s3:PutObject", "s3:PutObjectRetention"],
      Resource: anyObject,
      Condition: { StringNotEquals: { "s3:object-lock-mode": args.lockMode } },
    },
    {
      Sid: "DenyShortRetention",
      Effect: "Deny",
      Action: ["s3:PutObject", "s3:PutObjectRetention"],
      Resource: anyObject,
      Condition: {
        NumericLessThan: {
          "s3:object-lock-remaining-retention-days": String(
            args.retentionDays - RETENTION_SLACK_DAYS,
          ),
        },
      },
    },
    {
      Sid: "DenyDestruction",
      Effect: "Deny",
      Action: [...DENIED_EVIDENCE_ACTIONS],
      Resource: "*",
    },
  ];
}

export class EvidenceWriter extends pulumi.ComponentResource {
  readonly user: aws.iam.User;
  readonly policy: aws.iam.Policy;
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: EvidenceWriterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:evidence:EvidenceWriter", name, {}, opts);
    const access = accessKeyUser(this, name, {
      userName: `${args.namePrefix}-evidence-writer`,
      description: `Adds locked evidence objects under ${EVIDENCE_PREFIX} of the offsite bucket; deletes nothing`,
      statements: evidenceWriterStatements(args),
      tags: tagged(args.tags, { purpose: "evidence-writer" }),
    });
    this.user = access.user;
    this.policy = access.policy;
    this.accessKeyId = access.accessKeyId;
    this.secretAccessKey = access.secretAccessKey;
    this.registerOutputs({
      userArn: this.user.arn,
      policyArn: this.policy.arn,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    });
  }
}
