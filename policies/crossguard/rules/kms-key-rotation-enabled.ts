/** The keys that protect the backups rotate their key material. */
import * as aws from "@pulumi/aws";
import {
  validateResourceOfType,
  type PolicyConfigSchema,
  type ResourceValidationPolicy,
} from "@pulumi/policy";
import { configOf } from "../lib/config.js";

/** Configuration of kms-key-rotation-enabled. */
export interface KeyRotationConfig {
  readonly maxRotationPeriodDays: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    maxRotationPeriodDays: {
      type: "integer",
      minimum: 90,
      maximum: 2560,
      default: 365,
      description: "The longest rotationPeriodInDays a key may set (KMS allows 90 to 2560).",
    },
  },
};

/** Resource policy over each aws.kms.Key. */
export const kmsKeyRotationEnabled: ResourceValidationPolicy = {
  name: "kms-key-rotation-enabled",
  description:
    "Symmetric customer-managed KMS keys have automatic rotation on (enableKeyRotation: true) with a rotation period no longer than the configured maximum.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
    const config = configOf<KeyRotationConfig>(configSchema, args);
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    const usage = key.keyUsage ?? "ENCRYPT_DECRYPT";
    if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") {
      args.notApplicable(
        `KMS rotates only symmetric encryption keys; this key is ${spec}/${usage}`,
      );
    }
    if (key.enableKeyRotation !== true) {
      reportViolation("enableKeyRotation is not true; set it so the key material rotates");
    }
    const period = key.rotationPeriodInDays;
    if (period !== undefined && period > config.maxRotationPeriodDays) {
      reportViolation(
        `rotationPeriodInDays is ${period}; at most ${config.maxRotationPeriodDays} allowed`,
      );
    }
  }),
};
