/**
 * Runs the CrossGuard policy pack over a list of registered resources without the Pulumi engine:
 * the offline verdict of `stronghold infra plan`. Each policy gets the argument objects CrossGuard
 * builds (@pulumi/policy's server.js): resource policies see each resource's inputs as `props`
 * (with its provider's inputs), stack policies see every resource with its outputs, both behind
 * the same unknown-value proxy; `getConfig()` returns the resolved configuration; `notApplicable`
 * ends a check without a verdict. A policy that throws becomes an error outcome, not a crash.
 */
import * as policySdk from "@pulumi/policy";
import type {
  EnforcementLevel,
  Policies,
  PolicyPackArgs,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
} from "@pulumi/policy";
import { resolvePolicyConfig, type PolicyConfigs } from "./policy-config.js";

type Policy = Policies[number];

/** A registered resource as the evaluator needs it (mock-run's RecordedResource fits). */
export interface ResourceRecord {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The parent's URN. */
  readonly parent?: string | undefined;
  /** The provider reference, `<provider urn>::<provider id>`. */
  readonly provider?: string | undefined;
  /** The id the resource got, when known. */
  readonly id?: string | undefined;
  /** Its `protect` option (CrossGuard's resource options carry it). */
  readonly protect?: boolean | undefined;
  /** Its outputs, when known: stack policies see outputs (ids, ARNs), as after a preview. */
  readonly outputs?: Readonly<Record<string, unknown>> | undefined;
  /** URNs of the resources it depends on (the engine records these; mocks do not). */
  readonly dependencies?: readonly string[] | undefined;
  /** For each input property, the URNs of the resources its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** One violation, as CrossGuard reports it. */
export interface PolicyViolation {
  readonly policy: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  /** The resource it concerns; absent when it concerns the whole stack. */
  readonly urn?: string;
  /** What is wrong and what to change (CrossGuard prints it under the policy's description). */
  readonly message: string;
}

/** How one policy came out. */
export type PolicyOutcome = {
  readonly policy: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly kind: "resource" | "stack";
  /** Resources the policy applied to (for a stack policy: 1 when it ran on the stack). */
  readonly checked: number;
} & (
  | { readonly status: "passed" }
  | { readonly status: "violated"; readonly violations: readonly PolicyViolation[] }
  | { readonly status: "not-applicable"; readonly reason: string }
  | { readonly status: "disabled" }
  | {
      readonly status: "error";
      readonly errors: readonly { readonly urn?: string; readonly message: string }[];
      readonly violations: readonly PolicyViolation[];
    }
);

/** The pack's verdict over a set of resources. */
export interface PolicyCheckResult {
  readonly outcomes: readonly PolicyOutcome[];
  /** Every violation of every policy, in the order reported. */
  readonly violations: readonly PolicyViolation[];
  /** True when a mandatory violation exists or a policy failed to run. */
  readonly blocked: boolean;
}

// The runtime exports of @pulumi/policy that its type declarations leave out.
const sdk = policySdk as unknown as {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: abstract new () => Error;
};

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "Policy does not apply");
};

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: string };

/** Mirrors @pulumi/policy's isTypeOf: the class's Pulumi type token, else its isInstance. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  const token = resourceClass.__pulumiType;
  if (typeof token === "string" && token !== "") return type === token;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** CrossGuard drops properties whose value is undefined before a policy sees them. */
function defined(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

function providerUrn(reference: string | undefined): string | undefined {
  if (reference === undefined || reference === "") return undefined;
  const separator = reference.lastIndexOf("::");
  return separator > 0 ? reference.slice(0, separator) : reference;
}

function effectiveLevel(level: EnforcementLevel): EnforcementLevel {
  // CrossGuard reports a remediation policy's remaining violations as mandatory.
  return level === "remediate" ? "mandatory" : level;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Collected {
  violations: PolicyViolation[];
  errors: { urn?: string; message: string }[];
  checked: number;
  notApplicable: string | undefined;
}

function reporter(
  policy: string,
  level: "advisory" | "mandatory",
  into: PolicyViolation[],
  fixedUrn?: string,
): ReportViolation {
  return (message: string, urn?: string) => {
    const target = fixedUrn ?? urn;
    into.push({ policy, enforcementLevel: level, ...(target ? { urn: target } : {}), message });
  };
}

/** Runs one check, sorting its end into the collected outcome the way CrossGuard's server does. */
async function runOne(
  policy: Policy,
  collected: Collected,
  urn: string | undefined,
  check: () => Promise<void> | void,
): Promise<void> {
  try {
    await check();
    collected.checked++;
  } catch (error) {
    if (error instanceof NotApplicable) {
      collected.notApplicable ??= error.reason;
    } else if (error instanceof sdk.UnknownValueError) {
      collected.checked++;
      collected.violations.push({
        policy: policy.name,
        enforcementLevel: "advisory",
        ...(urn ? { urn } : {}),
        message: `can't run policy '${policy.name}' during preview: ${describeError(error)}`,
      });
    } else {
      collected.checked++;
      collected.errors.push({ ...(urn ? { urn } : {}), message: describeError(error) });
    }
  }
}

/** Options of {@link checkPolicies}. */
export interface CheckPoliciesOptions {
  /** Resolved configuration; the schema defaults when absent. */
  readonly configs?: PolicyConfigs;
}

/** Evaluates every policy of `pack` against `resources`, as `pulumi preview --policy-pack` would. */
export async function checkPolicies(
  pack: PolicyPackArgs,
  resources: readonly ResourceRecord[],
  options: CheckPoliciesOptions = {},
): Promise<PolicyCheckResult> {
  const packLevel = pack.enforcementLevel ?? "advisory";
  let configs = options.configs;
  if (configs === undefined) {
    const resolved = resolvePolicyConfig(pack.policies, packLevel, {});
    if (!resolved.ok)
      throw new Error(`the pack's own defaults are invalid: ${resolved.problems[0]!.message}`);
    configs = resolved.configs;
  }
  const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
  const providerOf = (record: ResourceRecord) => {
    const urn = providerUrn(record.provider);
    const provider = urn === undefined ? undefined : byUrn.get(urn);
    return provider === undefined
      ? undefined
      : {
          type: provider.type,
          name: provider.name,
          urn: provider.urn,
          props: sdk.unknownCheckingProxy(defined(provider.inputs)),
        };
  };
  const stackResources = buildStackResources(resources, providerOf);

  const outcomes: PolicyOutcome[] = [];
  for (const policy of pack.policies) {
    const config = configs.get(policy.name);
    const level = config?.enforcementLevel ?? policy.enforcementLevel ?? packLevel;
    const getConfig = <T extends object>(): T => ({ ...(config?.properties ?? {}) }) as T;
    const isStack = "validateStack" in policy && typeof policy.validateStack === "function";
    const base = {
      policy: policy.name,
      description: policy.description,
      enforcementLevel: level,
      kind: isStack ? ("stack" as const) : ("resource" as const),
    };
    if (level === "disabled") {
      outcomes.push({ ...base, checked: 0, status: "disabled" });
      continue;
    }
    const reportLevel = effectiveLevel(level) === "mandatory" ? "mandatory" : "advisory";
    const collected: Collected = {
      violations: [],
      errors: [],
      checked: 0,
      notApplicable: undefined,
    };
    if (isStack) {
      const stackPolicy = policy;
      const args: StackValidationArgs = {
        resources: stackResources,
        stackTags: new Map(),
        getConfig,
        notApplicable,
      };
      await runOne(policy, collected, undefined, () =>
        stackPolicy.validateStack(args, reporter(policy.name, reportLevel, collected.violations)),
      );
    } else {
      const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
      for (const record of resources) {
        const props = sdk.unknownCheckingProxy(defined(record.inputs));
        const provider = providerOf(record);
        const args: ResourceValidationArgs = {
          type: record.type,
          props,
          urn: record.urn,
          name: record.name,
          opts: {
            ...OPTIONS,
            protect: record.protect === true,
            ...(record.parent ? { parent: record.parent } : {}),
          },
          ...(provider ? { provider } : {}),
          stackTags: new Map(),
          isType: (resourceClass) => isTypeOf(record.type, resourceClass),
          asType: ((resourceClass: ResourceClass) =>
            isTypeOf(record.type, resourceClass)
              ? props
              : undefined) as ResourceValidationArgs["asType"],
          getConfig,
          notApplicable,
        };
        for (const validation of validations) {
          // Like CrossGuard, skip a typed validation whose type differs without calling it.
          const token = (validation as { __pulumiType?: string }).__pulumiType;
          if (validations.length === 1 && token !== undefined && token !== record.type) continue;
          await runOne(policy, collected, record.urn, () =>
            validation(args, reporter(policy.name, reportLevel, collected.violations, record.urn)),
          );
        }
      }
    }
    outcomes.push({ ...base, checked: collected.checked, ...statusOf(collected) });
  }
  const violations = outcomes.flatMap((o) =>
    o.status === "violated" || o.status === "error" ? o.violations : [],
  );
  const blocked =
    violations.some((v) => v.enforcementLevel === "mandatory") ||
    outcomes.some((o) => o.status === "error");
  return { outcomes, violations, blocked };
}

function statusOf(
  collected: Collected,
):
  | { status: "passed" }
  | { status: "violated"; violations: PolicyViolation[] }
  | { status: "not-applicable"; reason: string }
  | { status: "error"; errors: Collected["errors"]; violations: PolicyViolation[] } {
  if (collected.errors.length > 0) {
    return { status: "error", errors: collected.errors, violations: collected.violations };
  }
  if (collected.violations.length > 0)
    return { status: "violated", violations: collected.violations };
  if (collected.checked === 0) {
    return {
      status: "not-applicable",
      reason: collected.notApplicable ?? "no resource it applies to",
    };
  }
  return { status: "passed" };
}

/** The stack as a stack policy sees it: each resource with outputs, parent and provider linked. */
function buildStackResources(
  records: readonly ResourceRecord[],
  providerOf: (record: ResourceRecord) => PolicyResource["provider"],
): PolicyResource[] {
  const resources = records.map((record) => {
    const props = sdk.unknownCheckingProxy(
      defined({
        ...record.inputs,
        ...(record.outputs ?? {}),
        ...(record.id === undefined ? {} : { id: record.id }),
      }),
    );
    const provider = providerOf(record);
    const resource: PolicyResource = {
      type: record.type,
      props,
      urn: record.urn,
      name: record.name,
      opts: {
        ...OPTIONS,
        protect: record.protect === true,
        ...(record.parent ? { parent: record.parent } : {}),
      },
      ...(provider ? { provider } : {}),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(record.type, resourceClass),
      asType: ((resourceClass: ResourceClass) =>
        isTypeOf(record.type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    };
    return resource;
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
  const lookUp = (urns: readonly string[] | undefined) =>
    (urns ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
  records.forEach((record, i) => {
    const resource = resources[i]!;
    const parent = record.parent === undefined ? undefined : byUrn.get(record.parent);
    if (parent !== undefined) resource.parent = parent;
    resource.dependencies = lookUp(record.dependencies);
    for (const [property, urns] of Object.entries(record.propertyDependencies ?? {})) {
      resource.propertyDependencies[property] = lookUp(urns);
    }
  });
  return resources;
}
