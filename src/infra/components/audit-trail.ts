/**
 * A multi-region CloudTrail trail: management events everywhere (so EventBridge sees the calls
 * the tamper alarms watch) and write data events on the backup buckets (who put, deleted or
 * changed retention of which object). It delivers into the offsite access-log bucket under
 * `cloudtrail/`, whose policy admits it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";

export interface AuditTrailArgs {
  readonly namePrefix: string;
  /** The region the trail is managed in (the primary region). */
  readonly region: string;
  /** The trail's ARN, known before it exists so the log bucket's policy can name it. */
  readonly name: string;
  readonly logBucket: pulumi.Input<string>;
  readonly backupBucketArns: readonly pulumi.Input<string>[];
  readonly tags: Tags;
}

/** Where the trail writes inside the log bucket. */
export const TRAIL_PREFIX = "cloudtrail";

/** The ARN a trail will have; the log bucket's policy names it before the trail exists. */
export function trailArn(region: string, account: pulumi.Input<string>, name: string) {
  return pulumi.interpolate`arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
}

export class AuditTrail extends pulumi.ComponentResource {
  readonly trail: aws.cloudtrail.Trail;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:monitoring:AuditTrail", name, {}, opts);
    this.trail = new aws.cloudtrail.Trail(
      name,
      {
        region: args.region,
        name: args.name,
        s3BucketName: args.logBucket,
        s3KeyPrefix: TRAIL_PREFIX,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        eventSelectors: [
          {
            readWriteType: "WriteOnly",
            includeManagementEvents: true,
            dataResources: [
              {
                type: "AWS::S3::Object",
                values: args.backupBucketArns.map((arn) => pulumi.interpolate`${arn}/`),
              },
            ],
          },
        ],
        tags: tagged(args.tags, { Name: args.name, purpose: "audit-trail" }),
      },
      { parent: this },
    );
    this.registerOutputs({ trailArn: this.trail.arn });
  }
}
