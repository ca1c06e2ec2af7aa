// What each sample stack would create, read from a run of the program under
// pulumi.runtime.setMocks: the Pulumi engine and AWS are mocked because neither can run here,
// so these tests check the resources and settings the program asks for, not AWS's behaviour.
import { expect } from "chai";
import { loadStackConfigFile } from "../../src/infra/config-file.js";
import type { StackConfig } from "../../src/infra/config.js";
import { DENIED_AGENT_ACTIONS } from "../../src/infra/components/backup-agent-access.js";
import { RECORDED_TYPES } from "../../src/infra/components/audit-recording.js";
import { rulesFor, toSecurityGroupRule } from "../../src/infra/dr-services.js";
import { REQUIRED_TAG_KEYS } from "../../src/infra/tags.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import type { MockedRun, RecordedResource } from "../../src/infra/mock-run.js";
import {
  Resources,
  isTaggable,
  list,
  mockedStack,
  statementsOf,
  tagsOf,
} from "../fixtures/mocked-stacks.js";

type Json = Record<string, unknown>;
const obj = (value: unknown) => value as Json;
const arr = (value: unknown) => value as Json[];

function stackConfig(stack: string): StackConfig {
  const loaded = loadStackConfigFile(`${PROJECT_ROOT}/stacks/Pulumi.${stack}.yaml`);
  if (!loaded.ok) throw new Error(`${stack}: ${JSON.stringify(loaded.problems)}`);
  return loaded.config;
}

const COMPONENT_TYPES = [
  "stronghold:backup:OffsiteBackupStorage",
  "stronghold:backup:BackupVaults",
  "stronghold:backup:BackupAgentAccess",
  "stronghold:dr:DrEnvironment",
  "stronghold:monitoring:Alerts",
];

for (const stack of ["dev", "prod"] as const) {
  describe(`the ${stack} stack under mocks (AWS and the Pulumi engine mocked)`, () => {
    const config = stackConfig(stack);
    let r: Resources;
    let run: MockedRun;
    before(async () => {
      run = await mockedStack(stack);
      r = new Resources(run.resources);
    });

    describe("components", () => {
      it("registers one component per concern, each owning its resources", () => {
        for (const type of COMPONENT_TYPES) expect(r.ofType(type), type).to.not.have.lengthOf(0);
        expect(r.ofType("stronghold:backup:BackupAgentAccess")).to.have.length(
          config.backupAgents.length,
        );
        const componentUrns = new Set(
          r.all.filter((x) => x.type.startsWith("stronghold:")).map((x) => x.urn),
        );
        for (const resource of r.all.filter((x) => x.type.startsWith("aws:"))) {
          expect(
            componentUrns.has(resource.parent ?? ""),
            `${resource.type} ${resource.name}`,
          ).to.equal(true);
        }
      });

      it("tags every taggable resource with department, data-classification, managed-by and stack", () => {
        const taggable = r.all.filter((x) => x.type.startsWith("aws:") && isTaggable(x.type));
        expect(taggable.length).to.be.greaterThan(30);
        for (const resource of taggable) {
          const tags = tagsOf(resource);
          expect(Object.keys(tags), `${resource.type} ${resource.name}`).to.include.members([
            ...REQUIRED_TAG_KEYS,
          ]);
          expect(tags).to.include({
            department: config.tags.department,
            "data-classification": config.tags.dataClassification,
            "managed-by": "pulumi",
            stack,
          });
        }
      });
    });

    describe("offsite backup storage", () => {
      const lockedBuckets = () => [
        ...r.buckets("offsite-backup"),
        ...r.buckets("offsite-backup-replica"),
      ];

      it(`puts the offsite bucket in the offsite region (${config.drRegion}) with Object Lock on`, () => {
        const [bucket, ...others] = r.buckets("offsite-backup");
        expect(others).to.have.lengthOf(0);
        expect(bucket!.inputs).to.include({ region: config.drRegion, objectLockEnabled: true });
      });

      it(`locks every version in ${config.offsiteStorage.lockMode} mode for ${config.offsiteStorage.lockDays} days, at least the legal minimum`, () => {
        for (const bucket of lockedBuckets()) {
          const [lock] = r.forBucket(
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            bucket,
          );
          const retention = obj(obj(lock!.inputs.rule).defaultRetention);
          expect(retention.mode).to.equal(stack === "prod" ? "COMPLIANCE" : "GOVERNANCE");
          expect(retention.days).to.be.at.least(config.legalMinimumRetentionDays);
          expect(retention.days).to.equal(config.offsiteStorage.lockDays);
          expect(lock!.inputs.objectLockEnabled).to.equal("Enabled");
        }
      });

      it("versions every locked bucket", () => {
        for (const bucket of lockedBuckets()) {
          const [versioning] = r.forBucket("aws:s3/bucketVersioning:BucketVersioning", bucket);
          expect(obj(versioning!.inputs.versioningConfiguration).status).to.equal("Enabled");
        }
      });

      it("encrypts with SSE-KMS under a customer-managed key with rotation on, and a bucket key", () => {
        const keys = new Map(r.ofType("aws:kms/key:Key").map((k) => [k.id, k]));
        for (const bucket of lockedBuckets()) {
          const [sse] = r.forBucket(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            bucket,
          );
          const [rule] = arr(sse!.inputs.rules);
          const byDefault = obj(rule!.applyServerSideEncryptionByDefault);
          expect(byDefault.sseAlgorithm).to.equal("aws:kms");
          expect(rule!.bucketKeyEnabled).to.equal(true);
          const keyArn = String(byDefault.kmsMasterKeyId);
          expect(keyArn).to.match(
            new RegExp(`^arn:aws:kms:${String(bucket.inputs.region)}:\\d{12}:key/`),
          );
          const key = keys.get(keyArn.split("/").pop());
          expect(key, keyArn).to.not.equal(undefined);
          expect(key!.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
        }
      });

      it("rotates every KMS key", () => {
        const keys = r.ofType("aws:kms/key:Key");
        expect(keys.length).to.equal(stack === "prod" ? 4 : 3);
        for (const key of keys) expect(key.inputs.enableKeyRotation, key.name).to.equal(true);
      });

      it("blocks public access four ways on every bucket", () => {
        for (const bucket of r.ofType("aws:s3/bucket:Bucket")) {
          const [block] = r.forBucket(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            bucket,
          );
          expect(block!.inputs, bucket.name).to.include({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          });
        }
      });

      it("denies plain HTTP on every bucket and unencrypted puts on the locked ones", () => {
        for (const bucket of r.ofType("aws:s3/bucket:Bucket")) {
          const [policy] = r.forBucket("aws:s3/bucketPolicy:BucketPolicy", bucket);
          const statements = statementsOf(policy!);
          const tls = statements.find(
            (s) => s.Condition?.Bool?.["aws:SecureTransport"] === "false",
          );
          expect(tls?.Effect, bucket.name).to.equal("Deny");
          expect(list(tls!.Action)).to.include("s3:*");
        }
        for (const bucket of lockedBuckets()) {
          const statements = statementsOf(
            r.forBucket("aws:s3/bucketPolicy:BucketPolicy", bucket)[0]!,
          );
          // Only a put that names another encryption is refused (evaluated in
          // agent-access-evaluation.test.ts); no "...IfExists" on a header in a Deny.
          const sse = statements.find(
            (s) => s.Condition?.StringNotEquals?.["s3:x-amz-server-side-encryption"] === "aws:kms",
          );
          expect(sse).to.include({ Effect: "Deny", Action: "s3:PutObject" });
          expect(sse!.Condition?.Null).to.deep.equal({
            "s3:x-amz-server-side-encryption": "false",
          });
          expect(JSON.stringify(statements)).to.not.include("IfExists");
        }
      });

      it("logs access to a separate bucket in the same region", () => {
        const logBuckets = r.buckets("access-logs");
        for (const bucket of lockedBuckets()) {
          const [logging] = r.forBucket("aws:s3/bucketLogging:BucketLogging", bucket);
          const target = logBuckets.find((b) => b.id === logging!.inputs.targetBucket);
          expect(target, bucket.name).to.not.equal(undefined);
          expect(target!.id).to.not.equal(bucket.id);
          expect(target!.inputs.region).to.equal(bucket.inputs.region);
        }
      });

      it("tiers current and noncurrent data as the settings say and expires versions after the retention", () => {
        const [bucket] = r.buckets("offsite-backup");
        const [lifecycle] = r.forBucket(
          "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
          bucket!,
        );
        const rules = arr(lifecycle!.inputs.rules);
        const rule = rules.find((x) => x.id === "tier-and-expire-noncurrent-versions");
        const s = config.offsiteStorage;
        expect(rule!.status).to.equal("Enabled");
        expect(rule!.noncurrentVersionTransitions).to.deep.equal([
          ...(s.noncurrentToGlacierIrDays === undefined
            ? []
            : [{ noncurrentDays: s.noncurrentToGlacierIrDays, storageClass: "GLACIER_IR" }]),
          ...(s.noncurrentToDeepArchiveDays === undefined
            ? []
            : [{ noncurrentDays: s.noncurrentToDeepArchiveDays, storageClass: "DEEP_ARCHIVE" }]),
        ]);
        expect(rule!.noncurrentVersionExpiration).to.deep.equal({
          noncurrentDays: s.retentionDays,
        });
        const current = rules.find((x) => x.id === "tier-current-objects");
        if (s.currentToGlacierIrDays === undefined) expect(current).to.equal(undefined);
        else
          expect(current!.transitions).to.deep.equal([
            { days: s.currentToGlacierIrDays, storageClass: "GLACIER_IR" },
          ]);
      });

      if (stack === "prod") {
        it(`replicates to a second locked bucket in ${config.replicaRegion ?? ""}`, () => {
          const [source] = r.buckets("offsite-backup");
          const [replica, ...others] = r.buckets("offsite-backup-replica");
          expect(others).to.have.lengthOf(0);
          expect(replica!.inputs).to.include({
            region: config.replicaRegion,
            objectLockEnabled: true,
          });
          const [replication] = r.forBucket(
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            source!,
          );
          const [rule] = arr(replication!.inputs.rules);
          const destination = obj(rule!.destination);
          expect(destination.bucket).to.equal(`arn:aws:s3:::${replica!.id}`);
          expect(String(obj(destination.encryptionConfiguration).replicaKmsKeyId)).to.match(
            /^arn:aws:kms:us-east-2:/,
          );
          expect(obj(rule!.deleteMarkerReplication).status).to.equal("Disabled");
        });
      } else {
        it("has no replica (the cheapest option)", () => {
          expect(r.buckets("offsite-backup-replica")).to.have.lengthOf(0);
          expect(
            r.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig"),
          ).to.have.lengthOf(0);
        });
      }
    });

    describe("backup agent access", () => {
      const policyOf = (agent: string) =>
        statementsOf(r.named("aws:iam/policy:Policy", `agent-${agent}-policy`));

      it("grants no wildcard action, and s3:DeleteObjectVersion only to Veeam (its documented set)", () => {
        for (const agent of config.backupAgents) {
          for (const statement of policyOf(agent.name).filter((s) => s.Effect === "Allow")) {
            const actions = list(statement.Action);
            expect(actions.includes("s3:DeleteObjectVersion"), statement.Sid).to.equal(
              agent.tool === "veeam" && statement.Sid === "ReadWriteOwnPrefix",
            );
            expect(
              actions.some((a) => a.includes("*")),
              statement.Sid,
            ).to.equal(false);
          }
        }
      });

      it("denies changing versioning, lifecycle or policy, bypassing retention and deleting the key; restic may not delete versions", () => {
        for (const agent of config.backupAgents) {
          const deny = policyOf(agent.name).find((s) => s.Effect === "Deny");
          expect(deny?.Resource).to.equal("*");
          expect(list(deny!.Action)).to.include.members([
            "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
            "s3:BypassGovernanceRetention",
            "kms:ScheduleKeyDeletion",
            ...DENIED_AGENT_ACTIONS,
          ]);
          expect(list(deny!.Action).includes("s3:DeleteObjectVersion")).to.equal(
            agent.tool === "restic",
          );
        }
      });

      it("allows restic deletes only on its locks/; each agent writes only under its prefix in its bucket", () => {
        const [bucket] = r.buckets("offsite-backup");
        const [veeamBucket] = r.buckets("offsite-backup-veeam");
        for (const agent of config.backupAgents) {
          const target = agent.tool === "veeam" ? veeamBucket! : bucket!;
          const allows = policyOf(agent.name).filter((s) => s.Effect === "Allow");
          const deletes = allows.filter((s) => list(s.Action).includes("s3:DeleteObject"));
          expect(deletes.map((s) => s.Resource)).to.deep.equal([
            agent.tool === "restic"
              ? `arn:aws:s3:::${target.id}/${agent.prefix}locks/*`
              : `arn:aws:s3:::${target.id}/${agent.prefix}*`,
          ]);
          const writes = allows.filter((s) => list(s.Action).includes("s3:PutObject"));
          expect(writes.map((s) => s.Resource)).to.deep.equal([
            `arn:aws:s3:::${target.id}/${agent.prefix}*`,
          ]);
          const listing = allows.find((s) => list(s.Action).includes("s3:ListBucket"));
          if (agent.tool === "restic") {
            expect(listing?.Condition?.StringLike?.["s3:prefix"]).to.deep.equal([
              agent.prefix,
              `${agent.prefix}*`,
            ]);
          } else {
            // Veeam's bucket is its own; Veeam documents an unconditioned ListBucket.
            expect(listing?.Resource).to.equal(`arn:aws:s3:::${target.id}`);
          }
        }
      });

      if (config.backupAgents.some((a) => a.tool === "veeam")) {
        it("gives Veeam its own bucket: Object Lock on, no default retention, no lifecycle rules", () => {
          const [veeamBucket] = r.buckets("offsite-backup-veeam");
          expect(veeamBucket!.inputs.objectLockEnabled).to.equal(true);
          const [lock] = r.forBucket(
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            veeamBucket!,
          );
          expect(lock!.inputs.objectLockEnabled).to.equal("Enabled");
          expect(lock!.inputs.rule).to.equal(undefined);
          expect(
            r.forBucket(
              "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
              veeamBucket!,
            ),
          ).to.have.lengthOf(0);
        });
      }

      it("gives each agent and the evidence-writer an access key whose secret stays a Pulumi secret", async () => {
        const run = await mockedStack(stack);
        expect(r.ofType("aws:iam/accessKey:AccessKey")).to.have.length(
          config.backupAgents.length + 1,
        );
        expect(run.secrets).to.include.members([
          "/evidence/writer/accessKeyId",
          "/evidence/writer/secretAccessKey",
        ]);
        for (const agent of config.backupAgents) {
          expect(run.secrets).to.include.members([
            `/agents/${agent.name}/accessKeyId`,
            `/agents/${agent.name}/secretAccessKey`,
          ]);
        }
      });
    });

    describe("backup vaults", () => {
      const vaults = () => r.ofType("aws:backup/vault:Vault");

      it("keeps a vault per region, each under its own regional KMS key", () => {
        const regions = vaults().map((v) => v.inputs.region);
        expect(regions).to.have.members([config.primaryRegion, config.drRegion]);
        for (const vault of vaults()) {
          expect(String(vault.inputs.kmsKeyArn)).to.match(
            new RegExp(`^arn:aws:kms:${String(vault.inputs.region)}:`),
          );
        }
      });

      it(`locks both vaults at ${config.vaultLock.minRetentionDays}–${config.vaultLock.maxRetentionDays} days${stack === "prod" ? ", immutable after the grace period" : " in governance mode"}`, () => {
        const locks = r.ofType("aws:backup/vaultLockConfiguration:VaultLockConfiguration");
        expect(locks.map((l) => l.inputs.backupVaultName)).to.have.members(
          vaults().map((v) => v.id),
        );
        for (const lock of locks) {
          expect(lock.inputs).to.include({
            minRetentionDays: config.vaultLock.minRetentionDays,
            maxRetentionDays: config.vaultLock.maxRetentionDays,
          });
          if (stack === "prod") expect(lock.inputs.changeableForDays).to.equal(3);
          else expect(lock.inputs).to.not.have.property("changeableForDays");
        }
      });

      it("copies every rule's recovery points to the vault in the other region", () => {
        const primary = vaults().find((v) => v.inputs.region === config.primaryRegion)!;
        const dr = vaults().find((v) => v.inputs.region === config.drRegion)!;
        const plans = r.ofType("aws:backup/plan:Plan");
        expect(plans).to.have.length(config.backupPlans.length);
        for (const plan of plans) {
          expect(plan.inputs.region).to.equal(config.primaryRegion);
          for (const rule of arr(plan.inputs.rules)) {
            expect(rule.targetVaultName).to.equal(primary.id);
            const copies = arr(rule.copyActions);
            expect(copies, String(rule.ruleName)).to.have.length(1);
            expect(copies[0]!.destinationVaultArn).to.equal(
              `arn:aws:backup:${config.drRegion}:123456789012:backup-vault:${dr.id}`,
            );
            expect(obj(copies[0]!.lifecycle).deleteAfter).to.equal(obj(rule.lifecycle).deleteAfter);
          }
        }
      });

      it("keeps each rule's recovery points as long as configured", () => {
        const [plan] = r.ofType("aws:backup/plan:Plan");
        expect(
          arr(plan!.inputs.rules).map((rule) => [rule.ruleName, obj(rule.lifecycle).deleteAfter]),
        ).to.deep.equal(
          config.backupPlans[0]!.rules.map((rule) => [
            `standard-${rule.frequency}`,
            rule.retentionDays,
          ]),
        );
      });

      it("opts into the archive tier exactly where a rule sets cold storage, so it is not ignored for EBS and EC2", () => {
        const [plan] = r.ofType("aws:backup/plan:Plan");
        expect(arr(plan!.inputs.rules).map((rule) => obj(rule.lifecycle))).to.deep.equal(
          config.backupPlans[0]!.rules.map((rule) => ({
            deleteAfter: rule.retentionDays,
            ...(rule.coldStorageAfterDays === undefined
              ? {}
              : {
                  coldStorageAfter: rule.coldStorageAfterDays,
                  optInToArchiveForSupportedResources: true,
                }),
          })),
        );
        for (const rule of arr(plan!.inputs.rules)) {
          for (const copy of arr(rule.copyActions)) {
            expect(copy.lifecycle, String(rule.ruleName)).to.deep.equal(rule.lifecycle);
          }
        }
      });

      it("selects resources by their backup-plan tag", () => {
        const [selection] = r.ofType("aws:backup/selection:Selection");
        expect(selection!.inputs.selectionTags).to.deep.equal([
          { type: "STRINGEQUALS", key: "backup-plan", value: "standard" },
        ]);
      });

      it("notifies the SNS topic of its own region about failed jobs", () => {
        const notifications = r.ofType("aws:backup/vaultNotifications:VaultNotifications");
        expect(notifications).to.have.length(2);
        for (const n of notifications) {
          expect(String(n.inputs.snsTopicArn)).to.contain(`:sns:${String(n.inputs.region)}:`);
          expect(n.inputs.backupVaultEvents).to.include.members([
            "COPY_JOB_FAILED",
            "RECOVERY_POINT_MODIFIED",
          ]);
        }
      });

      if (stack === "prod") {
        it("tests restores weekly from the latest recovery points of the primary vault", () => {
          const [plan] = r.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan");
          expect(plan!.inputs.scheduleExpression).to.equal(config.restoreTesting!.schedule);
          expect(obj(plan!.inputs.recoveryPointSelection).algorithm).to.equal(
            "LATEST_WITHIN_WINDOW",
          );
          const selections = r.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection");
          expect(selections.map((s) => s.inputs.protectedResourceType)).to.have.members([
            "EBS",
            "EC2",
          ]);
        });

        it("restores into an isolated subnet with a rule-less group, and validates each restore", () => {
          const vpc = r.named("aws:ec2/vpc:Vpc", "restore-isolation-vpc");
          expect(vpc.inputs).to.include({
            region: config.primaryRegion,
            cidrBlock: "10.254.0.0/24",
          });
          // Nothing leads out: no gateway, route, endpoint or peering in the isolated VPC.
          for (const type of [
            "aws:ec2/internetGateway:InternetGateway",
            "aws:ec2/natGateway:NatGateway",
            "aws:ec2/routeTable:RouteTable",
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
          ]) {
            expect(
              r.ofType(type).filter((x) => x.inputs.vpcId === vpc.id),
              type,
            ).to.have.lengthOf(0);
          }
          const subnet = r.named("aws:ec2/subnet:Subnet", "restore-isolation-subnet");
          const group = r.named("aws:ec2/securityGroup:SecurityGroup", "restore-isolation-sg");
          expect(group.inputs).to.deep.include({ vpcId: vpc.id, ingress: [], egress: [] });
          const selection = (type: string) =>
            r.named(
              "aws:backup/restoreTestingSelection:RestoreTestingSelection",
              `vaults-restore-testing-${type}`,
            );
          expect(selection("ec2").inputs.restoreMetadataOverrides).to.deep.equal({
            subnetId: subnet.id,
            securityGroupIds: `["${group.id}"]`,
            requireImdsV2: "true",
          });
          // A JSON array in a string, as AWS Backup's EC2 restore metadata writes SecurityGroupIds.
          const overrides = selection("ec2").inputs.restoreMetadataOverrides as Record<
            string,
            string
          >;
          expect(JSON.parse(overrides.securityGroupIds!)).to.deep.equal([group.id]);
          expect(selection("ebs").inputs.restoreMetadataOverrides).to.deep.equal({
            availabilityZone: subnet.outputs!.availabilityZone,
          });
          const fn = r.named("aws:lambda/function:Function", "restore-validation-function");
          const plan = r.named(
            "aws:backup/restoreTestingPlan:RestoreTestingPlan",
            "vaults-restore-testing",
          );
          expect(fn.inputs).to.deep.include({
            region: config.primaryRegion,
            runtime: "nodejs20.x",
            handler: "index.handler",
            environment: { variables: { RESTORE_TESTING_PLAN_ARN: plan.outputs!.arn } },
          });
          const rule = r.named(
            "aws:cloudwatch/eventRule:EventRule",
            "restore-validation-restore-jobs",
          );
          expect(JSON.parse(String(rule.inputs.eventPattern))).to.deep.equal({
            source: ["aws.backup"],
            "detail-type": ["Restore Job State Change"],
            detail: { status: ["COMPLETED"] },
          });
          const policy = statementsOf(
            r.named("aws:iam/rolePolicy:RolePolicy", "restore-validation-policy"),
          );
          expect(policy.flatMap((st) => list(st.Action))).to.have.members([
            "backup:DescribeRestoreJob",
            "backup:PutRestoreValidationResult",
            "ec2:DescribeInstanceStatus",
            "ec2:DescribeVolumes",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
          ]);
          expect(run.outputs.restoreTesting).to.deep.equal({
            planArn: plan.outputs!.arn,
            region: config.primaryRegion,
            isolatedSubnetId: subnet.id,
            isolatedSecurityGroupId: group.id,
            validationFunctionArn: fn.outputs!.arn,
            validationLogGroup: "/aws/lambda/millbrook-prod-restore-validation",
          });
        });
      } else {
        it("has no restore testing plan (not configured)", () => {
          expect(r.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan")).to.have.lengthOf(0);
          expect(r.ofType("aws:lambda/function:Function")).to.have.lengthOf(0);
          expect(run.outputs.restoreTesting).to.equal(undefined);
        });
      }

      it("records the backup resource types with AWS Config and reports the framework's compliance daily into the audit log bucket", () => {
        const [recorder, ...others] = r.ofType("aws:cfg/recorder:Recorder");
        expect(others).to.have.lengthOf(0);
        expect(recorder!.inputs.region).to.equal(config.primaryRegion);
        expect(obj(recorder!.inputs.recordingGroup)).to.deep.include({
          allSupported: false,
          resourceTypes: [...RECORDED_TYPES],
        });
        expect(String(recorder!.inputs.roleArn)).to.match(
          /:role\/aws-service-role\/config\.amazonaws\.com\/AWSServiceRoleForConfig$/,
        );
        const [logBucket] = r
          .buckets("access-logs")
          .filter((b) => b.inputs.region === config.drRegion);
        const [channel] = r.ofType("aws:cfg/deliveryChannel:DeliveryChannel");
        expect(channel!.inputs).to.include({ s3BucketName: logBucket!.id, s3KeyPrefix: "config" });
        const [status] = r.ofType("aws:cfg/recorderStatus:RecorderStatus");
        expect(status!.inputs).to.include({ name: recorder!.inputs.name, isEnabled: true });
        const [framework] = r.ofType("aws:backup/framework:Framework");
        const [report] = r.ofType("aws:backup/reportPlan:ReportPlan");
        expect(obj(report!.inputs.reportSetting)).to.deep.include({
          reportTemplate: "CONTROL_COMPLIANCE_REPORT",
          frameworkArns: [framework!.outputs!.arn],
        });
        expect(obj(report!.inputs.reportDeliveryChannel)).to.deep.include({
          s3BucketName: logBucket!.id,
          s3KeyPrefix: "backup-reports",
        });
        const [policy] = r.forBucket("aws:s3/bucketPolicy:BucketPolicy", logBucket!);
        const sids = statementsOf(policy!).map((st) => st.Sid);
        expect(sids).to.include.members([
          "ConfigBucketCheck",
          "ConfigDelivery",
          "BackupReportDelivery",
        ]);
        expect(run.outputs.audit).to.deep.include({
          reportPlanArn: report!.outputs!.arn,
          reportsBucket: logBucket!.id,
          reportsPrefix: "backup-reports",
        });
      });

      it("audits the backup controls with AWS Backup Audit Manager", () => {
        const [framework] = r.ofType("aws:backup/framework:Framework");
        const controls = arr(framework!.inputs.controls);
        const param = (control: string, name: string) =>
          arr(controls.find((c) => c.name === control)?.inputParameters).find(
            (p) => p.name === name,
          )?.value;
        expect(controls.map((c) => c.name)).to.have.members([
          "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
          "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
          "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
          "BACKUP_RECOVERY_POINT_ENCRYPTED",
          "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
          "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
          "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
          "BACKUP_LAST_RECOVERY_POINT_CREATED",
          "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
        ]);
        expect(param("BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION", "crossRegionList")).to.equal(
          config.drRegion,
        );
        expect(param("RESTORE_TIME_FOR_RESOURCES_MEET_TARGET", "maxRestoreTime")).to.equal(
          String(config.objectives.rtoHours * 60),
        );
        expect(param("BACKUP_LAST_RECOVERY_POINT_CREATED", "recoveryPointAgeValue")).to.equal(
          String(config.objectives.rpoHours),
        );
      });
    });

    describe("DR environment (pilot light)", () => {
      const subnets = (tier: string) =>
        r.ofType("aws:ec2/subnet:Subnet").filter((s) => tagsOf(s).tier === tier);

      it(`builds the VPC ${config.drNetwork.vpcCidr} in ${config.drRegion} with public and private subnets over two zones`, () => {
        const vpc = r.named("aws:ec2/vpc:Vpc", "dr-vpc");
        expect(vpc.inputs).to.include({
          region: config.drRegion,
          cidrBlock: config.drNetwork.vpcCidr,
        });
        for (const tier of ["public", "private"]) {
          const zones = new Set(subnets(tier).map((s) => s.inputs.availabilityZone));
          expect(zones.size, tier).to.be.at.least(2);
          for (const subnet of subnets(tier)) {
            expect(subnet.inputs).to.include({ vpcId: vpc.id, mapPublicIpOnLaunch: false });
          }
        }
      });

      it("reaches S3 through a gateway endpoint and Systems Manager through interface endpoints, with no NAT gateway", () => {
        const endpoints = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
        expect(
          endpoints.map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType]),
        ).to.have.deep.members([
          [`com.amazonaws.${config.drRegion}.s3`, "Gateway"],
          [`com.amazonaws.${config.drRegion}.ssm`, "Interface"],
          [`com.amazonaws.${config.drRegion}.ssmmessages`, "Interface"],
          [`com.amazonaws.${config.drRegion}.ec2messages`, "Interface"],
        ]);
        const privateSubnetIds = subnets("private").map((x) => x.id);
        const group = r.named("aws:ec2/securityGroup:SecurityGroup", "dr-endpoints-sg");
        for (const endpoint of endpoints.filter((e) => e.inputs.vpcEndpointType === "Interface")) {
          expect(endpoint.inputs.privateDnsEnabled).to.equal(true);
          expect(endpoint.inputs.subnetIds).to.deep.equal(privateSubnetIds);
          expect(endpoint.inputs.securityGroupIds).to.deep.equal([group.id]);
        }
        expect(arr(group.inputs.ingress)).to.deep.equal([
          {
            description: "SSM agent from DR systems",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [config.drNetwork.vpcCidr],
          },
        ]);
        expect(r.ofType("aws:ec2/natGateway:NatGateway")).to.have.lengthOf(0);
        expect(r.ofType("aws:ec2/route:Route")).to.have.lengthOf(0);
        expect((run.outputs.dr as Json).egress).to.equal("endpoints-only");
      });

      it("is managed through Systems Manager only: no key pair, no SSH from the internet", () => {
        for (const template of r.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
          expect(template.inputs.keyName, template.name).to.equal(undefined);
        }
        expect(r.ofType("aws:ec2/keyPair:KeyPair")).to.have.lengthOf(0);
        for (const group of r.ofType("aws:ec2/securityGroup:SecurityGroup")) {
          for (const rule of arr(group.inputs.ingress)) {
            if (!((rule.cidrBlocks ?? []) as string[]).includes("0.0.0.0/0")) continue;
            expect(Number(rule.fromPort) <= 22 && Number(rule.toPort) >= 22, group.name).to.equal(
              false,
            );
          }
        }
        const ssm = r.named("aws:iam/rolePolicy:RolePolicy", "dr-restore-ssm");
        const [statement, ...others] = statementsOf(ssm);
        expect(others).to.have.lengthOf(0);
        expect(list(statement!.Action)).to.include.members([
          "ssm:UpdateInstanceInformation",
          "ssmmessages:CreateControlChannel",
          "ssmmessages:OpenDataChannel",
          "ec2messages:GetMessages",
        ]);
        expect(
          list(statement!.Action).every((a) => /^(ssm|ssmmessages|ec2messages):[A-Z]/.test(a)),
        ).to.equal(true);
      });

      it("opens each system's services on their protocols (UDP too), to the VPC and the town only", () => {
        // The internet reaches only a public service's port on the system serving it in DR.
        const publicPorts = new Set(
          (config.publicServices ?? []).map((p) => `dr-${p.drSystem}-sg tcp ${p.port}`),
        );
        for (const group of r.ofType("aws:ec2/securityGroup:SecurityGroup")) {
          for (const rule of arr(group.inputs.egress)) {
            expect(rule.cidrBlocks ?? [], group.name).to.not.include("0.0.0.0/0");
          }
          for (const rule of arr(group.inputs.ingress)) {
            if (!((rule.cidrBlocks ?? []) as string[]).includes("0.0.0.0/0")) continue;
            expect(rule.fromPort).to.equal(rule.toPort);
            expect(publicPorts).to.include(
              `${group.name} ${String(rule.protocol)} ${String(rule.fromPort)}`,
            );
          }
        }
        const sources = [config.drNetwork.vpcCidr, ...config.drNetwork.onPremisesCidrs];
        for (const system of config.criticalSystems) {
          const group = r.named("aws:ec2/securityGroup:SecurityGroup", `dr-${system.name}-sg`);
          expect(tagsOf(group)["dr-services"]).to.equal(system.services.join(" "));
          const ingress = arr(group.inputs.ingress);
          const expected = rulesFor(system.services, system.extraRules).map((rule) => {
            const shape = toSecurityGroupRule(rule);
            return `${shape.protocol} ${shape.fromPort}-${shape.toPort}`;
          });
          expect(
            ingress
              .slice(0, expected.length)
              .map((i) => `${String(i.protocol)} ${String(i.fromPort)}-${String(i.toPort)}`),
          ).to.deep.equal(expected);
          for (const rule of ingress.slice(0, expected.length)) {
            expect(rule.cidrBlocks).to.deep.equal(sources);
          }
        }
        const dc = r.named("aws:ec2/securityGroup:SecurityGroup", "dr-domain-controller-sg");
        const dcRules = arr(dc.inputs.ingress).map(
          (i) => `${String(i.protocol)} ${String(i.fromPort)}-${String(i.toPort)}`,
        );
        expect(dcRules).to.include.members([
          "udp 53-53",
          "tcp 53-53",
          "udp 88-88",
          "tcp 88-88",
          "udp 123-123",
          "udp 389-389",
          "tcp 389-389",
          "udp 464-464",
          "tcp 464-464",
          "tcp 445-445",
          "tcp 135-135",
          "tcp 49152-65535",
        ]);
        const [defaultGroup] = r.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
        expect(defaultGroup!.inputs).to.deep.include({ ingress: [], egress: [] });
      });

      it("keeps a launch template per critical system and runs no compute", () => {
        const templates = r.ofType("aws:ec2/launchTemplate:LaunchTemplate");
        expect(templates.map((t) => t.name)).to.have.members(
          config.criticalSystems.map((s) => `dr-${s.name}`),
        );
        for (const template of templates) {
          expect(obj(template.inputs.metadataOptions).httpTokens).to.equal("required");
          expect(obj(arr(template.inputs.blockDeviceMappings)[0]!.ebs).encrypted).to.equal("true");
        }
        const running = r.all.filter(
          (x: RecordedResource) =>
            x.type === "aws:ec2/instance:Instance" ||
            (x.type === "aws:autoscaling/group:Group" && Number(x.inputs.desiredCapacity ?? 0) > 0),
        );
        expect(running).to.have.lengthOf(0);
      });

      if (stack === "prod") {
        it("connects to the town over a site-to-site VPN with a route per town network", () => {
          const [gateway] = r.ofType("aws:ec2/customerGateway:CustomerGateway");
          expect(gateway!.inputs).to.include({
            ipAddress: config.vpn!.customerGatewayIp,
            type: "ipsec.1",
          });
          const routes = r.ofType("aws:ec2/vpnConnectionRoute:VpnConnectionRoute");
          expect(routes.map((x) => x.inputs.destinationCidrBlock)).to.have.members([
            ...config.drNetwork.onPremisesCidrs,
          ]);
        });

        it("watches the permit portal and owns its DR address; failover is a manual runbook step", () => {
          const [check] = r.ofType("aws:route53/healthCheck:HealthCheck");
          expect(check!.inputs).to.include({ type: "HTTPS", resourcePath: "/health", port: 443 });
          const [eip] = r.ofType("aws:ec2/eip:Eip");
          expect(eip!.inputs).to.include({ region: config.drRegion, domain: "vpc" });
          const records = r.ofType("aws:route53/record:Record");
          expect(
            records.map((x) => [x.inputs.records, x.inputs.failoverRoutingPolicies]),
          ).to.deep.equal([[["198.51.100.20"], undefined]]);
        });
      } else {
        it("has no VPN and no Route 53 health checks (the cheapest options)", () => {
          expect(r.ofType("aws:ec2/vpnConnection:VpnConnection")).to.have.lengthOf(0);
          expect(r.ofType("aws:route53/healthCheck:HealthCheck")).to.have.lengthOf(0);
        });
      }
    });

    describe("alerts", () => {
      it(`keeps a monthly AWS Budget of $${config.monthlyBudgetUsd} that mails the town at 80% spent and at a forecast overrun`, () => {
        const [budget, ...others] = r.ofType("aws:budgets/budget:Budget");
        expect(others).to.have.lengthOf(0);
        expect(budget!.inputs).to.include({
          budgetType: "COST",
          limitAmount: String(config.monthlyBudgetUsd),
          limitUnit: "USD",
          timeUnit: "MONTHLY",
        });
        expect(
          arr(budget!.inputs.notifications).map((n) => [
            n.notificationType,
            n.threshold,
            n.thresholdType,
            n.subscriberEmailAddresses,
          ]),
        ).to.deep.equal([
          ["ACTUAL", 80, "PERCENTAGE", [...config.alertEmails]],
          ["FORECASTED", 100, "PERCENTAGE", [...config.alertEmails]],
        ]);
        expect((run.outputs.alerts as Json).budgetName).to.equal(budget!.inputs.name);
      });

      it("has an SNS topic per region with every e-mail subscribed", () => {
        const topics = r.ofType("aws:sns/topic:Topic");
        expect(topics.map((t) => t.inputs.region)).to.have.members([
          config.primaryRegion,
          config.drRegion,
        ]);
        const subscriptions = r.ofType("aws:sns/topicSubscription:TopicSubscription");
        expect(subscriptions).to.have.length(config.alertEmails.length * 2);
        expect(new Set(subscriptions.map((s) => s.inputs.endpoint))).to.deep.equal(
          new Set(config.alertEmails),
        );
      });

      const jobRules = () =>
        r
          .ofType("aws:cloudwatch/eventRule:EventRule")
          .filter((x) => x.name.startsWith("alerts-"))
          .filter((x) => String(x.inputs.eventPattern).includes('"aws.backup"'));
      const alarmNamed = (suffix: string) =>
        r
          .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
          .find((a) => String(a.inputs.name).endsWith(suffix))!;

      it("routes failed or expired backup, copy and restore jobs to the topic", () => {
        const rules = jobRules();
        expect(rules).to.have.length(6);
        const patterns = rules.map((x) => JSON.parse(String(x.inputs.eventPattern)) as Json);
        const backup = patterns.find((p) =>
          arr(p["detail-type"]).includes("Backup Job State Change" as never),
        );
        expect(obj(backup!.detail).state).to.have.members(["FAILED", "ABORTED", "EXPIRED"]);
      });

      it("routes tampering to the topic in both regions: key retired, bucket or vault protection changed, CloudTrail stopped", () => {
        for (const region of [config.primaryRegion, config.drRegion]) {
          const rules = r
            .ofType("aws:cloudwatch/eventRule:EventRule")
            .filter((x) => x.inputs.region === region)
            .map((x) => JSON.parse(String(x.inputs.eventPattern)) as Json)
            .filter((p) => arr(p["detail-type"]).includes("AWS API Call via CloudTrail" as never));
          const names = rules.flatMap((p) => arr(obj(p.detail).eventName) as unknown as string[]);
          expect(names, region).to.include.members([
            "ScheduleKeyDeletion",
            "DisableKey",
            "PutBucketPolicy",
            "PutObjectLockConfiguration",
            "PutBackupVaultAccessPolicy",
            "DeleteBackupVaultLockConfiguration",
            "StopLogging",
            "DeleteTrail",
          ]);
        }
        const targets = r.ofType("aws:cloudwatch/eventTarget:EventTarget");
        const rules = r.ofType("aws:cloudwatch/eventRule:EventRule");
        expect(targets).to.have.length(rules.length);
      });

      it("alarms when AWS Backup started jobs but none completed within the RPO; nothing tagged is no alarm", () => {
        const alarm = alarmNamed("-no-backup-within-rpo");
        const queries = alarm.inputs.metricQueries as Json[];
        const metrics = queries.filter((q) => q.metric !== undefined).map((q) => obj(q.metric));
        expect(metrics.map((m) => m.metricName)).to.have.members([
          "NumberOfBackupJobsCreated",
          "NumberOfBackupJobsCompleted",
        ]);
        for (const m of metrics) {
          expect(obj(m.dimensions).BackupVaultName).to.equal(`millbrook-${stack}-primary`);
          expect(Number(m.period) * Number(alarm.inputs.evaluationPeriods)).to.equal(
            config.objectives.rpoHours * 3600,
          );
        }
        expect(queries.find((q) => q.returnData === true)?.expression).to.equal(
          "IF(FILL(created, 0) > 0 AND FILL(completed, 0) < 1, 1, 0)",
        );
        expect(alarm.inputs.treatMissingData).to.equal("notBreaching");
      });

      it("alarms when an agent uploads nothing under its prefix within the RPO (no data is a breach)", () => {
        for (const agent of config.backupAgents) {
          const alarm = alarmNamed(`-${agent.name}-no-upload-within-rpo`);
          expect(alarm.inputs).to.include({
            region: config.drRegion,
            namespace: "Stronghold/Uploads",
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            treatMissingData: "breaching",
          });
          const window = Number(alarm.inputs.period) * Number(alarm.inputs.evaluationPeriods);
          expect(window).to.equal(config.objectives.rpoHours * 3600);
          const rule = r.named("aws:cloudwatch/eventRule:EventRule", `uploads-${agent.name}`);
          const pattern = JSON.parse(String(rule.inputs.eventPattern)) as Json;
          expect(arr(pattern["detail-type"])).to.deep.equal(["Object Created"]);
          expect(obj(obj(pattern.detail).object).key).to.deep.equal([{ prefix: agent.prefix }]);
        }
        for (const bucket of [
          ...r.buckets("offsite-backup"),
          ...r.buckets("offsite-backup-veeam"),
        ]) {
          const [notification] = r.forBucket(
            "aws:s3/bucketNotification:BucketNotification",
            bucket,
          );
          expect(notification?.inputs.eventbridge, bucket.name).to.equal(true);
        }
      });

      it("records write data events on every backup bucket in a multi-region trail", () => {
        const [trail] = r.ofType("aws:cloudtrail/trail:Trail");
        expect(trail!.inputs).to.include({
          isMultiRegionTrail: true,
          enableLogFileValidation: true,
          includeGlobalServiceEvents: true,
        });
        const selectors = trail!.inputs.eventSelectors as Json[];
        const values = selectors.flatMap((s) =>
          (s.dataResources as Json[]).flatMap((d) => d.values as string[]),
        );
        const backupBuckets = r
          .ofType("aws:s3/bucket:Bucket")
          .filter((b) => String(tagsOf(b).purpose).startsWith("offsite-backup"));
        expect(values).to.have.members(backupBuckets.map((b) => `arn:aws:s3:::${b.id}/`));
      });

      it("versions every log bucket", () => {
        for (const bucket of r.buckets("access-logs")) {
          const [versioning] = r.forBucket("aws:s3/bucketVersioning:BucketVersioning", bucket);
          expect(obj(versioning!.inputs.versioningConfiguration).status).to.equal("Enabled");
        }
      });
    });
  });
}
