/**
 * Offsite backup buckets are immutable: Object Lock with a default retention — except the buckets
 * the pack's configuration names as per-object (Veeam's, which sets each object's retention and
 * documents that a default retention on its bucket causes data loss). The list lives in the pack
 * configuration, outside the program, so the program cannot exempt a bucket by itself.
 */
import * as aws from "@pulumi/aws";
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { missingSibling } from "../lib/buckets.js";
import { validateBuckets } from "../lib/bucket-policy.js";
import { configOf } from "../lib/config.js";
import { isRecord, prop } from "../lib/values.js";

/** Configuration of s3-bucket-object-lock-enabled. */
export interface ObjectLockConfig {
  readonly minRetentionDays: number;
  readonly allowedModes: readonly ("GOVERNANCE" | "COMPLIANCE")[];
  readonly perObjectRetentionBuckets: readonly string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      default: 1,
      description:
        "The shortest default retention (days; years count as 365 days) a bucket may have.",
    },
    allowedModes: {
      type: "array",
      items: { type: "string", enum: ["GOVERNANCE", "COMPLIANCE"] },
      minItems: 1,
      uniqueItems: true,
      default: ["GOVERNANCE", "COMPLIANCE"],
      description:
        "Object Lock modes a bucket may use; production stacks may insist on COMPLIANCE.",
    },
    perObjectRetentionBuckets: {
      type: "array",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
      default: ["offsite-veeam", "offsite-account-replica-veeam"],
      description:
        "Logical names of buckets whose client sets each object's retention itself (Veeam, and the replica of Veeam's bucket, whose versions arrive with the retention Veeam set): Object Lock must be on, a default retention is not required.",
    },
  },
};

/** Stack policy over each offsite backup bucket and its Object Lock configuration. */
export const s3BucketObjectLockEnabled: StackValidationPolicy = {
  name: "s3-bucket-object-lock-enabled",
  description:
    "Offsite backup buckets have Object Lock enabled (objectLockEnabled on aws.s3.Bucket) and an aws.s3.BucketObjectLockConfiguration whose default retention meets the configured mode and minimum days.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: validateBuckets("backup", ({ bucket, index, unknowns, report, args }) => {
    const config = configOf<ObjectLockConfig>(configSchema, args);
    const enabled = unknowns.read(() => prop(bucket, "objectLockEnabled"));
    if (enabled.known && enabled.value !== true) {
      report(
        "objectLockEnabled is not true; Object Lock can only be turned on when the bucket is created",
      );
    }
    const lookup = index.siblingsOf(bucket, aws.s3.BucketObjectLockConfiguration);
    missingSibling(lookup, unknowns, () =>
      report(
        `no aws.s3.BucketObjectLockConfiguration for this bucket; add one with a default retention of at least ${config.minRetentionDays} day(s)`,
      ),
    );
    for (const lock of lookup.found) {
      const setting = unknowns.read(() => {
        const rule = prop(lock, "rule");
        const retention = isRecord(rule) ? rule.defaultRetention : undefined;
        return {
          state: prop(lock, "objectLockEnabled"),
          mode: isRecord(retention) ? retention.mode : undefined,
          days: isRecord(retention) ? retention.days : undefined,
          years: isRecord(retention) ? retention.years : undefined,
        };
      });
      if (!setting.known) continue;
      const { state, mode, days, years } = setting.value;
      const where = `lock configuration "${lock.name}"`;
      if (state !== undefined && state !== "Enabled") {
        report(`${where} has objectLockEnabled ${JSON.stringify(state)}; expected "Enabled"`);
      }
      if (mode === undefined && days === undefined && years === undefined) {
        if (config.perObjectRetentionBuckets.includes(bucket.name)) continue;
        report(`${where} has no rule.defaultRetention; new objects would not be locked`);
        continue;
      }
      if (!(config.allowedModes as readonly unknown[]).includes(mode)) {
        report(
          `${where} has rule.defaultRetention.mode ${JSON.stringify(mode)}; expected ${config.allowedModes.join(" or ")}`,
        );
      }
      const retentionDays =
        typeof days === "number" ? days : typeof years === "number" ? years * 365 : undefined;
      if (retentionDays === undefined || retentionDays < config.minRetentionDays) {
        report(
          `${where} retains objects for ${retentionDays ?? "no"} day(s); at least ${config.minRetentionDays} required`,
        );
      }
    }
  }),
};
