/**
 * The explicit key policy of each customer-managed key. There is no "Enable IAM policies"
 * statement for the account root, so no identity policy (not AdministratorAccess, not a stolen
 * admin key) reaches the key: the deployer role administers it but cannot use it, disable it or
 * schedule its deletion; the town's admin role can only read its settings; the services' roles
 * and agents use it through their service; only the break-glass role may disable it or schedule
 * its deletion, and an explicit Deny says so for everyone else.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { kept } from "./kept.js";
import { policyJson, type Statement } from "./policy-documents.js";

/** The roles that live outside the program and appear in every key policy, by ARN. */
export interface AccessRoleArns {
  /** The role `pulumi up` runs as: the only one that changes policies, keys and locks. */
  readonly deployer: pulumi.Input<string>;
  /** The town's everyday administrator role: reads settings, changes nothing that protects backups. */
  readonly admin: pulumi.Input<string>;
  /** Kept in a safe, used only to retire a key on purpose. */
  readonly breakGlass: pulumi.Input<string>;
}

/** Who uses a key and through which AWS service (`s3.us-west-2.amazonaws.com`). */
export interface KeyUse {
  readonly principals: readonly pulumi.Input<string>[];
  readonly viaService: string;
  /** AWS Backup creates grants on the key for the resources it copies. */
  readonly grantsForAwsResources?: boolean;
  /** The key operations granted; default every use (encrypt, decrypt, data keys, describe). */
  readonly actions?: readonly string[];
}

/** The actions that retire a key: after them, everything encrypted under it is lost. */
export const KEY_DESTRUCTION = [
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
] as const;

/** Administration without use and without destruction. */
const KEY_ADMINISTRATION = [
  "kms:Describe*",
  "kms:Get*",
  "kms:List*",
  "kms:PutKeyPolicy",
  "kms:UpdateKeyDescription",
  "kms:EnableKeyRotation",
  "kms:EnableKey",
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:RevokeGrant",
  "kms:ListGrants",
];

const KEY_USE = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/** The statements of one key's policy. */
export function keyPolicyStatements(roles: AccessRoleArns, uses: readonly KeyUse[]): Statement[] {
  const statements: Statement[] = [
    {
      Sid: "DeployerAdministers",
      Effect: "Allow",
      Principal: { AWS: roles.deployer },
      Action: KEY_ADMINISTRATION,
      Resource: "*",
    },
    {
      Sid: "AdminReadsSettings",
      Effect: "Allow",
      Principal: { AWS: roles.admin },
      Action: ["kms:Describe*", "kms:Get*", "kms:List*"],
      Resource: "*",
    },
    {
      Sid: "BreakGlassRetires",
      Effect: "Allow",
      Principal: { AWS: roles.breakGlass },
      Action: [...KEY_DESTRUCTION, "kms:DescribeKey"],
      Resource: "*",
    },
  ];
  uses.forEach((use, i) => {
    if (use.principals.length === 0) return;
    statements.push({
      Sid: `UseThroughService${i}`,
      Effect: "Allow",
      Principal: { AWS: [...use.principals] },
      Action: use.actions === undefined ? KEY_USE : [...use.actions],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": use.viaService } },
    });
    if (use.grantsForAwsResources === true) {
      statements.push({
        Sid: `GrantsForAwsResources${i}`,
        Effect: "Allow",
        Principal: { AWS: [...use.principals] },
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      });
    }
  });
  statements.push(
    {
      Sid: "OnlyBreakGlassRetires",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: [...KEY_DESTRUCTION],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": roles.breakGlass } },
    },
    {
      Sid: "OnlyDeployerChangesPolicy",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "kms:PutKeyPolicy",
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": roles.deployer } },
    },
  );
  return statements;
}

/**
 * Sets a key's policy once every principal it names exists (KMS refuses unknown principals) and
 * after `after`: a backup vault must be created under the key first, because CreateBackupVault
 * needs kms:CreateGrant on the key from its caller (AWS Backup developer guide, "Backup vault
 * creation and deletion", Required permissions) and this policy gives the deployer none.
 */
export function attachKeyPolicy(
  name: string,
  key: aws.kms.Key,
  region: string,
  roles: AccessRoleArns,
  uses: readonly KeyUse[],
  parent: pulumi.Resource,
  after: readonly pulumi.Resource[] = [],
): aws.kms.KeyPolicy {
  return new aws.kms.KeyPolicy(
    `${name}-key-policy`,
    { region, keyId: key.keyId, policy: policyJson(keyPolicyStatements(roles, uses)) },
    kept(parent, after.length === 0 ? {} : { dependsOn: [...after] }),
  );
}
