/** The resource tree of one planned stack: components with their children, each with its key settings. */
import { nameLookup, keySettings } from "./plan-settings.js";
import type { PolicyViolation, ResourceRecord } from "./policy-check.js";
import { appendTo } from "../support/group.js";

/** One resource of the plan. */
export interface PlanNode {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** The region it is created in, when it names one (v7's per-resource region). */
  readonly region?: string;
  /** The account it is created in, when its provider is pinned to another one (the backup account). */
  readonly account?: string;
  readonly settings: readonly string[];
  /** Names of the policies it violates. */
  readonly violated: readonly string[];
  readonly children: readonly PlanNode[];
}

/** Builds the parent/child tree in registration order; providers are left out. */
export function buildTree(
  records: readonly ResourceRecord[],
  violations: readonly PolicyViolation[],
): PlanNode[] {
  const nameOf = nameLookup(records);
  const shown = records.filter((r) => !r.type.startsWith("pulumi:providers:"));
  const children = new Map<string | undefined, ResourceRecord[]>();
  const urns = new Set(shown.map((r) => r.urn));
  for (const record of shown) {
    // A parent that is not recorded (the stack itself) puts the resource at the top.
    const parent =
      record.parent !== undefined && urns.has(record.parent) ? record.parent : undefined;
    appendTo(children, parent, record);
  }
  const violatedAt = new Map<string, Set<string>>();
  for (const v of violations) {
    if (v.urn !== undefined)
      violatedAt.set(v.urn, (violatedAt.get(v.urn) ?? new Set()).add(v.policy));
  }
  const accounts = providerAccounts(records);
  const node = (record: ResourceRecord): PlanNode => {
    const region = record.inputs.region;
    const account =
      record.provider === undefined
        ? undefined
        : accounts.get(record.provider.slice(0, record.provider.lastIndexOf("::")));
    return {
      type: record.type,
      name: record.name,
      urn: record.urn,
      ...(typeof region === "string" ? { region } : {}),
      ...(account === undefined ? {} : { account }),
      settings: keySettings(record, nameOf),
      violated: [...(violatedAt.get(record.urn) ?? [])],
      children: (children.get(record.urn) ?? []).map(node),
    };
  };
  return (children.get(undefined) ?? []).map(node);
}

/** The account of each explicit AWS provider pinned to one (`allowedAccountIds`), by URN. */
function providerAccounts(records: readonly ResourceRecord[]): Map<string, string> {
  const accounts = new Map<string, string>();
  for (const record of records) {
    if (record.type !== "pulumi:providers:aws") continue;
    const raw = record.inputs.allowedAccountIds;
    // Provider settings reach the engine JSON-encoded.
    let allowed: unknown = raw;
    if (typeof raw === "string") {
      try {
        allowed = JSON.parse(raw);
      } catch {
        continue;
      }
    }
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string") {
      accounts.set(record.urn, allowed[0]);
    }
  }
  return accounts;
}

/** Every node of a tree, depth first. */
export function* walk(nodes: readonly PlanNode[]): Generator<PlanNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}
