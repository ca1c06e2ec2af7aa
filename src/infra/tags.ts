/** The tags every resource carries, and the names of resources whose names others must know. */
import type { StackConfig } from "./config.js";

/** Tag map as AWS resources take it. */
export type Tags = Readonly<Record<string, string>>;

/** The tag keys every taggable resource must carry (the policy pack checks the same list). */
export const REQUIRED_TAG_KEYS = [
  "department",
  "data-classification",
  "managed-by",
  "stack",
] as const;

/** department, data-classification, managed-by and stack, from the stack config. */
export function baseTags(config: StackConfig, stack: string): Tags {
  return {
    department: config.tags.department,
    "data-classification": config.tags.dataClassification,
    "managed-by": "pulumi",
    stack,
  };
}

/** A resource's own tags on top of the base tags; `Name` shows in the AWS console. */
export function tagged(tags: Tags, extra: Readonly<Record<string, string>> = {}): Tags {
  return { ...tags, ...extra };
}

/**
 * A physical name unique per town, stack and purpose (`millbrook-prod-primary`): used where a
 * name must be known before the resource exists, such as the vault the RPO alarm watches.
 */
export function physicalName(town: string, stack: string, purpose: string): string {
  return `${town}-${stack}-${purpose}`;
}
