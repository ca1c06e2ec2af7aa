/**
 * The monthly cost of a stack before `pulumi up`, from the resources a mocked run registers, a
 * data size the user gives and the dated price table policies/data/aws-prices.yaml. AWS Backup's
 * storage is estimated for the critical systems recovered from AWS Backup (their volume sizes,
 * the plans' retention and tiers, one stated daily change rate); data transfer is not estimated.
 */
import path from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { loadValidated, type Loaded } from "../documents/ajv.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import type { ResourceRecord } from "./policy-check.js";

const Usd = Type.Number({ minimum: 0 });

const PRICES = {
  s3StandardGbMonth: Usd,
  s3GlacierIrGbMonth: Usd,
  s3DeepArchiveGbMonth: Usd,
  kmsKeyMonth: Usd,
  cloudwatchAlarmMonth: Usd,
  route53HealthCheckMonth: Usd,
  vpnConnectionHour: Usd,
  natGatewayHour: Usd,
  interfaceEndpointZoneHour: Usd,
  publicIpv4Hour: Usd,
  backupWarmGbMonth: Usd,
  backupColdGbMonth: Usd,
  configItem: Usd,
  backupAuditControlEvaluation: Usd,
  lambdaGbSecond: Usd,
  lambdaRequest: Usd,
};

const SourceUrl = Type.String({
  pattern: "^https://",
  description: "the AWS page it was read from",
});

/**
 * The price table's shape; every price and every price's source page are required, so a missing
 * one is a located error.
 */
export const PriceTableSchema = Type.Object(
  {
    asOf: Type.String({ format: "date", description: "when the prices were read" }),
    hoursPerMonth: Type.Integer({ minimum: 672, maximum: 744 }),
    prices: Type.Object(PRICES, { additionalProperties: false }),
    sources: Type.Object(
      Object.fromEntries(Object.keys(PRICES).map((key) => [key, SourceUrl])) as Record<
        keyof typeof PRICES,
        typeof SourceUrl
      >,
      { additionalProperties: false },
    ),
    assumptions: Type.Object(
      {
        backupDailyChangePercent: Type.Number({
          minimum: 0,
          maximum: 100,
          description:
            "share of a protected volume's blocks that change a day (incremental snapshots)",
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: "AWS price table for infra plan --data-gb" },
);
export type PriceTable = Static<typeof PriceTableSchema>;

/** The table the tool ships. */
export const PRICE_TABLE_FILE = path.join(PROJECT_ROOT, "policies", "data", "aws-prices.yaml");

/** Reads and validates a price table; problems come back with file, line and field. */
export function loadPriceTable(file: string = PRICE_TABLE_FILE): Promise<Loaded<PriceTable>> {
  return loadValidated(file, PriceTableSchema);
}

/** One line of the estimate. */
export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly monthlyUsd: number;
}

/** A stack's estimate for a data size. */
export interface CostEstimate {
  readonly dataGb: number;
  readonly pricesAsOf: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Estimates the monthly cost of the resources of one mocked run. */
export function estimateCost(
  resources: readonly ResourceRecord[],
  dataGb: number,
  table: PriceTable,
): CostEstimate {
  const p = table.prices;
  const hours = table.hoursPerMonth;
  const of = (type: string) => resources.filter((r) => r.type === type);
  const tagsOf = (r: ResourceRecord) => (isRecord(r.inputs.tags) ? r.inputs.tags : {});
  const lines: CostLine[] = [];
  const add = (item: string, quantity: string, usd: number) => {
    if (usd > 0) lines.push({ item, quantity, monthlyUsd: cents(usd) });
  };

  // Current data: in Glacier Instant Retrieval when a lifecycle rule tiers current objects there.
  const tiersCurrent = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").some(
    (l) =>
      list(l.inputs.rules).some(
        (rule) =>
          isRecord(rule) &&
          rule.status === "Enabled" &&
          list(rule.transitions).some((t) => isRecord(t) && t.storageClass === "GLACIER_IR"),
      ),
  );
  add(
    tiersCurrent ? "S3 offsite copy (Glacier Instant Retrieval)" : "S3 offsite copy (Standard)",
    `${dataGb} GB`,
    dataGb * (tiersCurrent ? p.s3GlacierIrGbMonth : p.s3StandardGbMonth),
  );
  const replicas = of("aws:s3/bucket:Bucket").filter((b) =>
    (typeof tagsOf(b).purpose === "string" ? String(tagsOf(b).purpose) : "").includes("replica"),
  ).length;
  if (replicas > 0) {
    add("S3 replica (Deep Archive)", `${dataGb} GB`, dataGb * p.s3DeepArchiveGbMonth);
  }
  const keys = of("aws:kms/key:Key").length;
  add("KMS customer-managed keys", `${keys}`, keys * p.kmsKeyMonth);
  const alarms = of("aws:cloudwatch/metricAlarm:MetricAlarm").length;
  add("CloudWatch alarms", `${alarms}`, alarms * p.cloudwatchAlarmMonth);
  const checks = of("aws:route53/healthCheck:HealthCheck").length;
  add(
    "Route 53 health checks (HTTPS, non-AWS endpoint)",
    `${checks}`,
    checks * p.route53HealthCheckMonth,
  );
  const vpns = of("aws:ec2/vpnConnection:VpnConnection").length;
  add("Site-to-site VPN connections", `${vpns} × ${hours} h`, vpns * hours * p.vpnConnectionHour);
  const nats = of("aws:ec2/natGateway:NatGateway").length;
  add(
    "NAT gateways (before data processed)",
    `${nats} × ${hours} h`,
    nats * hours * p.natGatewayHour,
  );
  const zones = of("aws:ec2/vpcEndpoint:VpcEndpoint")
    .filter((e) => e.inputs.vpcEndpointType === "Interface")
    .reduce((n, e) => n + Math.max(1, list(e.inputs.subnetIds).length), 0);
  add(
    "VPC interface endpoints (endpoint-zones)",
    `${zones} × ${hours} h`,
    zones * hours * p.interfaceEndpointZoneHour,
  );
  const addresses = of("aws:ec2/eip:Eip").length;
  add(
    "Public IPv4 addresses (Elastic IPs)",
    `${addresses} × ${hours} h`,
    addresses * hours * p.publicIpv4Hour,
  );
  for (const line of backupLines(resources, table)) add(line.item, line.quantity, line.monthlyUsd);
  return {
    dataGb,
    pricesAsOf: table.asOf,
    lines,
    totalUsd: cents(lines.reduce((sum, l) => sum + l.monthlyUsd, 0)),
  };
}

/** The estimate as text lines, for the table and Markdown renderers. */
export function describeCost(cost: CostEstimate): string[] {
  const width = Math.max(...cost.lines.map((l) => l.item.length));
  return [
    ...cost.lines.map(
      (l) =>
        `${l.item.padEnd(width)}  ${l.quantity.padStart(12)}  $${l.monthlyUsd.toFixed(2).padStart(8)}`,
    ),
    `${"Total".padEnd(width)}  ${"".padStart(12)}  $${cost.totalUsd.toFixed(2).padStart(8)}`,
  ];
}

/** Days between recovery points of a rule, by the frequency tag the program gives them. */
const PERIOD_DAYS: Readonly<Record<string, number>> = {
  daily: 1,
  weekly: 7,
  monthly: 365 / 12,
  yearly: 365,
};
const DAYS_PER_MONTH = 365 / 12;

/** One rule of a backup plan as the program registers it. */
interface RuleShape {
  readonly periodDays: number;
  readonly deleteAfter: number;
  readonly coldAfter: number | undefined;
  /** Vaults each point lands in: the primary and every copy destination. */
  readonly vaults: number;
}

function rulesOf(resources: readonly ResourceRecord[]): RuleShape[] {
  return resources
    .filter((r) => r.type === "aws:backup/plan:Plan")
    .flatMap((plan) => list(plan.inputs.rules))
    .filter(isRecord)
    .map((rule) => {
      const lifecycle = isRecord(rule.lifecycle) ? rule.lifecycle : {};
      const tags = isRecord(rule.recoveryPointTags) ? rule.recoveryPointTags : {};
      const deleteAfter = Number(lifecycle.deleteAfter ?? 0);
      const cold = lifecycle.coldStorageAfter;
      return {
        periodDays: PERIOD_DAYS[String(tags.frequency)] ?? 1,
        deleteAfter,
        coldAfter: typeof cold === "number" ? cold : undefined,
        vaults: 1 + list(rule.copyActions).length,
      };
    });
}

/**
 * Restore test runs a month from the plan's schedule: a cron naming days of the week runs that
 * many times a week, one naming days of the month that many times a month, otherwise daily.
 */
export function restoreTestsPerMonth(schedule: string): number {
  const rate = /^rate\((\d+) (day|days|hour|hours)\)$/.exec(schedule);
  if (rate) {
    const every = Number(rate[1]) * (rate[2]!.startsWith("hour") ? 1 / 24 : 1);
    return DAYS_PER_MONTH / every;
  }
  const fields = /^cron\((.*)\)$/.exec(schedule)?.[1]?.trim().split(/\s+/) ?? [];
  const [, , dayOfMonth = "*", , dayOfWeek = "?"] = fields;
  const count = (field: string) => field.split(",").length;
  if (!["*", "?"].includes(dayOfWeek)) return (count(dayOfWeek) * 365) / 7 / 12;
  if (!["*", "?"].includes(dayOfMonth)) return count(dayOfMonth);
  return DAYS_PER_MONTH;
}

/** In-scope resources of an Audit Manager control, by what its AWS Config rule evaluates. */
function controlScope(
  control: string,
  counts: { systems: number; points: number; plans: number; vaults: number },
): number {
  if (control.startsWith("BACKUP_RECOVERY_POINT_MANUAL_DELETION")) return counts.vaults;
  if (control.startsWith("BACKUP_RECOVERY_POINT")) return counts.points;
  if (control.startsWith("BACKUP_PLAN")) return counts.plans;
  return counts.systems;
}

/**
 * AWS Backup storage, the AWS Config recorder, the Audit Manager controls and the validation
 * Lambda. What AWS Backup protects is the critical systems recovered from it (their launch
 * templates carry `recovery: aws-backup` and the volume size).
 */
function backupLines(resources: readonly ResourceRecord[], table: PriceTable): CostLine[] {
  const p = table.prices;
  const of = (type: string) => resources.filter((r) => r.type === type);
  const lines: CostLine[] = [];
  const add = (item: string, quantity: string, usd: number) => {
    if (usd > 0) lines.push({ item, quantity, monthlyUsd: cents(usd) });
  };
  const protectedSystems = of("aws:ec2/launchTemplate:LaunchTemplate").filter(
    (t) => isRecord(t.inputs.tags) && t.inputs.tags.recovery === "aws-backup",
  );
  const protectedGb = protectedSystems.reduce(
    (sum, t) =>
      sum +
      list(t.inputs.blockDeviceMappings)
        .filter(isRecord)
        .reduce((n, m) => n + Number(isRecord(m.ebs) ? (m.ebs.volumeSize ?? 0) : 0), 0),
    0,
  );
  const systems = protectedSystems.length;
  const rules = rulesOf(resources);
  const change = table.assumptions.backupDailyChangePercent / 100;

  // Warm: incremental snapshots, one full copy per vault plus the blocks changed over the
  // longest time any rule keeps a point warm there. Cold (EBS Snapshots Archive): each point
  // is a full copy (Amazon EBS user guide, "Pricing and billing for archiving").
  const vaultCount = Math.max(0, ...rules.map((r) => r.vaults));
  let warmGb = 0;
  for (let vault = 0; vault < vaultCount; vault++) {
    const here = rules.filter((r) => r.vaults > vault);
    const warmDays = Math.max(
      0,
      ...here.map((r) => Math.min(r.deleteAfter, r.coldAfter ?? r.deleteAfter)),
    );
    warmGb += protectedGb * (1 + change * warmDays);
  }
  const coldGb = rules.reduce(
    (sum, r) =>
      r.coldAfter === undefined
        ? sum
        : sum + Math.floor((r.deleteAfter - r.coldAfter) / r.periodDays) * protectedGb * r.vaults,
    0,
  );
  const gb = (n: number) => `${Math.round(n)} GB`;
  add(
    `AWS Backup warm storage (${protectedGb} GB protected, ${table.assumptions.backupDailyChangePercent}% daily change)`,
    gb(warmGb),
    warmGb * p.backupWarmGbMonth,
  );
  add("AWS Backup cold storage (full copies)", gb(coldGb), coldGb * p.backupColdGbMonth);

  const testing = of("aws:backup/restoreTestingPlan:RestoreTestingPlan")[0];
  const selections = of("aws:backup/restoreTestingSelection:RestoreTestingSelection");
  const runs =
    testing === undefined ? 0 : restoreTestsPerMonth(String(testing.inputs.scheduleExpression));
  const restoreJobs = runs * systems * selections.length;

  // AWS Config records in the primary region only: each recovery point there is created and
  // later expires (two items); each restore test creates and deletes what it restored (an
  // instance with its volume, or a volume).
  if (of("aws:cfg/recorder:Recorder").length > 0) {
    const pointsPerMonth = systems * rules.reduce((n, r) => n + DAYS_PER_MONTH / r.periodDays, 0);
    const restoredItems = selections.reduce(
      (n, s) => n + runs * systems * (s.inputs.protectedResourceType === "EC2" ? 4 : 2),
      0,
    );
    const items = Math.round(2 * pointsPerMonth + restoredItems);
    add("AWS Config configuration items (recorder)", `${items}`, items * p.configItem);
  }
  const framework = of("aws:backup/framework:Framework")[0];
  if (framework !== undefined) {
    const counts = {
      systems,
      points:
        systems *
        rules.reduce((n, r) => n + Math.max(1, Math.floor(r.deleteAfter / r.periodDays)), 0),
      plans: of("aws:backup/plan:Plan").length,
      vaults:
        of("aws:backup/vault:Vault").length +
        of("aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault").length,
    };
    // At most one evaluation a day of each resource in a control's scope.
    const evaluations = Math.round(
      list(framework.inputs.controls)
        .filter(isRecord)
        .reduce((n, c) => n + controlScope(String(c.name), counts), 0) * DAYS_PER_MONTH,
    );
    add(
      "AWS Backup Audit Manager control evaluations (AWS Config rules)",
      `${evaluations}`,
      evaluations * p.backupAuditControlEvaluation,
    );
  }
  // The validation Lambda hears each restore job once, when it completes, and waits for the
  // restored system's status checks: at most its timeout per job.
  const fn = of("aws:lambda/function:Function")[0];
  if (fn !== undefined && restoreJobs > 0) {
    const seconds = Number(fn.inputs.timeout ?? 3);
    const memoryGb = Number(fn.inputs.memorySize ?? 128) / 1024;
    const invocations = Math.round(restoreJobs);
    add(
      "Restore validation Lambda (at most its timeout per restore job)",
      `${invocations} calls`,
      restoreJobs * seconds * memoryGb * p.lambdaGbSecond + invocations * p.lambdaRequest,
    );
  }
  return lines;
}
