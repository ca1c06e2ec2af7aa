// The whole program under Pulumi's mocks (the engine and AWS cannot run here), every registered
// resource fed through the CrossGuard pack offline with each stack's policy configuration.
import { expect } from "chai";
import { PACK } from "../../policies/crossguard/policies.js";
import { runStackWithMocks, type RecordedResource } from "../../src/infra/mock-run.js";
import { checkPolicies, type PolicyCheckResult } from "../../src/infra/policy-check.js";
import { loadPolicyConfig, type PolicyConfigs } from "../../src/infra/policy-config.js";
import { stackPolicyConfigFile } from "../../src/infra/policy-pack.js";

const STACKS = ["dev", "prod"] as const;

function configsFor(stack: string): PolicyConfigs {
  const file = stackPolicyConfigFile(stack);
  if (file === undefined) throw new Error(`no policy config for ${stack}`);
  const loaded = loadPolicyConfig(file, PACK.policies, "mandatory");
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.configs;
}

const summary = (result: PolicyCheckResult) =>
  result.outcomes
    .map(
      (o) =>
        `${o.policy}: ${o.status}${"violations" in o ? ` ${JSON.stringify(o.violations)}` : ""}`,
    )
    .join("\n");

describe("the CrossGuard pack over every stack of the program (mocked)", function () {
  this.timeout(60_000);
  const runs = new Map<string, RecordedResource[]>();
  before(async () => {
    for (const stack of STACKS) runs.set(stack, (await runStackWithMocks(stack)).resources);
  });

  for (const stack of STACKS) {
    it(`${stack}: every policy runs and passes, no violation at all`, async () => {
      const result = await checkPolicies(PACK, runs.get(stack)!, { configs: configsFor(stack) });
      expect(result.violations, summary(result)).to.deep.equal([]);
      expect(result.blocked).to.equal(false);
      for (const outcome of result.outcomes) {
        // The sample stacks fail over manually: no Route 53 failover pair for the rule to judge.
        const expected =
          outcome.policy === "dr-failover-target-owned" ? "not-applicable" : "passed";
        expect(outcome.status, `${outcome.policy}\n${summary(result)}`).to.equal(expected);
      }
    });
  }

  it("prod: the buckets, vaults, keys, agents and taggable resources each policy looked at", async () => {
    const result = await checkPolicies(PACK, runs.get("prod")!, { configs: configsFor("prod") });
    const checked = Object.fromEntries(result.outcomes.map((o) => [o.policy, o.checked]));
    expect(checked["kms-key-rotation-enabled"]).to.equal(4);
    // Eight documents (restic and veeam agents, the evidence-writer, the replication role's policy, the DR restore
    // role's two: backups and the SSM agent, the restore validation Lambda's, the admin guard),
    // four roles (inline policies, managed ARNs) and eight managed-policy attachments.
    expect(checked["backup-agent-no-destructive-permissions"]).to.equal(20);
    expect(checked["required-tags"]).to.be.greaterThan(40);
  });

  it("dev fails prod's policy configuration: governance-mode locks, short retention", async () => {
    const result = await checkPolicies(PACK, runs.get("dev")!, { configs: configsFor("prod") });
    expect(result.blocked).to.equal(true);
    expect([...new Set(result.violations.map((v) => v.policy))]).to.deep.equal([
      "s3-bucket-object-lock-enabled",
      "backup-vault-locked",
    ]);
    expect(result.violations.map((v) => v.message)).to.include.members([
      'aws:s3/bucket:Bucket "offsite-bucket": lock configuration "offsite-bucket-object-lock" has rule.defaultRetention.mode "GOVERNANCE"; expected COMPLIANCE',
      'aws:s3/bucket:Bucket "offsite-bucket": lock configuration "offsite-bucket-object-lock" retains objects for 7 day(s); at least 365 required',
    ]);
  });

  it("a weakened prod (bucket lock removed, an agent allowed s3:DeleteObjectVersion) is blocked with exactly those violations", async () => {
    let oops = -1;
    const weakened = runs.get("prod")!.flatMap((r): RecordedResource[] => {
      if (r.name === "offsite-bucket-object-lock") return [];
      if (r.name !== "agent-restic-policy") return [r];
      const document = JSON.parse(r.inputs.policy as string) as { Statement: object[] };
      oops = document.Statement.length;
      document.Statement.push({
        Sid: "Oops",
        Effect: "Allow",
        Action: "s3:DeleteObjectVersion",
        Resource: "arn:aws:s3:::offsite-bucket-77dd842/restic/*",
      });
      return [{ ...r, inputs: { ...r.inputs, policy: JSON.stringify(document) } }];
    });
    const result = await checkPolicies(PACK, weakened, { configs: configsFor("prod") });
    expect(result.blocked).to.equal(true);
    expect(
      result.violations.map((v) => ({
        policy: v.policy,
        level: v.enforcementLevel,
        urn: v.urn,
        message: v.message,
      })),
    ).to.deep.equal([
      {
        policy: "s3-bucket-object-lock-enabled",
        level: "mandatory",
        urn: "urn:pulumi:prod::stronghold::stronghold:backup:OffsiteBackupStorage$aws:s3/bucket:Bucket::offsite-bucket",
        message:
          'aws:s3/bucket:Bucket "offsite-bucket": no aws.s3.BucketObjectLockConfiguration for this bucket; add one with a default retention of at least 365 day(s)',
      },
      {
        policy: "backup-agent-no-destructive-permissions",
        level: "mandatory",
        urn: "urn:pulumi:prod::stronghold::stronghold:backup:BackupAgentAccess$aws:iam/policy:Policy::agent-restic-policy",
        message: `Statement[${oops}] (Oops) grants s3:DeleteObjectVersion`,
      },
    ]);
  });
});
