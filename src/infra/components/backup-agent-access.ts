/**
 * The IAM identity an on-premises backup agent (restic, Veeam) uses to write to the offsite
 * bucket: read, write and list under its own prefix, delete only restic's lock files, and
 * explicit denies on everything that could destroy backups or weaken their protection.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AgentTool } from "../config-schema.js";
import { tagged, type Tags } from "../tags.js";
import { policyJson, type Statement } from "./policy-documents.js";

export interface BackupAgentAccessArgs {
  readonly namePrefix: string;
  readonly agent: { readonly name: string; readonly tool: AgentTool; readonly prefix: string };
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly tags: Tags;
}

/** Actions no backup agent may ever perform, whatever else a policy grants. */
export const DENIED_AGENT_ACTIONS = [
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:BypassGovernanceRetention",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:PutKeyPolicy",
] as const;

/** Object-level actions each tool needs under its prefix (Veeam sets retention itself). */
const OBJECT_ACTIONS: Readonly<Record<AgentTool, readonly string[]>> = {
  restic: ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"],
  veeam: [
    "s3:PutObject",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectRetention",
    "s3:PutObjectRetention",
    "s3:GetObjectLegalHold",
  ],
};

/** The agent's policy: least privilege on its prefix, explicit denies on destruction. */
export function agentPolicyStatements(args: BackupAgentAccessArgs): Statement[] {
  const { bucketArn, kmsKeyArn, agent } = args;
  const statements: Statement[] = [
    {
      Sid: "ListOwnPrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": [agent.prefix, `${agent.prefix}*`] } },
    },
    {
      Sid: "ReadBucketSettings",
      Effect: "Allow",
      Action: [
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetBucketObjectLockConfiguration",
      ],
      Resource: bucketArn,
    },
    {
      Sid: "ReadWriteOwnPrefix",
      Effect: "Allow",
      Action: OBJECT_ACTIONS[agent.tool],
      Resource: pulumi.interpolate`${bucketArn}/${agent.prefix}*`,
    },
  ];
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
    { Sid: "DenyDestruction", Effect: "Deny", Action: [...DENIED_AGENT_ACTIONS], Resource: "*" },
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
    const tags = tagged(args.tags, { purpose: "backup-agent", "backup-tool": args.agent.tool });
    this.user = new aws.iam.User(
      `${name}-user`,
      {
        name: `${args.namePrefix}-${args.agent.name}-backup-agent`,
        path: "/stronghold/",
        tags: tagged(tags, { Name: `${args.namePrefix}-${args.agent.name}-backup-agent` }),
      },
      { parent: this },
    );
    this.policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        path: "/stronghold/",
        description: `Offsite backup access for the ${args.agent.name} agent (${args.agent.tool})`,
        policy: policyJson(agentPolicyStatements(args)),
        tags,
      },
      { parent: this },
    );
    new aws.iam.UserPolicyAttachment(
      `${name}-policy-attachment`,
      { user: this.user.name, policyArn: this.policy.arn },
      { parent: this },
    );
    const key = new aws.iam.AccessKey(
      `${name}-access-key`,
      { user: this.user.name },
      { parent: this, additionalSecretOutputs: ["secret"] },
    );
    this.accessKeyId = pulumi.secret(key.id);
    this.secretAccessKey = pulumi.secret(key.secret);
    this.registerOutputs({
      userArn: this.user.arn,
      policyArn: this.policy.arn,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    });
  }
}
