/**
 * Stack config at the edge: the key/value strings Pulumi hands a program are decoded, validated
 * with ajv against StackConfigSchema, checked for sense (config-checks.ts) and normalised into a
 * readonly StackConfig — or every problem comes back, each naming its `stronghold:` key. Pure:
 * no Pulumi runtime needed, so it runs before any resource exists and in plain unit tests.
 */
import { findDuplicateKey } from "../documents/duplicate-keys.js";
import type { TSchema } from "@sinclair/typebox";
import type { InputProblem } from "../documents/input-problem.js";
import { validatorFor } from "../documents/ajv.js";
import { lineOf, pointerTokens, toPointer } from "../documents/locate.js";
import { validationProblems } from "../documents/validation-problems.js";
import { formatCidr, parseCidr, subnetOf } from "../support/cidr.js";
import { checkStackConfig } from "./config-checks.js";
import { CONFIG_NAMESPACE, StackConfigSchema, type RawStackConfig } from "./config-schema.js";

type DeepReadonly<T> = T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** One availability zone of the DR VPC: a public and a private subnet carved from the VPC block. */
export interface DrSubnetPlan {
  readonly availabilityZone: string;
  readonly publicCidr: string;
  readonly privateCidr: string;
}

/** The validated, normalised stack config the program is built from. */
export type StackConfig = DeepReadonly<Omit<RawStackConfig, "drNetwork">> & {
  readonly drNetwork: DeepReadonly<RawStackConfig["drNetwork"]> & {
    readonly subnets: readonly DrSubnetPlan[];
  };
};

/**
 * Config as Pulumi passes it to a program: full keys (`stronghold:drRegion`, `aws:region`) to
 * strings, structured values JSON-encoded — the same for `pulumi up` and for a mocked run.
 */
export type ConfigValues = ReadonlyMap<string, string>;

/** Where the values came from, so problems can name the file and line. */
export interface ConfigSource {
  readonly file: string;
  /** The file's text when it was read from disk; lines are then located. */
  readonly text?: string;
}

export type ParsedStackConfig =
  | { readonly ok: true; readonly config: StackConfig }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

/** Namespaces a stack file may hold besides ours: the AWS provider's and Pulumi's own. */
const OTHER_NAMESPACES = new Set(["aws", "pulumi"]);

const properties = (StackConfigSchema as TSchema & { properties: Record<string, TSchema> })
  .properties;

/** Pointer of a `stronghold:` setting (plus a path inside it) within a Pulumi.<stack>.yaml. */
export function configPointer(key: string, inner = ""): string {
  return toPointer(["config", `${CONFIG_NAMESPACE}:${key}`]) + inner;
}

function problemAt(source: ConfigSource, pointer: string, message: string): InputProblem {
  const line = source.text === undefined ? undefined : lineOf(source.text, pointer);
  return { file: source.file, pointer, ...(line === undefined ? {} : { line }), message };
}

/** Pulumi passes every value as a string; non-string settings arrive JSON-encoded. */
function decode(
  key: string,
  text: string,
): { ok: true; value: unknown } | { ok: false; duplicate?: string } {
  if (properties[key]?.type === "string") return { ok: true, value: text };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false };
  }
  // A repeated key would silently keep its last value.
  const duplicate = findDuplicateKey(text);
  return duplicate === undefined
    ? { ok: true, value }
    : { ok: false, duplicate: duplicate.pointer };
}

function carveSubnets(network: RawStackConfig["drNetwork"]): DrSubnetPlan[] {
  const parsed = parseCidr(network.vpcCidr);
  if (!parsed.ok) throw new Error(`unchecked VPC block ${network.vpcCidr}`);
  // Eight equal blocks: public subnets take the first four, private ones the last four, so
  // adding a zone later never renumbers an existing subnet.
  const size = parsed.block.prefix + 3;
  return network.availabilityZones.map((availabilityZone, i) => ({
    availabilityZone,
    publicCidr: formatCidr(subnetOf(parsed.block, size, i)),
    privateCidr: formatCidr(subnetOf(parsed.block, size, 4 + i)),
  }));
}

/**
 * Decodes, validates and checks the config values of a stack. Every problem is collected —
 * unknown keys, undecodable values, schema violations, settings that contradict each other —
 * and each names the key (`/config/stronghold:drRegion`) and, when the text is known, its line.
 */
export function parseStackConfig(values: ConfigValues, source: ConfigSource): ParsedStackConfig {
  const problems: InputProblem[] = [];
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of values) {
    const colon = fullKey.indexOf(":");
    const namespace = colon === -1 ? "" : fullKey.slice(0, colon);
    const key = fullKey.slice(colon + 1);
    const pointer = toPointer(["config", fullKey]);
    if (namespace === CONFIG_NAMESPACE) {
      if (!(key in properties)) {
        problems.push(
          problemAt(
            source,
            pointer,
            `is not a known setting (known: ${Object.keys(properties)
              .map((k) => `${CONFIG_NAMESPACE}:${k}`)
              .join(", ")})`,
          ),
        );
        continue;
      }
      const decoded = decode(key, text);
      if (decoded.ok) raw[key] = decoded.value;
      else if (decoded.duplicate !== undefined) {
        problems.push(
          problemAt(
            source,
            pointer + decoded.duplicate,
            "is a duplicate key: each key may appear once in an object",
          ),
        );
      } else {
        const type = String(properties[key]?.type);
        const article = /^[aeiou]/.test(type) ? "an" : "a";
        problems.push(
          problemAt(source, pointer, `must be ${article} ${type} (its value is not valid JSON)`),
        );
      }
    } else if (!OTHER_NAMESPACES.has(namespace)) {
      problems.push(
        problemAt(
          source,
          pointer,
          `is in an unknown namespace "${namespace}"; this project's settings are ${CONFIG_NAMESPACE}:<name>`,
        ),
      );
    }
  }

  const validate = validatorFor(StackConfigSchema);
  if (!validate(raw)) {
    // Unknown keys were reported above with the list of known ones; ajv would repeat them.
    const errors = (validate.errors ?? []).filter(
      (e) => e.keyword !== "additionalProperties" || e.instancePath !== "",
    );
    for (const p of validationProblems(errors, source.file)) {
      const [key, ...rest] = pointerTokens(p.pointer);
      const pointer =
        key === undefined ? toPointer(["config"]) : configPointer(key, toPointer(rest));
      problems.push(problemAt(source, pointer, p.message));
    }
    return { ok: false, problems };
  }

  const awsRegion = values.get("aws:region");
  if (awsRegion !== undefined && awsRegion !== raw.primaryRegion) {
    problems.push(
      problemAt(
        source,
        toPointer(["config", "aws:region"]),
        `is ${awsRegion} but stronghold:primaryRegion is ${String(raw.primaryRegion)}: the provider's default region must be the primary region`,
      ),
    );
  }
  for (const finding of checkStackConfig(raw)) {
    const [key, ...rest] = pointerTokens(finding.pointer);
    problems.push(problemAt(source, configPointer(key ?? "", toPointer(rest)), finding.message));
  }
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    config: { ...raw, drNetwork: { ...raw.drNetwork, subnets: carveSubnets(raw.drNetwork) } },
  };
}
