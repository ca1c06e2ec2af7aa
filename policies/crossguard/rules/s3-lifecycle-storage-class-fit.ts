/**
 * Lifecycle steps that cost more than they save, or data a restore cannot get back in time: every
 * transition of an S3 lifecycle rule stays in its class at least that class's minimum storage
 * duration before the next step or the expiry, and (with rtoHours configured) no transition goes
 * to a class whose retrieval takes longer than the recovery time objective.
 */
import * as aws from "@pulumi/aws";
import {
  validateResourceOfType,
  type PolicyConfigSchema,
  type ResourceValidationPolicy,
} from "@pulumi/policy";
import { configOf } from "../lib/config.js";
import { asList, isRecord } from "../lib/values.js";

/** Minimum storage duration per class, in days ("Amazon S3 pricing"; objects leaving earlier are billed the rest). */
export const MINIMUM_DAYS: Readonly<Record<string, number>> = {
  STANDARD_IA: 30,
  ONEZONE_IA: 30,
  GLACIER_IR: 90,
  GLACIER: 90,
  DEEP_ARCHIVE: 180,
};

/** Hours before a standard retrieval of an archived object can be read ("Restoring an archived object"). */
export const RETRIEVAL_HOURS: Readonly<Record<string, number>> = {
  GLACIER: 5,
  DEEP_ARCHIVE: 12,
};

/** Configuration of s3-lifecycle-storage-class-fit. */
export interface StorageClassFitConfig {
  readonly rtoHours?: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    rtoHours: {
      type: "integer",
      minimum: 1,
      description:
        "The stack's recovery time objective: no transition to a class whose standard retrieval takes longer. Absent: not checked.",
    },
  },
};

interface Step {
  readonly days: number;
  readonly storageClass: string;
}

/** The steps of one direction (current or noncurrent) and the day data leaves the last one. */
function steps(
  transitions: unknown,
  daysKey: string,
  expiry: unknown,
): { steps: Step[]; end?: number } {
  const list = asList(transitions)
    .filter(isRecord)
    .map((t) => ({ days: Number(t[daysKey] ?? 0), storageClass: String(t.storageClass) }))
    .sort((a, b) => a.days - b.days);
  const end = isRecord(expiry) && typeof expiry[daysKey] === "number" ? expiry[daysKey] : undefined;
  return end === undefined ? { steps: list } : { steps: list, end };
}

/** Resource policy over each aws.s3.BucketLifecycleConfiguration. */
export const s3LifecycleStorageClassFit: ResourceValidationPolicy = {
  name: "s3-lifecycle-storage-class-fit",
  description:
    "Each S3 lifecycle transition keeps data in its class at least the class's minimum storage duration (Glacier Instant Retrieval and Flexible Retrieval 90 days, Deep Archive 180, the IA classes 30) before the next transition or the expiry, and, when rtoHours is configured, goes to no class whose standard retrieval (Flexible Retrieval 5 hours, Deep Archive 12) exceeds it.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: validateResourceOfType(
    aws.s3.BucketLifecycleConfiguration,
    (lifecycle, args, reportViolation) => {
      const config = configOf<StorageClassFitConfig>(configSchema, args);
      for (const rule of asList(lifecycle.rules).filter(isRecord)) {
        if (rule.status !== "Enabled") continue;
        const id = typeof rule.id === "string" ? rule.id : "(no id)";
        for (const [which, found] of [
          ["current", steps(rule.transitions, "days", rule.expiration)],
          [
            "noncurrent",
            steps(
              rule.noncurrentVersionTransitions,
              "noncurrentDays",
              rule.noncurrentVersionExpiration,
            ),
          ],
        ] as const) {
          found.steps.forEach((step, i) => {
            const leaves = found.steps[i + 1]?.days ?? found.end;
            const minimum = MINIMUM_DAYS[step.storageClass];
            if (minimum !== undefined && leaves !== undefined && leaves - step.days < minimum) {
              reportViolation(
                `rule "${id}" moves ${which} data to ${step.storageClass} at day ${step.days} and out at day ${leaves}: ${leaves - step.days} days, under the class's ${minimum}-day minimum storage duration (an early-deletion fee on every object)`,
              );
            }
            const retrieval = RETRIEVAL_HOURS[step.storageClass];
            if (
              config.rtoHours !== undefined &&
              retrieval !== undefined &&
              retrieval > config.rtoHours
            ) {
              reportViolation(
                `rule "${id}" moves ${which} data to ${step.storageClass}, whose standard retrieval takes ${retrieval} hours, over the ${config.rtoHours}-hour RTO`,
              );
            }
          });
        }
      }
    },
  ),
};
