// A town that adds its backup (vault) account: the prod settings plus stronghold:backupAccount,
// run under mocks (AWS and the engine mocked; the account and Organization ids are made up).
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadStackConfigFile } from "../../src/infra/config-file.js";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { PACK } from "../../policies/crossguard/policies.js";
import { validatorFor } from "../../src/documents/ajv.js";
import { checkPolicies } from "../../src/infra/policy-check.js";
import { loadPolicyConfig } from "../../src/infra/policy-config.js";
import { stackPolicyConfigFile } from "../../src/infra/policy-pack.js";
import { StackOutputsSchema } from "../../src/infra/stack-outputs.js";
import { TAMPER_EVENTS } from "../../src/infra/components/tamper-events.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { Resources, list, statementsOf, tagsOf } from "../fixtures/mocked-stacks.js";

const BACKUP_ACCOUNT = `  stronghold:backupAccount:
    accountId: "210987654321"
    organizationId: o-exampleorg1
    deployRole: stronghold-deployer
`;

type Json = Record<string, unknown>;

describe("a backup account in the same Organization (prod settings plus stronghold:backupAccount)", () => {
  let dir: string;
  let run: MockedRun;
  let r: Resources;
  const file = () => path.join(dir, "Pulumi.prod.yaml");
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-backup-account-"));
    const prod = await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    await writeFile(file(), `${prod}${BACKUP_ACCOUNT}`);
    run = await runStackWithMocks("prod", { configFile: file() });
    r = new Resources(run.resources);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("creates the vault, its key and lock through a provider that assumes the backup account's deployer", () => {
    const provider = r.all.find(
      (x) => x.type === "pulumi:providers:aws" && x.name === "backup-account",
    )!;
    expect(provider.inputs.region).to.equal("us-west-2");
    expect(JSON.stringify(provider.inputs.assumeRoles)).to.include(
      "arn:aws:iam::210987654321:role/stronghold-deployer",
    );
    const vault = r.named("aws:backup/vault:Vault", "backup-account");
    expect(vault.provider).to.match(/::backup-account::/);
    const lock = r.named(
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
      "backup-account-lock",
    );
    expect(lock.inputs).to.include({ minRetentionDays: 35, changeableForDays: 3 });
    expect(lock.provider).to.match(/::backup-account::/);
    expect(vault.protect && vault.retainOnDelete && lock.protect).to.equal(true);
  });

  it("lets only the production account, from inside the Organization, copy in; nobody deletes", () => {
    const policy = statementsOf(
      r.named("aws:backup/vaultPolicy:VaultPolicy", "backup-account-policy"),
    );
    const copy = policy.find((s) => s.Sid === "ProductionCopiesIn")!;
    expect(copy.Action).to.equal("backup:CopyIntoBackupVault");
    expect(copy.Condition?.StringEquals?.["aws:PrincipalOrgID"]).to.equal("o-exampleorg1");
    expect(JSON.stringify(copy.Principal)).to.include("arn:aws:iam::123456789012:root");
    expect(policy.find((s) => s.Sid === "DenyManualDeletion")?.Effect).to.equal("Deny");
  });

  it("copies every DR-copied rule to the backup account's vault too", () => {
    const vaults = run.outputs.vaults as { backupAccount: { arn: string } };
    expect(vaults.backupAccount.arn).to.match(/^arn:aws:backup:us-west-2:/);
    const plan = r.named("aws:backup/plan:Plan", "vaults-standard");
    for (const rule of plan.inputs.rules as Json[]) {
      const targets = (rule.copyActions as Json[]).map((a) => a.destinationVaultArn);
      expect(targets).to.include(vaults.backupAccount.arn);
    }
  });

  const inBackupAccount = (resource: { provider?: string }) =>
    resource.provider?.includes("::backup-account::") === true;

  it("puts the S3 replica of restic's and Veeam's buckets in the backup account, locked, in the replica region", () => {
    const replicas = r.buckets("offsite-backup-replica");
    expect(replicas.map((b) => tagsOf(b).source).sort()).to.deep.equal(["offsite", "veeam"]);
    for (const bucket of replicas) {
      expect(inBackupAccount(bucket), bucket.name).to.equal(true);
      expect(bucket.inputs).to.include({ region: "us-east-2", objectLockEnabled: true });
      expect(bucket.protect && bucket.retainOnDelete).to.equal(true);
      const versioning = r.forBucket("aws:s3/bucketVersioning:BucketVersioning", bucket)[0]!;
      expect(versioning.inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
      expect(inBackupAccount(versioning)).to.equal(true);
    }
    const lock = (source: string) =>
      r.forBucket(
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        replicas.find((b) => tagsOf(b).source === source)!,
      )[0]!.inputs;
    expect(lock("offsite").rule).to.deep.equal({
      defaultRetention: { mode: "COMPLIANCE", days: 400 },
    });
    // Veeam's versions carry their own retention, which replication copies with them.
    expect(lock("veeam").rule).to.equal(undefined);
    const offsite = run.outputs.offsite as { replica: Record<string, unknown> };
    expect(offsite.replica).to.include({ account: "210987654321", region: "us-east-2" });
    expect(String(offsite.replica.kmsKeyArn)).to.match(/^arn:aws:kms:us-east-2:210987654321:key\//);
    const validate = validatorFor(StackOutputsSchema);
    expect(validate(run.outputs), JSON.stringify(validate.errors)).to.equal(true);
  });

  it("replicates both buckets to the backup account with owner override, its key, and no delete markers", () => {
    const replicaKey = (run.outputs.offsite as { replica: { kmsKeyArn: string } }).replica
      .kmsKeyArn;
    const configs = r.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    expect(configs.map((c) => c.name).sort()).to.deep.equal([
      "offsite-replication",
      "offsite-veeam-replication",
    ]);
    for (const config of configs) {
      expect(inBackupAccount(config), "replication is configured on the source").to.equal(false);
      const [rule] = config.inputs.rules as Json[];
      const destination = rule!.destination as Json;
      expect(destination).to.deep.include({
        account: "210987654321",
        accessControlTranslation: { owner: "Destination" },
        encryptionConfiguration: { replicaKmsKeyId: replicaKey },
      });
      expect(rule!.deleteMarkerReplication).to.deep.equal({ status: "Disabled" });
    }
  });

  it("the replica's bucket and key policies admit the production replication role for replication only", () => {
    const role = r.named("aws:iam/role:Role", "offsite-replication-role");
    const roleArn = `arn:aws:iam::123456789012:role/${role.id}`;
    for (const source of ["offsite", "veeam"]) {
      const policy = statementsOf(
        r.named("aws:s3/bucketPolicy:BucketPolicy", `offsite-account-replica-${source}-policy`),
      );
      const admitted = policy.filter((s) => s.Effect === "Allow");
      expect(admitted.map((s) => JSON.stringify(s.Principal))).to.deep.equal([
        JSON.stringify({ AWS: roleArn }),
        JSON.stringify({ AWS: roleArn }),
      ]);
      expect(admitted.flatMap((s) => list(s.Action)).sort()).to.deep.equal([
        "s3:GetBucketVersioning",
        "s3:ObjectOwnerOverrideToBucketOwner",
        "s3:ReplicateObject",
        "s3:ReplicateTags",
      ]);
      const guard = policy.find((s) => s.Sid === "OnlyDeployerChangesProtection")!;
      expect(guard.Condition?.ArnNotEquals?.["aws:PrincipalArn"]).to.equal(
        "arn:aws:iam::210987654321:role/stronghold-deployer",
      );
    }
    const keyPolicy = statementsOf(
      r.named("aws:kms/keyPolicy:KeyPolicy", "millbrook-prod-account-replica-key-policy"),
    );
    const use = keyPolicy.find((s) => s.Sid === "UseThroughService0")!;
    expect(use.Principal).to.deep.equal({ AWS: [roleArn] });
    expect(use.Action).to.deep.equal(["kms:Encrypt", "kms:GenerateDataKey"]);
    expect(use.Condition?.StringEquals?.["kms:ViaService"]).to.equal("s3.us-east-2.amazonaws.com");
  });

  it("watches the backup account itself: its own trail and the tamper rules in each region with a copy", () => {
    const trails = r.ofType("aws:cloudtrail/trail:Trail");
    const own = trails.find(inBackupAccount)!;
    expect(own.inputs).to.include({ isMultiRegionTrail: true, enableLogging: true });
    const replicaArns = r.buckets("offsite-backup-replica").map((b) => `arn:aws:s3:::${b.id}/`);
    const watched = (own.inputs.eventSelectors as Json[]).flatMap((s) =>
      (s.dataResources as Json[]).flatMap((d) => d.values as string[]),
    );
    expect(watched.sort()).to.deep.equal(replicaArns.sort());
    const rules = r.ofType("aws:cloudwatch/eventRule:EventRule").filter(inBackupAccount);
    for (const region of ["us-west-2", "us-east-2"]) {
      const names = rules.filter((x) => x.inputs.region === region).map((x) => x.inputs.name);
      expect(names.sort(), region).to.deep.equal(
        Object.keys(TAMPER_EVENTS)
          .map((rule) => `millbrook-prod-${rule}`)
          .sort(),
      );
    }
    const topics = (run.outputs.alerts as { backupAccountTopicArns: Record<string, string> })
      .backupAccountTopicArns;
    expect(Object.keys(topics).sort()).to.deep.equal(["us-east-2", "us-west-2"]);
    for (const arn of Object.values(topics)) expect(arn).to.match(/:210987654321:/);
    const targets = r.ofType("aws:cloudwatch/eventTarget:EventTarget").filter(inBackupAccount);
    expect(targets).to.have.length(rules.length);
    for (const target of targets) expect(Object.values(topics)).to.include(target.inputs.arn);
  });

  it("keeps no replica in the production account", () => {
    const production = r
      .ofType("aws:s3/bucket:Bucket")
      .filter((b) => !inBackupAccount(b) && /replica/.test(b.name));
    expect(production.map((b) => b.name)).to.deep.equal([]);
  });

  it("passes prod's CrossGuard pack with the backup account's resources, no violation", async () => {
    const loaded = loadPolicyConfig(stackPolicyConfigFile("prod")!, PACK.policies, "mandatory");
    if (!loaded.ok) expect.fail(JSON.stringify(loaded.problems));
    const result = await checkPolicies(PACK, run.resources, { configs: loaded.configs });
    expect(result.violations.map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
    expect(result.blocked).to.equal(false);
  });

  it("a malformed account id or a backup account with nothing to copy is reported by its key", async () => {
    const prod = await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    await writeFile(file(), `${prod}${BACKUP_ACCOUNT.replace("210987654321", "2109")}`);
    const bad = loadStackConfigFile(file());
    expect(bad.ok).to.equal(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.pointer)).to.include(
      "/config/stronghold:backupAccount/accountId",
    );
    await writeFile(
      file(),
      `${prod.replaceAll("copyToDr: true", "copyToDr: false")}${BACKUP_ACCOUNT}`,
    );
    const idle = loadStackConfigFile(file());
    if (idle.ok) expect.fail("should be refused");
    const problem = idle.problems.find((p) => p.pointer === "/config/stronghold:backupAccount")!;
    expect(problem.message).to.match(/no backup rule has copyToDr: true/);
    expect(problem.line).to.be.a("number");
  });
});
