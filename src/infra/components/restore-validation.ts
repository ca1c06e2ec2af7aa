/**
 * Where AWS Backup's restore tests land and how each is judged: an isolated network in the primary
 * region (a VPC with one subnet, no internet gateway, no NAT, no endpoints, no peering; a security
 * group with no rules at all), so a restored EC2 instance (a domain controller included) can never
 * talk to the production network or the internet; and a validation Lambda that checks each
 * completed restore job of the plan and reports through PutRestoreValidationResult.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";
import { assumedBy, policyJson } from "./policy-documents.js";
import { RESTORE_VALIDATION_SOURCE } from "./restore-validation-code.js";

export interface RestoreIsolationArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly cidr: string;
  readonly tags: Tags;
}

/** The isolated subnet and group restore tests restore into. */
export class RestoreIsolation extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly subnet: aws.ec2.Subnet;
  readonly securityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: RestoreIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:backup:RestoreIsolation", name, {}, opts);
    const parent = { parent: this };
    const region = args.region;
    const tags = tagged(args.tags, { purpose: "restore-test-isolation" });
    const named = (resource: string) => tagged(tags, { Name: `${args.namePrefix}-${resource}` });
    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { region, cidrBlock: args.cidr, tags: named("restore-test-vpc") },
      parent,
    );
    // The default group lets members talk to each other: two restored systems must not.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { region, vpcId: this.vpc.id, ingress: [], egress: [], tags: named("restore-test-default") },
      parent,
    );
    this.subnet = new aws.ec2.Subnet(
      `${name}-subnet`,
      {
        region,
        vpcId: this.vpc.id,
        cidrBlock: args.cidr,
        mapPublicIpOnLaunch: false,
        tags: tagged(named("restore-test-subnet"), { tier: "isolated" }),
      },
      parent,
    );
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        region,
        vpcId: this.vpc.id,
        description: "Restore tests: nothing in, nothing out",
        ingress: [],
        egress: [],
        tags: named("restore-test-sg"),
      },
      parent,
    );
    this.registerOutputs({ subnetId: this.subnet.id, securityGroupId: this.securityGroup.id });
  }
}

export interface RestoreValidationArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly planArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly tags: Tags;
}

/** The validation step of every restore job the plan starts. */
export class RestoreValidation extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly logGroupName: string;

  constructor(name: string, args: RestoreValidationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:backup:RestoreValidation", name, {}, opts);
    const parent = { parent: this };
    const region = args.region;
    const tags = tagged(args.tags, { purpose: "restore-test-validation" });
    const functionName = `${args.namePrefix}-restore-validation`;
    this.logGroupName = `/aws/lambda/${functionName}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { region, name: this.logGroupName, retentionInDays: args.logRetentionDays, tags },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: assumedBy("lambda.amazonaws.com"),
        description: "Validates restore tests and reports to AWS Backup",
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: policyJson([
          {
            Sid: "ReadAndReportRestoreJobs",
            Effect: "Allow",
            Action: ["backup:DescribeRestoreJob", "backup:PutRestoreValidationResult"],
            Resource: "*",
          },
          {
            Sid: "LookAtRestoredResources",
            Effect: "Allow",
            Action: ["ec2:DescribeInstanceStatus", "ec2:DescribeVolumes"],
            Resource: "*",
          },
          {
            Sid: "WriteItsLog",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${logGroup.arn}:*`,
          },
        ]),
      },
      parent,
    );
    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        region,
        name: functionName,
        description: "Checks each restore test's restored resource and reports the result",
        runtime: "nodejs20.x",
        handler: "index.handler",
        role: role.arn,
        timeout: 840,
        memorySize: 128,
        code: new pulumi.asset.AssetArchive({
          "index.mjs": new pulumi.asset.StringAsset(RESTORE_VALIDATION_SOURCE),
        }),
        environment: { variables: { RESTORE_TESTING_PLAN_ARN: args.planArn } },
        tags,
      },
      { ...parent, dependsOn: [logGroup] },
    );
    // AWS Backup reports each restore job's state changes to EventBridge, the state in
    // detail.status (not detail.state as for backup and copy jobs: see ALERTING_JOB_STATES). Only
    // COMPLETED jobs reach the function; it still asks DescribeRestoreJob and judges only
    // completed jobs of its own plan.
    const rule = new aws.cloudwatch.EventRule(
      `${name}-restore-jobs`,
      {
        region,
        description: "Completed restore jobs: validate what this stack's restore tests restored",
        eventPattern: JSON.stringify({
          source: ["aws.backup"],
          "detail-type": ["Restore Job State Change"],
          detail: { status: ["COMPLETED"] },
        }),
        tags,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      { region, rule: rule.name, arn: this.function.arn },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: this.function.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      parent,
    );
    this.registerOutputs({ functionArn: this.function.arn, logGroupName: this.logGroupName });
  }
}
