/**
 * The deployer's IAM policy, derived from what the program registers: for each resource of a
 * mocked run, the actions deployer-actions.ts lists for its type, on that resource's ARN (names
 * Pulumi gives a random suffix become `<logical name>-*`, the account `*`), deletes only for
 * what the program does not keep, iam:PassRole only to the service each role is handed to, and
 * policy attachments only of the policies the program attaches. IAM caps a managed policy at
 * 6,144 characters, so the statements are split into one document per group of services.
 */
import path from "node:path";
import { DEPLOYER_ACTIONS, isComponent, type Scope, type TypeActions } from "./deployer-actions.js";
import { runStackWithMocks, type MockedRun, type RecordedResource } from "./mock-run.js";
import { MOCK_ACCOUNT_ID } from "./mocks.js";

/** One IAM policy statement as the deployer policy writes it. */
export interface DeployerStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: DeployerStatement[];
}

/** Which managed policy each service's actions go in (each must stay under IAM's size cap). */
export const DEPLOYER_POLICY_GROUPS: Readonly<Record<string, readonly string[]>> = {
  storage: ["s3", "kms"],
  backup: ["backup", "backup-storage"],
  identity: ["iam", "sts"],
  network: ["ec2", "ssm", "route53"],
  monitoring: ["events", "logs", "cloudwatch", "sns"],
  audit: ["cloudtrail", "config", "budgets", "lambda"],
};

/** Services without regions: a request to them never carries the stack's region. */
const GLOBAL_SERVICES = new Set(["iam", "route53", "budgets"]);

/** A resource type the program registered that the action table does not know. */
export class UnknownResourceTypeError extends Error {
  constructor(readonly types: readonly string[]) {
    super(`no deployer actions for ${types.join(", ")}: add them to src/infra/deployer-actions.ts`);
  }
}

interface Grant {
  readonly action: string;
  readonly resource: string;
  readonly condition?: Record<string, Record<string, string | string[]>>;
}

const AUTO_SUFFIX = /^(.*)-[0-9a-f]{7,8}$/;

/** Replaces each auto-named physical name by `<logical>-*` and the mocked account by `*`. */
function generalizer(resources: readonly RecordedResource[]): (text: string) => string {
  const names = new Map<string, string>();
  for (const r of resources) {
    // A name, or the last part of an id or ARN that ends in one (IAM policies).
    const last = (value: unknown) => str(value).split(/[:/]/).pop();
    for (const candidate of [r.id, r.inputs.name, last(r.id), last(r.outputs?.arn)]) {
      if (typeof candidate !== "string") continue;
      const base = AUTO_SUFFIX.exec(candidate)?.[1];
      if (base === r.name) names.set(candidate, `${r.name}-*`);
    }
  }
  const ordered = [...names].sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text.split(`:${MOCK_ACCOUNT_ID}:`).join(":*:");
    for (const [physical, pattern] of ordered) out = out.split(physical).join(pattern);
    return out;
  };
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** The ARN patterns one action set of a resource applies to. */
function scopeArns(
  scope: Scope,
  r: RecordedResource,
  run: readonly RecordedResource[],
  general: (text: string) => string,
): string[] {
  const region = str(r.inputs.region);
  const byId = (type: string, id: unknown) =>
    run.find((x) => x.type === type && (x.id === id || x.outputs?.arn === id));
  switch (scope) {
    case "self":
      return selfArns(r, general);
    case "bucket": {
      const bucket = byId("aws:s3/bucket:Bucket", r.inputs.bucket);
      return [general(`arn:aws:s3:::${bucket?.id ?? str(r.inputs.bucket)}`)];
    }
    case "role": {
      const role = byId("aws:iam/role:Role", r.inputs.role);
      return [general(str(role?.outputs?.arn) || `arn:aws:iam::*:role/${str(r.inputs.role)}`)];
    }
    case "user": {
      const user = byId("aws:iam/user:User", r.inputs.user);
      return [general(str(user?.outputs?.arn) || `arn:aws:iam::*:user/${str(r.inputs.user)}`)];
    }
    case "vault":
      return [general(`arn:aws:backup:${region}:*:backup-vault:${str(r.inputs.backupVaultName)}`)];
    case "backup-plan":
      return [`arn:aws:backup:${region}:*:backup-plan:*`];
    case "restore-testing-plan": {
      const plan = run.find(
        (x) =>
          x.type === "aws:backup/restoreTestingPlan:RestoreTestingPlan" &&
          x.inputs.name === r.inputs.restoreTestingPlanName,
      );
      return plan === undefined ? [] : selfArns(plan, general);
    }
    case "event-rule": {
      const rule = byId("aws:cloudwatch/eventRule:EventRule", r.inputs.rule);
      return rule === undefined ? [] : selfArns(rule, general);
    }
    case "log-group": {
      const group = `arn:aws:logs:${region}:*:log-group:${str(r.inputs.logGroupName)}`;
      return [group, `${group}:*`];
    }
    case "topic": {
      const topic = general(str(r.inputs.topic) || str(r.inputs.arn));
      return [topic, `${topic}:*`];
    }
    case "function": {
      const fn = str(r.inputs.function);
      return [general(fn.startsWith("arn:") ? fn : `arn:aws:lambda:${region}:*:function:${fn}`)];
    }
    case "zone":
      return [`arn:aws:route53:::hostedzone/${str(r.inputs.zoneId)}`];
    case "key":
      return [`arn:aws:kms:${region}:*:key/*`];
    case "backup-reports-role":
      return [
        "arn:aws:iam::*:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports",
      ];
    case "assumed-roles": {
      const raw = r.inputs.assumeRoles;
      const roles: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
      return (Array.isArray(roles) ? roles : [])
        .map((role) => str((role as Record<string, unknown> | null)?.roleArn))
        .filter((arn) => arn !== "");
    }
    case "any":
      return ["*"];
  }
}

/** A resource's own ARN pattern; ids AWS chooses itself become `*`. */
function selfArns(r: RecordedResource, general: (text: string) => string): string[] {
  const region = str(r.inputs.region);
  switch (r.type) {
    case "aws:s3/bucket:Bucket":
      return [general(`arn:aws:s3:::${r.id ?? ""}`)];
    case "aws:kms/key:Key":
      return [`arn:aws:kms:${region}:*:key/*`];
    case "aws:backup/plan:Plan":
      return [`arn:aws:backup:${region}:*:backup-plan:*`];
    case "aws:backup/framework:Framework":
      return [`arn:aws:backup:${region}:*:framework:${str(r.inputs.name)}-*`];
    case "aws:backup/restoreTestingPlan:RestoreTestingPlan":
      return [`arn:aws:backup:${region}:*:restore-testing-plan:${str(r.inputs.name)}-*`];
    case "aws:route53/healthCheck:HealthCheck":
      return ["arn:aws:route53:::healthcheck/*"];
    case "aws:budgets/budget:Budget":
      return [`arn:aws:budgets::*:budget/${str(r.inputs.name)}`];
    case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
      return [`arn:aws:iam::*:role/aws-service-role/${str(r.inputs.awsServiceName)}/*`];
    case "aws:cloudwatch/logGroup:LogGroup": {
      const group = general(str(r.outputs?.arn));
      return [group, `${group}:*`];
    }
    default: {
      const arn = str(r.outputs?.arn);
      return arn === "" ? ["*"] : [general(arn)];
    }
  }
}

const serviceOf = (action: string) => action.slice(0, action.indexOf(":"));

/** Every grant one resource needs. */
function grantsFor(
  r: RecordedResource,
  table: TypeActions,
  run: readonly RecordedResource[],
  general: (text: string) => string,
  regions: readonly string[],
): Grant[] {
  const grants: Grant[] = [];
  const regional = (action: string) =>
    GLOBAL_SERVICES.has(serviceOf(action))
      ? {}
      : { condition: { StringEquals: { "aws:RequestedRegion": [...regions] } } };
  const add = (
    actions: readonly string[],
    arns: readonly string[],
    condition?: Grant["condition"],
  ) => {
    for (const action of actions) {
      for (const resource of arns) {
        grants.push({
          action,
          resource,
          ...(resource === "*" ? regional(action) : {}),
          ...(condition === undefined ? {} : { condition }),
        });
      }
    }
  };
  const actions = [
    ...table.create,
    ...table.read,
    ...table.update,
    ...(r.retainOnDelete ? [] : table.delete),
  ];
  const arns = scopeArns(table.scope, r, run, general);
  const attached = str(r.inputs.policyArn);
  if (attached !== "") {
    // Attachments: only the policies the program attaches, on the principals it attaches them to.
    add(actions, arns, { ArnLike: { "iam:PolicyARN": general(attached) } });
  } else {
    add(actions, arns);
  }
  add(table.anyResource ?? [], ["*"]);
  for (const related of table.related ?? []) {
    add(related.actions, scopeArns(related.scope, r, run, general));
  }
  if (table.passes !== undefined) {
    const value = str(r.inputs[table.passes.input]);
    const role = value.startsWith("arn:") ? general(value) : scopeArns("role", r, run, general)[0]!;
    add(["iam:PassRole"], [role], {
      StringEquals: { "iam:PassedToService": table.passes.service },
    });
  }
  return grants;
}

/** The resources the production deployer creates: not components, not another account's. */
function deployed(run: MockedRun): RecordedResource[] {
  return run.resources.filter(
    (r) => !isComponent(r) && !(r.provider ?? "").includes("pulumi:providers:aws::backup-account"),
  );
}

/** The deployer policy documents, by group name, for the union of the given runs. */
export function deployerPolicies(runs: readonly MockedRun[]): Record<string, PolicyDocument> {
  const unknown = new Set<string>();
  const grants: Grant[] = [];
  const regions = [
    ...new Set(runs.flatMap((run) => deployed(run).map((r) => str(r.inputs.region)))),
  ]
    .filter(Boolean)
    .sort();
  for (const run of runs) {
    const resources = deployed(run);
    const general = generalizer(run.resources);
    for (const r of resources) {
      const table = DEPLOYER_ACTIONS[r.type];
      if (table === undefined) unknown.add(r.type);
      else grants.push(...grantsFor(r, table, run.resources, general, regions));
    }
  }
  if (unknown.size > 0) throw new UnknownResourceTypeError([...unknown].sort());
  return Object.fromEntries(
    Object.entries(DEPLOYER_POLICY_GROUPS).map(([group, services]) => [
      group,
      {
        Version: "2012-10-17",
        Statement: merge(
          grants.filter((g) => services.includes(serviceOf(g.action))),
          group,
        ),
      },
    ]),
  );
}

/**
 * Few, stable statements: the actions each resource pattern gets (per condition), then
 * patterns with the same actions and condition in one statement.
 */
function merge(all: readonly Grant[], group: string): DeployerStatement[] {
  const grants = unionConditionValues(all);
  const byResource = new Map<
    string,
    { resource: string; condition: string; actions: Set<string> }
  >();
  for (const g of grants) {
    const condition = JSON.stringify(g.condition ?? null);
    const key = `${condition}\u0000${g.resource}`;
    const entry = byResource.get(key) ?? { resource: g.resource, condition, actions: new Set() };
    entry.actions.add(g.action);
    byResource.set(key, entry);
  }
  const byActions = new Map<
    string,
    { actions: string[]; condition: string; resources: string[] }
  >();
  for (const entry of byResource.values()) {
    const actions = [...entry.actions].sort();
    const key = `${entry.condition}\u0000${actions.join(",")}`;
    const found = byActions.get(key) ?? { actions, condition: entry.condition, resources: [] };
    found.resources.push(entry.resource);
    byActions.set(key, found);
  }
  const statements = [...byActions.values()]
    .map((s) => ({ ...s, resources: s.resources.sort() }))
    .sort((a, b) =>
      `${a.actions[0]} ${a.resources[0]} ${a.condition}`.localeCompare(
        `${b.actions[0]} ${b.resources[0]} ${b.condition}`,
      ),
    );
  return statements.map((s, i) => {
    const condition = JSON.parse(s.condition) as DeployerStatement["Condition"] | null;
    return {
      Sid: `${group.replace(/[^A-Za-z0-9]/g, "")}${i + 1}`,
      Effect: "Allow",
      Action: s.actions,
      Resource: s.resources,
      ...(condition === null || condition === undefined ? {} : { Condition: condition }),
    };
  });
}

/**
 * Grants of one action on one resource that differ only in a single-key condition's value become
 * one grant allowing any of the values (several attached policies, several regions).
 */
function unionConditionValues(grants: readonly Grant[]): Grant[] {
  const merged = new Map<string, { grant: Grant; values: Set<string> }>();
  const out: Grant[] = [];
  for (const g of grants) {
    const [operator, keys] = Object.entries(g.condition ?? {})[0] ?? [];
    const [key, value] = Object.entries(keys ?? {})[0] ?? [];
    if (operator === undefined || key === undefined || value === undefined) {
      out.push(g);
      continue;
    }
    const id = `${g.action}\u0000${g.resource}\u0000${operator}\u0000${key}`;
    const entry = merged.get(id) ?? { grant: g, values: new Set<string>() };
    for (const v of Array.isArray(value) ? value : [value]) entry.values.add(v);
    merged.set(id, entry);
  }
  for (const { grant, values } of merged.values()) {
    const [operator, keys] = Object.entries(grant.condition!)[0]!;
    const key = Object.keys(keys)[0]!;
    const sorted = [...values].sort();
    out.push({
      action: grant.action,
      resource: grant.resource,
      condition: { [operator]: { [key]: sorted.length === 1 ? sorted[0]! : sorted } },
    });
  }
  return out;
}

/** IAM's limit on a managed policy: 6,144 characters, white space not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** The size IAM counts for a policy document. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, "").length;
}

/** Where the shipped deployer policy lives, one file per group. */
export const DEPLOYER_POLICY_DIR = path.join("policies", "iam", "deployer");

/** The shipped files' contents for the stacks in stacks/: file name to text. */
export async function deployerPolicyFiles(
  stacks: readonly string[] = SAMPLE_STACKS,
): Promise<Record<string, string>> {
  const runs: MockedRun[] = [];
  for (const stack of stacks) runs.push(await runStackWithMocks(stack));
  return Object.fromEntries(
    Object.entries(deployerPolicies(runs)).map(([group, doc]) => [
      `${group}.json`,
      `${JSON.stringify(doc, null, 2)}\n`,
    ]),
  );
}

/** The stacks whose settings the shipped policy is derived from. */
export const SAMPLE_STACKS = ["dev", "prod"] as const;
