/**
 * Tells people when backups go wrong or someone weakens them: an SNS topic per region with e-mail
 * subscriptions, EventBridge rules for failed or expired backup, copy and restore jobs and for
 * tampering (key retired, bucket or vault protection changed, CloudTrail stopped), and a
 * CloudWatch alarm when AWS Backup started jobs but none completed within the RPO.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";
import { policyJson } from "./policy-documents.js";
import { TAMPER_EVENTS, tamperPattern } from "./tamper-events.js";

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

/**
 * The AWS Backup job events worth waking someone for, per EventBridge detail-type, and the detail
 * field holding the job's state: backup and copy job events carry `state`, restore job events
 * `status` (AWS Backup developer guide, "Monitoring AWS Backup events using Amazon EventBridge":
 * "Some events report status: COMPLETED whereas other events report state: COMPLETED", and its
 * example events). A pattern on the wrong field never matches.
 */
export const ALERTING_JOB_STATES = {
  "backup-job-failed": {
    detailType: "Backup Job State Change",
    field: "state",
    states: ["FAILED", "ABORTED", "EXPIRED"],
  },
  "copy-job-failed": { detailType: "Copy Job State Change", field: "state", states: ["FAILED"] },
  "restore-job-failed": {
    detailType: "Restore Job State Change",
    field: "status",
    states: ["FAILED", "ABORTED"],
  },
} as const;

/**
 * The RPO as one period (jobs created and completed are compared in the same period): up to a
 * day, one period of the RPO; beyond, whole days, each of which must show the stall.
 */
export function rpoJobWindow(rpoHours: number): { period: number; evaluationPeriods: number } {
  return rpoHours <= 24
    ? { period: rpoHours * 3600, evaluationPeriods: 1 }
    : { period: 86400, evaluationPeriods: Math.ceil(rpoHours / 24) };
}

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

    const window = rpoJobWindow(args.rpoHours);
    const jobs = (id: string, metricName: string) => ({
      id,
      metric: {
        namespace: "AWS/Backup",
        metricName,
        dimensions: { BackupVaultName: args.primaryVaultName },
        period: window.period,
        stat: "Sum",
      },
    });
    new aws.cloudwatch.MetricAlarm(
      `${name}-rpo-breached`,
      {
        region: args.primaryRegion,
        name: `${args.namePrefix}-no-backup-within-rpo`,
        alarmDescription: `AWS Backup started jobs in vault ${args.primaryVaultName} but none completed within the ${args.rpoHours}-hour RPO`,
        metricQueries: [
          jobs("created", "NumberOfBackupJobsCreated"),
          jobs("completed", "NumberOfBackupJobsCompleted"),
          {
            id: "stalled",
            expression: "IF(FILL(created, 0) > 0 AND FILL(completed, 0) < 1, 1, 0)",
            label: "jobs started, none completed",
            returnData: true,
          },
        ],
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.evaluationPeriods,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        // Deliberate: with nothing tagged for AWS Backup no job is created and there is nothing
        // to miss, so missing data is not a breach (it used to keep the alarm in ALARM for
        // ever). A deleted or emptied plan is caught by the vault-protection-changed rule, and
        // stopped uploads by the agents' freshness alarms.
        treatMissingData: "notBreaching",
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
    const topic = alertTopic(
      name,
      { region, namePrefix: args.namePrefix, emails: args.emails, account, tags },
      this,
    );
    tamperRules(name, { region, namePrefix: args.namePrefix, topicArn: topic.arn, tags }, this);
    for (const [rule, { detailType, field, states }] of Object.entries(ALERTING_JOB_STATES)) {
      const eventRule = new aws.cloudwatch.EventRule(
        `${name}-${rule}`,
        {
          region,
          name: `${args.namePrefix}-${rule}`,
          description: `AWS Backup: ${detailType} to ${states.join(", ")}`,
          eventPattern: JSON.stringify({
            source: ["aws.backup"],
            "detail-type": [detailType],
            detail: { [field]: states },
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

/**
 * An alert topic in one region with its e-mail subscriptions; EventBridge rules of `account` and
 * AWS Backup may publish to it.
 */
export function alertTopic(
  name: string,
  args: {
    readonly region: string;
    readonly namePrefix: string;
    readonly emails: readonly string[];
    readonly account: pulumi.Input<string>;
    readonly tags: Tags;
  },
  parent: pulumi.Resource,
): aws.sns.Topic {
  const region = args.region;
  // No KMS on the topic: messages carry job ids, not data, and EventBridge and AWS Backup
  // cannot publish to a topic under the AWS-managed SNS key.
  const topic = new aws.sns.Topic(
    name,
    { region, name: `${args.namePrefix}-backup-alerts`, tags: tagged(args.tags, { Name: name }) },
    { parent },
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
          Condition: { StringEquals: { "aws:SourceAccount": args.account } },
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
    { parent },
  );
  args.emails.forEach((email, i) => {
    new aws.sns.TopicSubscription(
      `${name}-email-${i}`,
      { region, topic: topic.arn, protocol: "email", endpoint: email },
      { parent },
    );
  });
  return topic;
}

/** One EventBridge rule per tamper group (TAMPER_EVENTS) in a region, each to `topicArn`. */
export function tamperRules(
  name: string,
  args: {
    readonly region: string;
    readonly namePrefix: string;
    readonly topicArn: pulumi.Input<string>;
    readonly tags: Tags;
  },
  parent: pulumi.Resource,
): void {
  for (const [rule, event] of Object.entries(TAMPER_EVENTS)) {
    const eventRule = new aws.cloudwatch.EventRule(
      `${name}-${rule}`,
      {
        region: args.region,
        name: `${args.namePrefix}-${rule}`,
        description: `Tampering: ${event.description}`,
        eventPattern: tamperPattern(event),
        tags: args.tags,
      },
      { parent },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${rule}-target`,
      { region: args.region, rule: eventRule.name, arn: args.topicArn },
      { parent },
    );
  }
}
