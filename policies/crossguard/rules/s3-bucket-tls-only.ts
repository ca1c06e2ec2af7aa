/** Backups never travel unencrypted: every bucket refuses requests that do not use TLS. */
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { missingSibling } from "../lib/buckets.js";
import { validateBuckets } from "../lib/bucket-policy.js";
import { isEveryone, parsePolicyDocument, type Statement } from "../lib/policy-document.js";
import { asList, isRecord, prop } from "../lib/values.js";

/** `Condition: { Bool: { "aws:SecureTransport": "false" } }`, in any of its spellings. */
function deniesPlainHttp(condition: Statement["condition"]): boolean {
  return ["Bool", "BoolIfExists"].some((operator) => {
    const test = condition[operator];
    if (!isRecord(test)) return false;
    return Object.entries(test).some(
      ([key, value]) =>
        key.toLowerCase() === "aws:securetransport" &&
        asList(value).some((v) => v === false || v === "false"),
    );
  });
}

/** Covers every S3 action on the bucket and on its objects. */
function coversBucketAndObjects(statement: Statement): boolean {
  const allS3 = statement.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*");
  const objects = statement.resources.some((r) => r === "*" || r.endsWith("/*"));
  const bucket = statement.resources.some((r) => r === "*" || /^arn:[^:]+:s3:::[^/]+$/.test(r));
  return allS3 && objects && bucket;
}

/** Stack policy over every bucket and its bucket policy. */
export const s3BucketTlsOnly: StackValidationPolicy = {
  name: "s3-bucket-tls-only",
  description:
    'Every bucket has an aws.s3.BucketPolicy that denies all S3 actions on the bucket and its objects to everyone when aws:SecureTransport is "false".',
  enforcementLevel: "mandatory",
  validateStack: validateBuckets("any", ({ bucket, index, unknowns, report }) => {
    const lookup = index.siblingsOf(bucket, aws.s3.BucketPolicy);
    missingSibling(lookup, unknowns, () =>
      report("no aws.s3.BucketPolicy for this bucket; add one denying requests without TLS"),
    );
    const documents = lookup.found.flatMap((policy) => {
      const text = unknowns.read(() => prop(policy, "policy"));
      return text.known ? [{ policy, parsed: parsePolicyDocument(text.value) }] : [];
    });
    for (const { policy, parsed } of documents) {
      if (!parsed.ok) report(`bucket policy "${policy.name}": ${parsed.reason}`);
    }
    const statements = documents.flatMap(({ parsed }) => (parsed.ok ? parsed.statements : []));
    const tlsOnly = statements.some(
      (s) =>
        s.effect === "Deny" &&
        isEveryone(s.principal) &&
        coversBucketAndObjects(s) &&
        deniesPlainHttp(s.condition),
    );
    const allRead = documents.length === lookup.found.length && documents.every((d) => d.parsed.ok);
    if (lookup.found.length > 0 && allRead && !tlsOnly) {
      report(
        'the bucket policy has no statement denying s3:* on the bucket and bucket/* to Principal "*" when aws:SecureTransport is "false"',
      );
    }
  }),
};
