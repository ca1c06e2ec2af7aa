/**
 * A small stack that passes every policy of the pack, as resource records the offline evaluator
 * takes (the shape mock runs produce). Tests change one thing and watch exactly that policy fail.
 * AWS and the Pulumi engine are not involved: they cannot run here.
 */
import { expect } from "chai";
import type { Policies } from "@pulumi/policy";
import {
  checkPolicies,
  type PolicyCheckResult,
  type ResourceRecord,
} from "../../src/infra/policy-check.js";
import { resolvePolicyConfig } from "../../src/infra/policy-config.js";

export const PRIMARY = "us-east-1";
export const DR = "us-west-2";
const ACCOUNT = "123456789012";

/** The sentinel the engine sends for a string that is unknown during preview. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const TAGS = {
  department: "it",
  "data-classification": "confidential",
  "managed-by": "pulumi",
  stack: "test",
};

/** A mutable record, so a case can change one field. */
export type MutableRecord = {
  -readonly [K in keyof ResourceRecord]: K extends "inputs"
    ? Record<string, unknown>
    : ResourceRecord[K];
};

function record(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<MutableRecord> = {},
): MutableRecord {
  return { type, name, urn: `urn:pulumi:test::stronghold::${type}::${name}`, inputs, ...extra };
}

const bucketPolicy = (bucket: string, role: "backup" | "log") =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...(role === "log"
        ? [
            {
              Sid: "AllowS3ServerAccessLogDelivery",
              Effect: "Allow",
              Principal: { Service: "logging.s3.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: `arn:aws:s3:::${bucket}/*`,
            },
          ]
        : []),
    ],
  });

/** The restic agent's policy: its prefix, delete only under locks/, explicit denies. */
export const agentDocument = (bucket = "millbrook-offsite") => ({
  Version: "2012-10-17",
  Statement: [
    { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
    {
      Sid: "ReadWrite",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: `arn:aws:s3:::${bucket}/restic/*`,
    },
    {
      Sid: "DeleteLocks",
      Effect: "Allow",
      Action: "s3:DeleteObject",
      Resource: `arn:aws:s3:::${bucket}/restic/locks/*`,
    },
    {
      Sid: "UseKey",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
      Resource: `arn:aws:kms:${DR}:${ACCOUNT}:key/1111`,
    },
    {
      Sid: "NeverDestroy",
      Effect: "Deny",
      Action: ["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutBucketPolicy"],
      Resource: "*",
    },
  ],
});

/** Buckets with every sibling a backup (or log) bucket needs. */
function bucketWithSiblings(name: string, id: string, role: "backup" | "log"): MutableRecord[] {
  const bucket = record(
    "aws:s3/bucket:Bucket",
    name,
    { region: DR, tags: TAGS, ...(role === "backup" ? { objectLockEnabled: true } : {}) },
    { id, outputs: { bucket: id, arn: `arn:aws:s3:::${id}` } },
  );
  const common = { region: DR, bucket: id };
  const records = [
    bucket,
    record("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${name}-public-access`, {
      ...common,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    record("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, {
      ...common,
      policy: bucketPolicy(id, role),
    }),
  ];
  if (role === "log") {
    records.push(
      record(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${name}-encryption`,
        { ...common, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      ),
    );
    return records;
  }
  records.push(
    record("aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`, {
      ...common,
      versioningConfiguration: { status: "Enabled" },
    }),
    record(
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      `${name}-object-lock`,
      {
        ...common,
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: "GOVERNANCE", days: 30 } },
      },
    ),
    record(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      `${name}-encryption`,
      {
        ...common,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: `arn:aws:kms:${DR}:${ACCOUNT}:key/1111`,
            },
            bucketKeyEnabled: true,
          },
        ],
      },
    ),
    record("aws:s3/bucketLogging:BucketLogging", `${name}-logging`, {
      ...common,
      targetBucket: "millbrook-logs",
      targetPrefix: `${id}/`,
    }),
  );
  return records;
}

function vault(name: string, region: string): MutableRecord[] {
  const vaultName = `millbrook-${name}`;
  return [
    record(
      "aws:backup/vault:Vault",
      `${name}-vault`,
      {
        region,
        name: vaultName,
        kmsKeyArn: `arn:aws:kms:${region}:${ACCOUNT}:key/2222`,
        tags: TAGS,
      },
      {
        id: vaultName,
        outputs: { arn: `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${vaultName}` },
      },
    ),
    record("aws:backup/vaultLockConfiguration:VaultLockConfiguration", `${name}-vault-lock`, {
      region,
      backupVaultName: vaultName,
      minRetentionDays: 7,
      maxRetentionDays: 3650,
    }),
  ];
}

/** A stack that passes every policy with the default configuration. */
/** Types the program registers with protect: true (backup-storage-protected). */
const PROTECTED_TYPES = new Set([
  "aws:kms/key:Key",
  "aws:backup/vault:Vault",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
]);

export function compliantStack(): MutableRecord[] {
  return compliantRecords().map((r) =>
    PROTECTED_TYPES.has(r.type) || (r.type === "aws:s3/bucket:Bucket" && r.name === "offsite")
      ? { ...r, protect: true }
      : r,
  );
}

function compliantRecords(): MutableRecord[] {
  return [
    record("aws:kms/key:Key", "offsite-key", {
      region: DR,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: TAGS,
    }),
    ...bucketWithSiblings("offsite", "millbrook-offsite", "backup"),
    ...bucketWithSiblings("logs", "millbrook-logs", "log"),
    ...vault("primary", PRIMARY),
    ...vault("dr", DR),
    record("aws:backup/plan:Plan", "daily-plan", {
      region: PRIMARY,
      name: "millbrook-daily",
      rules: [
        {
          ruleName: "daily",
          targetVaultName: "millbrook-primary",
          schedule: "cron(0 5 * * ? *)",
          lifecycle: { deleteAfter: 35 },
          copyActions: [
            {
              destinationVaultArn: `arn:aws:backup:${DR}:${ACCOUNT}:backup-vault:millbrook-dr`,
              lifecycle: { deleteAfter: 35 },
            },
          ],
        },
      ],
      tags: TAGS,
    }),
    record("aws:iam/user:User", "restic-agent", { name: "millbrook-restic", tags: TAGS }),
    record("aws:iam/policy:Policy", "restic-agent-policy", {
      policy: JSON.stringify(agentDocument()),
      tags: TAGS,
    }),
    record("aws:ec2/vpc:Vpc", "dr-vpc", { region: DR, cidrBlock: "10.60.0.0/16", tags: TAGS }),
  ];
}

/** The record named `name`; a test typo fails loudly. */
export function named(records: readonly MutableRecord[], name: string): MutableRecord {
  const found = records.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no record named ${name}`);
  return found;
}

/** Removes the record named `name`. */
export function without(records: MutableRecord[], name: string): void {
  records.splice(records.indexOf(named(records, name)), 1);
}

/** One table row: a change to the compliant stack and what the policy must say about it. */
export interface PolicyCase {
  readonly name: string;
  readonly change?: (records: MutableRecord[]) => void;
  /** The policy's configuration (as in a --policy-pack-config file). */
  readonly config?: Record<string, unknown>;
  /** "pass", "not-applicable", or the violation messages expected (each a regex or substring). */
  readonly expect: "pass" | "not-applicable" | readonly (string | RegExp)[];
  /** Expect an advisory "can't run during preview" instead of a verdict. */
  readonly advisory?: boolean;
}

/** Runs one policy over `records` with CrossGuard's arguments, offline. */
export async function runPolicy(
  policy: Policies[number],
  records: readonly ResourceRecord[],
  config?: Record<string, unknown>,
): Promise<PolicyCheckResult> {
  const resolved = resolvePolicyConfig(
    [policy],
    "mandatory",
    config === undefined ? {} : { [policy.name]: config },
  );
  if (!resolved.ok)
    throw new Error(resolved.problems.map((p) => `${p.pointer} ${p.message}`).join("; "));
  return checkPolicies({ policies: [policy], enforcementLevel: "mandatory" }, records, {
    configs: resolved.configs,
  });
}

/** Defines one `it` per case: the compliant stack with the case's change, through the policy. */
export function policyCases(policy: Policies[number], cases: readonly PolicyCase[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      const records = compliantStack();
      c.change?.(records);
      const result = await runPolicy(policy, records, c.config);
      const [outcome] = result.outcomes;
      if (outcome?.status === "error")
        expect.fail(`policy threw: ${JSON.stringify(outcome.errors)}`);
      if (c.expect === "not-applicable") {
        expect(outcome?.status).to.equal("not-applicable");
        return;
      }
      const advisory = result.violations.filter((v) => v.enforcementLevel === "advisory");
      const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
      if (c.advisory) {
        expect(advisory, "an advisory can't-run note").to.have.length.greaterThan(0);
        expect(advisory[0]!.message).to.match(/can't run policy .* during preview/);
      } else {
        expect(advisory, JSON.stringify(advisory)).to.deep.equal([]);
      }
      if (c.expect === "pass") {
        expect(mandatory.map((v) => v.message)).to.deep.equal([]);
        expect(outcome?.status).to.equal(c.advisory ? "violated" : "passed");
        return;
      }
      const messages = mandatory.map((v) => v.message);
      expect(messages, messages.join("\n")).to.have.length(c.expect.length);
      c.expect.forEach((expected, i) => {
        if (typeof expected === "string") expect(messages[i]).to.include(expected);
        else expect(messages[i]).to.match(expected);
      });
      for (const violation of mandatory)
        expect(violation.urn, "violations name a resource").to.be.a("string");
    });
  }
}
