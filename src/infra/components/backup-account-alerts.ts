/**
 * Tamper alarms where the copies live: the backup account's own multi-region CloudTrail trail
 * (with write data events on the replica buckets) and, in every region of that account holding
 * a copy (the vault's and the replica's), an alert topic with the town's e-mail subscriptions
 * and the same tamper rules as production: key retired, bucket or vault protection changed,
 * CloudTrail stopped. Every child is created through the backup account's provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { tagged, type Tags } from "../tags.js";
import { alertTopic, tamperRules } from "./alerts.js";
import { AuditTrail } from "./audit-trail.js";

export interface BackupAccountAlertsArgs {
  readonly namePrefix: string;
  readonly accountId: string;
  /** The regions of the backup account that hold a copy; the first manages the trail. */
  readonly regions: readonly string[];
  readonly emails: readonly string[];
  /** The trail's name, known up front so the log bucket's policy can admit it. */
  readonly trailName: string;
  readonly logBucket: pulumi.Input<string>;
  readonly bucketArns: readonly pulumi.Input<string>[];
  readonly tags: Tags;
}

export class BackupAccountAlerts extends pulumi.ComponentResource {
  /** The alert topic per region of the backup account. */
  readonly topicArns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: BackupAccountAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:monitoring:BackupAccountAlerts", name, {}, opts);
    const tags = tagged(args.tags, { purpose: "backup-alerts" });
    // The rules live in the backup account, not behind an EventBridge forward to production's
    // bus: AWS documents cross-account event delivery, but the alarm would then run through a
    // bus, rules and a topic that production credentials control, and the attacker this account
    // exists for could silence it. EventBridge sees these API calls only while a trail in the
    // account logs them, hence the account's own trail (whose stopping is itself a tamper event).
    const [home] = args.regions;
    if (home === undefined) throw new Error("BackupAccountAlerts needs at least one region");
    new AuditTrail(
      `${name}-audit`,
      {
        namePrefix: args.namePrefix,
        region: home,
        name: args.trailName,
        logBucket: args.logBucket,
        backupBucketArns: args.bucketArns,
        tags,
      },
      { parent: this },
    );
    const topics: Record<string, pulumi.Output<string>> = {};
    for (const region of args.regions) {
      const regional = `${name}-${region}`;
      const topic = alertTopic(
        regional,
        { region, namePrefix: args.namePrefix, emails: args.emails, account: args.accountId, tags },
        this,
      );
      tamperRules(
        regional,
        { region, namePrefix: args.namePrefix, topicArn: topic.arn, tags },
        this,
      );
      topics[region] = topic.arn;
    }
    this.topicArns = topics;
    this.registerOutputs({ topicArns: this.topicArns });
  }
}
