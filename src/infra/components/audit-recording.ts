/**
 * What AWS Backup Audit Manager needs to evaluate the framework and report on it: an AWS Config
 * recorder in the primary region for the AWS Backup resource types and the types the town backs
 * up (Audit Manager evaluates its controls through Config), delivering into the audit log bucket,
 * and a report plan that writes the framework's control compliance report there each day.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Tags } from "../tags.js";

/**
 * The Config resource types the framework's controls read ("Backup Audit Manager": record the
 * AWS Backup types and the resources you protect). EC2 and EBS are what restore testing and the
 * DR systems use.
 */
export const RECORDED_TYPES = [
  "AWS::Backup::BackupPlan",
  "AWS::Backup::BackupSelection",
  "AWS::Backup::BackupVault",
  "AWS::Backup::RecoveryPoint",
  "AWS::EC2::Instance",
  "AWS::EC2::Volume",
] as const;

export interface AuditRecordingArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly frameworkArn: pulumi.Input<string>;
  readonly bucket: pulumi.Input<string>;
  readonly configPrefix: string;
  readonly reportsPrefix: string;
  /** False when the account already records with AWS Config in this region (one recorder per region). */
  readonly createRecorder: boolean;
  readonly tags: Tags;
}

export class AuditRecording extends pulumi.ComponentResource {
  readonly recorder?: aws.cfg.Recorder;
  readonly reportPlan: aws.backup.ReportPlan;

  constructor(name: string, args: AuditRecordingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:backup:AuditRecording", name, {}, opts);
    const parent = { parent: this };
    const region = args.region;
    if (args.createRecorder) this.recorder = this.record(name, args);
    this.reportPlan = new aws.backup.ReportPlan(
      `${name}-report`,
      {
        region,
        name: `${args.namePrefix}_control_compliance`.replace(/-/g, "_"),
        description: "Daily control compliance of the backup audit framework",
        reportDeliveryChannel: {
          s3BucketName: args.bucket,
          s3KeyPrefix: args.reportsPrefix,
          formats: ["CSV", "JSON"],
        },
        reportSetting: {
          reportTemplate: "CONTROL_COMPLIANCE_REPORT",
          frameworkArns: [args.frameworkArn],
          numberOfFrameworks: 1,
        },
        tags: args.tags,
      },
      parent,
    );
    this.registerOutputs({ recorder: this.recorder?.name, reportPlan: this.reportPlan.arn });
  }

  private record(name: string, args: AuditRecordingArgs): aws.cfg.Recorder {
    const parent = { parent: this };
    const region = args.region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    // AWS Config's service-linked role: no policy of ours to attach, nothing the pack must trust.
    const role = pulumi.interpolate`arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
    const linked = new aws.iam.ServiceLinkedRole(
      `${name}-config-role`,
      { awsServiceName: "config.amazonaws.com", tags: args.tags },
      { ...parent, retainOnDelete: true },
    );
    const recorder = new aws.cfg.Recorder(
      `${name}-recorder`,
      {
        region,
        name: `${args.namePrefix}-backup-audit`,
        roleArn: role,
        recordingGroup: {
          allSupported: false,
          includeGlobalResourceTypes: false,
          resourceTypes: [...RECORDED_TYPES],
          recordingStrategies: [{ useOnly: "INCLUSION_BY_RESOURCE_TYPES" }],
        },
      },
      { ...parent, dependsOn: [linked] },
    );
    const channel = new aws.cfg.DeliveryChannel(
      `${name}-delivery`,
      {
        region,
        name: `${args.namePrefix}-backup-audit`,
        s3BucketName: args.bucket,
        s3KeyPrefix: args.configPrefix,
        snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      },
      { ...parent, dependsOn: [recorder] },
    );
    new aws.cfg.RecorderStatus(
      `${name}-recording`,
      { region, name: recorder.name, isEnabled: true },
      { ...parent, dependsOn: [channel] },
    );
    return recorder;
  }
}
