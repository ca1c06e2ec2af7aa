// `stronghold infra plan` in process, through main(argv, io): the programs run under Pulumi's
// mocks because AWS and the Pulumi engine cannot run here.
import { expect } from "chai";
import { PACK } from "../../policies/crossguard/policies.js";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import type { Io } from "../../src/cli/io.js";
import { InputError } from "../../src/support/errors.js";
import { planStacks } from "../../src/infra/plan.js";
import { walk, type PlanNode } from "../../src/infra/plan-tree.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// mocha loads a test file without top-level await through tsx's require hook, as CommonJS; the
// CLI's own import() of the plan module would then load a second, ES module copy of the error
// classes main() recognises. This top-level await makes mocha import the file as an ES module:
// one module graph, as when the CLI runs.
const { main } = await import("../../src/cli/main.js");

async function stronghold(...args: string[]): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (chunk) => void (stdout += chunk),
    stderr: (chunk) => void (stderr += chunk),
    stdin: new PassThrough(),
    env: { NO_COLOR: "1" },
    isTTY: false,
  };
  const code = await main(["node", "stronghold", ...args], io);
  return { code, stdout, stderr };
}

interface JsonPlan {
  schemaVersion: number;
  blocked: boolean;
  stacks: {
    stack: string;
    policyConfig?: string;
    resourceCount: number;
    resources: PlanNode[];
    verdict: {
      blocked: boolean;
      outcomes: { policy: string; status: string }[];
      violations: { policy: string; message: string }[];
    };
  }[];
}

describe("stronghold infra plan", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-plan-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("prod as JSON: the tree with lock, key, vault lock, copy and agent settings, and a passing verdict", async () => {
    const run = await stronghold("infra", "plan", "--stack", "prod", "--format", "json");
    expect(run.stderr).to.equal("");
    expect(run.code).to.equal(0);
    const plan = JSON.parse(run.stdout) as JsonPlan;
    expect(plan.schemaVersion).to.equal(1);
    expect(plan.blocked).to.equal(false);
    const [prod] = plan.stacks;
    expect(prod!.stack).to.equal("prod");
    expect(prod!.policyConfig).to.equal(path.join("policies", "crossguard", "config", "prod.json"));
    const nodes = [...walk(prod!.resources)];
    expect(nodes).to.have.length(prod!.resourceCount);
    const settings = (name: string) => nodes.find((n) => n.name === name)?.settings ?? [];
    const storage = prod!.resources.find(
      (n) => n.type === "stronghold:backup:OffsiteBackupStorage",
    )!;
    expect(storage.children.map((c) => c.name)).to.include("offsite-bucket");
    expect(nodes.find((n) => n.name === "offsite-bucket")).to.include({ region: "us-west-2" });
    expect(settings("offsite-bucket-object-lock")).to.deep.equal([
      "default retention COMPLIANCE 400 days on offsite-bucket",
    ]);
    expect(settings("offsite-bucket-encryption")[0]).to.match(
      /^encryption aws:kms key \S+, bucket key on offsite-bucket$/,
    );
    expect(settings("vaults-dr-lock")[0]).to.equal(
      "vault lock on millbrook-prod-dr: min 35 days, max 2555 days, compliance mode after 3 days",
    );
    expect(settings("vaults-standard").join("\n")).to.match(/→ copy to vaults-dr \(us-west-2\)/);
    expect(settings("agent-restic-policy")).to.include(
      "allow s3:DeleteObject on offsite-bucket/restic/locks/*",
    );
    expect(
      settings("agent-restic-policy").some((s) => s.startsWith("deny s3:DeleteObjectVersion")),
    ).to.equal(true);
    // Manual failover: the sample prod stack has no Route 53 failover pair to judge.
    expect(
      Object.fromEntries(prod!.verdict.outcomes.map((o) => [o.policy, o.status])),
    ).to.deep.equal(
      Object.fromEntries(
        PACK.policies.map((p) => [
          p.name,
          p.name === "dr-failover-target-owned" ? "not-applicable" : "passed",
        ]),
      ),
    );
    expect(settings("dr-domain-controller-sg")).to.include.members([
      "in: udp 53 with 10.90.0.0/16, 10.20.0.0/16, 10.30.0.0/16",
      "in: tcp 49152-65535 with 10.90.0.0/16, 10.20.0.0/16, 10.30.0.0/16",
    ]);
  });

  it("every stack by default, as a table: the tree, the policies and one verdict", async () => {
    const run = await stronghold("infra", "plan");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include("Stack dev: ");
    expect(run.stdout).to.include("Stack prod: ");
    expect(run.stdout).to.match(/├─ aws:s3\/bucket:Bucket offsite-bucket \[us-west-2\]/);
    expect(run.stdout).to.match(/PASS {2}backup-vault-locked +passed/);
    expect(run.stdout).to.include("Verdict: PASS: no mandatory violation in dev, prod");
    // The per-agent summary, and the resources issue #12 added.
    expect(run.stdout).to.include("Agent access (from each agent's identity policies");
    expect(run.stdout).to.match(
      / {4}allow s3:DeleteObject on arn:aws:s3:::offsite-bucket-\w+\/restic\/locks\/\*\n/,
    );
    expect(run.stdout).to.match(
      / {4}allow s3:DeleteObjectVersion on arn:aws:s3:::offsite-veeam-\w+\/veeam\/\*\n/,
    );
    expect(run.stdout).to.match(
      / {4}deny s3:DeleteObjectVersion, s3:BypassGovernanceRetention, s3:PutBucketPolicy/,
    );
    expect(run.stdout).to.match(/aws:s3\/bucket:Bucket offsite-veeam \[us-west-2\]/);
    expect(run.stdout).to.match(
      /aws:kms\/keyPolicy:KeyPolicy millbrook-prod-offsite-backup-key-policy/,
    );
    expect(run.stdout, "no colour codes").to.not.include("\u001b[");
    const colored = await stronghold("infra", "plan", "--stack", "dev", "--color");
    expect(colored.stdout).to.include("\u001b[");
  });

  it("markdown for a pull-request comment", async () => {
    const run = await stronghold("infra", "plan", "--stack", "dev", "--format", "markdown");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^## Infrastructure plan: ✅ no mandatory policy violation\n/);
    expect(run.stdout).to.include("### Stack `dev`: ✅ passes");
    expect(run.stdout).to.include("| `s3-bucket-object-lock-enabled` | ✅ passed |");
    expect(run.stdout).to.match(
      /<details><summary>\d+ resources and their security settings<\/summary>/,
    );
    expect(run.stdout).to.include(
      "- `aws:s3/bucket:Bucket` **offsite-bucket** (us-west-2): Object Lock enabled",
    );
    expect(run.stdout).to.include("**Agent access**");
    expect(run.stdout).to.include("- restic (millbrook-dev-restic-backup-agent)");
  });

  it("exits 1 and lists the violations when a policy configuration is stricter than the stack", async () => {
    const config = path.join(dir, "strict.json");
    await writeFile(
      config,
      JSON.stringify({
        "backup-vault-locked": { minRetentionDays: 30, requireComplianceMode: true },
      }),
    );
    const run = await stronghold("infra", "plan", "--stack", "dev", "--policy-config", config);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/FAIL {2}backup-vault-locked +4 mandatory violations/);
    expect(run.stdout).to.include(
      'mandatory: aws:backup/vault:Vault "vaults-primary": vault lock "vaults-primary-lock" has minRetentionDays 1; at least 30 required',
    );
    expect(run.stdout).to.match(
      /├─ aws:backup\/vault:Vault vaults-primary \[us-east-1\] {2}✘ backup-vault-locked/,
    );
    expect(run.stdout).to.include("Verdict: BLOCKED: mandatory violations in dev");
  });

  it("exits 2 naming every problem of a policy configuration file", async () => {
    const config = path.join(dir, "bad.json");
    await writeFile(
      config,
      JSON.stringify(
        { "backup-vault-locked": { minRetentionDays: "x" }, "no-such": "mandatory" },
        null,
        2,
      ),
    );
    const run = await stronghold("infra", "plan", "--stack", "dev", "--policy-config", config);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.include("the input has 2 problem(s)");
    expect(run.stderr).to.include(
      `${config}:3: /backup-vault-locked/minRetentionDays: must be integer`,
    );
    expect(run.stderr).to.include(`${config}:5: /no-such: is not a policy of this pack`);
  });

  it("exits 2 for an unknown stack or format, naming what exists", async () => {
    const stack = await stronghold("infra", "plan", "--stack", "staging");
    expect(stack.code).to.equal(2);
    expect(stack.stderr).to.include(
      "--stack staging: no stacks/Pulumi.<stack>.yaml for it (stacks: dev, prod)",
    );
    const format = await stronghold("infra", "plan", "--format", "html");
    expect(format.code).to.equal(2);
    expect(format.stderr).to.match(
      /argument 'html' is invalid\. Allowed choices are table, json, markdown/,
    );
  });

  it("collects the problems of a broken stack config and a broken policy config together", async () => {
    const root = path.join(dir, "project");
    await mkdir(path.join(root, "stacks"), { recursive: true });
    const prod = await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    await writeFile(
      path.join(root, "stacks", "Pulumi.broken.yaml"),
      prod.replace(/stronghold:drRegion: \S+/, "stronghold:drRegion: us-east-1"),
    );
    await writeFile(path.join(root, "package.json"), '{ "name": "scratch" }');
    const config = path.join(dir, "typo.json");
    await writeFile(config, JSON.stringify({ "required-tags": { requiredTag: ["x"] } }));
    try {
      await planStacks({ projectRoot: root, policyConfigFile: config });
      expect.fail("planStacks should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      const messages = (error as InputError).problems.map(
        (p) => `${path.basename(p.file)} ${p.pointer}: ${p.message}`,
      );
      expect(messages).to.include(
        'typo.json /required-tags/requiredTag: is not a known field (did you mean "requiredTags"?)',
      );
      expect(
        messages.some((m) =>
          m.startsWith("Pulumi.broken.yaml /config/stronghold:drRegion: must differ"),
        ),
      ).to.equal(true);
    }
  });

  it("a stack with a backup account: the replica and its alarms shown in that account, the pack passing", async () => {
    const root = path.join(dir, "with-backup-account");
    await mkdir(path.join(root, "stacks"), { recursive: true });
    const prod = await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    await writeFile(
      path.join(root, "stacks", "Pulumi.prod.yaml"),
      `${prod}  stronghold:backupAccount:\n    accountId: "210987654321"\n    organizationId: o-exampleorg1\n    deployRole: stronghold-deployer\n`,
    );
    await writeFile(path.join(root, "package.json"), '{ "name": "scratch" }');
    const plan = await planStacks({
      projectRoot: root,
      policyConfigFile: path.join(PROJECT_ROOT, "policies", "crossguard", "config", "prod.json"),
    });
    const [stack] = plan.stacks;
    expect(plan.blocked).to.equal(false);
    const nodes = [...walk(stack!.resources)];
    const replicas = nodes.filter(
      (n) => n.type === "aws:s3/bucket:Bucket" && n.name.startsWith("offsite-account-replica-"),
    );
    expect(replicas.map((n) => `${n.name} ${n.region} ${n.account}`).sort()).to.deep.equal([
      "offsite-account-replica-access-logs us-east-2 210987654321",
      "offsite-account-replica-offsite us-east-2 210987654321",
      "offsite-account-replica-veeam us-east-2 210987654321",
    ]);
    const source = nodes.find((n) => n.name === "offsite-bucket")!;
    expect(source.account).to.equal(undefined);
    const trail = nodes.find(
      (n) => n.type === "aws:cloudtrail/trail:Trail" && n.account === "210987654321",
    );
    expect(trail?.name).to.equal("backup-account-alerts-audit");
    expect(stack!.agentAccess.map((a) => a.agent)).to.deep.equal(["restic", "veeam"]);
  });

  it("keeps --help true to what the command does", async () => {
    const run = await stronghold("infra", "plan", "--help");
    expect(run.code).to.equal(0);
    for (const phrase of [
      "--stack <name...>",
      "--format <format>",
      "--policy-config <file>",
      "Exit codes:",
      "policies/crossguard/config/<stack>.json",
    ]) {
      expect(run.stdout).to.include(phrase);
    }
  });
});
