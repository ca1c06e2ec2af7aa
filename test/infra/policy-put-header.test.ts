// s3-put-deny-not-if-header-absent, offline: each case puts a Deny on s3:PutObject into the
// backup bucket's policy, as a program would register it.
import { s3PutDenyNotIfHeaderAbsent } from "../../policies/crossguard/rules/s3-put-deny-not-if-header-absent.js";
import { named, policyCases, type MutableRecord } from "./policy-fixtures.js";

const withDeny =
  (condition: Record<string, Record<string, string>>) =>
  (s: MutableRecord[]): void => {
    const policy = named(s, "offsite-policy");
    const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: unknown[] };
    doc.Statement.push({
      Sid: "DenyUnencryptedPuts",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::millbrook-offsite/*",
      Condition: condition,
    });
    policy.inputs.policy = JSON.stringify(doc);
  };

describe("s3-put-deny-not-if-header-absent", () => {
  policyCases(s3PutDenyNotIfHeaderAbsent, [
    { name: "no Deny on puts", expect: "pass" },
    {
      name: "defeat: the statement of issue #12 (StringNotEqualsIfExists on the SSE header)",
      change: withDeny({
        StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" },
      }),
      expect: [
        /Statement\[1\] \(DenyUnencryptedPuts\) denies s3:PutObject with StringNotEqualsIfExists on s3:x-amz-server-side-encryption/,
      ],
    },
    {
      name: "defeat: the same with another operator and the key-id header",
      change: withDeny({
        ArnNotLikeIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:*" },
      }),
      expect: [/ArnNotLikeIfExists on s3:x-amz-server-side-encryption-aws-kms-key-id/],
    },
    {
      name: "the header named and present: StringNotEquals with Null false",
      change: withDeny({
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption": "false" },
      }),
      expect: "pass",
    },
    {
      name: "IfExists on a key that is not a header (aws:SecureTransport)",
      change: withDeny({ BoolIfExists: { "aws:SecureTransport": "false" } }),
      expect: "pass",
    },
  ]);
});
