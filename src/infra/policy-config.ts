/**
 * A policy pack's configuration, resolved the way the Pulumi CLI resolves
 * `--policy-pack-config <file>`: each policy starts from its own enforcement level (or the pack's)
 * and the `default`s of its config schema; an `all` entry sets every level; a policy's entry
 * (a level, or an object with `enforcementLevel` and properties) is applied on top; the result is
 * validated against the policy's schema. Stricter than the CLI in two ways, so that nothing is
 * skipped silently: a key that names no policy, and a property the schema does not list, are
 * problems.
 */
import type { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import type { InputProblem } from "../documents/input-problem.js";
import { createAjv } from "../documents/ajv.js";
import { lineOf, toPointer } from "../documents/locate.js";
import { readDocumentSync } from "../documents/read-document.js";
import { validationProblems } from "../documents/validation-problems.js";

/** Every enforcement level CrossGuard knows. */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/** One policy's effective configuration. */
export interface ResolvedPolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  /** What the policy's `getConfig()` returns: defaults with the given values on top. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Effective configuration by policy name. */
export type PolicyConfigs = ReadonlyMap<string, ResolvedPolicyConfig>;

/** The resolved configuration, or every problem found in the given one. */
export type PolicyConfigResolution =
  | { readonly ok: true; readonly configs: PolicyConfigs }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

type Policy = Policies[number];

function isLevel(value: unknown): value is EnforcementLevel {
  return (ENFORCEMENT_LEVELS as readonly unknown[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function defaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    if (property.default !== undefined) result[key] = structuredClone(property.default);
  }
  return result;
}

const ajv = createAjv();

/**
 * Resolves `given` (the parsed config file, or `{}` for none) for `policies`; `file` and `text`
 * locate the problems.
 */
export function resolvePolicyConfig(
  policies: readonly Policy[],
  packLevel: EnforcementLevel,
  given: unknown,
  source: { readonly file: string; readonly text?: string } = { file: "(policy config)" },
): PolicyConfigResolution {
  const problems: InputProblem[] = [];
  const at = (pointer: string, message: string) => {
    const line = source.text === undefined ? undefined : lineOf(source.text, pointer);
    problems.push({ file: source.file, pointer, ...(line === undefined ? {} : { line }), message });
  };
  const byName = new Map(policies.map((p) => [p.name, p] as const));
  const configs = new Map<
    string,
    { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }
  >(
    policies.map((p) => [
      p.name,
      { enforcementLevel: p.enforcementLevel ?? packLevel, properties: defaults(p.configSchema) },
    ]),
  );

  if (!isObject(given)) {
    at("", "must be an object mapping policy names (or all) to a level or to settings");
    return { ok: false, problems };
  }
  // Like the CLI: `all` first, whatever its position in the file, then each policy's entry.
  const entries = Object.entries(given).sort(
    ([a], [b]) => Number(b === "all") - Number(a === "all"),
  );
  for (const [name, value] of entries) {
    const pointer = toPointer([name]);
    if (name === "all") {
      const level = isObject(value) ? value.enforcementLevel : value;
      if (!isLevel(level)) {
        at(
          isObject(value) ? `${pointer}/enforcementLevel` : pointer,
          `must be one of ${ENFORCEMENT_LEVELS.join(", ")}`,
        );
      } else {
        for (const config of configs.values()) config.enforcementLevel = level;
      }
      if (isObject(value) && Object.keys(value).some((k) => k !== "enforcementLevel")) {
        at(pointer, "can only set enforcementLevel");
      }
      continue;
    }
    const config = configs.get(name);
    if (config === undefined) {
      at(pointer, `is not a policy of this pack (policies: ${[...byName.keys()].join(", ")})`);
      continue;
    }
    if (typeof value === "string") {
      if (isLevel(value)) config.enforcementLevel = value;
      else at(pointer, `must be one of ${ENFORCEMENT_LEVELS.join(", ")}, or an object of settings`);
      continue;
    }
    if (!isObject(value)) {
      at(pointer, "must be an enforcement level or an object of settings");
      continue;
    }
    const { enforcementLevel, ...properties } = value;
    if (enforcementLevel !== undefined) {
      if (isLevel(enforcementLevel)) config.enforcementLevel = enforcementLevel;
      else at(`${pointer}/enforcementLevel`, `must be one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    Object.assign(config.properties, properties);
  }

  for (const [name, config] of configs) {
    const schema = byName.get(name)!.configSchema;
    const validate = ajv.compile({
      type: "object",
      properties: schema?.properties ?? {},
      ...(schema?.required ? { required: schema.required } : {}),
      additionalProperties: false,
    });
    if (!validate(config.properties)) {
      problems.push(
        ...validationProblems(validate.errors ?? [], source.file, {
          pointerPrefix: toPointer([name]),
          ...(source.text === undefined ? {} : { text: source.text }),
        }),
      );
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, configs };
}

/** Reads a `--policy-pack-config` style JSON (or YAML) file and resolves it for `policies`. */
export function loadPolicyConfig(
  file: string,
  policies: readonly Policy[],
  packLevel: EnforcementLevel,
): PolicyConfigResolution {
  const doc = readDocumentSync(file);
  if (!doc.ok) return { ok: false, problems: [doc.problem] };
  return resolvePolicyConfig(policies, packLevel, doc.value, { file, text: doc.text });
}
