// The settings lines `stronghold infra plan` shows per resource type, from inputs alone.
import { expect } from "chai";
import { keySettings, nameLookup } from "../../src/infra/plan-settings.js";
import type { ResourceRecord } from "../../src/infra/policy-check.js";

const record = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  id?: string,
): ResourceRecord => ({
  type,
  name,
  urn: `urn:pulumi:test::p::${type}::${name}`,
  inputs,
  ...(id === undefined ? {} : { id }),
});

const bucket = record(
  "aws:s3/bucket:Bucket",
  "offsite-bucket",
  { objectLockEnabled: true },
  "offsite-bucket-1a2b",
);
const key = record(
  "aws:kms/key:Key",
  "offsite-key",
  { enableKeyRotation: true, rotationPeriodInDays: 180 },
  "1111-2222",
);
const nameOf = nameLookup([bucket, key]);
const settings = (r: ResourceRecord) => keySettings(r, nameOf);

describe("plan settings", () => {
  const cases: [string, ResourceRecord, string[]][] = [
    ["a locked bucket", bucket, ["Object Lock enabled"]],
    ["a key rotating every 180 days", key, ["rotation on, every 180 days"]],
    ["a key without rotation", record("aws:kms/key:Key", "k", {}), ["rotation OFF"]],
    [
      "encryption with our key, by ARN",
      record(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "e",
        {
          bucket: "offsite-bucket-1a2b",
          rules: [
            {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: "arn:aws:kms:us-west-2:123456789012:key/1111-2222",
              },
              bucketKeyEnabled: true,
            },
          ],
        },
      ),
      ["encryption aws:kms key offsite-key, bucket key on offsite-bucket"],
    ],
    [
      "public access half blocked",
      record("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "p", {
        bucket: "offsite-bucket-1a2b",
        blockPublicAcls: true,
        ignorePublicAcls: true,
      }),
      ["public access NOT blocked: blockPublicPolicy, restrictPublicBuckets on offsite-bucket"],
    ],
    [
      "a governance-mode vault lock",
      record("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "l", {
        backupVaultName: "v",
        minRetentionDays: 1,
        maxRetentionDays: 90,
      }),
      ["vault lock on v: min 1 day, max 90 days, governance mode"],
    ],
    [
      "a backup rule without a copy",
      record("aws:backup/plan:Plan", "plan", {
        rules: [{ ruleName: "daily", schedule: "cron(0 7 * * ? *)", targetVaultName: "v" }],
      }),
      ["rule daily: cron(0 7 * * ? *) into v → NO copy"],
    ],
    [
      "an agent policy, objects named by bucket",
      record("aws:iam/policy:Policy", "agent", {
        policy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Action: "s3:DeleteObject",
              Resource: "arn:aws:s3:::offsite-bucket-1a2b/restic/locks/*",
            },
          ],
        }),
      }),
      ["allow s3:DeleteObject on offsite-bucket/restic/locks/*"],
    ],
    [
      "a security group rule",
      record("aws:ec2/securityGroup:SecurityGroup", "sg", {
        ingress: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["10.20.0.0/16"] }],
      }),
      ["in: tcp 3389 with 10.20.0.0/16"],
    ],
    [
      "security group rules over UDP, a port range, ICMP and all traffic",
      record("aws:ec2/securityGroup:SecurityGroup", "sg", {
        ingress: [
          { protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: ["10.20.0.0/16"] },
          { protocol: "tcp", fromPort: 49152, toPort: 65535, cidrBlocks: ["10.20.0.0/16"] },
          { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["10.20.0.0/16"] },
        ],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.90.0.0/16"] }],
      }),
      [
        "in: udp 53 with 10.20.0.0/16",
        "in: tcp 49152-65535 with 10.20.0.0/16",
        "in: icmp with 10.20.0.0/16",
        "out: all traffic with 10.90.0.0/16",
      ],
    ],
    ["a type without settings", record("aws:sns/topic:Topic", "t", { name: "x" }), []],
  ];
  for (const [name, r, expected] of cases) {
    it(name, () => expect(settings(r)).to.deep.equal(expected));
  }
});
