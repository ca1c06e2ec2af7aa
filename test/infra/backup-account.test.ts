// A town that adds its backup (vault) account: the prod settings plus stronghold:backupAccount,
// run under mocks (AWS and the engine mocked; the account and Organization ids are made up).
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadStackConfigFile } from "../../src/infra/config-file.js";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { Resources, statementsOf } from "../fixtures/mocked-stacks.js";

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
