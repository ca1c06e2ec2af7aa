/**
 * AWS Backup for the town's cloud resources: a vault per region, each with its own KMS key, a
 * vault lock and SNS notifications; backup plans from the stack config whose rules copy every
 * recovery point to the DR-region vault; selection by tag; a restore testing plan where
 * configured; and an Audit Manager framework with the backup controls.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BackupFrequency } from "../config-schema.js";
import type { StackConfig } from "../config.js";
import { tagged, type Tags } from "../tags.js";
import { attachKeyPolicy, type AccessRoleArns } from "./key-policy.js";
import { kept } from "./kept.js";
import { lockVault } from "./vault-lock.js";
import { backupKey } from "./offsite-backup-storage.js";
import { assumedBy, policyJson } from "./policy-documents.js";

export interface BackupVaultsArgs {
  readonly namePrefix: string;
  readonly primaryRegion: string;
  readonly drRegion: string;
  /** Physical vault names, known up front so the alarm can name the primary vault. */
  readonly vaultNames: { readonly primary: string; readonly dr: string };
  readonly vaultLock: StackConfig["vaultLock"];
  readonly plans: StackConfig["backupPlans"];
  readonly restoreTesting?: StackConfig["restoreTesting"];
  /** Where restore tests restore to: an isolated subnet and a group with no rules. */
  readonly restoreIsolation?: {
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly availabilityZone: pulumi.Input<string>;
  };
  readonly objectives: StackConfig["objectives"];
  readonly topicArns: { readonly primary: pulumi.Input<string>; readonly dr: pulumi.Input<string> };
  readonly roles: AccessRoleArns;
  /** The vault in the backup account, when the stack has one: every DR copy goes there too. */
  readonly accountCopy?: {
    readonly vaultArn: pulumi.Input<string>;
    readonly accountId: string;
  };
  /** A logically air-gapped vault in the DR region: every DR copy goes there too. */
  readonly airGapped?: StackConfig["airGappedVault"] & { readonly name: string };
  readonly tags: Tags;
}

/** The air-gapped vault's identity: AWS Backup owns its key, so there is none to publish. */
export interface AirGappedVaultInfo {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly region: string;
}

/** Vault settings only the deployer role may change: each one guards the recovery points. */
export const VAULT_PROTECTION_SETTINGS = [
  "backup:PutBackupVaultAccessPolicy",
  "backup:PutBackupVaultLockConfiguration",
  "backup:PutBackupVaultNotifications",
] as const;

/** Requests that remove a vault or what guards it: only the break-glass role may make them. */
export const VAULT_DESTRUCTION = [
  "backup:DeleteBackupVault",
  "backup:DeleteBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:DeleteBackupVaultNotifications",
] as const;

/** The vault's access policy: nobody deletes recovery points; only the deployer changes the vault. */
export function vaultPolicyStatements(roles: AccessRoleArns) {
  return [
    {
      Sid: "DenyManualDeletion",
      Effect: "Deny" as const,
      Principal: { AWS: "*" },
      Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
      Resource: "*",
    },
    {
      Sid: "OnlyDeployerChangesVault",
      Effect: "Deny" as const,
      Principal: { AWS: "*" },
      Action: [...VAULT_PROTECTION_SETTINGS],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": roles.deployer } },
    },
    {
      Sid: "OnlyBreakGlassDestroys",
      Effect: "Deny" as const,
      Principal: { AWS: "*" },
      Action: [...VAULT_DESTRUCTION],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": roles.breakGlass } },
    },
  ];
}

/** A vault's identity as the stack outputs publish it. */
export interface VaultInfo {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly region: string;
  readonly kmsKeyArn: pulumi.Output<string>;
}

/** The tag that puts a resource into a backup plan: `backup-plan: <plan name>`. */
export const BACKUP_PLAN_TAG = "backup-plan";
/** The tag that offers a resource's recovery points to restore testing. */
export const RESTORE_TEST_TAG = "restore-test";

/** When each kind of rule runs (UTC): after the town's nightly on-premises jobs. */
export const SCHEDULES: Readonly<Record<BackupFrequency, string>> = {
  daily: "cron(0 7 ? * * *)",
  weekly: "cron(0 8 ? * SUN *)",
  monthly: "cron(0 9 1 * ? *)",
  yearly: "cron(0 10 1 1 ? *)",
};

/**
 * Vault events that go to the alert topic. The API reserves BACKUP_JOB_FAILED and
 * RESTORE_JOB_FAILED but does not send them: failed backup and restore jobs reach the topic
 * through the EventBridge rules of Alerts instead.
 */
export const VAULT_EVENTS = [
  "COPY_JOB_FAILED",
  "RECOVERY_POINT_MODIFIED",
  "S3_BACKUP_OBJECT_FAILED",
  "S3_RESTORE_OBJECT_FAILED",
] as const;

/** Names AWS Backup allows for frameworks and restore testing: letters, digits, underscores. */
const underscored = (text: string) => text.replace(/[^A-Za-z0-9]/g, "_");

/** The Audit Manager controls: name and input parameters, from the stack's own settings. */
export function frameworkControls(
  args: BackupVaultsArgs,
): aws.types.input.backup.FrameworkControl[] {
  const retentions = args.plans.flatMap((p) => p.rules.map((r) => r.retentionDays));
  const shortest = Math.min(...retentions);
  const rpo = args.objectives.rpoHours;
  // The control accepts 1, 2, 3, 4, 6, 8 or 12 hours, or whole days.
  const frequency =
    rpo >= 24
      ? { unit: "days", value: Math.floor(rpo / 24) }
      : { unit: "hours", value: [12, 8, 6, 4, 3, 2, 1].find((h) => h <= rpo) ?? 1 };
  const params = (values: Record<string, string | number>) =>
    Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
  return [
    { name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN" },
    {
      name: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
      inputParameters: params({
        requiredFrequencyUnit: frequency.unit,
        requiredFrequencyValue: frequency.value,
        requiredRetentionDays: shortest,
      }),
    },
    {
      name: "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
      inputParameters: params({ requiredRetentionDays: shortest }),
    },
    { name: "BACKUP_RECOVERY_POINT_ENCRYPTED" },
    { name: "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED" },
    {
      name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
      inputParameters: params({
        minRetentionDays: args.vaultLock.minRetentionDays,
        maxRetentionDays: args.vaultLock.maxRetentionDays,
      }),
    },
    {
      name: "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
      inputParameters: params({ crossRegionList: args.drRegion }),
    },
    {
      name: "BACKUP_LAST_RECOVERY_POINT_CREATED",
      inputParameters: params({ recoveryPointAgeUnit: "hours", recoveryPointAgeValue: rpo }),
    },
    {
      name: "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
      inputParameters: params({ maxRestoreTime: args.objectives.rtoHours * 60 }),
    },
  ];
}

export class BackupVaults extends pulumi.ComponentResource {
  readonly primary: VaultInfo;
  readonly dr: VaultInfo;
  readonly plans: readonly aws.backup.Plan[];
  readonly framework: aws.backup.Framework;
  readonly restoreTestingPlan?: aws.backup.RestoreTestingPlan;
  readonly airGapped?: AirGappedVaultInfo;
  /** The role AWS Backup's jobs, copies and restores run as. */
  readonly serviceRole: aws.iam.Role;
  private readonly keys: {
    readonly key: aws.kms.Key;
    readonly region: string;
    readonly name: string;
    readonly vault: aws.backup.Vault;
  }[] = [];

  constructor(name: string, args: BackupVaultsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:backup:BackupVaults", name, {}, opts);
    const tags = tagged(args.tags, { purpose: "backup-vault" });
    this.primary = this.vault(
      `${name}-primary`,
      args.primaryRegion,
      args.vaultNames.primary,
      args.topicArns.primary,
      args,
      tags,
    );
    this.dr = this.vault(
      `${name}-dr`,
      args.drRegion,
      args.vaultNames.dr,
      args.topicArns.dr,
      args,
      tags,
    );

    if (args.airGapped !== undefined) {
      // Its recovery points live in an account AWS Backup owns, encrypted under an AWS-owned key
      // and locked in compliance mode from the start: no key or lock of ours to lose.
      const vault = new aws.backup.LogicallyAirGappedVault(
        `${name}-air-gapped`,
        {
          region: args.drRegion,
          name: args.airGapped.name,
          minRetentionDays: args.airGapped.minRetentionDays,
          maxRetentionDays: args.airGapped.maxRetentionDays,
          tags: tagged(tags, { Name: args.airGapped.name }),
        },
        kept(this),
      );
      this.airGapped = { name: vault.name, arn: vault.arn, region: args.drRegion };
    }

    const role = (this.serviceRole = new aws.iam.Role(
      `${name}-service-role`,
      {
        assumeRolePolicy: assumedBy("backup.amazonaws.com"),
        description: `AWS Backup jobs and restores for ${args.namePrefix}`,
        tags: tagged(args.tags, { Name: `${name}-service-role` }),
      },
      { parent: this },
    ));
    for (const { key, region, name: keyName, vault } of this.keys) {
      attachKeyPolicy(
        keyName,
        key,
        region,
        args.roles,
        [
          {
            principals: [role.arn],
            viaService: `backup.${region}.amazonaws.com`,
            grantsForAwsResources: true,
          },
          // A cross-account copy reads the source recovery point under this key.
          ...(args.accountCopy === undefined
            ? []
            : [
                {
                  principals: [`arn:aws:iam::${args.accountCopy.accountId}:root`],
                  viaService: `backup.${region}.amazonaws.com`,
                  grantsForAwsResources: true,
                },
              ]),
        ],
        this,
        [vault],
      );
    }
    const attachments = [
      "AWSBackupServiceRolePolicyForBackup",
      "AWSBackupServiceRolePolicyForRestores",
      "AWSBackupServiceRolePolicyForS3Backup",
      "AWSBackupServiceRolePolicyForS3Restore",
    ].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-${policy}`,
          {
            role: role.name,
            policyArn: `arn:aws:iam::aws:policy/service-role/${policy}`,
          },
          { parent: this },
        ),
    );

    this.plans = args.plans.map((plan) => {
      const backupPlan = new aws.backup.Plan(
        `${name}-${plan.name}`,
        {
          region: args.primaryRegion,
          name: `${args.namePrefix}-${plan.name}`,
          rules: plan.rules.map((rule) => {
            const lifecycle = {
              deleteAfter: rule.retentionDays,
              // Without the opt-in AWS Backup keeps EBS snapshots and EC2 images warm whatever
              // coldStorageAfter says ("Lifecycle", AWS Backup Developer Guide: archive tier for
              // supported resources is opt-in); with it they move to the cold (archive) tier.
              ...(rule.coldStorageAfterDays === undefined
                ? {}
                : {
                    coldStorageAfter: rule.coldStorageAfterDays,
                    optInToArchiveForSupportedResources: true,
                  }),
            };
            return {
              ruleName: `${plan.name}-${rule.frequency}`,
              targetVaultName: this.primary.name,
              schedule: SCHEDULES[rule.frequency],
              startWindow: 60,
              completionWindow: rule.frequency === "daily" ? 360 : 1440,
              lifecycle,
              recoveryPointTags: tagged(args.tags, { frequency: rule.frequency }),
              copyActions: rule.copyToDr
                ? [
                    { destinationVaultArn: this.dr.arn, lifecycle },
                    ...(args.accountCopy === undefined
                      ? []
                      : [{ destinationVaultArn: args.accountCopy.vaultArn, lifecycle }]),
                    ...(this.airGapped === undefined
                      ? []
                      : [{ destinationVaultArn: this.airGapped.arn, lifecycle }]),
                  ]
                : [],
            };
          }),
          tags: tagged(tags, { Name: `${args.namePrefix}-${plan.name}` }),
        },
        { parent: this },
      );
      new aws.backup.Selection(
        `${name}-${plan.name}-selection`,
        {
          region: args.primaryRegion,
          name: `${plan.name}-by-tag`,
          planId: backupPlan.id,
          iamRoleArn: role.arn,
          selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_PLAN_TAG, value: plan.name }],
        },
        { parent: this, dependsOn: attachments },
      );
      return backupPlan;
    });

    if (args.restoreTesting !== undefined) {
      this.restoreTestingPlan = this.restoreTests(name, args, args.restoreTesting, role, tags);
    }

    this.framework = new aws.backup.Framework(
      `${name}-framework`,
      {
        region: args.primaryRegion,
        name: underscored(`${args.namePrefix}_backup_controls`),
        description: `Backup controls for ${args.namePrefix}: plans, frequency, retention, encryption, vault lock, cross-region copy, RPO and RTO`,
        controls: frameworkControls(args),
        tags,
      },
      { parent: this },
    );

    this.registerOutputs({
      primaryVaultArn: this.primary.arn,
      drVaultArn: this.dr.arn,
      planArns: this.plans.map((p) => p.arn),
      frameworkArn: this.framework.arn,
    });
  }

  private vault(
    name: string,
    region: string,
    vaultName: string,
    topicArn: pulumi.Input<string>,
    args: BackupVaultsArgs,
    tags: Tags,
  ): VaultInfo {
    const key = backupKey(
      `${vaultName}-vault`,
      { region, description: `AWS Backup vault ${vaultName}`, tags },
      this,
    );
    const vault = new aws.backup.Vault(
      name,
      { region, name: vaultName, kmsKeyArn: key.arn, tags: tagged(tags, { Name: vaultName }) },
      kept(this),
    );
    this.keys.push({ key, region, name: `${vaultName}-vault`, vault });
    lockVault(`${name}-lock`, region, vault, args.vaultLock, this);
    new aws.backup.VaultPolicy(
      `${name}-policy`,
      {
        region,
        backupVaultName: vault.name,
        policy: policyJson(vaultPolicyStatements(args.roles)),
      },
      kept(this),
    );
    new aws.backup.VaultNotifications(
      `${name}-notifications`,
      {
        region,
        backupVaultName: vault.name,
        snsTopicArn: topicArn,
        backupVaultEvents: [...VAULT_EVENTS],
      },
      { parent: this },
    );
    return { name: vault.name, arn: vault.arn, region, kmsKeyArn: key.arn };
  }

  private restoreTests(
    name: string,
    args: BackupVaultsArgs,
    testing: NonNullable<StackConfig["restoreTesting"]>,
    role: aws.iam.Role,
    tags: Tags,
  ): aws.backup.RestoreTestingPlan {
    const plan = new aws.backup.RestoreTestingPlan(
      `${name}-restore-testing`,
      {
        region: args.primaryRegion,
        name: underscored(`${args.namePrefix}_restore_testing`),
        scheduleExpression: testing.schedule,
        startWindowHours: 24,
        recoveryPointSelection: {
          algorithm: "LATEST_WITHIN_WINDOW",
          includeVaults: [this.primary.arn],
          recoveryPointTypes: ["SNAPSHOT"],
          selectionWindowDays: testing.selectionWindowDays,
        },
        tags,
      },
      { parent: this },
    );
    const isolation = args.restoreIsolation;
    // Left to itself AWS Backup restores an EC2 instance into the default VPC or the backed-up
    // subnet ("Restore testing inferred metadata"): a restored domain controller would answer
    // on the production network. The overrides put it in the isolated subnet and group.
    const overridesFor = (
      resourceType: string,
    ): Record<string, pulumi.Input<string>> | undefined => {
      if (isolation === undefined) return undefined;
      if (resourceType === "EC2") {
        // Restore metadata values are strings; a list is a JSON array in one ("SecurityGroupIds":
        // "[\"sg-…\"]" in AWS Backup's EC2 restore metadata, AWS Backup developer guide,
        // "Restore an Amazon EC2 instance"). The override keys are the camelCase names of
        // "Restore testing inferred metadata" (subnetId, securityGroupIds, requireImdsV2).
        return {
          subnetId: isolation.subnetId,
          securityGroupIds: pulumi
            .output(isolation.securityGroupId)
            .apply((id) => JSON.stringify([id])),
          requireImdsV2: "true",
        };
      }
      if (resourceType === "EBS") return { availabilityZone: isolation.availabilityZone };
      return undefined;
    };
    for (const resourceType of testing.resourceTypes) {
      const overrides = overridesFor(resourceType);
      new aws.backup.RestoreTestingSelection(
        `${name}-restore-testing-${resourceType.toLowerCase()}`,
        {
          region: args.primaryRegion,
          name: underscored(`${resourceType}_tagged_for_restore_tests`),
          restoreTestingPlanName: plan.name,
          protectedResourceType: resourceType,
          iamRoleArn: role.arn,
          protectedResourceArns: ["*"],
          protectedResourceConditions: {
            stringEquals: [{ key: `aws:ResourceTag/${RESTORE_TEST_TAG}`, value: "true" }],
          },
          validationWindowHours: testing.validationWindowHours,
          ...(overrides === undefined ? {} : { restoreMetadataOverrides: overrides }),
        },
        { parent: this },
      );
    }
    return plan;
  }
}
