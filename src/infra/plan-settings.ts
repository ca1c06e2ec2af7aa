/**
 * The security settings `stronghold infra plan` shows for a resource: one short line per setting
 * a reviewer must see (lock mode and days, encryption key, retention, copy targets, vault lock,
 * what an agent may do). Data: one describer per resource type; a type without one shows none.
 * Ids and ARNs of other resources of the run are shown by those resources' logical names.
 */
import {
  parsePolicyDocument,
  type Statement,
} from "../../policies/crossguard/lib/policy-document.js";
import type { ResourceRecord } from "./policy-check.js";

type Inputs = Readonly<Record<string, unknown>>;

/** Turns an id or ARN into the logical name of the resource it belongs to, when it is one of ours. */
export type NameOf = (value: unknown) => string;

const isRecord = (v: unknown): v is Inputs =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): readonly unknown[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];
const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
const days = (n: unknown) => `${text(n)} day${n === 1 ? "" : "s"}`;

/** Builds the id/ARN → logical name lookup for one run's records. */
export function nameLookup(records: readonly ResourceRecord[]): NameOf {
  const byId = new Map<string, string>();
  for (const r of records) if (r.id !== undefined && r.id !== "") byId.set(r.id, r.name);
  const name = (value: string): string | undefined => {
    const direct = byId.get(value);
    if (direct !== undefined) return direct;
    const s3 = /^arn:[^:]+:s3:::([^/]+)(\/.*)?$/.exec(value);
    if (s3) {
      const bucket = byId.get(s3[1]!);
      return bucket === undefined ? undefined : `${bucket}${s3[2] ?? ""}`;
    }
    const last = /[:/]([^:/]+)$/.exec(value)?.[1];
    return value.startsWith("arn:") && last !== undefined ? byId.get(last) : undefined;
  };
  return (value) => (typeof value === "string" ? (name(value) ?? value) : text(value));
}

/** One line per statement: effect, actions, resources (by name), and that it has a condition. */
function describeDocument(policy: unknown, nameOf: NameOf): string[] {
  const parsed = parsePolicyDocument(policy);
  if (!parsed.ok) return [`policy document: ${parsed.reason}`];
  return parsed.statements.map((s: Statement) => {
    const actions =
      s.notActions.length > 0 ? `all but ${s.notActions.join(", ")}` : s.actions.join(", ");
    const resources =
      s.notResources.length > 0
        ? `all but ${s.notResources.join(", ")}`
        : s.resources.map(nameOf).join(", ");
    const principal = s.principal === undefined ? "" : ` for ${JSON.stringify(s.principal)}`;
    const condition =
      Object.keys(s.condition).length > 0 ? ` when ${JSON.stringify(s.condition)}` : "";
    return `${(s.effect ?? "?").toLowerCase()} ${actions}${resources ? ` on ${resources}` : ""}${principal}${condition}`;
  });
}

/** `udp 53 with 10.20.0.0/16`, `all traffic with …`: a security group rule in one phrase. */
function describeRule(rule: unknown, nameOf: NameOf): string {
  if (!isRecord(rule)) return text(rule);
  const what =
    rule.protocol === "-1"
      ? "all traffic"
      : rule.protocol === "icmp" && rule.fromPort === -1
        ? "icmp"
        : rule.fromPort === rule.toPort
          ? `${text(rule.protocol)} ${text(rule.fromPort)}`
          : `${text(rule.protocol)} ${text(rule.fromPort)}-${text(rule.toPort)}`;
  const peers = [
    ...list(rule.cidrBlocks).map(text),
    ...list(rule.prefixListIds).map(nameOf),
    ...list(rule.securityGroups).map(nameOf),
  ];
  return `${what} ${peers.length > 0 ? `with ${peers.join(", ")}` : ""}`.trim();
}

/** A lifecycle expiration: after days, on a date, or only the removal of orphaned delete markers. */
function describeExpiration(expiration: Inputs): string[] {
  if (expiration.days !== undefined) return [`expire after ${days(expiration.days)}`];
  if (expiration.date !== undefined) return [`expire on ${text(expiration.date)}`];
  return expiration.expiredObjectDeleteMarker === true ? ["remove orphaned delete markers"] : [];
}

type Describe = (inputs: Inputs, nameOf: NameOf) => string[];

const describeIamPolicy: Describe = (i, nameOf) => describeDocument(i.policy, nameOf);

const DESCRIBE: Readonly<Record<string, Describe>> = {
  "aws:s3/bucket:Bucket": (i) => [
    i.objectLockEnabled === true ? "Object Lock enabled" : "Object Lock off",
  ],
  "aws:s3/bucketVersioning:BucketVersioning": (i, nameOf) => [
    `versioning ${text(isRecord(i.versioningConfiguration) ? i.versioningConfiguration.status : undefined)} on ${nameOf(i.bucket)}`,
  ],
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": (i, nameOf) => {
    const retention =
      isRecord(i.rule) && isRecord(i.rule.defaultRetention) ? i.rule.defaultRetention : undefined;
    if (retention === undefined)
      return [`Object Lock on ${nameOf(i.bucket)} without default retention`];
    const period =
      retention.days !== undefined ? days(retention.days) : `${text(retention.years)} year(s)`;
    return [`default retention ${text(retention.mode)} ${period} on ${nameOf(i.bucket)}`];
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
    i,
    nameOf,
  ) =>
    list(i.rules).map((rule) => {
      const byDefault =
        isRecord(rule) && isRecord(rule.applyServerSideEncryptionByDefault)
          ? rule.applyServerSideEncryptionByDefault
          : {};
      const key =
        byDefault.kmsMasterKeyId === undefined ? "" : ` key ${nameOf(byDefault.kmsMasterKeyId)}`;
      const bucketKey = isRecord(rule) && rule.bucketKeyEnabled === true ? ", bucket key" : "";
      return `encryption ${text(byDefault.sseAlgorithm)}${key}${bucketKey} on ${nameOf(i.bucket)}`;
    }),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (i, nameOf) => {
    const flags = [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ];
    const open = flags.filter((f) => i[f] !== true);
    return [
      open.length === 0
        ? `public access blocked (all 4) on ${nameOf(i.bucket)}`
        : `public access NOT blocked: ${open.join(", ")} on ${nameOf(i.bucket)}`,
    ];
  },
  "aws:s3/bucketPolicy:BucketPolicy": (i, nameOf) => describeDocument(i.policy, nameOf),
  "aws:s3/bucketLogging:BucketLogging": (i, nameOf) => [
    `access logs of ${nameOf(i.bucket)} to ${nameOf(i.targetBucket)}/${text(i.targetPrefix ?? "")}`,
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (i) =>
    list(i.rules).map((rule) => {
      if (!isRecord(rule)) return text(rule);
      const steps = [
        ...list(rule.noncurrentVersionTransitions).map((t) =>
          isRecord(t) ? `noncurrent → ${text(t.storageClass)} after ${days(t.noncurrentDays)}` : "",
        ),
        ...(isRecord(rule.noncurrentVersionExpiration)
          ? [`noncurrent expire after ${days(rule.noncurrentVersionExpiration.noncurrentDays)}`]
          : []),
        ...list(rule.transitions).map((t) =>
          isRecord(t) ? `→ ${text(t.storageClass)} after ${days(t.days)}` : "",
        ),
        ...(isRecord(rule.expiration) ? describeExpiration(rule.expiration) : []),
        ...(isRecord(rule.abortIncompleteMultipartUpload)
          ? [
              `abort incomplete uploads after ${days(rule.abortIncompleteMultipartUpload.daysAfterInitiation)}`,
            ]
          : []),
      ];
      return `lifecycle ${text(rule.id)} (${text(rule.status)}): ${steps.join(", ")}`;
    }),
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (i, nameOf) =>
    list(i.rules).map((rule) => {
      const destination = isRecord(rule) && isRecord(rule.destination) ? rule.destination : {};
      return `replicates ${nameOf(i.bucket)} to ${nameOf(destination.bucket)} (${text(destination.storageClass ?? "STANDARD")})`;
    }),
  "aws:kms/key:Key": (i) => [
    i.enableKeyRotation === true
      ? `rotation on${i.rotationPeriodInDays === undefined ? "" : `, every ${days(i.rotationPeriodInDays)}`}`
      : "rotation OFF",
    ...(i.deletionWindowInDays === undefined
      ? []
      : [`deletion window ${days(i.deletionWindowInDays)}`]),
  ],
  "aws:kms/alias:Alias": (i, nameOf) => [`${text(i.name)} → ${nameOf(i.targetKeyId)}`],
  "aws:backup/vault:Vault": (i, nameOf) => [`vault ${text(i.name)}, key ${nameOf(i.kmsKeyArn)}`],
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": (i) => [
    `vault lock on ${text(i.backupVaultName)}: min ${days(i.minRetentionDays)}, max ${days(i.maxRetentionDays)}, ` +
      (i.changeableForDays === undefined
        ? "governance mode"
        : `compliance mode after ${days(i.changeableForDays)}`),
  ],
  "aws:backup/vaultPolicy:VaultPolicy": (i, nameOf) => describeDocument(i.policy, nameOf),
  "aws:backup/plan:Plan": (i, nameOf) =>
    list(i.rules).map((rule) => {
      if (!isRecord(rule)) return text(rule);
      const keep = isRecord(rule.lifecycle) ? `, keep ${days(rule.lifecycle.deleteAfter)}` : "";
      const copies = list(rule.copyActions).map((c) => {
        if (!isRecord(c)) return text(c);
        const region = /^arn:[^:]+:backup:([^:]+):/.exec(text(c.destinationVaultArn))?.[1];
        const copyKeep = isRecord(c.lifecycle) ? `, keep ${days(c.lifecycle.deleteAfter)}` : "";
        return ` → copy to ${nameOf(c.destinationVaultArn)}${region ? ` (${region})` : ""}${copyKeep}`;
      });
      return `rule ${text(rule.ruleName)}: ${text(rule.schedule)} into ${text(rule.targetVaultName)}${keep}${copies.join("") || " → NO copy"}`;
    }),
  "aws:backup/selection:Selection": (i) => [
    `selects ${
      list(i.selectionTags)
        .map((t) => (isRecord(t) ? `${text(t.key)}=${text(t.value)}` : text(t)))
        .join(", ") || list(i.resources).map(text).join(", ")
    }`,
  ],
  "aws:backup/restoreTestingPlan:RestoreTestingPlan": (i) => [
    `restore tests ${text(i.scheduleExpression)}`,
  ],
  "aws:backup/framework:Framework": (i) => [`${list(i.controls).length} Audit Manager controls`],
  "aws:iam/policy:Policy": describeIamPolicy,
  "aws:iam/rolePolicy:RolePolicy": describeIamPolicy,
  "aws:iam/userPolicy:UserPolicy": describeIamPolicy,
  "aws:iam/groupPolicy:GroupPolicy": describeIamPolicy,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (i) => [`attaches ${text(i.policyArn)}`],
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": (i, nameOf) => [
    `attaches ${nameOf(i.policyArn)}`,
  ],
  "aws:iam/accessKey:AccessKey": (i) => [
    `access key for ${text(i.user)}, secret exported as a Pulumi secret`,
  ],
  "aws:ec2/vpc:Vpc": (i) => [`CIDR ${text(i.cidrBlock)}`],
  "aws:ec2/subnet:Subnet": (i) => [
    `${text(i.cidrBlock)} in ${text(i.availabilityZone)}${i.mapPublicIpOnLaunch === true ? ", public IPs" : ""}`,
  ],
  "aws:ec2/securityGroup:SecurityGroup": (i, nameOf) => [
    ...list(i.ingress).map((r) => `in: ${describeRule(r, nameOf)}`),
    ...list(i.egress).map((r) => `out: ${describeRule(r, nameOf)}`),
  ],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (i) =>
    list(i.ingress).length + list(i.egress).length === 0
      ? ["no rules: nothing in, nothing out"]
      : [],
  "aws:ec2/launchTemplate:LaunchTemplate": (i) => [
    `${text(i.instanceType)}, image ${text(i.imageId)} (not running: pilot light)`,
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": (i) =>
    i.alarmDescription === undefined ? [] : [text(i.alarmDescription)],
  "aws:route53/healthCheck:HealthCheck": (i) => [
    `${text(i.type)} ${text(i.fqdn ?? i.ipAddress)}:${text(i.port)}${text(i.resourcePath ?? "")}`,
  ],
};

/** The key settings of one resource, from its inputs. */
export function keySettings(record: ResourceRecord, nameOf: NameOf): string[] {
  const describe = DESCRIBE[record.type];
  return describe === undefined ? [] : describe(record.inputs, nameOf);
}
