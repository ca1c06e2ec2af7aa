/**
 * The vault in the town's backup account: a second account in the same AWS Organization that
 * production credentials cannot reach. It has its own KMS key (whose policy names that
 * account's roles), its own vault lock and a vault policy that lets the production account copy
 * recovery points in (only from inside the Organization) and nobody delete them. Every child is
 * created through the backup account's provider, passed to this component.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { tagged, type Tags } from "../tags.js";
import { vaultPolicyStatements, type VaultInfo } from "./backup-vaults.js";
import { attachKeyPolicy, type AccessRoleArns } from "./key-policy.js";
import { kept } from "./kept.js";
import { lockVault } from "./vault-lock.js";
import { backupKey } from "./offsite-backup-storage.js";
import { policyJson } from "./policy-documents.js";

export interface BackupAccountVaultArgs {
  readonly region: string;
  readonly vaultName: string;
  readonly vaultLock: StackConfig["vaultLock"];
  /** The backup account's own deployer, admin and break-glass roles. */
  readonly roles: AccessRoleArns;
  /** The production account, which copies recovery points in. */
  readonly sourceAccount: pulumi.Input<string>;
  readonly organizationId: string;
  readonly tags: Tags;
}

export class BackupAccountVault extends pulumi.ComponentResource {
  readonly vault: VaultInfo;

  constructor(name: string, args: BackupAccountVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:backup:BackupAccountVault", name, {}, opts);
    const region = args.region;
    const tags = tagged(args.tags, { purpose: "backup-account-vault" });
    const key = backupKey(
      `${args.vaultName}-vault`,
      { region, description: `AWS Backup vault ${args.vaultName} (backup account)`, tags },
      this,
    );
    const vault = new aws.backup.Vault(
      name,
      {
        region,
        name: args.vaultName,
        kmsKeyArn: key.arn,
        tags: tagged(tags, { Name: args.vaultName }),
      },
      kept(this),
    );
    // AWS Backup in this account re-encrypts copies under this key; the production account's
    // copy jobs need to use it through AWS Backup too.
    attachKeyPolicy(
      `${args.vaultName}-vault`,
      key,
      region,
      args.roles,
      [
        {
          principals: [pulumi.interpolate`arn:aws:iam::${args.sourceAccount}:root`],
          viaService: `backup.${region}.amazonaws.com`,
          grantsForAwsResources: true,
        },
      ],
      this,
      [vault],
    );
    lockVault(`${name}-lock`, region, vault, args.vaultLock, this);
    new aws.backup.VaultPolicy(
      `${name}-policy`,
      {
        region,
        backupVaultName: vault.name,
        policy: policyJson([
          {
            Sid: "ProductionCopiesIn",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:aws:iam::${args.sourceAccount}:root` },
            Action: "backup:CopyIntoBackupVault",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": args.organizationId } },
          },
          ...vaultPolicyStatements(args.roles),
        ]),
      },
      kept(this),
    );
    this.vault = { name: vault.name, arn: vault.arn, region, kmsKeyArn: key.arn };
    this.registerOutputs({ vaultArn: vault.arn });
  }
}
