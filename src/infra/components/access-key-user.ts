/**
 * An IAM user with one managed policy and one access key, as an on-premises tool that cannot
 * assume a role needs it (a backup agent, the evidence push). The key's secret stays a Pulumi
 * secret end to end.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Tags } from "../tags.js";
import { tagged } from "../tags.js";
import { policyJson, type Statement } from "./policy-documents.js";

export interface AccessKeyUserArgs {
  readonly userName: string;
  readonly description: string;
  readonly statements: Statement[];
  readonly tags: Tags;
}

export interface AccessKeyUser {
  readonly user: aws.iam.User;
  readonly policy: aws.iam.Policy;
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;
}

/**
 * Creates the user, its policy, the attachment and the key as children of `parent`, named
 * `<name>-user`, `-policy`, `-policy-attachment` and `-access-key` (the names are part of the
 * stacks' URNs: changing them would replace the users and their keys).
 */
export function accessKeyUser(
  parent: pulumi.ComponentResource,
  name: string,
  args: AccessKeyUserArgs,
): AccessKeyUser {
  const user = new aws.iam.User(
    `${name}-user`,
    {
      name: args.userName,
      path: "/stronghold/",
      tags: tagged(args.tags, { Name: args.userName }),
    },
    { parent },
  );
  const policy = new aws.iam.Policy(
    `${name}-policy`,
    {
      path: "/stronghold/",
      description: args.description,
      policy: policyJson(args.statements),
      tags: args.tags,
    },
    { parent },
  );
  new aws.iam.UserPolicyAttachment(
    `${name}-policy-attachment`,
    { user: user.name, policyArn: policy.arn },
    { parent },
  );
  const key = new aws.iam.AccessKey(
    `${name}-access-key`,
    { user: user.name },
    { parent, additionalSecretOutputs: ["secret"] },
  );
  return {
    user,
    policy,
    accessKeyId: pulumi.secret(key.id),
    secretAccessKey: pulumi.secret(key.secret),
  };
}
