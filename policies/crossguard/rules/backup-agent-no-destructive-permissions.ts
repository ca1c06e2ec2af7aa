/**
 * A stolen backup-agent credential cannot destroy backups: identity policies grant no deletion
 * (except of restic's lock files, and the object and expired-version deletes Veeam's documented
 * set requires under the configured prefixes, where Object Lock retention protects locked
 * versions), no governance-retention bypass, and no change to versioning, lifecycle, bucket
 * policy, Object Lock or the keys.
 */
import {
  type PolicyConfigSchema,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
} from "@pulumi/policy";
import { configOf } from "../lib/config.js";
import {
  actionMatches,
  parsePolicyDocument,
  statementCovers,
  type Statement,
} from "../lib/policy-document.js";
import { isRecord, prop } from "../lib/values.js";

/** Configuration of backup-agent-no-destructive-permissions. */
export interface AgentPermissionsConfig {
  readonly forbiddenActions: readonly string[];
  readonly deleteAllowedPrefixes: readonly string[];
  readonly versionDeletePrefixes: readonly string[];
  readonly allowedManagedPolicies: readonly string[];
}

/** Actions that would let a credential destroy or unprotect backups. */
export const DEFAULT_FORBIDDEN_ACTIONS = [
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:BypassGovernanceRetention",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "backup:DeleteRecoveryPoint",
  "backup:DeleteBackupVault",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:UpdateRecoveryPointLifecycle",
] as const;

/** AWS Backup's service-role policies: scoped to what AWS Backup does for the town. */
export const AWS_BACKUP_SERVICE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForS3Backup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForS3Restore",
] as const;

const configSchema: PolicyConfigSchema = {
  properties: {
    forbiddenActions: {
      type: "array",
      items: { type: "string", pattern: "^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$" },
      default: [...DEFAULT_FORBIDDEN_ACTIONS],
      description: "IAM actions no Allow statement may grant, directly or through a wildcard.",
    },
    deleteAllowedPrefixes: {
      type: "array",
      items: { type: "string", pattern: "^[^*?]+/$" },
      default: ["locks/"],
      description:
        "Key prefixes (the last folder of the object key, like restic's locks/) under which s3:DeleteObject may be granted.",
    },
    versionDeletePrefixes: {
      type: "array",
      items: { type: "string", pattern: "^[^*?]+/$" },
      default: ["veeam/"],
      description:
        "Key prefixes (the first folder of the object key) of clients whose vendor requires deleting objects and expired versions (Veeam); locked versions stay protected by Object Lock retention.",
    },
    allowedManagedPolicies: {
      type: "array",
      items: { type: "string", pattern: "^arn:aws[a-z-]*:iam::aws:policy/" },
      default: [...AWS_BACKUP_SERVICE_POLICIES],
      description:
        "AWS-managed policies that may be attached (their documents are not in the program, so any other is refused: AdministratorAccess would grant everything).",
    },
  },
};

/**
 * Whether an object ARN names only keys under an allowed prefix: `arn:aws:s3:::bucket/repo/locks/*`
 * for `locks/`, with no wildcard before the final `*`.
 */
function onlyUnderAllowedPrefix(resource: string, prefixes: readonly string[]): boolean {
  const match = /^arn:[^:]+:s3:::[^/*?]+\/(.*)$/.exec(resource);
  if (!match) return false;
  const key = match[1]!;
  const fixed = key.endsWith("*") ? key.slice(0, -1) : key;
  if (/[*?]/.test(fixed)) return false;
  return prefixes.some((prefix) => fixed === prefix || fixed.endsWith(`/${prefix}`));
}

/** Whether an object ARN names only keys under a version-delete prefix: `arn:aws:s3:::b/veeam/*`. */
function onlyUnderVersionDeletePrefix(resource: string, prefixes: readonly string[]): boolean {
  const match = /^arn:[^:]+:s3:::[^/*?]+\/(.*)$/.exec(resource);
  if (!match) return false;
  const key = match[1]!;
  const fixed = key.endsWith("*") ? key.slice(0, -1) : key;
  if (/[*?]/.test(fixed)) return false;
  return prefixes.some((prefix) => fixed.startsWith(prefix));
}

/** The problems of one Allow statement, each a sentence. */
function statementProblems(statement: Statement, config: AgentPermissionsConfig): string[] {
  const problems: string[] = [];
  const vendorDeletes =
    statement.notResources.length === 0 &&
    statement.resources.length > 0 &&
    statement.resources.every((r) => onlyUnderVersionDeletePrefix(r, config.versionDeletePrefixes));
  const granted = config.forbiddenActions.filter(
    (action) =>
      statementCovers(statement, action) &&
      !(vendorDeletes && actionMatches(action, "s3:DeleteObjectVersion")),
  );
  if (granted.length > 0) problems.push(`grants ${granted.join(", ")}`);
  // Any other named s3:Delete* action (tagging, bucket settings) is a deletion too.
  const namedDeletes = statement.actions.filter(
    (a) =>
      !/[*?]/.test(a) &&
      /^s3:delete/i.test(a) &&
      !actionMatches(a, "s3:DeleteObject") &&
      !(vendorDeletes && actionMatches(a, "s3:DeleteObjectVersion")) &&
      !granted.some((g) => actionMatches(a, g)),
  );
  if (namedDeletes.length > 0) problems.push(`grants ${namedDeletes.join(", ")}`);
  if (statementCovers(statement, "s3:DeleteObject") && !vendorDeletes) {
    const broad =
      statement.notResources.length > 0
        ? ["NotResource"]
        : statement.resources.filter(
            (r) => !onlyUnderAllowedPrefix(r, config.deleteAllowedPrefixes),
          );
    if (broad.length > 0) {
      problems.push(
        `grants s3:DeleteObject on ${broad.join(", ")}; deletion is allowed only under ${config.deleteAllowedPrefixes.join(", ")}`,
      );
    }
  }
  return problems;
}

function validateDocument(
  policy: unknown,
  args: ResourceValidationArgs,
  report: (m: string) => void,
) {
  const config = configOf<AgentPermissionsConfig>(configSchema, args);
  const parsed = parsePolicyDocument(policy);
  if (!parsed.ok) {
    report(`${parsed.reason}; a policy that cannot be read cannot be shown to be safe`);
    return;
  }
  for (const [i, statement] of parsed.statements.entries()) {
    if (statement.effect !== "Allow") continue;
    const label =
      statement.sid === undefined ? `Statement[${i}]` : `Statement[${i}] (${statement.sid})`;
    for (const problem of statementProblems(statement, config)) report(`${label} ${problem}`);
  }
}

/** The identity policies, which all carry their document in `policy`. */
const IAM_POLICY_TYPES: ReadonlySet<string> = new Set([
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/groupPolicy:GroupPolicy",
]);

/** Resources that attach a managed policy by ARN, and the property holding it. */
const ATTACHMENT_TYPES: ReadonlySet<string> = new Set([
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
]);

/** A managed policy ARN the pack cannot read: an AWS-managed one outside the allowed list. */
function checkManagedArn(
  arn: unknown,
  config: AgentPermissionsConfig,
  report: (m: string) => void,
): void {
  if (typeof arn !== "string" || !/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn)) return;
  if (config.allowedManagedPolicies.includes(arn)) return;
  report(
    `attaches the AWS-managed policy ${arn}, whose permissions the pack cannot show to be safe (AdministratorAccess and the like grant every destructive action); attach a customer-managed policy instead`,
  );
}

const validate: ResourceValidation = (args, reportViolation) => {
  const config = configOf<AgentPermissionsConfig>(configSchema, args);
  if (ATTACHMENT_TYPES.has(args.type)) {
    checkManagedArn(prop(args, "policyArn"), config, reportViolation);
    return;
  }
  if (args.type === "aws:iam/role:Role") {
    // A role can carry policies itself: inline documents and (deprecated) managed ARNs.
    const inline = prop(args, "inlinePolicies");
    for (const [i, entry] of (Array.isArray(inline) ? inline : []).entries()) {
      const document = isRecord(entry) ? entry.policy : undefined;
      if (document === undefined) continue;
      validateDocument(document, args, (m) => reportViolation(`inlinePolicies[${i}]: ${m}`));
    }
    const managed = prop(args, "managedPolicyArns");
    for (const arn of Array.isArray(managed) ? managed : []) {
      checkManagedArn(arn, config, reportViolation);
    }
    return;
  }
  if (!IAM_POLICY_TYPES.has(args.type)) {
    args.notApplicable("Policy only applies to IAM identity policies and their attachments");
  }
  validateDocument(prop(args, "policy"), args, reportViolation);
};

/** Resource policy over every IAM identity policy document of the stack. */
export const backupAgentNoDestructivePermissions: ResourceValidationPolicy = {
  name: "backup-agent-no-destructive-permissions",
  description:
    "IAM policies (aws.iam.Policy, UserPolicy, RolePolicy, GroupPolicy, a Role's inlinePolicies) and managed-policy attachments (aws.iam.*PolicyAttachment, a Role's managedPolicyArns: no AWS-managed policy outside allowedManagedPolicies) grant no deletion except s3:DeleteObject under restic's locks/, and none of the forbidden actions: deleting object versions, bypassing governance retention, changing versioning, lifecycle, bucket policy, Object Lock or public access block, scheduling KMS key deletion.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: validate,
};
