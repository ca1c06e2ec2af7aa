// The lifecycle rule of the CrossGuard pack, offline: AWS and the Pulumi engine are not involved
// (they cannot run here); each case gives the offsite bucket a lifecycle and runs the policy with
// the arguments CrossGuard builds.
import { s3LifecycleStorageClassFit } from "../../policies/crossguard/rules/s3-lifecycle-storage-class-fit.js";
import { DR, policyCases, type MutableRecord } from "./policy-fixtures.js";

type Json = Record<string, unknown>;

/** The offsite bucket's lifecycle as prod's settings give it. */
function withLifecycle(records: MutableRecord[], change: (rules: Json[]) => void = () => {}): void {
  const rules: Json[] = [
    {
      id: "tier-and-expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionTransitions: [
        { noncurrentDays: 30, storageClass: "GLACIER_IR" },
        { noncurrentDays: 120, storageClass: "DEEP_ARCHIVE" },
      ],
      noncurrentVersionExpiration: { noncurrentDays: 730 },
    },
    {
      id: "tier-current-objects",
      status: "Enabled",
      filter: {},
      transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
    },
  ];
  change(rules);
  const type = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
  records.push({
    type,
    name: "offsite-lifecycle",
    urn: `urn:pulumi:test::stronghold::${type}::offsite-lifecycle`,
    inputs: { region: DR, bucket: "millbrook-offsite", rules },
  });
}
const noncurrent = (rules: Json[]) => rules[0]!.noncurrentVersionTransitions as Json[];

describe("s3-lifecycle-storage-class-fit", () => {
  policyCases(s3LifecycleStorageClassFit, [
    {
      name: "prod's tiers: 90 days in Glacier IR, 610 in Deep Archive",
      change: (s) => withLifecycle(s),
      expect: "pass",
    },
    {
      name: "dev's old 14 → 21 → 30 days pays both minimums early",
      change: (s) =>
        withLifecycle(s, (rules) => {
          rules[0]!.noncurrentVersionTransitions = [
            { noncurrentDays: 14, storageClass: "GLACIER_IR" },
            { noncurrentDays: 21, storageClass: "DEEP_ARCHIVE" },
          ];
          rules[0]!.noncurrentVersionExpiration = { noncurrentDays: 30 };
        }),
      expect: [
        'rule "tier-and-expire-noncurrent-versions" moves noncurrent data to GLACIER_IR at day 14 and out at day 21: 7 days, under the class\'s 90-day minimum',
        "to DEEP_ARCHIVE at day 21 and out at day 30: 9 days, under the class's 180-day minimum",
      ],
    },
    {
      name: "transitions listed out of order are judged in day order",
      change: (s) =>
        withLifecycle(s, (rules) => {
          noncurrent(rules).reverse();
          noncurrent(rules)[1]!.noncurrentDays = 60;
        }),
      expect: ["GLACIER_IR at day 60 and out at day 120: 60 days"],
    },
    {
      name: "current objects expired 30 days after reaching Glacier IR",
      change: (s) =>
        withLifecycle(s, (rules) => {
          rules[1]!.expiration = { days: 60 };
        }),
      expect: [
        'rule "tier-current-objects" moves current data to GLACIER_IR at day 30 and out at day 60',
      ],
    },
    {
      name: "a disabled rule is not judged",
      change: (s) =>
        withLifecycle(s, (rules) => {
          rules[1]!.expiration = { days: 60 };
          rules[1]!.status = "Disabled";
        }),
      expect: "pass",
    },
    {
      name: "Deep Archive under a 24-hour RTO: its 12-hour retrieval fits",
      change: (s) => withLifecycle(s),
      config: { rtoHours: 24 },
      expect: "pass",
    },
    {
      name: "Deep Archive under an 8-hour RTO",
      change: (s) => withLifecycle(s),
      config: { rtoHours: 8 },
      expect: [/DEEP_ARCHIVE, whose standard retrieval takes 12 hours, over the 8-hour RTO/],
    },
    {
      name: "Glacier Flexible Retrieval under a 4-hour RTO",
      change: (s) =>
        withLifecycle(s, (rules) => {
          noncurrent(rules)[1]!.storageClass = "GLACIER";
          noncurrent(rules)[1]!.noncurrentDays = 200;
        }),
      config: { rtoHours: 4 },
      expect: [/GLACIER, whose standard retrieval takes 5 hours, over the 4-hour RTO/],
    },
  ]);
});
