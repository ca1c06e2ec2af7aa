/**
 * The monthly cost of a stack before `pulumi up`, from the resources a mocked run registers, a
 * data size the user gives and the dated price table policies/data/aws-prices.yaml. What the town
 * protects with AWS Backup (per GB of recovery points) and data transfer are not estimated.
 */
import path from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { loadValidated, type Loaded } from "../documents/ajv.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import type { ResourceRecord } from "./policy-check.js";

const Usd = Type.Number({ minimum: 0 });

/** The price table's shape; every price is required, so a missing one is a located error. */
export const PriceTableSchema = Type.Object(
  {
    asOf: Type.String({ format: "date", description: "when the prices were read" }),
    hoursPerMonth: Type.Integer({ minimum: 672, maximum: 744 }),
    prices: Type.Object(
      {
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
