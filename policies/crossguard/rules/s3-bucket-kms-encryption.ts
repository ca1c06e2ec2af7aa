/** Offsite backup buckets encrypt with the town's own KMS key, through an S3 bucket key. */
import * as aws from "@pulumi/aws";
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { missingSibling } from "../lib/buckets.js";
import { validateBuckets } from "../lib/bucket-policy.js";
import { configOf } from "../lib/config.js";
import { tryRead } from "../lib/known.js";
import { asList, isRecord, nonEmptyString, prop } from "../lib/values.js";

/** Configuration of s3-bucket-kms-encryption. */
export interface KmsEncryptionConfig {
  readonly requireBucketKey: boolean;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireBucketKey: {
      type: "boolean",
      default: true,
      description: "Require bucketKeyEnabled (far fewer KMS requests, so lower cost).",
    },
  },
};

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];
const KMS_KEY_TYPE = "aws:kms/key:Key";

/** Stack policy over each offsite backup bucket and its encryption configuration. */
export const s3BucketKmsEncryption: StackValidationPolicy = {
  name: "s3-bucket-kms-encryption",
  description:
    "Offsite backup buckets encrypt by default with SSE-KMS under a customer-managed KMS key (not an aws/ alias) and an S3 bucket key: an aws.s3.BucketServerSideEncryptionConfiguration.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: validateBuckets("backup", ({ bucket, index, unknowns, report, args }) => {
    const config = configOf<KmsEncryptionConfig>(configSchema, args);
    const lookup = index.siblingsOf(bucket, aws.s3.BucketServerSideEncryptionConfiguration);
    missingSibling(lookup, unknowns, () =>
      report(
        "no aws.s3.BucketServerSideEncryptionConfiguration for this bucket; add one with sseAlgorithm aws:kms and a customer-managed key",
      ),
    );
    for (const sse of lookup.found) {
      const where = `encryption configuration "${sse.name}"`;
      // A key created in this stack is a customer-managed key even while its ARN is unknown.
      const keyInStack = (sse.propertyDependencies.rules ?? []).some(
        (d) => d.type === KMS_KEY_TYPE,
      );
      const rules = unknowns.read(() =>
        asList(prop(sse, "rules")).map((rule) => {
          const byDefault = isRecord(rule) ? rule.applyServerSideEncryptionByDefault : undefined;
          return {
            algorithm: isRecord(byDefault) ? byDefault.sseAlgorithm : undefined,
            bucketKey: isRecord(rule) ? rule.bucketKeyEnabled : undefined,
            key: tryRead(() =>
              isRecord(byDefault) ? nonEmptyString(byDefault.kmsMasterKeyId) : undefined,
            ),
          };
        }),
      );
      if (!rules.known) continue;
      const kmsRules = rules.value.filter((r) => KMS_ALGORITHMS.includes(String(r.algorithm)));
      if (kmsRules.length === 0) {
        const found = rules.value.map((r) => JSON.stringify(r.algorithm)).join(", ") || "none";
        report(`${where} uses sseAlgorithm ${found}; expected aws:kms with a customer-managed key`);
        continue;
      }
      for (const rule of kmsRules) {
        if (!rule.key.known) {
          if (!keyInStack) unknowns.note(rule.key.error);
        } else if (rule.key.value === undefined) {
          report(`${where} sets no kmsMasterKeyId, so S3 would use the AWS-managed aws/s3 key`);
        } else if (/^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\//.test(rule.key.value)) {
          report(
            `${where} uses the AWS-managed key ${rule.key.value}; expected a customer-managed key`,
          );
        }
        if (config.requireBucketKey && rule.bucketKey !== true) {
          report(`${where} does not set bucketKeyEnabled: true`);
        }
      }
    }
  }),
};
