// backup-agent-no-destructive-permissions, offline: AWS and the Pulumi engine are not involved
// (they cannot run here); each case changes the agent's policy document in the compliant stack.
import { backupAgentNoDestructivePermissions } from "../../policies/crossguard/rules/backup-agent-no-destructive-permissions.js";
import {
  agentDocument,
  named,
  policyCases,
  UNKNOWN_STRING,
  type MutableRecord,
} from "./policy-fixtures.js";

type Document = ReturnType<typeof agentDocument>;

/** Sets the agent policy to the compliant document changed by `edit`. */
const withDocument =
  (edit: (doc: Document) => void, type?: string) =>
  (s: MutableRecord[]): void => {
    const doc = agentDocument();
    edit(doc);
    const policy = named(s, "restic-agent-policy");
    policy.inputs.policy = JSON.stringify(doc);
    if (type !== undefined) policy.type = type;
  };

const allow = (
  Action: string | string[],
  Resource: string | string[] = "arn:aws:s3:::millbrook-offsite/*",
) => ({
  Effect: "Allow",
  Action,
  Resource,
});

describe("backup-agent-no-destructive-permissions", () => {
  policyCases(backupAgentNoDestructivePermissions, [
    {
      name: "restic: read, write, list, delete under locks/ only, explicit denies",
      expect: "pass",
    },
    {
      name: "s3:DeleteObjectVersion",
      change: withDocument((d) => d.Statement.push(allow("s3:DeleteObjectVersion") as never)),
      expect: ["Statement[5] grants s3:DeleteObjectVersion"],
    },
    {
      name: "s3:* grants every forbidden S3 action and deletion everywhere",
      change: withDocument((d) => d.Statement.push(allow("s3:*") as never)),
      expect: [
        /Statement\[5\] grants s3:DeleteObjectVersion, s3:DeleteBucket, s3:BypassGovernanceRetention, .*s3:PutBucketPublicAccessBlock$/,
        "Statement[5] grants s3:DeleteObject on arn:aws:s3:::millbrook-offsite/*; deletion is allowed only under locks/",
      ],
    },
    {
      name: "s3:Delete* (wildcard)",
      change: withDocument((d) => d.Statement.push(allow("s3:Delete*") as never)),
      expect: [
        /grants s3:DeleteObjectVersion, s3:DeleteBucket, s3:DeleteBucketPolicy$/,
        /grants s3:DeleteObject on/,
      ],
    },
    {
      name: "lower-case action names match too",
      change: withDocument((d) => d.Statement.push(allow("S3:bypassgovernanceretention") as never)),
      expect: ["grants s3:BypassGovernanceRetention"],
    },
    {
      name: "s3:DeleteObject on the whole repository",
      change: withDocument((d) => {
        d.Statement[2]!.Resource = "arn:aws:s3:::millbrook-offsite/restic/*";
      }),
      expect: [
        "Statement[2] (DeleteLocks) grants s3:DeleteObject on arn:aws:s3:::millbrook-offsite/restic/*",
      ],
    },
    {
      name: "s3:DeleteObject with a wildcard before locks/",
      change: withDocument((d) => {
        d.Statement[2]!.Resource = "arn:aws:s3:::millbrook-offsite/*/locks/*";
      }),
      expect: ["grants s3:DeleteObject on arn:aws:s3:::millbrook-offsite/*/locks/*"],
    },
    {
      name: "s3:DeleteObject under a prefix allowed by config",
      change: withDocument((d) => {
        d.Statement[2]!.Resource = "arn:aws:s3:::millbrook-offsite/veeam/tmp/*";
      }),
      config: { deleteAllowedPrefixes: ["locks/", "tmp/"] },
      expect: "pass",
    },
    {
      name: "Veeam's documented deletes under veeam/ (Object Lock retention protects locked versions)",
      change: withDocument((d) =>
        d.Statement.push(
          allow(
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            "arn:aws:s3:::millbrook-veeam/veeam/*",
          ) as never,
        ),
      ),
      expect: "pass",
    },
    {
      name: "defeat: version deletes with a wildcard before veeam/",
      change: withDocument((d) =>
        d.Statement.push(
          allow("s3:DeleteObjectVersion", "arn:aws:s3:::millbrook-veeam/*veeam/*") as never,
        ),
      ),
      expect: ["Statement[5] grants s3:DeleteObjectVersion"],
    },
    {
      name: "defeat: version deletes on veeam/ and on the whole bucket in one statement",
      change: withDocument((d) =>
        d.Statement.push(
          allow("s3:DeleteObjectVersion", [
            "arn:aws:s3:::millbrook-veeam/veeam/*",
            "arn:aws:s3:::millbrook-offsite/*",
          ]) as never,
        ),
      ),
      expect: ["Statement[5] grants s3:DeleteObjectVersion"],
    },
    {
      name: "defeat: AdministratorAccess attached to the agent user",
      change: (s) => {
        const user = named(s, "restic-agent");
        s.push({
          ...user,
          type: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
          name: "restic-admin",
          urn: `${user.urn}-admin`,
          inputs: {
            user: "millbrook-restic",
            policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
          },
        });
      },
      expect: [/attaches the AWS-managed policy arn:aws:iam::aws:policy\/AdministratorAccess/],
    },
    {
      name: "AWS Backup's service-role policy attached to its role passes",
      change: (s) => {
        const user = named(s, "restic-agent");
        s.push({
          ...user,
          type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          name: "backup-role-policy",
          urn: `${user.urn}-backup`,
          inputs: {
            role: "backup",
            policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
          },
        });
      },
      expect: "pass",
    },
    {
      name: "defeat: a role's inlinePolicies and managedPolicyArns",
      change: (s) => {
        const user = named(s, "restic-agent");
        s.push({
          ...user,
          type: "aws:iam/role:Role",
          name: "sneaky-role",
          urn: `${user.urn}-role`,
          inputs: {
            inlinePolicies: [
              {
                name: "all",
                policy: JSON.stringify({
                  Version: "2012-10-17",
                  Statement: [{ Effect: "Allow", Action: "s3:DeleteObjectVersion", Resource: "*" }],
                }),
              },
            ],
            managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
          },
        });
      },
      expect: [
        "inlinePolicies[0]: Statement[0] grants s3:DeleteObjectVersion",
        /attaches the AWS-managed policy arn:aws:iam::aws:policy\/AmazonS3FullAccess/,
      ],
    },
    {
      name: "other deletions by name (object tagging)",
      change: withDocument((d) => d.Statement.push(allow("s3:DeleteObjectTagging") as never)),
      expect: ["Statement[5] grants s3:DeleteObjectTagging"],
    },
    {
      name: "changing versioning, lifecycle and bucket policy",
      change: withDocument((d) =>
        d.Statement.push(
          allow(
            ["s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy"],
            "arn:aws:s3:::millbrook-offsite",
          ) as never,
        ),
      ),
      expect: ["grants s3:PutBucketVersioning, s3:PutLifecycleConfiguration, s3:PutBucketPolicy"],
    },
    {
      name: "scheduling KMS key deletion (kms:*)",
      change: withDocument((d) => d.Statement.push(allow("kms:*", "*") as never)),
      expect: ["grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy"],
    },
    {
      name: "NotAction: everything but reading",
      change: withDocument((d) =>
        d.Statement.push({ Effect: "Allow", NotAction: "s3:Get*", Resource: "*" } as never),
      ),
      expect: [
        /^Statement\[5\] grants s3:DeleteObjectVersion, .*backup:UpdateRecoveryPointLifecycle$/,
        /grants s3:DeleteObject on \*/,
      ],
    },
    {
      name: "an explicit Deny of s3:* is no grant",
      change: withDocument((d) =>
        d.Statement.push({ Effect: "Deny", Action: "s3:*", Resource: "*" } as never),
      ),
      expect: "pass",
    },
    {
      name: "an inline user policy is checked the same way",
      change: withDocument(
        (d) => d.Statement.push(allow("s3:DeleteObjectVersion") as never),
        "aws:iam/userPolicy:UserPolicy",
      ),
      expect: ["grants s3:DeleteObjectVersion"],
    },
    {
      name: "a policy that is not JSON",
      change: (s) => {
        named(s, "restic-agent-policy").inputs.policy = "Allow everything";
      },
      expect: [/the policy is not valid JSON .*cannot be shown to be safe/],
    },
    {
      name: "preview: the document is unknown (built from ARNs not yet known)",
      change: (s) => {
        named(s, "restic-agent-policy").inputs.policy = UNKNOWN_STRING;
      },
      expect: "pass",
      advisory: true,
    },
  ]);
});
