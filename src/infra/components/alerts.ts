/**
 * Tells people when backups go wrong: an SNS topic per region with e-mail subscriptions,
 * EventBridge rules for failed or expired backup, copy and restore jobs, and a CloudWatch alarm
 * when no backup job completed within the recovery point objective.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";
import { policyJson } from "./policy-documents.js";

export interface AlertsArgs {
  readonly namePrefix: string;
  readonly primaryRegion: string;
  readonly drRegion: string;
  readonly emails: readonly string[];
  readonly rpoHours: number;
  /** The vault every scheduled backup lands in first; the RPO alarm watches its jobs. */
  readonly primaryVaultName: string;
  readonly tags: Tags;
}

/** The AWS Backup job events worth waking someone for, per EventBridge detail-type. */
export const ALERTING_JOB_STATES = {
  "backup-job-failed": {
    detailType: "Backup Job State Change",
    states: ["FAILED", "ABORTED", "EXPIRED"],
  },
  "copy-job-failed": { detailType: "Copy Job State Change", states: ["FAILED"] },
  "restore-job-failed": { detailType: "Restore Job State Change", states: ["FAILED", "ABORTED"] },
} as const;

/**
 * CloudWatch alarms look back at most one day with hourly periods: an RPO up to 24 hours is
 * watched hour by hour, a longer one day by day.
 */
export function rpoAlarmWindow(rpoHours: number): { period: number; evaluationPeriods: number } {
  return rpoHours <= 24
    ? { period: 3600, evaluationPeriods: rpoHours }
    : { period: 86400, evaluationPeriods: Math.ceil(rpoHours / 24) };
}

export class Alerts extends pulumi.ComponentResource {
  /** Topic ARN per region ("primary", "dr"): AWS Backup notifies a topic in its own region. */
  readonly topicArns: {
    readonly primary: pulumi.Output<string>;
    readonly dr: pulumi.Output<string>;
  };

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:monitoring:Alerts", name, {}, opts);
    const tags = tagged(args.tags, { purpose: "backup-alerts" });
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const topics = {
      primary: this.regionalAlerts(`${name}-primary`, args.primaryRegion, args, tags, account),
      dr: this.regionalAlerts(`${name}-dr`, args.drRegion, args, tags, account),
    };
    this.topicArns = { primary: topics.primary.arn, dr: topics.dr.arn };

    const window = rpoAlarmWindow(args.rpoHours);
    new aws.cloudwatch.MetricAlarm(
      `${name}-rpo-breached`,
      {
        region: args.primaryRegion,
        name: `${args.namePrefix}-no-backup-within-rpo`,
        alarmDescription: `No AWS Backup job completed in vault ${args.primaryVaultName} within the ${args.rpoHours}-hour RPO`,
        namespace: "AWS/Backup",
        metricName: "NumberOfBackupJobsCompleted",
        dimensions: { BackupVaultName: args.primaryVaultName },
        statistic: "Sum",
        period: window.period,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.evaluationPeriods,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        // No data means no job completed, which is exactly the failure to catch.
        treatMissingData: "breaching",
        alarmActions: [topics.primary.arn],
        okActions: [topics.primary.arn],
        tags,
      },
      { parent: this },
    );
    this.registerOutputs({ topicArns: this.topicArns });
  }

  private regionalAlerts(
    name: string,
    region: string,
    args: AlertsArgs,
    tags: Tags,
    account: pulumi.Output<string>,
  ): aws.sns.Topic {
    // No KMS on the topic: messages carry job ids, not data, and EventBridge and AWS Backup
    // cannot publish to a topic under the AWS-managed SNS key.
    const topic = new aws.sns.Topic(
      name,
      { region, name: `${args.namePrefix}-backup-alerts`, tags: tagged(tags, { Name: name }) },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        region,
        arn: topic.arn,
        policy: policyJson([
          {
            Sid: "EventBridgePublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topic.arn,
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
          // AWS Backup's documented topic policy has no source condition; it only publishes
          // the notifications of vaults that name this topic.
          {
            Sid: "AwsBackupPublish",
            Effect: "Allow",
            Principal: { Service: "backup.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topic.arn,
          },
        ]),
      },
      { parent: this },
    );
    args.emails.forEach((email, i) => {
      new aws.sns.TopicSubscription(
        `${name}-email-${i}`,
        { region, topic: topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    });
    for (const [rule, { detailType, states }] of Object.entries(ALERTING_JOB_STATES)) {
      const eventRule = new aws.cloudwatch.EventRule(
        `${name}-${rule}`,
        {
          region,
          name: `${args.namePrefix}-${rule}`,
          description: `AWS Backup: ${detailType} to ${states.join(", ")}`,
          eventPattern: JSON.stringify({
            source: ["aws.backup"],
            "detail-type": [detailType],
            detail: { state: states },
          }),
          tags,
        },
        { parent: this },
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${rule}-target`,
        { region, rule: eventRule.name, arn: topic.arn },
        { parent: this },
      );
    }
    return topic;
  }
}
