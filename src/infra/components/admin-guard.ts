/**
 * A guard the program attaches to the town's everyday admin role (which exists outside the
 * program and may carry AdministratorAccess): explicit denies on stopping the audit trail and on
 * removing the guard itself. Trails have no resource policy, so only the caller's own policies
 * can refuse cloudtrail:StopLogging; bucket, key and vault protection is refused by their
 * resource policies already.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";
import { policyJson, type Statement } from "./policy-documents.js";

export interface AdminGuardArgs {
  readonly namePrefix: string;
  /** The admin role's name and ARN (stronghold:accessRoles.admin). */
  readonly adminRole: { readonly name: string; readonly arn: pulumi.Input<string> };
  readonly trailArn: pulumi.Input<string>;
  readonly tags: Tags;
}

/** CloudTrail calls that blind the tamper alarms. */
export const TRAIL_SILENCING = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
] as const;

/** The guard's statements: no silencing the trail, no removing the guard. */
export function adminGuardStatements(
  args: AdminGuardArgs,
  policyArn: pulumi.Input<string>,
): Statement[] {
  return [
    {
      Sid: "KeepTheAuditTrail",
      Effect: "Deny",
      Action: [...TRAIL_SILENCING],
      Resource: args.trailArn,
    },
    {
      Sid: "KeepThisGuard",
      Effect: "Deny",
      Action: [
        "iam:DetachRolePolicy",
        "iam:DeletePolicy",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:DeleteRolePermissionsBoundary",
        "iam:PutRolePermissionsBoundary",
      ],
      Resource: [args.adminRole.arn, policyArn],
    },
  ];
}

export class AdminGuard extends pulumi.ComponentResource {
  readonly policy: aws.iam.Policy;

  constructor(name: string, args: AdminGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:access:AdminGuard", name, {}, opts);
    const policyName = `${args.namePrefix}-admin-guard`;
    // The policy names its own ARN, which is known from its path and name before it exists.
    const ownArn = pulumi
      .output(args.adminRole.arn)
      .apply((arn) => `${arn.slice(0, arn.indexOf(":role/"))}:policy/stronghold/${policyName}`);
    this.policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        name: policyName,
        path: "/stronghold/",
        description:
          "Keeps the town's admin role from silencing the audit trail or removing this guard",
        policy: policyJson(adminGuardStatements(args, ownArn)),
        tags: tagged(args.tags, { purpose: "admin-guard" }),
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-attachment`,
      { role: args.adminRole.name, policyArn: this.policy.arn },
      { parent: this },
    );
    this.registerOutputs({ policyArn: this.policy.arn });
  }
}
