/**
 * The per-agent allow/deny summary of `stronghold infra plan`: for each backup agent, which
 * destructive requests its identity policies deny, allow (and on which resources) or do not
 * grant. Derived from the policy statements the program registers, by action name alone
 * (conditions and resource policies are not evaluated here; the tests cross-check this summary
 * against a full IAM evaluation). An attached AWS-managed policy is reported as unread.
 */
import {
  actionMatches,
  parsePolicyDocument,
  type Statement,
} from "../../policies/crossguard/lib/policy-document.js";
import type { RecordedResource } from "./mock-run.js";

/** Requests that destroy backups or their protection, in the order the summary lists them. */
export const DESTRUCTIVE_REQUESTS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:BypassGovernanceRetention",
  "s3:PutObjectRetention",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:DeleteBucket",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
] as const;

/** What an agent's identity policies say about one destructive request. */
export type AccessVerdict =
  | { readonly kind: "denied" }
  | { readonly kind: "allowed"; readonly on: readonly string[] }
  | { readonly kind: "unread"; readonly policies: readonly string[] }
  | { readonly kind: "not-granted" };

/** One agent's summary. */
export interface AgentAccess {
  readonly agent: string;
  readonly user: string;
  readonly requests: readonly { readonly action: string; readonly verdict: AccessVerdict }[];
}

const covers = (s: Statement, action: string) =>
  s.notActions.length > 0
    ? !s.notActions.some((p) => actionMatches(p, action))
    : s.actions.some((p) => actionMatches(p, action));

/** The verdict for one action over an agent's statements. */
export function verdictFor(
  statements: readonly Statement[],
  awsManaged: readonly string[],
  action: string,
): AccessVerdict {
  // An unconditional Deny wins over any Allow; a conditional one is not counted on.
  const denied = statements.some(
    (s) => s.effect === "Deny" && Object.keys(s.condition).length === 0 && covers(s, action),
  );
  if (denied) return { kind: "denied" };
  const on = statements
    .filter((s) => s.effect === "Allow" && covers(s, action))
    .flatMap((s) => (s.notResources.length > 0 ? ["NotResource"] : s.resources));
  if (on.length > 0) return { kind: "allowed", on };
  if (awsManaged.length > 0) return { kind: "unread", policies: awsManaged };
  return { kind: "not-granted" };
}

const AGENT_COMPONENT = "stronghold:backup:BackupAgentAccess";

/** The summary for every backup agent of a mocked run. */
export function summarizeAgentAccess(resources: readonly RecordedResource[]): AgentAccess[] {
  const users = resources.filter(
    (r) => r.type === "aws:iam/user:User" && r.parent?.includes(`::${AGENT_COMPONENT}::`),
  );
  return users.map((user) => {
    const name = String(user.inputs.name);
    const statements: Statement[] = [];
    const awsManaged: string[] = [];
    const add = (document: unknown) => {
      const parsed = parsePolicyDocument(document);
      if (parsed.ok) statements.push(...parsed.statements);
    };
    for (const attachment of resources.filter(
      (a) =>
        a.type === "aws:iam/userPolicyAttachment:UserPolicyAttachment" && a.inputs.user === name,
    )) {
      const arn = String(attachment.inputs.policyArn);
      const policy = resources.find((p) => p.type === "aws:iam/policy:Policy" && p.id === arn);
      if (policy) add(policy.inputs.policy);
      else awsManaged.push(arn);
    }
    for (const inline of resources.filter(
      (p) => p.type === "aws:iam/userPolicy:UserPolicy" && p.inputs.user === name,
    )) {
      add(inline.inputs.policy);
    }
    const agent = user.parent!.slice(user.parent!.lastIndexOf("::") + 2).replace(/^agent-/, "");
    return {
      agent,
      user: name,
      requests: DESTRUCTIVE_REQUESTS.map((action) => ({
        action,
        verdict: verdictFor(statements, awsManaged, action),
      })),
    };
  });
}

/** One line per agent: what is denied, allowed where, unread and not granted. */
export function describeAgentAccess(access: AgentAccess): string[] {
  const of = (kind: AccessVerdict["kind"]) =>
    access.requests.filter((r) => r.verdict.kind === kind);
  const lines = [`${access.agent} (${access.user})`];
  const allowed = of("allowed");
  for (const r of allowed) {
    const on = r.verdict.kind === "allowed" ? r.verdict.on.join(", ") : "";
    lines.push(`  allow ${r.action} on ${on}`);
  }
  const unread = of("unread");
  if (unread.length > 0) {
    lines.push(`  unread (AWS-managed policy attached): ${unread.map((r) => r.action).join(", ")}`);
  }
  const denied = of("denied");
  if (denied.length > 0) lines.push(`  deny ${denied.map((r) => r.action).join(", ")}`);
  const none = of("not-granted");
  if (none.length > 0) lines.push(`  not granted ${none.map((r) => r.action).join(", ")}`);
  return lines;
}
