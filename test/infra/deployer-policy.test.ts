// The deployer role's shipped policy (policies/iam/deployer/*.json): current with the stacks,
// within IAM's size limits, covering every resource type the program can register, and evaluated
// with @cloud-copilot/iam-simulate (tests only, AGPL) against the prod program's own bucket, key
// and vault policies from a mocked run (AWS and the Pulumi engine are mocked): the deployer may
// do what `pulumi up` does to the stack's resources and nothing that destroys or unlocks backups.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { DEPLOYER_ACTIONS } from "../../src/infra/deployer-actions.js";
import {
  DEPLOYER_POLICY_DIR,
  MANAGED_POLICY_MAX_CHARS,
  deployerPolicies,
  deployerPolicyFiles,
  policySize,
  UnknownResourceTypeError,
  type PolicyDocument,
} from "../../src/infra/deployer-policy.js";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { MOCK_ACCOUNT_ID } from "../../src/infra/mocks.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { mockedStack, Resources } from "../fixtures/mocked-stacks.js";
import { resourcePolicyFor } from "./iam-evaluation.js";

type Json = Record<string, unknown>;

const shippedDir = path.join(PROJECT_ROOT, DEPLOYER_POLICY_DIR);
const DEPLOYER = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/stronghold-deployer`;

async function shipped(): Promise<Record<string, PolicyDocument>> {
  const files = (await readdir(shippedDir)).filter((f) => f.endsWith(".json")).sort();
  const out: Record<string, PolicyDocument> = {};
  for (const f of files) {
    out[f] = JSON.parse(await readFile(path.join(shippedDir, f), "utf8")) as PolicyDocument;
  }
  return out;
}

describe("deployer policy (policies/iam/deployer)", function () {
  this.timeout(120_000);

  it("is what scripts/write-deployer-policy.ts derives from the stacks now", async () => {
    const expected = await deployerPolicyFiles();
    const files = (await readdir(shippedDir)).sort();
    expect(files, "regenerate with npx tsx scripts/write-deployer-policy.ts").to.deep.equal(
      Object.keys(expected).sort(),
    );
    for (const [name, text] of Object.entries(expected)) {
      expect(await readFile(path.join(shippedDir, name), "utf8"), name).to.equal(text);
    }
  });

  it("fits IAM's limits: each document under 6,144 characters, at most 10 attached to the role", async () => {
    const docs = await shipped();
    expect(Object.keys(docs).length).to.be.at.most(10);
    for (const [name, doc] of Object.entries(docs)) {
      expect(policySize(doc), name).to.be.below(MANAGED_POLICY_MAX_CHARS);
      for (const s of doc.Statement) {
        expect(s.Action.join(" "), `${name} ${s.Sid}`).not.to.include("*");
      }
    }
  });

  describe("covers every type the program can register", () => {
    let dir: string;
    let variant: MockedRun;
    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "stronghold-deployer-"));
      const prod = parse(
        await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"),
      ) as { config: Record<string, unknown> };
      const c = prod.config;
      c["stronghold:drNetwork"] = { ...(c["stronghold:drNetwork"] as Json), egress: "nat-gateway" };
      c["stronghold:airGappedVault"] = { minRetentionDays: 35, maxRetentionDays: 2555 };
      c["stronghold:backupAccount"] = {
        accountId: "210987654321",
        organizationId: "o-exampleorg1",
        deployRole: "stronghold-deployer",
      };
      c["stronghold:publicServices"] = (c["stronghold:publicServices"] as Json[]).map((s) => ({
        ...s,
        failover: "automatic",
      }));
      c["stronghold:criticalSystems"] = (c["stronghold:criticalSystems"] as Json[]).map((s) =>
        s.name === "gis" ? { ...s, standing: true } : s,
      );
      const file = path.join(dir, "Pulumi.prod.yaml");
      await writeFile(file, stringify(prod));
      variant = await runStackWithMocks("prod", { configFile: file });
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it("has actions for each type of dev, prod and prod with NAT, air-gapped vault and a standing instance, and none it never uses", async () => {
      const runs = [await mockedStack("dev"), await mockedStack("prod"), variant];
      expect(() => deployerPolicies(runs)).not.to.throw();
      const registered = new Set(runs.flatMap((run) => run.resources.map((r) => r.type)));
      expect(Object.keys(DEPLOYER_ACTIONS).filter((t) => !registered.has(t))).to.deep.equal([]);
    });

    it("refuses a type it has no actions for, naming it", async () => {
      const prod = await mockedStack("prod");
      const odd = { ...prod.resources[0]!, type: "aws:sqs/queue:Queue", name: "odd" };
      expect(() => deployerPolicies([{ ...prod, resources: [...prod.resources, odd] }]))
        .to.throw(UnknownResourceTypeError)
        .with.property("message")
        .that.includes("aws:sqs/queue:Queue");
    });

    it("only the variant's extra resources need the extra actions (NAT, instance, air-gapped vault, backup account)", () => {
      const docs = deployerPolicies([variant]);
      const all = JSON.stringify(docs);
      // The backup account's resources are its own deployer's: production's only assumes it.
      const assume = docs.identity!.Statement.filter((st) => st.Action.includes("sts:AssumeRole"));
      expect(assume.map((st) => st.Resource)).to.deep.equal([
        ["arn:aws:iam::210987654321:role/stronghold-deployer"],
      ]);
      expect(all).not.to.include("210987654321:key");
      for (const action of [
        "sts:AssumeRole",
        "ec2:CreateNatGateway",
        "ec2:RunInstances",
        "backup:CreateLogicallyAirGappedBackupVault",
      ]) {
        expect(all).to.include(action);
      }
    });
  });

  describe("evaluated against the prod program's resource policies", () => {
    let run: MockedRun;
    let docs: Record<string, PolicyDocument>;
    const arns: Record<string, string> = {};
    before(async () => {
      run = await mockedStack("prod");
      docs = await shipped();
      const r = new Resources(run.resources);
      const arnOf = (type: string, name: string) => String(r.named(type, name).outputs?.arn);
      arns.offsite = arnOf("aws:s3/bucket:Bucket", "offsite-bucket");
      arns.logs = arnOf("aws:s3/bucket:Bucket", "offsite-access-logs");
      arns.key = arnOf("aws:kms/key:Key", "millbrook-prod-offsite-backup");
      arns.vault = arnOf("aws:backup/vault:Vault", "vaults-primary");
      arns.agent = arnOf("aws:iam/user:User", "agent-restic-user");
      arns.agentPolicy = arnOf("aws:iam/policy:Policy", "agent-restic-policy");
      arns.serviceRole = arnOf("aws:iam/role:Role", "vaults-service-role");
      arns.fn = arnOf("aws:lambda/function:Function", "restore-validation-function");
    });

    async function verdict(
      action: string,
      resource: string,
      context: Record<string, string> = {},
    ): Promise<string> {
      const resourcePolicy = resourcePolicyFor(run, resource);
      const result = await runSimulation(
        {
          request: {
            principal: DEPLOYER,
            action,
            resource: { resource, accountId: MOCK_ACCOUNT_ID },
            contextVariables: {
              "aws:SecureTransport": "true",
              "aws:PrincipalArn": DEPLOYER,
              "aws:PrincipalAccount": MOCK_ACCOUNT_ID,
              ...context,
            },
          },
          identityPolicies: Object.entries(docs).map(([name, policy]) => ({ name, policy })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
        },
        {},
      );
      if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
      return result.overallResult;
    }

    const west = { "aws:RequestedRegion": "us-west-2" };
    const east = { "aws:RequestedRegion": "us-east-1" };
    type Arns = Record<string, string>;
    type Context = Record<string, string> | ((a: Arns) => Record<string, string>);
    type Row = [string, (a: Arns) => string, Context?];
    const contextOf = (context: Context | undefined) =>
      typeof context === "function" ? context(arns) : context;
    const ALLOWED: Row[] = [
      ["s3:CreateBucket", (a) => a.offsite!],
      ["s3:PutBucketObjectLockConfiguration", (a) => a.offsite!],
      ["s3:PutBucketPolicy", (a) => a.offsite!],
      ["s3:PutLifecycleConfiguration", (a) => a.offsite!],
      ["s3:GetBucketObjectLockConfiguration", (a) => a.offsite!],
      ["s3:DeleteBucket", (a) => a.logs!],
      ["kms:PutKeyPolicy", (a) => a.key!],
      ["kms:CreateKey", () => "*", west],
      ["backup:CreateBackupVault", (a) => a.vault!],
      ["backup:PutBackupVaultLockConfiguration", (a) => a.vault!],
      ["iam:CreateUser", (a) => a.agent!],
      ["iam:CreateAccessKey", (a) => a.agent!],
      ["iam:AttachUserPolicy", (a) => a.agent!, (a) => ({ "iam:PolicyARN": a.agentPolicy! })],
      ["iam:PassRole", (a) => a.serviceRole!, { "iam:PassedToService": "backup.amazonaws.com" }],
      ["lambda:CreateFunction", (a) => a.fn!],
      ["ec2:CreateVpc", () => "*", west],
      ["config:PutConfigurationRecorder", () => "*", east],
      [
        "route53:ChangeResourceRecordSets",
        () => "arn:aws:route53:::hostedzone/Z04517273VCLIDX8Q3HWY",
      ],
      [
        "iam:CreateServiceLinkedRole",
        () =>
          `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`,
      ],
    ];
    const DENIED: Row[] = [
      ["s3:DeleteBucket", (a) => a.offsite!],
      ["s3:PutBucketObjectLockConfiguration", () => "arn:aws:s3:::millbrook-payroll"],
      ["s3:DeleteObject", (a) => `${a.offsite!}/restic/data/00/0011`],
      ["s3:BypassGovernanceRetention", (a) => `${a.offsite!}/restic/data/00/0011`],
      ["s3:GetObject", (a) => `${a.offsite!}/restic/data/00/0011`],
      ["backup:DeleteBackupVault", (a) => a.vault!],
      ["backup:DeleteBackupVaultLockConfiguration", (a) => a.vault!],
      ["backup:DeleteRecoveryPoint", (a) => a.vault!],
      ["kms:ScheduleKeyDeletion", (a) => a.key!],
      ["kms:DisableKey", (a) => a.key!],
      ["kms:Decrypt", (a) => a.key!],
      ["iam:CreateUser", () => `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mallory`],
      [
        "iam:CreateAccessKey",
        () => `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/millbrook-it-coordinator`,
      ],
      ["iam:PutUserPolicy", (a) => a.agent!],
      ["iam:PutUserPolicy", () => `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/millbrook-it-coordinator`],
      [
        "iam:AttachUserPolicy",
        (a) => a.agent!,
        { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
      ],
      [
        "iam:AttachRolePolicy",
        () => `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/millbrook-it-admin`,
        { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
      ],
      ["iam:PassRole", (a) => a.serviceRole!, { "iam:PassedToService": "ec2.amazonaws.com" }],
      [
        "iam:UpdateAssumeRolePolicy",
        () => `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/stronghold-break-glass`,
      ],
      [
        "cloudtrail:StopLogging",
        () => `arn:aws:cloudtrail:us-east-1:${MOCK_ACCOUNT_ID}:trail/millbrook-prod-backup-audit`,
      ],
      ["ec2:CreateVpc", () => "*", { "aws:RequestedRegion": "eu-west-1" }],
      [
        "iam:CreateServiceLinkedRole",
        () =>
          `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
      ],
    ];

    it("gets no kms:CreateGrant on a vault key from the key policy, so each vault key's policy is set after its vault", async () => {
      const r = new Resources(run.resources);
      const vaultKey = String(
        r.named("aws:kms/key:Key", "millbrook-prod-primary-vault").outputs?.arn,
      );
      // CreateBackupVault asks for this grant on the caller's behalf: allowed only while the key
      // still has its default policy.
      expect(
        await verdict("kms:CreateGrant", vaultKey, {
          "kms:GrantIsForAWSResource": "true",
          "kms:ViaService": "backup.us-east-1.amazonaws.com",
          "aws:RequestedRegion": "us-east-1",
        }),
      ).to.match(/Denied$/);
      for (const [vault, key] of [
        ["vaults-primary", "millbrook-prod-primary-vault"],
        ["vaults-dr", "millbrook-prod-dr-vault"],
      ] as const) {
        const policy = r.named("aws:kms/keyPolicy:KeyPolicy", `${key}-key-policy`);
        expect(policy.dependsOn, key).to.include(r.named("aws:backup/vault:Vault", vault).urn);
      }
    });

    for (const [action, resource, context] of ALLOWED) {
      it(`allows ${action} where the program does it`, async () => {
        expect(await verdict(action, resource(arns), contextOf(context))).to.equal("Allowed");
      });
    }
    for (const [action, resource, context] of DENIED) {
      it(`denies ${action} on ${resource({ offsite: "the offsite bucket", vault: "the primary vault", key: "the offsite key", agent: "the restic agent", serviceRole: "AWS Backup's role" })}`, async () => {
        expect(await verdict(action, resource(arns), contextOf(context))).to.match(/Denied$/);
      });
    }
  });
});
