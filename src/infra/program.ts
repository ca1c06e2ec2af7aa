/**
 * The infrastructure program: from a validated stack config to every component and the stack
 * outputs. The Pulumi entry (stacks/index.ts) and the mocked runs (mock-run.ts) both call it, so
 * what is tested offline is what `pulumi up` deploys.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AgentTool } from "./config-schema.js";
import type { StackConfig } from "./config.js";
import { Alerts } from "./components/alerts.js";
import { CostBudget } from "./components/cost-budget.js";
import { BackupAgentAccess } from "./components/backup-agent-access.js";
import {
  DEFAULT_EVIDENCE_RETENTION_DAYS,
  EVIDENCE_PREFIX,
  EvidenceWriter,
} from "./components/evidence-writer.js";
import { BackupVaults } from "./components/backup-vaults.js";
import { AdminGuard } from "./components/admin-guard.js";
import { AuditTrail, trailArn } from "./components/audit-trail.js";
import { BackupAccountAlerts } from "./components/backup-account-alerts.js";
import { BackupAccountVault } from "./components/backup-account-vault.js";
import { attachKeyPolicy, type AccessRoleArns } from "./components/key-policy.js";
import { UploadFreshness } from "./components/upload-freshness.js";
import { DrEnvironment } from "./components/dr-environment.js";
import { RestoreIsolation, RestoreValidation } from "./components/restore-validation.js";
import { AUDIT_PREFIXES, OffsiteBackupStorage } from "./components/offsite-backup-storage.js";
import { AuditRecording } from "./components/audit-recording.js";
import { STACK_OUTPUTS_VERSION, type StackOutputs } from "./stack-outputs.js";
import { baseTags, physicalName } from "./tags.js";

/** The isolated VPC's block when stronghold:restoreTesting names none. */
export const DEFAULT_ISOLATED_CIDR = "10.254.0.0/24";

/** A value whose leaves may still be Outputs: how a program hands its outputs to Pulumi. */
export type DeepInput<T> = T extends string | number | boolean
  ? pulumi.Input<T>
  : T extends readonly (infer E)[]
    ? readonly DeepInput<E>[]
    : { readonly [K in keyof T]: DeepInput<T[K]> };

/** The stack outputs before Pulumi resolves them; secrets stay individually secret. */
export type StackOutputValues = DeepInput<StackOutputs>;

/** Registers every resource of a stack and returns its outputs. */
export function deployStronghold(config: StackConfig, stack: string): StackOutputValues {
  const tags = baseTags(config, stack);
  const namePrefix = `${config.town}-${stack}`;
  const vaultNames = {
    primary: physicalName(config.town, stack, "primary"),
    dr: physicalName(config.town, stack, "dr"),
  };

  const account = aws.getCallerIdentityOutput().accountId;
  const roleArn = (name: string) => pulumi.interpolate`arn:aws:iam::${account}:role/${name}`;
  const roles: AccessRoleArns = {
    deployer: roleArn(config.accessRoles.deployer),
    admin: roleArn(config.accessRoles.admin),
    breakGlass: roleArn(config.accessRoles.breakGlass),
  };

  const trailName = `${namePrefix}-backup-audit`;

  // The backup account: reached through the role its own deployer runs as. Its vault is in the
  // DR region; its S3 replica in the replica region, else the DR region too.
  const backupAccount = config.backupAccount;
  const backup =
    backupAccount === undefined
      ? undefined
      : (() => {
          const roleIn = (role: string) => `arn:aws:iam::${backupAccount.accountId}:role/${role}`;
          const replicaRegion = config.replicaRegion ?? config.drRegion;
          const trailName = `${namePrefix}-backup-account-audit`;
          return {
            accountId: backupAccount.accountId,
            organizationId: backupAccount.organizationId,
            replicaRegion,
            trailName,
            trailArn: trailArn(config.drRegion, backupAccount.accountId, trailName),
            roles: {
              deployer: roleIn(backupAccount.deployRole),
              admin: roleIn(config.accessRoles.admin),
              breakGlass: roleIn(config.accessRoles.breakGlass),
            },
            provider: new aws.Provider("backup-account", {
              region: config.drRegion,
              allowedAccountIds: [backupAccount.accountId],
              assumeRoles: [
                { roleArn: roleIn(backupAccount.deployRole), sessionName: "stronghold-pulumi" },
              ],
            }),
          };
        })();

  const alerts = new Alerts("alerts", {
    namePrefix,
    primaryRegion: config.primaryRegion,
    drRegion: config.drRegion,
    emails: config.alertEmails,
    rpoHours: config.objectives.rpoHours,
    primaryVaultName: vaultNames.primary,
    tags,
  });

  const budget =
    config.monthlyBudgetUsd === undefined
      ? undefined
      : new CostBudget("budget", {
          namePrefix,
          monthlyUsd: config.monthlyBudgetUsd,
          emails: config.alertEmails,
          tags,
        });

  const offsite = new OffsiteBackupStorage("offsite", {
    namePrefix,
    region: config.drRegion,
    ...(config.replicaRegion === undefined ? {} : { replicaRegion: config.replicaRegion }),
    storage: config.offsiteStorage,
    veeamBucket: config.backupAgents.some((agent) => agent.tool === "veeam"),
    roles,
    cloudTrail: { arn: trailArn(config.primaryRegion, account, trailName), account },
    ...(backup === undefined
      ? {}
      : {
          backupAccount: {
            accountId: backup.accountId,
            region: backup.replicaRegion,
            roles: backup.roles,
            provider: backup.provider,
            cloudTrail: { arn: backup.trailArn, account: backup.accountId },
          },
        }),
    tags,
  });

  const bucketOf = (tool: AgentTool) => (tool === "veeam" ? offsite.veeam! : offsite.bucket);
  const agents = config.backupAgents.map(
    (agent) =>
      new BackupAgentAccess(`agent-${agent.name}`, {
        namePrefix,
        agent,
        bucketArn: bucketOf(agent.tool).arn,
        kmsKeyArn: offsite.kmsKey.arn,
        tags,
      }),
  );

  const evidenceRetentionDays =
    config.offsiteStorage.evidenceRetentionDays ?? DEFAULT_EVIDENCE_RETENTION_DAYS;
  const evidenceWriter = new EvidenceWriter("evidence-writer", {
    namePrefix,
    bucketArn: offsite.bucket.arn,
    kmsKeyArn: offsite.kmsKey.arn,
    lockMode: config.offsiteStorage.lockMode,
    retentionDays: evidenceRetentionDays,
    tags,
  });

  const accountVault =
    backup === undefined
      ? undefined
      : new BackupAccountVault(
          "backup-account",
          {
            region: config.drRegion,
            vaultName: physicalName(config.town, stack, "vault-account"),
            vaultLock: config.vaultLock,
            roles: backup.roles,
            sourceAccount: account,
            organizationId: backup.organizationId,
            tags,
          },
          { providers: [backup.provider] },
        );

  const replica = offsite.replica;
  const accountAlerts =
    backup === undefined || replica?.logBucket === undefined
      ? undefined
      : new BackupAccountAlerts(
          "backup-account-alerts",
          {
            namePrefix,
            accountId: backup.accountId,
            regions: [...new Set([config.drRegion, backup.replicaRegion])],
            emails: config.alertEmails,
            trailName: backup.trailName,
            logBucket: replica.logBucket,
            bucketArns: [
              replica.bucketArn,
              ...(replica.veeam === undefined ? [] : [replica.veeam.bucketArn]),
            ],
            tags,
          },
          { providers: [backup.provider] },
        );

  const isolation =
    config.restoreTesting === undefined
      ? undefined
      : new RestoreIsolation("restore-isolation", {
          namePrefix,
          region: config.primaryRegion,
          cidr: config.restoreTesting.isolatedCidr ?? DEFAULT_ISOLATED_CIDR,
          tags,
        });

  const vaults = new BackupVaults("vaults", {
    namePrefix,
    primaryRegion: config.primaryRegion,
    drRegion: config.drRegion,
    vaultNames,
    vaultLock: config.vaultLock,
    plans: config.backupPlans,
    ...(config.restoreTesting === undefined ? {} : { restoreTesting: config.restoreTesting }),
    ...(isolation === undefined
      ? {}
      : {
          restoreIsolation: {
            subnetId: isolation.subnet.id,
            securityGroupId: isolation.securityGroup.id,
            availabilityZone: isolation.subnet.availabilityZone,
          },
        }),
    objectives: config.objectives,
    topicArns: alerts.topicArns,
    roles,
    ...(accountVault === undefined || backup === undefined
      ? {}
      : { accountCopy: { vaultArn: accountVault.vault.arn, accountId: backup.accountId } }),
    ...(config.airGappedVault === undefined
      ? {}
      : {
          airGapped: {
            ...config.airGappedVault,
            name: physicalName(config.town, stack, "air-gapped"),
          },
        }),
    tags,
  });

  const audit = new AuditRecording("audit-recording", {
    namePrefix,
    region: config.primaryRegion,
    frameworkArn: vaults.framework.arn,
    bucket: offsite.logBucket.id,
    configPrefix: AUDIT_PREFIXES.config,
    reportsPrefix: AUDIT_PREFIXES.reports,
    createRecorder: (config.configRecorder ?? "create") === "create",
    tags,
  });

  const validation =
    vaults.restoreTestingPlan === undefined
      ? undefined
      : new RestoreValidation("restore-validation", {
          namePrefix,
          region: config.primaryRegion,
          planArn: vaults.restoreTestingPlan.arn,
          logRetentionDays: 365,
          tags,
        });

  const dr = new DrEnvironment("dr", {
    namePrefix,
    region: config.drRegion,
    network: config.drNetwork,
    ...(config.vpn === undefined ? {} : { vpn: config.vpn }),
    ...(config.vpnPresharedKey === undefined
      ? {}
      : { vpnPresharedKey: pulumi.secret(config.vpnPresharedKey) }),
    criticalSystems: config.criticalSystems,
    ...(config.publicServices === undefined ? {} : { publicServices: config.publicServices }),
    resticPrefixes: config.backupAgents.filter((a) => a.tool === "restic").map((a) => a.prefix),
    offsiteBucketArn: offsite.bucket.arn,
    offsiteKmsKeyArn: offsite.kmsKey.arn,
    tags,
  });

  new AuditTrail("audit", {
    namePrefix,
    region: config.primaryRegion,
    name: trailName,
    logBucket: offsite.logBucket.id,
    backupBucketArns: [
      offsite.bucket.arn,
      ...(offsite.veeam === undefined ? [] : [offsite.veeam.arn]),
      // A replica in the backup account is audited by that account's own trail.
      ...(replica === undefined || replica.account !== undefined ? [] : [replica.bucketArn]),
    ],
    tags,
  });

  new AdminGuard("admin-guard", {
    namePrefix,
    adminRole: { name: config.accessRoles.admin, arn: roles.admin },
    trailArn: trailArn(config.primaryRegion, account, trailName),
    tags,
  });

  new UploadFreshness("uploads", {
    namePrefix,
    region: config.drRegion,
    agents: config.backupAgents.map((agent) => ({
      name: agent.name,
      prefix: agent.prefix,
      bucket: bucketOf(agent.tool).id,
    })),
    rpoHours: config.objectives.rpoHours,
    topicArn: alerts.topicArns.dr,
    tags,
  });

  // The offsite key's policy names every principal that uses it, so it comes once they exist.
  attachKeyPolicy(
    `${namePrefix}-offsite-backup`,
    offsite.kmsKey,
    config.drRegion,
    roles,
    [
      {
        principals: [
          ...agents.map((agent) => agent.user.arn),
          evidenceWriter.user.arn,
          dr.restoreRole.arn,
          ...(offsite.replicationRole === undefined ? [] : [offsite.replicationRole.arn]),
        ],
        viaService: `s3.${config.drRegion}.amazonaws.com`,
      },
    ],
    offsite,
  );

  return {
    schemaVersion: STACK_OUTPUTS_VERSION,
    town: config.town,
    stack,
    regions: {
      primary: config.primaryRegion,
      dr: config.drRegion,
      ...(replica === undefined ? {} : { replica: replica.region }),
    },
    offsite: {
      bucket: offsite.bucket.id,
      bucketArn: offsite.bucket.arn,
      region: offsite.region,
      endpoint: `https://s3.${offsite.region}.amazonaws.com`,
      kmsKeyArn: offsite.kmsKey.arn,
      lockMode: config.offsiteStorage.lockMode,
      lockDays: config.offsiteStorage.lockDays,
      logBucket: offsite.logBucket.id,
      ...(offsite.veeam === undefined
        ? {}
        : { veeam: { bucket: offsite.veeam.id, bucketArn: offsite.veeam.arn } }),
      ...(replica === undefined
        ? {}
        : {
            replica: {
              bucket: replica.bucket,
              bucketArn: replica.bucketArn,
              region: replica.region,
              kmsKeyArn: replica.kmsKeyArn,
              ...(replica.account === undefined ? {} : { account: replica.account }),
              ...(replica.veeam === undefined ? {} : { veeam: { ...replica.veeam } }),
            },
          }),
    },
    evidence: {
      bucket: offsite.bucket.id,
      prefix: EVIDENCE_PREFIX,
      region: offsite.region,
      endpoint: `https://s3.${offsite.region}.amazonaws.com`,
      lockMode: config.offsiteStorage.lockMode,
      retentionDays: evidenceRetentionDays,
      writer: {
        userName: evidenceWriter.user.name,
        userArn: evidenceWriter.user.arn,
        accessKeyId: evidenceWriter.accessKeyId,
        secretAccessKey: evidenceWriter.secretAccessKey,
      },
    },
    vaults: {
      primary: { ...vaults.primary },
      dr: { ...vaults.dr },
      ...(accountVault === undefined ? {} : { backupAccount: { ...accountVault.vault } }),
      ...(vaults.airGapped === undefined ? {} : { airGapped: { ...vaults.airGapped } }),
    },
    backupPlanArns: Object.fromEntries(
      config.backupPlans.map((plan, i) => [plan.name, vaults.plans[i]!.arn]),
    ),
    auditFrameworkArn: vaults.framework.arn,
    audit: {
      reportPlanArn: audit.reportPlan.arn,
      reportsBucket: offsite.logBucket.id,
      reportsPrefix: AUDIT_PREFIXES.reports,
      ...(audit.recorder === undefined ? {} : { configRecorder: audit.recorder.name }),
    },
    ...(vaults.restoreTestingPlan === undefined
      ? {}
      : { restoreTestingPlanArn: vaults.restoreTestingPlan.arn }),
    ...(vaults.restoreTestingPlan === undefined ||
    isolation === undefined ||
    validation === undefined
      ? {}
      : {
          restoreTesting: {
            planArn: vaults.restoreTestingPlan.arn,
            region: config.primaryRegion,
            isolatedSubnetId: isolation.subnet.id,
            isolatedSecurityGroupId: isolation.securityGroup.id,
            validationFunctionArn: validation.function.arn,
            validationLogGroup: validation.logGroupName,
          },
        }),
    dr: {
      region: config.drRegion,
      vpcId: dr.vpc.id,
      vpcCidr: config.drNetwork.vpcCidr,
      publicSubnetIds: dr.publicSubnetIds,
      privateSubnetIds: dr.privateSubnetIds,
      s3EndpointId: dr.s3Endpoint.id,
      ssmEndpointIds: dr.ssmEndpointIds,
      egress: config.drNetwork.egress ?? "endpoints-only",
      ...(dr.natGatewayId === undefined ? {} : { natGatewayId: dr.natGatewayId }),
      securityGroupIds: dr.securityGroupIds,
      launchTemplateIds: dr.launchTemplateIds,
      ...(dr.vpnConnectionId === undefined ? {} : { vpnConnectionId: dr.vpnConnectionId }),
      healthCheckIds: dr.healthCheckIds,
      publicServices: Object.fromEntries(
        Object.entries(dr.publicServices).map(([name, service]) => [name, { ...service }]),
      ),
      standingInstanceIds: dr.standingInstanceIds,
    },
    objectives: { ...config.objectives },
    alerts: {
      topicArns: alerts.topicArns,
      ...(budget === undefined ? {} : { budgetName: budget.budget.name }),
      ...(accountAlerts === undefined ? {} : { backupAccountTopicArns: accountAlerts.topicArns }),
    },
    agents: Object.fromEntries(
      agents.map((agent, i) => [
        config.backupAgents[i]!.name,
        {
          userName: agent.user.name,
          userArn: agent.user.arn,
          bucket: bucketOf(config.backupAgents[i]!.tool).id,
          prefix: agent.prefix,
          accessKeyId: agent.accessKeyId,
          secretAccessKey: agent.secretAccessKey,
        },
      ]),
    ),
  };
}
