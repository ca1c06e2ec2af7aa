// The offline evaluator against CrossGuard itself: the pack is started the way the Pulumi CLI
// starts it and driven over its gRPC analyzer protocol, the test playing the engine (the Pulumi
// CLI and AWS cannot run here). Both must report the same violations for the same resources.
import { expect } from "chai";
import { PACK, PACK_NAME } from "../../policies/crossguard/policies.js";
import { runStackWithMocks } from "../../src/infra/mock-run.js";
import { checkPolicies, type ResourceRecord } from "../../src/infra/policy-check.js";
import {
  loadPolicyConfig,
  resolvePolicyConfig,
  type PolicyConfigs,
} from "../../src/infra/policy-config.js";
import { policyPackDir, stackPolicyConfigFile } from "../../src/infra/policy-pack.js";
import { CrossGuardPack, type Diagnostic } from "./crossguard-engine.js";
import {
  compliantStack,
  named,
  UNKNOWN_STRING,
  without,
  type MutableRecord,
} from "./policy-fixtures.js";

interface Finding {
  readonly policy: string;
  readonly level: string;
  readonly urn: string | undefined;
  readonly message: string;
}

/** CrossGuard prints the description above the policy's message, and names the pack when it cannot run. */
function fromCrossGuard(d: Diagnostic): Finding {
  const message = d.message.startsWith(`${d.description}\n`)
    ? d.message.slice(d.description.length + 1)
    : d.message.replace(/ from policy pack '[^']+'/, "");
  return { policy: d.policy, level: d.enforcementLevel, urn: d.urn, message };
}

const sorted = (findings: Finding[]) => findings.map((f) => JSON.stringify(f)).sort();

function defaults(): PolicyConfigs {
  const resolved = resolvePolicyConfig(PACK.policies, "mandatory", {});
  if (!resolved.ok) throw new Error("defaults");
  return resolved.configs;
}

/** A stack with one problem for most policies, some of them unknown as in a first preview. */
function weakenedStack(): MutableRecord[] {
  const s = compliantStack();
  named(s, "offsite-versioning").inputs.versioningConfiguration = { status: "Suspended" };
  without(s, "offsite-object-lock");
  named(s, "offsite-key").inputs.enableKeyRotation = false;
  named(s, "dr-vault-lock").inputs.minRetentionDays = 1;
  named(s, "dr-vpc").inputs.region = "us-east-1";
  delete named(s, "logs").inputs.tags;
  named(s, "restic-agent-policy").inputs.policy = JSON.stringify({
    Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
  });
  const plan = named(s, "daily-plan");
  plan.inputs.rules = [
    {
      ruleName: "daily",
      targetVaultName: "millbrook-primary",
      copyActions: [{ destinationVaultArn: UNKNOWN_STRING }],
    },
  ];
  named(s, "offsite-policy").inputs.policy = UNKNOWN_STRING;
  return s;
}

describe("the pack under CrossGuard's own policy server (the test plays the engine)", function () {
  this.timeout(120_000);
  let pack: CrossGuardPack | undefined;
  before(async () => {
    pack = await CrossGuardPack.start(policyPackDir());
  });
  after(async () => {
    await pack?.stop();
  });

  it("starts from the pack folder as the CLI starts it and serves every policy, mandatory", async () => {
    const info = await pack!.info();
    expect(info.name).to.equal(PACK_NAME);
    expect(info.policies.map((p) => p.name).sort()).to.deep.equal(
      PACK.policies.map((p) => p.name).sort(),
    );
    expect(info.policies.every((p) => p.enforcementLevel === "mandatory")).to.equal(true);
  });

  const agree = async (records: readonly ResourceRecord[], configs: PolicyConfigs) => {
    await pack!.configure(configs);
    const crossGuard = (await pack!.preview(records)).map(fromCrossGuard);
    const offline = (await checkPolicies(PACK, records, { configs })).violations.map((v) => ({
      policy: v.policy,
      level: v.enforcementLevel,
      urn: v.urn,
      message: v.message,
    }));
    expect(sorted(offline)).to.deep.equal(sorted(crossGuard));
    return crossGuard;
  };

  it("the compliant fixture: no violation from either", async () => {
    expect(await agree(compliantStack(), defaults())).to.deep.equal([]);
  });

  it("the weakened fixture: the same violations, and the same preview notes for unknown values", async () => {
    const findings = await agree(weakenedStack(), defaults());
    expect(new Set(findings.map((f) => f.policy))).to.deep.equal(
      new Set([
        "s3-bucket-versioning-enabled",
        "s3-bucket-object-lock-enabled",
        "kms-key-rotation-enabled",
        "backup-vault-locked",
        "dr-region-differs-from-primary",
        "required-tags",
        "backup-agent-no-destructive-permissions",
        "backup-plan-copies-to-another-region",
        "s3-bucket-tls-only",
        "s3-put-deny-not-if-header-absent",
      ]),
    );
    expect(
      findings
        .filter((f) => f.level === "advisory")
        .map((f) => f.policy)
        .sort(),
    ).to.deep.equal([
      "backup-plan-copies-to-another-region",
      "s3-bucket-tls-only",
      "s3-put-deny-not-if-header-absent",
    ]);
  });

  it("prod under mocks with prod's policy configuration, as shipped and weakened", async () => {
    const file = stackPolicyConfigFile("prod")!;
    const loaded = loadPolicyConfig(file, PACK.policies, "mandatory");
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const records = (await runStackWithMocks("prod")).resources;
    expect(await agree(records, loaded.configs)).to.deep.equal([]);
    const weakened = records.filter((r) => r.name !== "offsite-bucket-object-lock");
    expect((await agree(weakened, loaded.configs)).map((f) => f.policy)).to.deep.equal([
      "s3-bucket-object-lock-enabled",
    ]);
  });
});
