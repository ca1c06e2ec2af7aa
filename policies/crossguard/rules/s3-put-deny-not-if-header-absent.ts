/**
 * No Deny on s3:PutObject hangs on an `…IfExists` condition over a request header. In a Deny,
 * `StringNotEqualsIfExists` (and every other `…IfExists`) is true when the key is absent, so
 * such a statement refuses every upload that omits the header — restic and Veeam send no
 * encryption headers and rely on the bucket default (issue #12, defect 1). Deny only puts that
 * name the header: the plain operator with a `Null: { key: "false" }` condition beside it.
 */
import type { ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";
import { parsePolicyDocument, statementCovers } from "../lib/policy-document.js";
import { isRecord, prop } from "../lib/values.js";

/** The resources whose `policy` is a policy document that may hold such a Deny. */
const DOCUMENT_TYPES: ReadonlySet<string> = new Set([
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/groupPolicy:GroupPolicy",
]);

/** Condition keys that come from a PutObject request's headers. */
const HEADER_KEY = /^s3:(x-amz-|object-lock-)/i;

const validate: ResourceValidation = (args, reportViolation) => {
  if (!DOCUMENT_TYPES.has(args.type)) {
    args.notApplicable("Policy only applies to bucket and IAM policy documents");
  }
  const parsed = parsePolicyDocument(prop(args, "policy"));
  if (!parsed.ok) return;
  for (const [i, statement] of parsed.statements.entries()) {
    if (statement.effect !== "Deny" || !statementCovers(statement, "s3:PutObject")) continue;
    for (const [operator, keys] of Object.entries(statement.condition)) {
      if (!/IfExists$/i.test(operator) || !isRecord(keys)) continue;
      for (const key of Object.keys(keys).filter((k) => HEADER_KEY.test(k))) {
        const label =
          statement.sid === undefined ? `Statement[${i}]` : `Statement[${i}] (${statement.sid})`;
        reportViolation(
          `${label} denies s3:PutObject with ${operator} on ${key}: it also refuses every upload that omits the header (restic, Veeam); use ${operator.replace(/IfExists$/i, "")} with Null { "${key}": "false" }`,
        );
      }
    }
  }
};

/** Resource policy over every bucket and IAM policy document. */
export const s3PutDenyNotIfHeaderAbsent: ResourceValidationPolicy = {
  name: "s3-put-deny-not-if-header-absent",
  description:
    "No Deny on s3:PutObject uses an …IfExists condition operator on a request header key (s3:x-amz-…, s3:object-lock-…): in a Deny it matches uploads that omit the header, which every backup client's plain upload does.",
  enforcementLevel: "mandatory",
  validateResource: validate,
};
