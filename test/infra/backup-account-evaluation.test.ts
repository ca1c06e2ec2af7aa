// What production credentials can do to the copies in the backup account, evaluated: requests
// against the identity, bucket, key and vault policies the prod program (plus
// stronghold:backupAccount) registers under mocks, with @cloud-copilot/iam-simulate standing in
// for IAM's evaluation, cross-account rules included. AWS and the Pulumi engine are mocked; the
// account and Organization ids are made up.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { EVIDENCE_WRITER_REQUESTS, RESTIC_REQUESTS, VEEAM_REQUESTS } from "./agent-requests.js";
import { evaluate, type Principal, type Request } from "./iam-evaluation.js";

const BACKUP_ACCOUNT_ID = "210987654321";
const ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

/** Where the copies live in the backup account, and the production side replication reads. */
interface Copies {
  readonly replica: string;
  readonly veeamReplica: string;
  readonly replicaKey: string;
  readonly replicaRegion: string;
  readonly vault: string;
  readonly vaultKey: string;
  readonly source: string;
  readonly sourceKey: string;
  readonly sourceRegion: string;
}

interface Row {
  readonly expect: "allow" | "deny";
  readonly why: string;
  readonly request: (c: Copies) => Request;
}

const inBackup =
  (
    action: string,
    resource: (c: Copies) => string,
    context?: (c: Copies) => Record<string, string>,
  ) =>
  (c: Copies): Request => ({
    action,
    resource: resource(c),
    resourceAccount: BACKUP_ACCOUNT_ID,
    ...(context === undefined ? {} : { context: context(c) }),
  });
const replicaBucket = (c: Copies) => `arn:aws:s3:::${c.replica}`;
const replicaObject = (c: Copies) => `arn:aws:s3:::${c.replica}/restic/data/ab/abcdef`;
const veeamBucket = (c: Copies) => `arn:aws:s3:::${c.veeamReplica}`;
const veeamObject = (c: Copies) => `arn:aws:s3:::${c.veeamReplica}/veeam/blocks/0001`;
const replicaKey = (c: Copies) => c.replicaKey;
const vault = (c: Copies) => c.vault;
const vaultKey = (c: Copies) => c.vaultKey;
const viaReplicaS3 = (c: Copies) => ({ "kms:ViaService": `s3.${c.replicaRegion}.amazonaws.com` });
const replicaEncryption = (c: Copies) => ({
  "s3:x-amz-server-side-encryption": "aws:kms",
  "s3:x-amz-server-side-encryption-aws-kms-key-id": c.replicaKey,
});

const deny = (why: string, request: (c: Copies) => Request): Row => ({
  expect: "deny",
  why,
  request,
});
const allow = (why: string, request: (c: Copies) => Request): Row => ({
  expect: "allow",
  why,
  request,
});

/**
 * What no production principal may do to the copies: delete them, overwrite or unlock them,
 * change their policies or locks, or retire their keys. Cross-account, each needs an Allow in
 * the backup account's bucket, key or vault policy, and none names a production principal but
 * the replication role.
 */
const PRODUCTION_MUST_NOT: readonly Row[] = [
  ...[replicaBucket, veeamBucket].flatMap((bucket) => [
    deny("deletes the replica", inBackup("s3:DeleteBucket", bucket)),
    deny("changes the replica's policy", inBackup("s3:PutBucketPolicy", bucket)),
    deny("changes the replica's policy", inBackup("s3:DeleteBucketPolicy", bucket)),
    deny("unlocks the replica", inBackup("s3:PutBucketObjectLockConfiguration", bucket)),
    deny("suspends versioning", inBackup("s3:PutBucketVersioning", bucket)),
    deny("expires the copies", inBackup("s3:PutLifecycleConfiguration", bucket)),
  ]),
  ...[replicaObject, veeamObject].flatMap((object) => [
    deny("deletes a copy", inBackup("s3:DeleteObject", object)),
    deny("deletes a copy's version", inBackup("s3:DeleteObjectVersion", object)),
    deny("overwrites a copy", inBackup("s3:PutObject", object, replicaEncryption)),
    deny("shortens a copy's lock", inBackup("s3:PutObjectRetention", object)),
    deny("bypasses a governance lock", inBackup("s3:BypassGovernanceRetention", object)),
    deny("lifts a legal hold", inBackup("s3:PutObjectLegalHold", object)),
    deny("reads the copies", inBackup("s3:GetObject", object)),
  ]),
  deny("retires the replica key", inBackup("kms:ScheduleKeyDeletion", replicaKey)),
  deny("retires the replica key", inBackup("kms:DisableKey", replicaKey)),
  deny("rewrites the replica key's policy", inBackup("kms:PutKeyPolicy", replicaKey)),
  deny("reads replicas through the key", inBackup("kms:Decrypt", replicaKey, viaReplicaS3)),
  deny("deletes the vault", inBackup("backup:DeleteBackupVault", vault)),
  deny("deletes a recovery point", inBackup("backup:DeleteRecoveryPoint", vault)),
  deny("removes the vault lock", inBackup("backup:DeleteBackupVaultLockConfiguration", vault)),
  deny("changes the vault lock", inBackup("backup:PutBackupVaultLockConfiguration", vault)),
  deny("changes the vault's policy", inBackup("backup:PutBackupVaultAccessPolicy", vault)),
  deny("removes the vault's policy", inBackup("backup:DeleteBackupVaultAccessPolicy", vault)),
  deny("retires the vault key", inBackup("kms:ScheduleKeyDeletion", vaultKey)),
  deny("retires the vault key", inBackup("kms:DisableKey", vaultKey)),
  deny("rewrites the vault key's policy", inBackup("kms:PutKeyPolicy", vaultKey)),
];

/** The replication role: replicates into the backup account and does nothing else. */
const REPLICATION_ROLE: readonly Row[] = [
  allow(
    "writes a replicated version (SSE-KMS under the replica key)",
    inBackup("s3:ReplicateObject", replicaObject, replicaEncryption),
  ),
  allow(
    "writes a replicated Veeam version",
    inBackup("s3:ReplicateObject", veeamObject, replicaEncryption),
  ),
  allow("copies the version's tags", inBackup("s3:ReplicateTags", replicaObject)),
  allow(
    "hands the replica to the backup account",
    inBackup("s3:ObjectOwnerOverrideToBucketOwner", replicaObject),
  ),
  allow("reads the destination's versioning", inBackup("s3:GetBucketVersioning", replicaBucket)),
  allow(
    "encrypts under the replica key through S3",
    inBackup("kms:Encrypt", replicaKey, viaReplicaS3),
  ),
  allow(
    "generates data keys under the replica key through S3",
    inBackup("kms:GenerateDataKey", replicaKey, viaReplicaS3),
  ),
  allow("reads the source version to copy", (c) => ({
    action: "s3:GetObjectVersionForReplication",
    resource: `arn:aws:s3:::${c.source}/restic/data/ab/abcdef`,
  })),
  allow("decrypts the source through S3", (c) => ({
    action: "kms:Decrypt",
    resource: c.sourceKey,
    context: { "kms:ViaService": `s3.${c.sourceRegion}.amazonaws.com` },
  })),
  deny(
    "delete markers are not replicated: no ReplicateDelete",
    inBackup("s3:ReplicateDelete", replicaObject),
  ),
  deny("uses the replica key only through S3", inBackup("kms:Encrypt", replicaKey)),
  deny("decrypting replicas is not replication", inBackup("kms:Decrypt", replicaKey, viaReplicaS3)),
  deny("deletes nothing at the source", (c) => ({
    action: "s3:DeleteObjectVersion",
    resource: `arn:aws:s3:::${c.source}/restic/data/ab/abcdef`,
  })),
  deny("writes nothing at the source", (c) => ({
    action: "s3:PutObject",
    resource: `arn:aws:s3:::${c.source}/restic/data/ab/abcdef`,
  })),
  deny(
    "copies into the vault only through AWS Backup",
    inBackup("backup:CopyIntoBackupVault", vault),
  ),
  ...PRODUCTION_MUST_NOT,
];

/** The backup account's own deployer: the tables above are not denials of everything. */
const BACKUP_DEPLOYER: readonly Row[] = [
  allow("pulumi up applies the replica's policy", inBackup("s3:PutBucketPolicy", replicaBucket)),
  allow("pulumi up applies the replica key's policy", inBackup("kms:PutKeyPolicy", replicaKey)),
  allow(
    "pulumi up applies the vault lock",
    inBackup("backup:PutBackupVaultLockConfiguration", vault),
  ),
  deny("only break-glass retires a key", inBackup("kms:ScheduleKeyDeletion", replicaKey)),
  deny("only break-glass destroys", inBackup("s3:DeleteBucket", replicaBucket)),
  deny("nobody deletes a recovery point", inBackup("backup:DeleteRecoveryPoint", vault)),
];

async function table(
  run: MockedRun,
  who: Principal,
  copies: Copies,
  rows: readonly Row[],
  external: readonly string[] = [],
) {
  const mismatches: string[] = [];
  for (const row of rows) {
    const request = row.request(copies);
    const result = await evaluate(run, who, request, external);
    if ((result === "Allowed") !== (row.expect === "allow")) {
      mismatches.push(
        `${request.action} on ${request.resource}: expected ${row.expect}, got ${result} (${row.why})`,
      );
    }
  }
  expect(mismatches).to.deep.equal([]);
}

describe("the backup account's copies evaluated against production credentials (iam-simulate, AWS mocked)", () => {
  let dir: string;
  let run: MockedRun;
  let copies: Copies;
  let agents: Record<string, { userName: string; bucket: string; prefix: string }>;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-backup-account-eval-"));
    const prod = await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeFile(
      file,
      `${prod}  stronghold:backupAccount:\n    accountId: "${BACKUP_ACCOUNT_ID}"\n    organizationId: o-exampleorg1\n    deployRole: stronghold-deployer\n`,
    );
    run = await runStackWithMocks("prod", { configFile: file });
    const offsite = run.outputs.offsite as {
      bucket: string;
      kmsKeyArn: string;
      region: string;
      replica: { bucket: string; kmsKeyArn: string; region: string; veeam: { bucket: string } };
    };
    const vaults = run.outputs.vaults as { backupAccount: { arn: string; kmsKeyArn: string } };
    copies = {
      replica: offsite.replica.bucket,
      veeamReplica: offsite.replica.veeam.bucket,
      replicaKey: offsite.replica.kmsKeyArn,
      replicaRegion: offsite.replica.region,
      vault: vaults.backupAccount.arn,
      vaultKey: vaults.backupAccount.kmsKeyArn,
      source: offsite.bucket,
      sourceKey: offsite.kmsKeyArn,
      sourceRegion: offsite.region,
    };
    agents = run.outputs.agents as typeof agents;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("the copies' ARNs name the backup account", () => {
    for (const arn of [copies.replicaKey, copies.vault, copies.vaultKey]) {
      expect(arn.split(":")[4]).to.equal(BACKUP_ACCOUNT_ID);
    }
  });

  for (const [title, role] of [
    ["the production deployer role (AdministratorAccess)", "stronghold-deployer"],
    ["the production admin role (AdministratorAccess)", "millbrook-it-admin"],
    ["the production break-glass role (AdministratorAccess)", "stronghold-break-glass"],
  ] as const) {
    it(`${title} cannot delete, unlock, re-policy or retire the key of the replica or vault`, async () => {
      await table(run, { kind: "role", name: role }, copies, PRODUCTION_MUST_NOT, [
        ADMINISTRATOR_ACCESS,
      ]);
    });
  }

  for (const agent of ["restic", "veeam"]) {
    it(`the ${agent} agent cannot touch the copies in the backup account`, async () => {
      await table(
        run,
        { kind: "user", name: agents[agent]!.userName, path: "/stronghold/" },
        copies,
        PRODUCTION_MUST_NOT,
      );
    });
  }

  it("the evidence-writer cannot touch the copies in the backup account", async () => {
    const writer = (run.outputs.evidence as { writer: { userName: string } }).writer;
    await table(
      run,
      { kind: "user", name: writer.userName, path: "/stronghold/" },
      copies,
      PRODUCTION_MUST_NOT,
    );
  });

  it("the evidence-writer adds locked evidence under its prefix and can delete, shorten, bypass or read backups nowhere", async () => {
    const evidence = run.outputs.evidence as {
      bucket: string;
      prefix: string;
      lockMode: string;
      retentionDays: number;
      writer: { userName: string };
    };
    expect(evidence).to.include({ lockMode: "COMPLIANCE", retentionDays: 2555 });
    const offsite = run.outputs.offsite as { kmsKeyArn: string; region: string };
    const mismatches: string[] = [];
    for (const row of EVIDENCE_WRITER_REQUESTS) {
      const request = row.request({
        bucket: evidence.bucket,
        prefix: evidence.prefix,
        keyArn: offsite.kmsKeyArn,
        region: offsite.region,
        trailName: "millbrook-prod-backup-audit",
      });
      const result = await evaluate(
        run,
        { kind: "user", name: evidence.writer.userName, path: "/stronghold/" },
        request,
      );
      if ((result === "Allowed") !== (row.expect === "allow"))
        mismatches.push(`${row.call}: expected ${row.expect}, got ${result} (${row.why})`);
    }
    expect(mismatches).to.deep.equal([]);
  });

  for (const [title, name] of [
    [
      "AWS Backup's service role (its AWS-managed policies stood in as allow-all)",
      "vaults-service-role",
    ],
    ["the DR restore role", "dr-restore-role"],
  ] as const) {
    it(`${title} cannot touch the copies in the backup account`, async () => {
      const role = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === name)!;
      await table(run, { kind: "role", name: role.id! }, copies, PRODUCTION_MUST_NOT);
    });
  }

  it("the replication role replicates and does nothing else", async () => {
    const role = run.resources.find(
      (r) => r.type === "aws:iam/role:Role" && r.name === "offsite-replication-role",
    )!;
    await table(run, { kind: "role", name: role.id! }, copies, REPLICATION_ROLE);
  });

  it("the backup account's own deployer changes its settings but destroys nothing", async () => {
    await table(
      run,
      { kind: "role", name: "stronghold-deployer", account: BACKUP_ACCOUNT_ID },
      copies,
      BACKUP_DEPLOYER,
      [ADMINISTRATOR_ACCESS],
    );
  });

  for (const [agent, rows] of [
    ["restic", RESTIC_REQUESTS],
    ["veeam", VEEAM_REQUESTS],
  ] as const) {
    it(`${agent}'s uploads to its production bucket are still allowed, its destructive requests denied`, async () => {
      const output = agents[agent]!;
      const offsite = run.outputs.offsite as { kmsKeyArn: string; region: string };
      const mismatches: string[] = [];
      for (const row of rows) {
        const request = row.request({
          bucket: output.bucket,
          prefix: output.prefix,
          keyArn: offsite.kmsKeyArn,
          region: offsite.region,
          trailName: "millbrook-prod-backup-audit",
        });
        const result = await evaluate(
          run,
          { kind: "user", name: output.userName, path: "/stronghold/" },
          request,
        );
        if ((result === "Allowed") !== (row.expect === "allow")) {
          mismatches.push(`${row.call}: expected ${row.expect}, got ${result} (${row.why})`);
        }
      }
      expect(mismatches).to.deep.equal([]);
    });
  }
});
