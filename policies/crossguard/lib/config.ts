/** A policy's configuration with its schema's defaults filled in. */
import type { PolicyConfigSchema } from "@pulumi/policy";

/**
 * The Pulumi CLI fills in `default`s from the config schema before the pack sees its config;
 * filling them here too keeps a policy correct when it is handed a bare `getConfig()` (an older
 * CLI, or a caller that passes no config at all).
 */
export function configOf<T extends object>(
  schema: PolicyConfigSchema,
  args: { getConfig<U extends object>(): U },
): T {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) defaults[key] = property.default;
  }
  return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}
