// A town that selects a logically air-gapped vault: the prod settings plus
// stronghold:airGappedVault, run under mocks (AWS and the Pulumi engine mocked).
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validatorFor } from "../../src/documents/ajv.js";
import { loadStackConfigFile } from "../../src/infra/config-file.js";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { StackOutputsSchema } from "../../src/infra/stack-outputs.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { Resources } from "../fixtures/mocked-stacks.js";

const AIR_GAPPED = `  stronghold:airGappedVault:
    minRetentionDays: 35
    maxRetentionDays: 2555
`;

type Json = Record<string, unknown>;

describe("a logically air-gapped vault (prod settings plus stronghold:airGappedVault)", () => {
  let dir: string;
  let prod: string;
  let run: MockedRun;
  let r: Resources;
  const file = () => path.join(dir, "Pulumi.prod.yaml");
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-air-gapped-"));
    prod = await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    await writeFile(file(), `${prod}${AIR_GAPPED}`);
    run = await runStackWithMocks("prod", { configFile: file() });
    r = new Resources(run.resources);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("creates the vault in the DR region with the configured retention bounds, kept", () => {
    const vault = r.named(
      "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
      "vaults-air-gapped",
    );
    expect(vault.inputs).to.include({
      region: "us-west-2",
      name: "millbrook-prod-air-gapped",
      minRetentionDays: 35,
      maxRetentionDays: 2555,
    });
    expect(vault.protect && vault.retainOnDelete).to.equal(true);
  });

  it("copies every DR-copied rule to it, with the rule's retention", () => {
    const vaults = run.outputs.vaults as { airGapped: { arn: string; region: string } };
    expect(vaults.airGapped.region).to.equal("us-west-2");
    const plan = r.named("aws:backup/plan:Plan", "vaults-standard");
    for (const rule of plan.inputs.rules as Json[]) {
      const copy = (rule.copyActions as Json[]).find(
        (a) => a.destinationVaultArn === vaults.airGapped.arn,
      );
      expect(copy, String(rule.ruleName)).to.not.equal(undefined);
      expect(copy!.lifecycle).to.deep.equal((rule as { lifecycle: Json }).lifecycle);
    }
    const validate = validatorFor(StackOutputsSchema);
    expect(validate(run.outputs), JSON.stringify(validate.errors)).to.equal(true);
  });

  it("reports bounds that contradict each other or the rules, and a vault nothing copies to, by key", async () => {
    await writeFile(
      file(),
      `${prod}${AIR_GAPPED.replace("minRetentionDays: 35", "minRetentionDays: 100").replace("maxRetentionDays: 2555", "maxRetentionDays: 90")}`,
    );
    const bad = loadStackConfigFile(file());
    if (bad.ok) expect.fail("should be refused");
    const messages = bad.problems.map((p) => `${p.pointer}: ${p.message}`);
    expect(messages).to.include(
      "/config/stronghold:airGappedVault/maxRetentionDays: is below minRetentionDays (100)",
    );
    expect(messages).to.include(
      "/config/stronghold:backupPlans/0/rules/0/retentionDays: is 35 days, outside the air-gapped vault's 100–90 days: its copy jobs would fail",
    );
    for (const problem of bad.problems) expect(problem.line).to.be.a("number");

    await writeFile(file(), `${prod.replaceAll("copyToDr: true", "copyToDr: false")}${AIR_GAPPED}`);
    const idle = loadStackConfigFile(file());
    if (idle.ok) expect.fail("should be refused");
    expect(idle.problems.map((p) => p.pointer)).to.include("/config/stronghold:airGappedVault");
  });
});
