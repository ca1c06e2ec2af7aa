// Policy pack configuration as `pulumi preview --policy-pack-config` resolves it, and the offline
// evaluator's handling of levels, errors and unknown values. No engine or AWS involved.
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Policies, StackValidationPolicy } from "@pulumi/policy";
import { PACK, PACK_NAME } from "../../policies/crossguard/policies.js";
import { checkPolicies } from "../../src/infra/policy-check.js";
import { loadPolicyConfig, resolvePolicyConfig } from "../../src/infra/policy-config.js";
import { compliantStack } from "./policy-fixtures.js";

const resolve = (given: unknown) =>
  resolvePolicyConfig(PACK.policies, "mandatory", given, { file: "cfg.json" });

describe("the pack", () => {
  it("pins its policies: kebab-case names, mandatory, a description each", () => {
    expect(PACK_NAME).to.match(/^[a-zA-Z0-9-_.]{1,100}$/);
    expect(PACK.policies.map((p) => p.name)).to.deep.equal([
      "s3-bucket-versioning-enabled",
      "s3-bucket-object-lock-enabled",
      "s3-bucket-kms-encryption",
      "s3-bucket-public-access-blocked",
      "s3-bucket-tls-only",
      "s3-bucket-access-logging",
      "s3-put-deny-not-if-header-absent",
      "s3-lifecycle-storage-class-fit",
      "kms-key-rotation-enabled",
      "backup-vault-locked",
      "backup-plan-copies-to-another-region",
      "backup-agent-no-destructive-permissions",
      "backup-storage-protected",
      "dr-region-differs-from-primary",
      "dr-security-group-covers-services",
      "dr-failover-target-owned",
      "required-tags",
    ]);
    for (const policy of PACK.policies) {
      expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.enforcementLevel).to.equal("mandatory");
      expect(policy.description.length).to.be.greaterThan(40);
    }
  });

  it("has defaults that meet its own config schemas", () => {
    const resolved = resolve({});
    expect(resolved.ok).to.equal(true);
    if (!resolved.ok) return;
    expect(resolved.configs.get("backup-vault-locked")).to.deep.equal({
      enforcementLevel: "mandatory",
      properties: { minRetentionDays: 7, requireComplianceMode: false, maxChangeableForDays: 30 },
    });
    expect(resolved.configs.get("s3-bucket-tls-only")).to.deep.equal({
      enforcementLevel: "mandatory",
      properties: {},
    });
  });
});

describe("policy pack configuration", () => {
  it("applies all, then each policy's level and settings over the defaults", () => {
    const resolved = resolve({
      all: "advisory",
      "required-tags": { enforcementLevel: "mandatory", requiredTags: ["owner"] },
      "kms-key-rotation-enabled": "disabled",
      "backup-vault-locked": { minRetentionDays: 30 },
    });
    if (!resolved.ok) expect.fail(JSON.stringify(resolved.problems));
    expect(resolved.configs.get("required-tags")).to.deep.equal({
      enforcementLevel: "mandatory",
      properties: { requiredTags: ["owner"] },
    });
    expect(resolved.configs.get("kms-key-rotation-enabled")?.enforcementLevel).to.equal("disabled");
    expect(resolved.configs.get("backup-vault-locked")).to.deep.equal({
      enforcementLevel: "advisory",
      properties: { minRetentionDays: 30, requireComplianceMode: false, maxChangeableForDays: 30 },
    });
    expect(resolved.configs.get("s3-bucket-tls-only")?.enforcementLevel).to.equal("advisory");
  });

  it("reports every problem with its pointer", () => {
    const resolved = resolve({
      all: "loud",
      "no-such-policy": "mandatory",
      "required-tags": { requiredTags: "department" },
      "backup-vault-locked": { minRetentionDays: 0, enforcementLevel: "strict", typo: true },
      "s3-bucket-tls-only": 3,
    });
    expect(resolved.ok).to.equal(false);
    if (resolved.ok) return;
    expect(resolved.problems.map((p) => `${p.pointer}: ${p.message}`)).to.have.members([
      "/all: must be one of advisory, mandatory, remediate, disabled",
      `/no-such-policy: is not a policy of this pack (policies: ${PACK.policies.map((p) => p.name).join(", ")})`,
      "/backup-vault-locked/enforcementLevel: must be one of advisory, mandatory, remediate, disabled",
      "/s3-bucket-tls-only: must be an enforcement level or an object of settings",
      "/required-tags/requiredTags: must be array",
      "/backup-vault-locked/minRetentionDays: must be >= 1",
      "/backup-vault-locked/typo: is not a known field (check the spelling against the schema)",
    ]);
    expect(resolved.problems.every((p) => p.file === "cfg.json")).to.equal(true);
  });

  describe("from a file", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "stronghold-policy-config-"));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it("locates a problem on its line", async () => {
      const file = path.join(dir, "bad.json");
      await writeFile(
        file,
        '{\n  "backup-vault-locked": {\n    "minRetentionDays": "thirty"\n  }\n}\n',
      );
      const loaded = loadPolicyConfig(file, PACK.policies, "mandatory");
      expect(loaded.ok).to.equal(false);
      if (loaded.ok) return;
      expect(loaded.problems).to.deep.equal([
        {
          file,
          pointer: "/backup-vault-locked/minRetentionDays",
          line: 3,
          message: "must be integer",
        },
      ]);
    });

    it("says when the file is not JSON, or missing", async () => {
      const file = path.join(dir, "broken.json");
      await writeFile(file, "{ nope");
      const broken = loadPolicyConfig(file, PACK.policies, "mandatory");
      expect(!broken.ok && broken.problems[0]!.message).to.match(/is not valid JSON/);
      const missing = loadPolicyConfig(path.join(dir, "absent.json"), PACK.policies, "mandatory");
      expect(!missing.ok && missing.problems[0]!.message).to.be.a("string");
    });
  });
});

describe("the offline evaluator", () => {
  const explode: StackValidationPolicy = {
    name: "explodes",
    description: "A policy that throws.",
    enforcementLevel: "mandatory",
    validateStack: () => {
      throw new Error("boom");
    },
  };

  it("turns a policy that throws into an error outcome and blocks", async () => {
    const result = await checkPolicies({ policies: [explode] }, compliantStack());
    expect(result.outcomes[0]).to.include({ policy: "explodes", status: "error" });
    expect(result.blocked).to.equal(true);
  });

  it("skips a disabled policy and reports an advisory one without blocking", async () => {
    const weak = compliantStack().map((r) =>
      r.name === "offsite-key" ? { ...r, inputs: { ...r.inputs, enableKeyRotation: false } } : r,
    );
    for (const [level, status, blocked] of [
      ["disabled", "disabled", false],
      ["advisory", "violated", false],
      ["remediate", "violated", true],
    ] as const) {
      const resolved = resolvePolicyConfig(PACK.policies, "mandatory", {
        "kms-key-rotation-enabled": level,
      });
      if (!resolved.ok) expect.fail("config");
      const result = await checkPolicies(PACK, weak, { configs: resolved.configs });
      const outcome = result.outcomes.find((o) => o.policy === "kms-key-rotation-enabled")!;
      expect(outcome.status, level).to.equal(status);
      expect(result.blocked, level).to.equal(blocked);
    }
  });

  it("gives stack policies their resources with parents linked", async () => {
    const seen: string[] = [];
    const probe: Policies[number] = {
      name: "probe",
      description: "Looks at parents.",
      validateStack: (args) => {
        for (const r of args.resources) if (r.parent) seen.push(`${r.name} < ${r.parent.name}`);
      },
    };
    const records = compliantStack().map((r) =>
      r.name === "offsite-versioning" ? { ...r, parent: compliantStack()[1]!.urn } : r,
    );
    await checkPolicies({ policies: [probe] }, records);
    expect(seen).to.deep.equal(["offsite-versioning < offsite"]);
  });
});
