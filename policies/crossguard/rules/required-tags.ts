/** Every taggable resource says who owns it, how sensitive it is, what manages it and which stack. */
import type {
  PolicyConfigSchema,
  ResourceValidation,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import taggableTypes from "../data/aws-taggable-types.json" with { type: "json" };
import { configOf } from "../lib/config.js";
import { tryRead } from "../lib/known.js";
import { isRecord, prop } from "../lib/values.js";

/** Configuration of required-tags. */
export interface RequiredTagsConfig {
  readonly requiredTags: readonly string[];
}

/** The tags the town puts on everything it runs in AWS. */
export const DEFAULT_REQUIRED_TAGS = ["department", "data-classification", "managed-by", "stack"];

const configSchema: PolicyConfigSchema = {
  properties: {
    requiredTags: {
      type: "array",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
      default: DEFAULT_REQUIRED_TAGS,
      description: "Tag keys every taggable resource must carry with a non-empty value.",
    },
  },
};

const TAGGABLE: ReadonlySet<string> = new Set(taggableTypes);

/** A copy of a tags-like map (empty when absent), or the unknown-value error met reading it. */
function tagMap(read: () => unknown): Record<string, unknown> | Error {
  const value = tryRead(() => {
    const tags = read();
    return isRecord(tags) ? { ...tags } : {};
  });
  return value.known ? value.value : value.error;
}

const validate: ResourceValidation = (args, reportViolation) => {
  if (!TAGGABLE.has(args.type)) args.notApplicable("the resource type takes no tags");
  const config = configOf<RequiredTagsConfig>(configSchema, args);
  const provider = args.provider;
  // The provider's defaultTags apply to every resource; tagsAll is their merge, where known.
  const sources = [
    provider === undefined
      ? {}
      : tagMap(() => {
          const setting = prop(provider, "defaultTags");
          return isRecord(setting) ? setting.tags : undefined;
        }),
    tagMap(() => prop(args, "tagsAll")),
    tagMap(() => prop(args, "tags")),
  ];
  const tags = Object.assign({}, ...sources.filter((s) => !(s instanceof Error))) as Record<
    string,
    unknown
  >;
  const missing = config.requiredTags.filter((key) => {
    const value = tags[key];
    return typeof value !== "string" || value.trim() === "";
  });
  if (missing.length === 0) return;
  // A tag map unknown in preview may hold the missing tags: let CrossGuard say it could not tell.
  const unknown = sources.find((s) => s instanceof Error);
  if (unknown !== undefined) throw unknown;
  reportViolation(
    `missing tag(s) ${missing.join(", ")}; set them in tags or in the provider's defaultTags`,
  );
};

export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description:
    "Every taggable AWS resource carries the required tags (default: department, data-classification, managed-by, stack) with non-empty values, set on the resource or through the provider's defaultTags.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: validate,
};
