/**
 * Notices when an agent stops uploading: S3 sends every new object of the agent's bucket to
 * EventBridge, a rule keeps those under the agent's prefix and writes them to a log group, a
 * metric filter counts them, and an alarm fires when the count stays below one for the RPO.
 * No data means no upload, so missing data is breaching — deliberately.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";
import { rpoAlarmWindow } from "./alerts.js";
import { policyJson } from "./policy-documents.js";

export interface UploadFreshnessArgs {
  readonly namePrefix: string;
  /** The buckets' region: S3 events reach EventBridge there. */
  readonly region: string;
  readonly agents: readonly {
    readonly name: string;
    readonly prefix: string;
    readonly bucket: pulumi.Input<string>;
  }[];
  readonly rpoHours: number;
  readonly topicArn: pulumi.Input<string>;
  readonly tags: Tags;
}

/** The namespace of the upload metrics. */
export const UPLOAD_METRIC_NAMESPACE = "Stronghold/Uploads";

export class UploadFreshness extends pulumi.ComponentResource {
  constructor(name: string, args: UploadFreshnessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:monitoring:UploadFreshness", name, {}, opts);
    const region = args.region;
    const tags = tagged(args.tags, { purpose: "upload-freshness" });
    const window = rpoAlarmWindow(args.rpoHours);
    const groups = args.agents.map((agent) => {
      const group = new aws.cloudwatch.LogGroup(
        `${name}-${agent.name}`,
        {
          region,
          name: `/stronghold/${args.namePrefix}/uploads/${agent.name}`,
          retentionInDays: 30,
          tags,
        },
        { parent: this },
      );
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${agent.name}`,
        {
          region,
          name: `${args.namePrefix}-${agent.name}-uploads`,
          description: `New objects under ${agent.prefix} from the ${agent.name} agent`,
          eventPattern: pulumi.output(agent.bucket).apply((bucket) =>
            JSON.stringify({
              source: ["aws.s3"],
              "detail-type": ["Object Created"],
              detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: agent.prefix }] } },
            }),
          ),
          tags,
        },
        { parent: this },
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${agent.name}-target`,
        { region, rule: rule.name, arn: group.arn },
        { parent: this },
      );
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${agent.name}-count`,
        {
          region,
          name: `${args.namePrefix}-${agent.name}-uploads`,
          logGroupName: group.name,
          pattern: "",
          metricTransformation: {
            namespace: UPLOAD_METRIC_NAMESPACE,
            name: `${args.namePrefix}-${agent.name}`,
            value: "1",
            defaultValue: "0",
          },
        },
        { parent: this },
      );
      new aws.cloudwatch.MetricAlarm(
        `${name}-${agent.name}-stale`,
        {
          region,
          name: `${args.namePrefix}-${agent.name}-no-upload-within-rpo`,
          alarmDescription: `The ${agent.name} agent uploaded nothing under ${agent.prefix} within the ${args.rpoHours}-hour RPO`,
          namespace: UPLOAD_METRIC_NAMESPACE,
          metricName: `${args.namePrefix}-${agent.name}`,
          statistic: "Sum",
          period: window.period,
          evaluationPeriods: window.evaluationPeriods,
          datapointsToAlarm: window.evaluationPeriods,
          comparisonOperator: "LessThanThreshold",
          threshold: 1,
          // No datapoint means no upload: exactly the failure to catch.
          treatMissingData: "breaching",
          alarmActions: [args.topicArn],
          okActions: [args.topicArn],
          tags,
        },
        { parent: this },
      );
      return group;
    });
    // EventBridge writes to log groups only where a resource policy lets it.
    new aws.cloudwatch.LogResourcePolicy(
      `${name}-eventbridge`,
      {
        region,
        policyName: `${args.namePrefix}-upload-events`,
        policyDocument: policyJson([
          {
            Sid: "EventBridgeWritesUploadEvents",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: groups.map((g) => pulumi.interpolate`${g.arn}:*`),
          },
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
