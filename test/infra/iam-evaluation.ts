/**
 * Evaluates requests against the policies a mocked run of the program really produced, with
 * @cloud-copilot/iam-simulate (AGPL-3.0: a devDependency used by tests only, never shipped). The
 * identity policies of a user or role are gathered the way IAM attaches them (managed policies
 * through attachments, inline policies, a role's inlinePolicies); resource policies are the
 * bucket, key and vault policies the program registered. AWS itself is not involved.
 */
import { runSimulation, type EvaluationResult } from "@cloud-copilot/iam-simulate";
import type { MockedRun, RecordedResource } from "../../src/infra/mock-run.js";
import { MOCK_ACCOUNT_ID } from "../../src/infra/mocks.js";

/** An IAM principal the program creates or names: a user or a role, by name and path. */
export interface Principal {
  readonly kind: "user" | "role";
  readonly name: string;
  readonly path?: string;
  /** The account the principal lives in; default the mocked production account. */
  readonly account?: string;
}

/** One API request as the client sends it: the action, the resource ARN and the context keys. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The account owning the resource, for ARNs without one (S3); default production. */
  readonly resourceAccount?: string;
}

/** The ARN of a principal in the mocked account. */
export function principalArn(principal: Principal): string {
  return `arn:aws:iam::${principal.account ?? MOCK_ACCOUNT_ID}:${principal.kind}${principal.path ?? "/"}${principal.name}`;
}

/** The account owning a resource: from its ARN where the ARN names one, else as the request says. */
function accountOfResource(request: Request): string {
  const fromArn = request.resource.split(":")[4];
  return fromArn !== undefined && /^\d{12}$/.test(fromArn)
    ? fromArn
    : (request.resourceAccount ?? MOCK_ACCOUNT_ID);
}

const parse = (text: unknown): unknown => (typeof text === "string" ? JSON.parse(text) : text);

/** The documents attached to a principal, and the AWS-managed policy ARNs it carries. */
export function identityPoliciesOf(
  run: MockedRun,
  principal: Principal,
): { policies: { name: string; policy: unknown }[]; awsManaged: string[] } {
  const r = run.resources;
  const policies: { name: string; policy: unknown }[] = [];
  const awsManaged: string[] = [];
  // The program creates IAM identities and policies in the production account only.
  if ((principal.account ?? MOCK_ACCOUNT_ID) !== MOCK_ACCOUNT_ID) return { policies, awsManaged };
  const isMine = (resource: RecordedResource, key: string) =>
    resource.inputs[key] === principal.name;
  const attachmentType =
    principal.kind === "user"
      ? "aws:iam/userPolicyAttachment:UserPolicyAttachment"
      : "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
  const inlineType =
    principal.kind === "user" ? "aws:iam/userPolicy:UserPolicy" : "aws:iam/rolePolicy:RolePolicy";
  const key = principal.kind;
  for (const attachment of r.filter((a) => a.type === attachmentType && isMine(a, key))) {
    const arn = String(attachment.inputs.policyArn);
    const managed = r.find((p) => p.type === "aws:iam/policy:Policy" && p.id === arn);
    if (managed) policies.push({ name: managed.name, policy: parse(managed.inputs.policy) });
    else awsManaged.push(arn);
  }
  for (const inline of r.filter((p) => p.type === inlineType && isMine(p, key))) {
    policies.push({ name: inline.name, policy: parse(inline.inputs.policy) });
  }
  if (principal.kind === "role") {
    const role = r.find((x) => x.type === "aws:iam/role:Role" && x.id === principal.name);
    const inline = (role?.inputs.inlinePolicies ?? []) as { name?: string; policy?: string }[];
    for (const p of inline) policies.push({ name: p.name ?? "inline", policy: parse(p.policy) });
    const arns = (role?.inputs.managedPolicyArns ?? []) as string[];
    awsManaged.push(...arns);
  }
  return { policies, awsManaged };
}

/** The resource policy governing `resource`: a bucket's, a key's or a vault's; none otherwise. */
export function resourcePolicyFor(run: MockedRun, resource: string): unknown {
  const r = run.resources;
  const s3 = /^arn:aws:s3:::([^/]+)/.exec(resource);
  if (s3) {
    const policy = r.find(
      (p) => p.type === "aws:s3/bucketPolicy:BucketPolicy" && p.inputs.bucket === s3[1],
    );
    return policy && parse(policy.inputs.policy);
  }
  const kms = /^arn:aws:kms:[^:]+:\d+:key\/(.+)$/.exec(resource);
  if (kms) {
    const policy = r.find(
      (p) => p.type === "aws:kms/keyPolicy:KeyPolicy" && p.inputs.keyId === kms[1],
    );
    const key = r.find((k) => k.type === "aws:kms/key:Key" && k.id === kms[1]);
    return parse(policy?.inputs.policy ?? key?.inputs.policy);
  }
  const vault = /^arn:aws:backup:[^:]+:\d+:backup-vault:(.+)$/.exec(resource);
  if (vault) {
    const policy = r.find(
      (p) =>
        p.type === "aws:backup/vaultPolicy:VaultPolicy" && p.inputs.backupVaultName === vault[1],
    );
    return policy && parse(policy.inputs.policy);
  }
  return undefined;
}

/**
 * AWS-managed policies are not part of the program, so they stand in as "allows everything":
 * the verdict then rests on what the program itself writes (its denies, key and resource
 * policies). Used for AdministratorAccess on the town's admin role and for AWS Backup's
 * service-role policies.
 */
const AWS_MANAGED_STAND_IN = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

/** Evaluates one request against `principal`'s identity policies alone (no resource policy). */
export async function evaluateIdentity(
  run: MockedRun,
  principal: Principal,
  request: Request,
): Promise<EvaluationResult> {
  return evaluate(run, principal, request, [], false);
}

/** Evaluates one request by `principal` against the program's policies. */
export async function evaluate(
  run: MockedRun,
  principal: Principal,
  request: Request,
  /** AWS-managed policies a role outside the program carries (AdministratorAccess). */
  externalAwsManaged: readonly string[] = [],
  withResourcePolicy = true,
): Promise<EvaluationResult> {
  const found = identityPoliciesOf(run, principal);
  const policies = found.policies;
  const awsManaged = [...found.awsManaged, ...externalAwsManaged];
  const identityPolicies = [
    ...policies,
    ...awsManaged.map((name) => ({ name, policy: AWS_MANAGED_STAND_IN })),
  ];
  const resourcePolicy = withResourcePolicy ? resourcePolicyFor(run, request.resource) : undefined;
  const result = await runSimulation(
    {
      request: {
        principal: principalArn(principal),
        action: request.action,
        resource: { resource: request.resource, accountId: accountOfResource(request) },
        contextVariables: {
          "aws:SecureTransport": "true",
          "aws:PrincipalArn": principalArn(principal),
          "aws:PrincipalAccount": principal.account ?? MOCK_ACCOUNT_ID,
          ...request.context,
        },
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}
