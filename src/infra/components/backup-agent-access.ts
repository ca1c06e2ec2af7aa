/**
 * The IAM identity an on-premises backup agent (restic, Veeam) uses to write to its offsite
 * bucket: what its vendor documents under its own prefix (restic deletes only its lock files;
 * Veeam manages per-object retention and removes expired versions), and explicit denies on
 * everything that could destroy backups or weaken their protection.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AgentTool } from "../config-schema.js";
import { tagged, type Tags } from "../tags.js";
import { accessKeyUser } from "./access-key-user.js";
import type { Statement } from "./policy-documents.js";

export interface BackupAgentAccessArgs {
  readonly namePrefix: string;
  readonly agent: { readonly name: string; readonly tool: AgentTool; readonly prefix: string };
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly tags: Tags;
}

/** Actions no backup agent may ever perform, whatever else a policy grants. */
export const DENIED_AGENT_ACTIONS = [
  "s3:DeleteBucket",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:BypassGovernanceRetention",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:PutKeyPolicy",
] as const;

/**
 * What each tool needs, from its vendor. restic (internal/backend/s3): list with a prefix, put,
 * get and head objects, delete its lock files. Veeam's documented set for S3 with immutability:
 * it lists versions, sets each object's retention and legal hold itself, and deletes expired
 * versions itself — locked versions are protected by their Object Lock retention, not by IAM.
 */
interface ToolAccess {
  readonly bucketActions: readonly string[];
  /** Whether listing is limited to the agent's prefix (the bucket is shared). */
  readonly listOwnPrefixOnly: boolean;
  readonly objectActions: readonly string[];
  /** Actions on every resource ("*"), as the vendor documents them. */
  readonly accountActions: readonly string[];
  /** Deletions denied explicitly for this tool (on top of DENIED_AGENT_ACTIONS). */
  readonly deniedDeletes: readonly string[];
}

/** The access each supported tool gets. */
export const TOOL_ACCESS: Readonly<Record<AgentTool, ToolAccess>> = {
  restic: {
    bucketActions: [
      "s3:GetBucketLocation",
      "s3:GetBucketVersioning",
      "s3:GetBucketObjectLockConfiguration",
    ],
    listOwnPrefixOnly: true,
    objectActions: ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"],
    accountActions: [],
    deniedDeletes: ["s3:DeleteObjectVersion"],
  },
  veeam: {
    bucketActions: [
      "s3:ListBucket",
      "s3:ListBucketVersions",
      "s3:GetBucketLocation",
      "s3:GetBucketVersioning",
      "s3:GetBucketObjectLockConfiguration",
    ],
    listOwnPrefixOnly: false,
    objectActions: [
      "s3:PutObject",
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:GetObjectRetention",
      "s3:PutObjectRetention",
      "s3:GetObjectLegalHold",
      "s3:PutObjectLegalHold",
    ],
    accountActions: ["s3:ListAllMyBuckets"],
    deniedDeletes: [],
  },
};

/** The agent's policy: its vendor's documented set on its prefix, explicit denies on destruction. */
export function agentPolicyStatements(args: BackupAgentAccessArgs): Statement[] {
  const { bucketArn, kmsKeyArn, agent } = args;
  const access = TOOL_ACCESS[agent.tool];
  const statements: Statement[] = [];
  if (access.listOwnPrefixOnly) {
    statements.push({
      Sid: "ListOwnPrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": [agent.prefix, `${agent.prefix}*`] } },
    });
  }
  statements.push(
    {
      Sid: "ReadBucketSettings",
      Effect: "Allow",
      Action: [...access.bucketActions],
      Resource: bucketArn,
    },
    {
      Sid: "ReadWriteOwnPrefix",
      Effect: "Allow",
      Action: [...access.objectActions],
      Resource: pulumi.interpolate`${bucketArn}/${agent.prefix}*`,
    },
  );
  if (access.accountActions.length > 0) {
    statements.push({
      Sid: "FindBucket",
      Effect: "Allow",
      Action: [...access.accountActions],
      Resource: "*",
    });
  }
  if (agent.tool === "restic") {
    // restic removes its own lock files; in a versioned bucket that only adds a delete marker.
    statements.push({
      Sid: "DeleteResticLocks",
      Effect: "Allow",
      Action: "s3:DeleteObject",
      Resource: pulumi.interpolate`${bucketArn}/${agent.prefix}locks/*`,
    });
  }
  statements.push(
    {
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: kmsKeyArn,
    },
    {
      Sid: "DenyDestruction",
      Effect: "Deny",
      Action: [...access.deniedDeletes, ...DENIED_AGENT_ACTIONS],
      Resource: "*",
    },
  );
  return statements;
}

export class BackupAgentAccess extends pulumi.ComponentResource {
  readonly user: aws.iam.User;
  readonly policy: aws.iam.Policy;
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;
  readonly prefix: string;

  constructor(name: string, args: BackupAgentAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:backup:BackupAgentAccess", name, {}, opts);
    this.prefix = args.agent.prefix;
    const access = accessKeyUser(this, name, {
      userName: `${args.namePrefix}-${args.agent.name}-backup-agent`,
      description: `Offsite backup access for the ${args.agent.name} agent (${args.agent.tool})`,
      statements: agentPolicyStatements(args),
      tags: tagged(args.tags, { purpose: "backup-agent", "backup-tool": args.agent.tool }),
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
