/**
 * What `pulumi up` calls in AWS for each resource type the program registers: the IAM actions
 * the AWS provider needs to create, read (refresh and diff), update and delete it, and which
 * resource each action is authorized on. The deployer policy (deployer-policy.ts) is built from
 * this table and the resources a mocked run registers, so a type the program starts using without
 * an entry here fails the policy's test.
 */
import type { RecordedResource } from "./mock-run.js";

/** How an action set names its resource. */
export type Scope =
  /** The resource's own ARN. */
  | "self"
  /** The bucket named by its `bucket` input. */
  | "bucket"
  /** The role named by its `role` input. */
  | "role"
  /** The user named by its `user` input. */
  | "user"
  /** The vault named by its `backupVaultName` input. */
  | "vault"
  /** The restore testing plan named by its `restoreTestingPlanName` input. */
  | "restore-testing-plan"
  /** The plan named by its `planId` input. */
  | "backup-plan"
  /** The event rule named by its `rule` input. */
  | "event-rule"
  /** The log group named by its `logGroupName` input. */
  | "log-group"
  /** The topic named by its `topic` or `arn` input. */
  | "topic"
  /** The function named by its `function` input. */
  | "function"
  /** The hosted zone named by its `zoneId` input. */
  | "zone"
  /** The key named by its `keyId` or `targetKeyId` input. */
  | "key"
  /** AWS Backup Audit Manager's service-linked role, AWSServiceRoleForBackupReports. */
  | "backup-reports-role"
  /** The roles a provider assumes (its `assumeRoles` input). */
  | "assumed-roles"
  /** Actions that take no resource ARN, authorized on "*" (limited to the stack's regions). */
  | "any";

/** A role a resource hands to an AWS service: iam:PassRole on it, to that service only. */
export interface PassedRole {
  /** The input holding the role's ARN. */
  readonly input: string;
  /** The service principal the role is passed to (iam:PassedToService). */
  readonly service: string;
}

/** The calls behind one resource type. */
export interface TypeActions {
  readonly scope: Scope;
  readonly create: readonly string[];
  readonly read: readonly string[];
  readonly update: readonly string[];
  /** Left out for resources the program keeps (retainOnDelete): Pulumi never deletes those. */
  readonly delete: readonly string[];
  /** Calls of the same resource that AWS authorizes on "*" only (List/Describe, create by id). */
  readonly anyResource?: readonly string[];
  /** Actions on other resources than the scope's, with their own ARN (a vault's key). */
  readonly related?: readonly { readonly scope: Scope; readonly actions: readonly string[] }[];
  readonly passes?: PassedRole;
}

const S3_BUCKET_READ = [
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:GetBucketTagging",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketPolicy",
];

/** A bucket sub-resource set by one Put action, whose Delete API is authorized by the same Put. */
const bucketSetting = (put: string, get: string, del: string = put): TypeActions => ({
  scope: "bucket",
  create: [put],
  read: [get],
  update: [put],
  delete: [del],
});

const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags"];

/** An EC2 resource: EC2 ids are chosen by AWS, so the actions run on "*" in the stack's regions. */
const ec2 = (create: string[], read: string[], update: string[], del: string[]): TypeActions => ({
  scope: "any",
  create: [...create, ...EC2_TAGS],
  read,
  update: [...update, ...EC2_TAGS],
  delete: del,
});

const TAGS = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`];

/** Per Pulumi type token, the IAM actions its create, read, update and delete need. */
export const DEPLOYER_ACTIONS: Readonly<Record<string, TypeActions>> = {
  // The backup account's provider: production's deployer assumes that account's deploy role.
  "pulumi:providers:aws": {
    scope: "assumed-roles",
    create: ["sts:AssumeRole"],
    read: [],
    update: [],
    delete: [],
  },
  // Creating a bucket with Object Lock needs PutBucketObjectLockConfiguration and
  // PutBucketVersioning besides CreateBucket (S3 API reference, CreateBucket "Permissions").
  "aws:s3/bucket:Bucket": {
    scope: "self",
    create: [
      "s3:CreateBucket",
      "s3:PutBucketTagging",
      "s3:PutBucketObjectLockConfiguration",
      "s3:PutBucketVersioning",
    ],
    read: S3_BUCKET_READ,
    update: ["s3:PutBucketTagging"],
    delete: ["s3:DeleteBucket"],
  },
  // S3's Delete* calls for these settings are authorized by the Put* action (S3 API reference:
  // DeleteBucketOwnershipControls, DeletePublicAccessBlock, DeleteBucketEncryption,
  // DeleteBucketLifecycle and DeleteBucketReplication each name the Put permission).
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting(
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
  ),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting(
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ),
  "aws:s3/bucketVersioning:BucketVersioning": bucketSetting(
    "s3:PutBucketVersioning",
    "s3:GetBucketVersioning",
  ),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    bucketSetting("s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSetting(
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
  ),
  "aws:s3/bucketPolicy:BucketPolicy": bucketSetting(
    "s3:PutBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:DeleteBucketPolicy",
  ),
  "aws:s3/bucketLogging:BucketLogging": bucketSetting("s3:PutBucketLogging", "s3:GetBucketLogging"),
  "aws:s3/bucketNotification:BucketNotification": bucketSetting(
    "s3:PutBucketNotification",
    "s3:GetBucketNotification",
  ),
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": bucketSetting(
    "s3:PutBucketObjectLockConfiguration",
    "s3:GetBucketObjectLockConfiguration",
  ),
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
    ...bucketSetting("s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration"),
    passes: { input: "role", service: "s3.amazonaws.com" },
  },

  // CreateKey names no key yet; tagging at creation needs kms:TagResource (KMS API reference).
  "aws:kms/key:Key": {
    scope: "self",
    create: ["kms:TagResource", "kms:EnableKeyRotation"],
    read: [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
    ],
    update: [
      "kms:UpdateKeyDescription",
      "kms:EnableKeyRotation",
      "kms:TagResource",
      "kms:UntagResource",
    ],
    delete: ["kms:ScheduleKeyDeletion"],
    anyResource: ["kms:CreateKey"],
  },
  "aws:kms/keyPolicy:KeyPolicy": {
    scope: "key",
    create: ["kms:PutKeyPolicy"],
    read: ["kms:GetKeyPolicy", "kms:DescribeKey"],
    update: ["kms:PutKeyPolicy"],
    delete: ["kms:PutKeyPolicy"],
  },
  // CreateAlias, UpdateAlias and DeleteAlias need the permission on the alias and on the key
  // (KMS developer guide, "Controlling access to aliases").
  "aws:kms/alias:Alias": {
    scope: "self",
    create: ["kms:CreateAlias"],
    read: [],
    update: ["kms:UpdateAlias"],
    delete: ["kms:DeleteAlias"],
    anyResource: ["kms:ListAliases"],
    related: [{ scope: "key", actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] }],
  },

  "aws:iam/role:Role": {
    scope: "self",
    create: ["iam:CreateRole", "iam:TagRole"],
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
    update: [
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PutRolePolicy",
      "iam:GetRolePolicy",
      "iam:DeleteRolePolicy",
    ],
    delete: ["iam:DeleteRole", "iam:ListInstanceProfilesForRole"],
  },
  "aws:iam/rolePolicy:RolePolicy": {
    scope: "role",
    create: ["iam:PutRolePolicy"],
    read: ["iam:GetRolePolicy"],
    update: ["iam:PutRolePolicy"],
    delete: ["iam:DeleteRolePolicy"],
  },
  // Attachments are further limited to the policies the program attaches (iam:PolicyARN).
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    scope: "role",
    create: ["iam:AttachRolePolicy"],
    read: ["iam:ListAttachedRolePolicies"],
    update: [],
    delete: ["iam:DetachRolePolicy"],
  },
  "aws:iam/user:User": {
    scope: "self",
    create: ["iam:CreateUser", "iam:TagUser"],
    read: ["iam:GetUser"],
    update: ["iam:TagUser", "iam:UntagUser"],
    delete: ["iam:DeleteUser"],
  },
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": {
    scope: "user",
    create: ["iam:AttachUserPolicy"],
    read: ["iam:ListAttachedUserPolicies"],
    update: [],
    delete: ["iam:DetachUserPolicy"],
  },
  "aws:iam/accessKey:AccessKey": {
    scope: "user",
    create: ["iam:CreateAccessKey"],
    read: ["iam:ListAccessKeys"],
    update: ["iam:UpdateAccessKey"],
    delete: ["iam:DeleteAccessKey"],
  },
  "aws:iam/policy:Policy": {
    scope: "self",
    create: ["iam:CreatePolicy", "iam:TagPolicy"],
    read: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
    update: [
      "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:TagPolicy",
      "iam:UntagPolicy",
    ],
    delete: ["iam:DeletePolicy", "iam:ListEntitiesForPolicy"],
  },
  // Adding a role to an instance profile passes the role (IAM user guide, "Using instance
  // profiles": iam:PassRole is checked when the profile is given to an instance).
  "aws:iam/instanceProfile:InstanceProfile": {
    scope: "self",
    create: ["iam:CreateInstanceProfile", "iam:TagInstanceProfile", "iam:AddRoleToInstanceProfile"],
    read: ["iam:GetInstanceProfile"],
    update: [
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:TagInstanceProfile",
      "iam:UntagInstanceProfile",
    ],
    delete: ["iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
    passes: { input: "role", service: "ec2.amazonaws.com" },
  },
  // The service-linked role's ARN is fixed by the service (IAM user guide, "Service-linked role
  // permissions": iam:CreateServiceLinkedRole with iam:AWSServiceName).
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
    scope: "self",
    create: ["iam:CreateServiceLinkedRole"],
    read: ["iam:GetRole"],
    update: ["iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole"],
    delete: ["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"],
  },

  // A vault under a customer key needs CreateGrant, DescribeKey, RetireGrant, Decrypt and
  // GenerateDataKey on the key and backup-storage:MountCapsule on "*" (AWS Backup developer
  // guide, "Backup vault creation and deletion", Required permissions).
  "aws:backup/vault:Vault": {
    scope: "self",
    create: ["backup:CreateBackupVault", "backup:TagResource"],
    read: ["backup:DescribeBackupVault", "backup:ListTags"],
    update: TAGS("backup"),
    delete: ["backup:DeleteBackupVault"],
    anyResource: ["backup-storage:MountCapsule"],
    related: [
      {
        scope: "key",
        actions: [
          "kms:CreateGrant",
          "kms:DescribeKey",
          "kms:RetireGrant",
          "kms:Decrypt",
          "kms:GenerateDataKey",
        ],
      },
    ],
  },
  "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": {
    scope: "self",
    create: ["backup:CreateLogicallyAirGappedBackupVault", "backup:TagResource"],
    read: ["backup:DescribeBackupVault", "backup:ListTags"],
    update: TAGS("backup"),
    delete: ["backup:DeleteBackupVault"],
    anyResource: ["backup-storage:MountCapsule"],
  },
  "aws:backup/vaultPolicy:VaultPolicy": {
    scope: "vault",
    create: ["backup:PutBackupVaultAccessPolicy"],
    read: ["backup:GetBackupVaultAccessPolicy"],
    update: ["backup:PutBackupVaultAccessPolicy"],
    delete: ["backup:DeleteBackupVaultAccessPolicy"],
  },
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": {
    scope: "vault",
    create: ["backup:PutBackupVaultLockConfiguration"],
    read: ["backup:DescribeBackupVault"],
    update: ["backup:PutBackupVaultLockConfiguration"],
    delete: ["backup:DeleteBackupVaultLockConfiguration"],
  },
  "aws:backup/vaultNotifications:VaultNotifications": {
    scope: "vault",
    create: ["backup:PutBackupVaultNotifications"],
    read: ["backup:GetBackupVaultNotifications"],
    update: ["backup:PutBackupVaultNotifications"],
    delete: ["backup:DeleteBackupVaultNotifications"],
  },
  "aws:backup/plan:Plan": {
    scope: "self",
    create: ["backup:CreateBackupPlan", "backup:TagResource"],
    read: ["backup:GetBackupPlan", "backup:ListTags"],
    update: ["backup:UpdateBackupPlan", ...TAGS("backup")],
    delete: ["backup:DeleteBackupPlan"],
  },
  "aws:backup/selection:Selection": {
    scope: "backup-plan",
    create: ["backup:CreateBackupSelection"],
    read: ["backup:GetBackupSelection"],
    update: [],
    delete: ["backup:DeleteBackupSelection"],
    passes: { input: "iamRoleArn", service: "backup.amazonaws.com" },
  },
  "aws:backup/framework:Framework": {
    scope: "self",
    create: ["backup:CreateFramework", "backup:TagResource"],
    read: ["backup:DescribeFramework", "backup:ListTags"],
    update: ["backup:UpdateFramework", ...TAGS("backup")],
    delete: ["backup:DeleteFramework"],
    related: [{ scope: "backup-reports-role", actions: ["iam:CreateServiceLinkedRole"] }],
  },
  // Frameworks and report plans run as AWS Backup's AWSServiceRoleForBackupReports, created on
  // first use (AWS Backup developer guide, "Using roles for AWS Backup Audit Manager": the
  // caller needs iam:CreateServiceLinkedRole for it).
  "aws:backup/reportPlan:ReportPlan": {
    scope: "self",
    create: ["backup:CreateReportPlan", "backup:TagResource"],
    read: ["backup:DescribeReportPlan", "backup:ListTags"],
    update: ["backup:UpdateReportPlan", ...TAGS("backup")],
    delete: ["backup:DeleteReportPlan"],
    related: [{ scope: "backup-reports-role", actions: ["iam:CreateServiceLinkedRole"] }],
  },
  "aws:backup/restoreTestingPlan:RestoreTestingPlan": {
    scope: "self",
    create: ["backup:CreateRestoreTestingPlan", "backup:TagResource"],
    read: ["backup:GetRestoreTestingPlan", "backup:ListTags"],
    update: ["backup:UpdateRestoreTestingPlan", ...TAGS("backup")],
    delete: ["backup:DeleteRestoreTestingPlan"],
  },
  "aws:backup/restoreTestingSelection:RestoreTestingSelection": {
    scope: "restore-testing-plan",
    create: ["backup:CreateRestoreTestingSelection"],
    read: ["backup:GetRestoreTestingSelection"],
    update: ["backup:UpdateRestoreTestingSelection"],
    delete: ["backup:DeleteRestoreTestingSelection"],
    passes: { input: "iamRoleArn", service: "backup.amazonaws.com" },
  },

  // Creating, changing and deleting a budget are all budgets:ModifyBudget (Cost Management
  // user guide, "Actions, resources, and condition keys for AWS Budget Service").
  "aws:budgets/budget:Budget": {
    scope: "self",
    create: ["budgets:ModifyBudget", "budgets:TagResource"],
    read: ["budgets:ViewBudget", "budgets:ListTagsForResource"],
    update: ["budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource"],
    delete: ["budgets:ModifyBudget"],
  },
  // AWS Config's recorder and delivery channel take no resource ARN.
  "aws:cfg/recorder:Recorder": {
    scope: "any",
    create: ["config:PutConfigurationRecorder"],
    read: ["config:DescribeConfigurationRecorders"],
    update: ["config:PutConfigurationRecorder"],
    delete: ["config:DeleteConfigurationRecorder"],
    passes: { input: "roleArn", service: "config.amazonaws.com" },
  },
  "aws:cfg/deliveryChannel:DeliveryChannel": {
    scope: "any",
    create: ["config:PutDeliveryChannel"],
    read: ["config:DescribeDeliveryChannels"],
    update: ["config:PutDeliveryChannel"],
    delete: ["config:DeleteDeliveryChannel"],
  },
  "aws:cfg/recorderStatus:RecorderStatus": {
    scope: "any",
    create: ["config:StartConfigurationRecorder"],
    read: ["config:DescribeConfigurationRecorderStatus"],
    update: ["config:StartConfigurationRecorder"],
    delete: ["config:StopConfigurationRecorder"],
  },
  // The program never turns logging off: no cloudtrail:StopLogging.
  "aws:cloudtrail/trail:Trail": {
    scope: "self",
    create: [
      "cloudtrail:CreateTrail",
      "cloudtrail:AddTags",
      "cloudtrail:StartLogging",
      "cloudtrail:PutEventSelectors",
    ],
    read: [
      "cloudtrail:GetTrail",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "cloudtrail:ListTags",
    ],
    update: [
      "cloudtrail:UpdateTrail",
      "cloudtrail:PutEventSelectors",
      "cloudtrail:AddTags",
      "cloudtrail:RemoveTags",
    ],
    delete: ["cloudtrail:DeleteTrail"],
    anyResource: ["cloudtrail:DescribeTrails"],
  },
  "aws:cloudwatch/eventRule:EventRule": {
    scope: "self",
    create: ["events:PutRule", "events:TagResource"],
    read: ["events:DescribeRule", "events:ListTagsForResource"],
    update: ["events:PutRule", ...TAGS("events")],
    delete: ["events:DeleteRule", "events:ListTargetsByRule"],
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    scope: "event-rule",
    create: ["events:PutTargets"],
    read: ["events:ListTargetsByRule"],
    update: ["events:PutTargets"],
    delete: ["events:RemoveTargets"],
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    scope: "self",
    create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"],
    read: ["logs:ListTagsForResource"],
    update: ["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", ...TAGS("logs")],
    delete: ["logs:DeleteLogGroup"],
    anyResource: ["logs:DescribeLogGroups"],
  },
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
    scope: "log-group",
    create: ["logs:PutMetricFilter"],
    read: [],
    update: ["logs:PutMetricFilter"],
    delete: ["logs:DeleteMetricFilter"],
    anyResource: ["logs:DescribeMetricFilters"],
  },
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
    scope: "any",
    create: ["logs:PutResourcePolicy"],
    read: ["logs:DescribeResourcePolicies"],
    update: ["logs:PutResourcePolicy"],
    delete: ["logs:DeleteResourcePolicy"],
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    scope: "self",
    create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    update: ["cloudwatch:PutMetricAlarm", ...TAGS("cloudwatch")],
    delete: ["cloudwatch:DeleteAlarms"],
  },
  "aws:sns/topic:Topic": {
    scope: "self",
    create: ["sns:CreateTopic", "sns:TagResource", "sns:SetTopicAttributes"],
    read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    update: ["sns:SetTopicAttributes", ...TAGS("sns")],
    delete: ["sns:DeleteTopic"],
  },
  "aws:sns/topicPolicy:TopicPolicy": {
    scope: "topic",
    create: ["sns:SetTopicAttributes"],
    read: ["sns:GetTopicAttributes"],
    update: ["sns:SetTopicAttributes"],
    delete: ["sns:SetTopicAttributes"],
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    scope: "topic",
    create: ["sns:Subscribe"],
    read: ["sns:GetSubscriptionAttributes"],
    update: ["sns:SetSubscriptionAttributes"],
    delete: ["sns:Unsubscribe"],
  },
  "aws:lambda/function:Function": {
    scope: "self",
    create: ["lambda:CreateFunction", "lambda:TagResource"],
    read: [
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:ListVersionsByFunction",
      "lambda:ListTags",
    ],
    update: ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", ...TAGS("lambda")],
    delete: ["lambda:DeleteFunction"],
    passes: { input: "role", service: "lambda.amazonaws.com" },
  },
  "aws:lambda/permission:Permission": {
    scope: "function",
    create: ["lambda:AddPermission"],
    read: ["lambda:GetPolicy"],
    update: [],
    delete: ["lambda:RemovePermission"],
  },
  "aws:route53/record:Record": {
    scope: "zone",
    create: ["route53:ChangeResourceRecordSets", "route53:GetHostedZone"],
    read: ["route53:ListResourceRecordSets"],
    update: ["route53:ChangeResourceRecordSets"],
    delete: ["route53:ChangeResourceRecordSets"],
    anyResource: ["route53:GetChange"],
  },
  "aws:route53/healthCheck:HealthCheck": {
    scope: "self",
    create: ["route53:ChangeTagsForResource"],
    read: ["route53:GetHealthCheck", "route53:ListTagsForResource"],
    update: ["route53:UpdateHealthCheck", "route53:ChangeTagsForResource"],
    delete: ["route53:DeleteHealthCheck"],
    anyResource: ["route53:CreateHealthCheck"],
  },

  "aws:ec2/vpc:Vpc": ec2(
    ["ec2:CreateVpc", "ec2:ModifyVpcAttribute"],
    [
      "ec2:DescribeVpcs",
      "ec2:DescribeVpcAttribute",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeRouteTables",
      "ec2:DescribeNetworkAcls",
    ],
    ["ec2:ModifyVpcAttribute"],
    ["ec2:DeleteVpc"],
  ),
  "aws:ec2/subnet:Subnet": ec2(
    ["ec2:CreateSubnet", "ec2:ModifySubnetAttribute"],
    ["ec2:DescribeSubnets"],
    ["ec2:ModifySubnetAttribute"],
    ["ec2:DeleteSubnet"],
  ),
  "aws:ec2/routeTable:RouteTable": ec2(
    ["ec2:CreateRouteTable"],
    ["ec2:DescribeRouteTables"],
    [],
    ["ec2:DeleteRouteTable"],
  ),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ec2(
    ["ec2:AssociateRouteTable"],
    ["ec2:DescribeRouteTables"],
    ["ec2:ReplaceRouteTableAssociation"],
    ["ec2:DisassociateRouteTable"],
  ),
  "aws:ec2/route:Route": ec2(
    ["ec2:CreateRoute"],
    ["ec2:DescribeRouteTables"],
    ["ec2:ReplaceRoute"],
    ["ec2:DeleteRoute"],
  ),
  "aws:ec2/internetGateway:InternetGateway": ec2(
    ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway"],
    ["ec2:DescribeInternetGateways"],
    ["ec2:AttachInternetGateway", "ec2:DetachInternetGateway"],
    ["ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"],
  ),
  "aws:ec2/natGateway:NatGateway": ec2(
    ["ec2:CreateNatGateway"],
    ["ec2:DescribeNatGateways"],
    [],
    ["ec2:DeleteNatGateway"],
  ),
  "aws:ec2/eip:Eip": ec2(
    ["ec2:AllocateAddress"],
    ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
    [],
    ["ec2:ReleaseAddress"],
  ),
  "aws:ec2/eipAssociation:EipAssociation": ec2(
    ["ec2:AssociateAddress"],
    ["ec2:DescribeAddresses"],
    [],
    ["ec2:DisassociateAddress"],
  ),
  "aws:ec2/securityGroup:SecurityGroup": ec2(
    [
      "ec2:CreateSecurityGroup",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupEgress",
    ],
    ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
    [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
    ],
    ["ec2:DeleteSecurityGroup", "ec2:DescribeNetworkInterfaces"],
  ),
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ec2(
    ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
    ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
    [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
    ],
    [],
  ),
  // An interface endpoint with private DNS associates the VPC with a private hosted zone AWS
  // owns (AWS PrivateLink guide, "Manage DNS names for VPC endpoint services").
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    ...ec2(
      ["ec2:CreateVpcEndpoint", "route53:AssociateVPCWithHostedZone"],
      ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices"],
      ["ec2:ModifyVpcEndpoint"],
      ["ec2:DeleteVpcEndpoints"],
    ),
  },
  // An image given as resolve:ssm:/aws/service/... is read from AWS's public parameters.
  "aws:ec2/launchTemplate:LaunchTemplate": ec2(
    ["ec2:CreateLaunchTemplate", "ssm:GetParameters"],
    ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
    ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ssm:GetParameters"],
    ["ec2:DeleteLaunchTemplate"],
  ),
  "aws:ec2/instance:Instance": {
    ...ec2(
      ["ec2:RunInstances", "ssm:GetParameters"],
      [
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceAttribute",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeInstanceCreditSpecifications",
        "ec2:DescribeVolumes",
        "ec2:DescribeTags",
      ],
      ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
      ["ec2:TerminateInstances"],
    ),
  },
  "aws:ec2/customerGateway:CustomerGateway": ec2(
    ["ec2:CreateCustomerGateway"],
    ["ec2:DescribeCustomerGateways"],
    [],
    ["ec2:DeleteCustomerGateway"],
  ),
  "aws:ec2/vpnGateway:VpnGateway": ec2(
    ["ec2:CreateVpnGateway", "ec2:AttachVpnGateway"],
    ["ec2:DescribeVpnGateways"],
    ["ec2:AttachVpnGateway", "ec2:DetachVpnGateway"],
    ["ec2:DetachVpnGateway", "ec2:DeleteVpnGateway"],
  ),
  "aws:ec2/vpnConnection:VpnConnection": ec2(
    ["ec2:CreateVpnConnection"],
    ["ec2:DescribeVpnConnections"],
    ["ec2:ModifyVpnConnectionOptions", "ec2:ModifyVpnTunnelOptions"],
    ["ec2:DeleteVpnConnection"],
  ),
  "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": ec2(
    ["ec2:CreateVpnConnectionRoute"],
    ["ec2:DescribeVpnConnections"],
    [],
    ["ec2:DeleteVpnConnectionRoute"],
  ),
  "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": ec2(
    ["ec2:EnableVgwRoutePropagation"],
    ["ec2:DescribeRouteTables"],
    [],
    ["ec2:DisableVgwRoutePropagation"],
  ),
};

/** The program's own component types: they call nothing in AWS. */
export function isComponent(resource: RecordedResource): boolean {
  return resource.type.startsWith("stronghold:");
}
