// The bucket rules of the CrossGuard pack, offline: AWS and the Pulumi engine are not involved
// (they cannot run here); each case changes the compliant stack and runs the policy with the
// arguments CrossGuard builds.
import { s3BucketAccessLogging } from "../../policies/crossguard/rules/s3-bucket-access-logging.js";
import { s3BucketKmsEncryption } from "../../policies/crossguard/rules/s3-bucket-kms-encryption.js";
import { s3BucketObjectLockEnabled } from "../../policies/crossguard/rules/s3-bucket-object-lock-enabled.js";
import { s3BucketPublicAccessBlocked } from "../../policies/crossguard/rules/s3-bucket-public-access-blocked.js";
import { s3BucketTlsOnly } from "../../policies/crossguard/rules/s3-bucket-tls-only.js";
import { s3BucketVersioningEnabled } from "../../policies/crossguard/rules/s3-bucket-versioning-enabled.js";
import {
  named,
  policyCases,
  UNKNOWN_STRING,
  without,
  type MutableRecord,
} from "./policy-fixtures.js";

const BUCKET = 'aws:s3/bucket:Bucket "offsite"';

/** Preview of a new stack: the bucket's id is unknown, so siblings name it only by dependency. */
function previewOfNewStack(records: MutableRecord[]): void {
  const bucket = named(records, "offsite");
  bucket.id = undefined;
  bucket.outputs = { bucket: "millbrook-offsite" };
  for (const r of records) {
    if (r.inputs.bucket === "millbrook-offsite") {
      r.inputs.bucket = UNKNOWN_STRING;
      r.propertyDependencies = { bucket: [bucket.urn] };
    }
  }
}

describe("s3-bucket-versioning-enabled", () => {
  policyCases(s3BucketVersioningEnabled, [
    { name: "versioning Enabled", expect: "pass" },
    {
      name: "versioning Suspended",
      change: (s) => {
        named(s, "offsite-versioning").inputs.versioningConfiguration = { status: "Suspended" };
      },
      expect: [
        `${BUCKET}: versioning "offsite-versioning" has versioningConfiguration.status "Suspended"`,
      ],
    },
    {
      name: "no BucketVersioning",
      change: (s) => without(s, "offsite-versioning"),
      expect: [`${BUCKET}: no aws.s3.BucketVersioning`],
    },
    {
      name: "versioning of another bucket does not count",
      change: (s) => {
        named(s, "offsite-versioning").inputs.bucket = "someone-elses-bucket";
      },
      expect: ["no aws.s3.BucketVersioning"],
    },
    {
      name: "the log bucket needs no versioning",
      change: (s) => {
        named(s, "offsite-versioning").inputs.bucket = "millbrook-logs";
        without(s, "offsite");
      },
      expect: "not-applicable",
    },
    {
      name: "preview: bucket id unknown, found by dependency",
      change: previewOfNewStack,
      expect: "pass",
    },
    {
      name: "preview: the versioning's bucket unknown and no dependency recorded",
      change: (s) => {
        previewOfNewStack(s);
        named(s, "offsite-versioning").propertyDependencies = {};
      },
      expect: "pass",
      advisory: true,
    },
    {
      name: "no buckets at all",
      change: (s) => s.splice(0, s.length, ...s.filter((r) => !r.type.startsWith("aws:s3/"))),
      expect: "not-applicable",
    },
  ]);
});

describe("s3-bucket-object-lock-enabled", () => {
  const retention = (s: MutableRecord[], value: Record<string, unknown>) => {
    named(s, "offsite-object-lock").inputs.rule = { defaultRetention: value };
  };
  policyCases(s3BucketObjectLockEnabled, [
    { name: "GOVERNANCE, 30 days", expect: "pass" },
    {
      name: "COMPLIANCE, 1 year",
      change: (s) => retention(s, { mode: "COMPLIANCE", years: 1 }),
      expect: "pass",
    },
    {
      name: "bucket created without Object Lock",
      change: (s) => {
        delete named(s, "offsite").inputs.objectLockEnabled;
      },
      expect: [`${BUCKET}: objectLockEnabled is not true`],
    },
    {
      name: "no lock configuration",
      change: (s) => without(s, "offsite-object-lock"),
      expect: ["no aws.s3.BucketObjectLockConfiguration for this bucket"],
    },
    {
      name: "no default retention",
      change: (s) => {
        delete named(s, "offsite-object-lock").inputs.rule;
      },
      expect: ["has no rule.defaultRetention"],
    },
    {
      name: "30 days, but the floor is 90",
      config: { minRetentionDays: 90 },
      expect: [
        'lock configuration "offsite-object-lock" retains objects for 30 day(s); at least 90 required',
      ],
    },
    {
      name: "GOVERNANCE where only COMPLIANCE is allowed",
      config: { allowedModes: ["COMPLIANCE"] },
      expect: ['has rule.defaultRetention.mode "GOVERNANCE"; expected COMPLIANCE'],
    },
    {
      name: "lock configuration disabled",
      change: (s) => {
        named(s, "offsite-object-lock").inputs.objectLockEnabled = "Disabled";
      },
      expect: ['has objectLockEnabled "Disabled"; expected "Enabled"'],
    },
    {
      name: "the log bucket needs no lock (S3 refuses default retention on log targets)",
      change: (s) => without(s, "offsite"),
      expect: "not-applicable",
    },
  ]);
});

describe("s3-bucket-kms-encryption", () => {
  const rule = (s: MutableRecord[]) =>
    (named(s, "offsite-encryption").inputs.rules as Record<string, unknown>[])[0]!;
  policyCases(s3BucketKmsEncryption, [
    { name: "SSE-KMS with the town's key and a bucket key", expect: "pass" },
    {
      name: "SSE-S3",
      change: (s) => {
        rule(s).applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" };
      },
      expect: ['uses sseAlgorithm "AES256"; expected aws:kms'],
    },
    {
      name: "the AWS-managed aws/s3 key",
      change: (s) => {
        rule(s).applyServerSideEncryptionByDefault = {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: "alias/aws/s3",
        };
      },
      expect: ["uses the AWS-managed key alias/aws/s3"],
    },
    {
      name: "aws:kms without a key id",
      change: (s) => {
        rule(s).applyServerSideEncryptionByDefault = { sseAlgorithm: "aws:kms" };
      },
      expect: ["sets no kmsMasterKeyId"],
    },
    {
      name: "no bucket key",
      change: (s) => {
        rule(s).bucketKeyEnabled = false;
      },
      expect: ["does not set bucketKeyEnabled: true"],
    },
    {
      name: "no bucket key, allowed by config",
      change: (s) => {
        delete rule(s).bucketKeyEnabled;
      },
      config: { requireBucketKey: false },
      expect: "pass",
    },
    {
      name: "no encryption configuration",
      change: (s) => without(s, "offsite-encryption"),
      expect: ["no aws.s3.BucketServerSideEncryptionConfiguration"],
    },
    {
      name: "preview: key ARN unknown, but it is a key of this stack",
      change: (s) => {
        rule(s).applyServerSideEncryptionByDefault = {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: UNKNOWN_STRING,
        };
        named(s, "offsite-encryption").propertyDependencies = {
          rules: [named(s, "offsite-key").urn],
        };
      },
      expect: "pass",
    },
    {
      name: "preview: key ARN unknown and from outside the stack",
      change: (s) => {
        rule(s).applyServerSideEncryptionByDefault = {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: UNKNOWN_STRING,
        };
      },
      expect: "pass",
      advisory: true,
    },
    {
      name: "the SSE-S3 log bucket is not an offsite backup bucket",
      change: (s) => without(s, "offsite"),
      expect: "not-applicable",
    },
  ]);
});

describe("s3-bucket-public-access-blocked", () => {
  policyCases(s3BucketPublicAccessBlocked, [
    { name: "all four blocks on both buckets", expect: "pass" },
    {
      name: "public policies allowed on the offsite bucket",
      change: (s) => {
        named(s, "offsite-public-access").inputs.blockPublicPolicy = false;
        delete named(s, "offsite-public-access").inputs.restrictPublicBuckets;
      },
      expect: [
        `${BUCKET}: public access block "offsite-public-access" does not set blockPublicPolicy, restrictPublicBuckets to true`,
      ],
    },
    {
      name: "the log bucket without a public access block",
      change: (s) => without(s, "logs-public-access"),
      expect: ['aws:s3/bucket:Bucket "logs": no aws.s3.BucketPublicAccessBlock'],
    },
  ]);
});

describe("s3-bucket-tls-only", () => {
  const policyOf = (s: MutableRecord[]) => named(s, "offsite-policy").inputs;
  const statement = (overrides: Record<string, unknown>) =>
    JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::millbrook-offsite", "arn:aws:s3:::millbrook-offsite/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
          ...overrides,
        },
      ],
    });
  policyCases(s3BucketTlsOnly, [
    { name: "denies non-TLS access to bucket and objects", expect: "pass" },
    {
      name: "the policy as an object, with Principal { AWS: * } and a boolean false",
      change: (s) => {
        policyOf(s).policy = JSON.parse(
          statement({
            Principal: { AWS: "*" },
            Condition: { Bool: { "aws:SecureTransport": false } },
          }),
        ) as unknown;
      },
      expect: "pass",
    },
    {
      name: "objects only",
      change: (s) => {
        policyOf(s).policy = statement({ Resource: "arn:aws:s3:::millbrook-offsite/*" });
      },
      expect: ["has no statement denying s3:* on the bucket and bucket/*"],
    },
    {
      name: "GetObject only",
      change: (s) => {
        policyOf(s).policy = statement({ Action: "s3:GetObject" });
      },
      expect: ["has no statement denying"],
    },
    {
      name: "Allow instead of Deny",
      change: (s) => {
        policyOf(s).policy = statement({ Effect: "Allow" });
      },
      expect: ["has no statement denying"],
    },
    {
      name: "SecureTransport true",
      change: (s) => {
        policyOf(s).policy = statement({ Condition: { Bool: { "aws:SecureTransport": "true" } } });
      },
      expect: ["has no statement denying"],
    },
    {
      name: "not JSON",
      change: (s) => {
        policyOf(s).policy = "{ Statement: [";
      },
      expect: [/bucket policy "offsite-policy": the policy is not valid JSON/],
    },
    {
      name: "no bucket policy on the log bucket",
      change: (s) => without(s, "logs-policy"),
      expect: ['aws:s3/bucket:Bucket "logs": no aws.s3.BucketPolicy'],
    },
    {
      name: "preview: the policy text is unknown",
      change: (s) => {
        policyOf(s).policy = UNKNOWN_STRING;
      },
      expect: "pass",
      advisory: true,
    },
  ]);
});

describe("s3-bucket-access-logging", () => {
  policyCases(s3BucketAccessLogging, [
    { name: "logs to the log bucket", expect: "pass" },
    {
      name: "no logging: the orphaned log bucket counts as a backup bucket too (strict, no switch)",
      change: (s) => without(s, "offsite-logging"),
      expect: [
        `${BUCKET}: no aws.s3.BucketLogging`,
        'aws:s3/bucket:Bucket "logs": no aws.s3.BucketLogging',
      ],
    },
    {
      name: "defeat: a log-delivery Allow in the backup bucket's policy does not make it a log bucket",
      change: (s) => {
        without(s, "offsite-logging");
        const policy = named(s, "offsite-policy");
        const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: unknown[] };
        doc.Statement.push({
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::millbrook-offsite/*",
        });
        policy.inputs.policy = JSON.stringify(doc);
      },
      expect: [
        `${BUCKET}: no aws.s3.BucketLogging`,
        'aws:s3/bucket:Bucket "logs": no aws.s3.BucketLogging',
      ],
    },
    {
      name: "defeat: pointing a logging configuration at the Object Lock bucket does not exempt it",
      change: (s) => {
        const logging = named(s, "offsite-logging");
        without(s, "offsite-logging");
        s.push({
          ...logging,
          name: "logs-logging",
          urn: logging.urn.replace("offsite-logging", "logs-logging"),
          inputs: {
            ...logging.inputs,
            bucket: "millbrook-logs",
            targetBucket: "millbrook-offsite",
          },
        });
      },
      expect: [`${BUCKET}: no aws.s3.BucketLogging`],
    },
    {
      name: "logs into itself",
      change: (s) => {
        named(s, "offsite-logging").inputs.targetBucket = "millbrook-offsite";
      },
      expect: [
        'logging "offsite-logging" writes the bucket\'s access logs into the bucket itself',
        'aws:s3/bucket:Bucket "logs": no aws.s3.BucketLogging',
      ],
    },
  ]);
});
