// The monthly cost estimate of `stronghold infra plan --data-gb`: the sample stacks under mocks
// (AWS and the Pulumi engine mocked), priced with the shipped table, and broken tables reported
// with their file, line and field.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  estimateCost,
  loadPriceTable,
  PRICE_TABLE_FILE,
  restoreTestsPerMonth,
  type PriceTable,
} from "../../src/infra/cost-estimate.js";
import { planStacks } from "../../src/infra/plan.js";
import { InputError } from "../../src/support/errors.js";
import { mockedStack } from "../fixtures/mocked-stacks.js";

describe("the monthly cost estimate (mocked stacks, the shipped price table)", function () {
  this.timeout(60_000);
  let table: PriceTable;
  before(async () => {
    const loaded = await loadPriceTable();
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    table = loaded.value;
  });

  it("prices prod: current data in Glacier IR, the Deep Archive replica, VPN, SSM endpoints, the portal's address", async () => {
    const run = await mockedStack("prod");
    const cost = estimateCost(run.resources, 2000, table);
    const p = table.prices;
    const h = table.hoursPerMonth;
    const byItem = Object.fromEntries(cost.lines.map((l) => [l.item, [l.quantity, l.monthlyUsd]]));
    expect(byItem).to.deep.equal({
      "S3 offsite copy (Glacier Instant Retrieval)": ["2000 GB", 2000 * p.s3GlacierIrGbMonth],
      "S3 replica (Deep Archive)": [
        "2000 GB",
        Math.round(2000 * p.s3DeepArchiveGbMonth * 100) / 100,
      ],
      "KMS customer-managed keys": ["4", 4 * p.kmsKeyMonth],
      "CloudWatch alarms": ["3", Math.round(3 * p.cloudwatchAlarmMonth * 100) / 100],
      "Route 53 health checks (HTTPS, non-AWS endpoint)": ["1", p.route53HealthCheckMonth],
      "Site-to-site VPN connections": [`1 × ${h} h`, h * p.vpnConnectionHour],
      "VPC interface endpoints (endpoint-zones)": [
        `6 × ${h} h`,
        Math.round(6 * h * p.interfaceEndpointZoneHour * 100) / 100,
      ],
      "Public IPv4 addresses (Elastic IPs)": [
        `1 × ${h} h`,
        Math.round(h * p.publicIpv4Hour * 100) / 100,
      ],
      // domain-controller (80 GB) and police-rms (200 GB) come back from AWS Backup; every rule
      // copies to DR, so two vaults. Warm: the yearly rule keeps points warm longest (180 days),
      // 280 × (1 + 1% × 180) = 784 GB per vault.
      "AWS Backup warm storage (280 GB protected, 1% daily change)": [
        "1568 GB",
        Math.round(1568 * p.backupWarmGbMonth * 100) / 100,
      ],
      // Cold full copies: monthly (400 − 90) days / one month = 10, yearly (2555 − 180) / 365 = 6;
      // 16 × 280 GB × 2 vaults.
      "AWS Backup cold storage (full copies)": [
        "8960 GB",
        Math.round(8960 * p.backupColdGbMonth * 100) / 100,
      ],
      // Recovery points a month: 2 systems × (30.42 + 4.35 + 1 + 0.08) = 71.7, each created and
      // expired (143.4); weekly restore tests (4.35 a month) of 2 systems, EC2 (instance and
      // volume created and deleted: 4) and EBS (2): 52.1. Together 195.5.
      "AWS Config configuration items (recorder)": [
        "196",
        Math.round(196 * p.configItem * 100) / 100,
      ],
      // Nine controls: two over the 134 retained recovery points (2 × (35 + 12 + 13 + 7)), one
      // over the plan, one over the 2 vaults, five over the 2 systems: 281 a day, 8547 a month.
      "AWS Backup Audit Manager control evaluations (AWS Config rules)": [
        "8547",
        Math.round(8547 * p.backupAuditControlEvaluation * 100) / 100,
      ],
      // 17.4 restore jobs a month (4.35 runs × 2 systems × EC2 and EBS), one call each when it
      // completes, at most 840 s × 128 MB.
      "Restore validation Lambda (at most its timeout per restore job)": [
        "17 calls",
        Math.round(
          ((365 / 7 / 12) * 4 * 840 * (128 / 1024) * p.lambdaGbSecond + 17 * p.lambdaRequest) * 100,
        ) / 100,
      ],
    });
    expect(cost.totalUsd).to.equal(
      Math.round(cost.lines.reduce((s, l) => s + l.monthlyUsd, 0) * 100) / 100,
    );
    expect(cost.pricesAsOf).to.equal(table.asOf);
  });

  it("prices dev: everything in S3 Standard, no replica, VPN or health check", async () => {
    const run = await mockedStack("dev");
    const cost = estimateCost(run.resources, 50, table);
    const items = cost.lines.map((l) => l.item);
    expect(items[0]).to.equal("S3 offsite copy (Standard)");
    expect(cost.lines[0]!.monthlyUsd).to.equal(
      Math.round(50 * table.prices.s3StandardGbMonth * 100) / 100,
    );
    for (const absent of [
      "S3 replica (Deep Archive)",
      "Site-to-site VPN connections",
      "Route 53 health checks (HTTPS, non-AWS endpoint)",
    ]) {
      expect(items).to.not.include(absent);
    }
  });

  it("prices dev's AWS Backup: one 60 GB DC, no cold tier, no restore tests or Lambda", async () => {
    const cost = estimateCost((await mockedStack("dev")).resources, 50, table);
    const byItem = Object.fromEntries(cost.lines.map((l) => [l.item, l.quantity]));
    // Daily 7 days and weekly 30 days, both copied to DR: 60 × (1 + 1% × 30) per vault.
    expect(byItem["AWS Backup warm storage (60 GB protected, 1% daily change)"]).to.equal("156 GB");
    expect(byItem).not.to.have.property("AWS Backup cold storage (full copies)");
    expect(byItem).not.to.have.property(
      "Restore validation Lambda (at most its timeout per restore job)",
    );
  });

  it("counts restore test runs a month from the plan's schedule", () => {
    expect(restoreTestsPerMonth("cron(0 6 ? * MON *)")).to.be.closeTo(4.345, 0.001);
    expect(restoreTestsPerMonth("cron(0 6 ? * MON,THU *)")).to.be.closeTo(8.69, 0.01);
    expect(restoreTestsPerMonth("cron(0 6 1 * ? *)")).to.equal(1);
    expect(restoreTestsPerMonth("cron(0 6 * * ? *)")).to.be.closeTo(30.42, 0.01);
    expect(restoreTestsPerMonth("rate(7 days)")).to.be.closeTo(4.345, 0.001);
  });

  it("names the AWS page of every price", () => {
    expect(Object.keys(table.sources).sort()).to.deep.equal(Object.keys(table.prices).sort());
    for (const url of Object.values(table.sources))
      expect(url).to.match(/^https:\/\/(aws\.amazon\.com|docs\.aws\.amazon\.com)\//);
  });

  describe("a broken price table", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-prices-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    it("is refused with every problem located, and infra plan lists them instead of estimating", async () => {
      const text = (await readFile(PRICE_TABLE_FILE, "utf8"))
        .replace(/ {2}kmsKeyMonth: .*\n/, "")
        .replace(/natGatewayHour: .*/, "natGatewayHour: -1")
        .replace(/ {2}configItem: https.*\n/, "");
      const file = path.join(dir, "prices.yaml");
      await writeFile(file, text);
      const loaded = await loadPriceTable(file);
      expect(loaded.ok).to.equal(false);
      const problems = loaded.ok ? [] : loaded.problems;
      expect(problems.map((p) => p.pointer)).to.have.members([
        "/prices/kmsKeyMonth",
        "/prices/natGatewayHour",
        "/sources/configItem",
      ]);
      expect(problems.find((p) => p.pointer === "/prices/kmsKeyMonth")!.message).to.match(
        /^is required/,
      );
      expect(problems.find((p) => p.pointer === "/prices/natGatewayHour")!.message).to.equal(
        "must be >= 0",
      );
      expect(problems.find((p) => p.pointer === "/prices/natGatewayHour")!.line).to.be.a("number");
      const error = await planStacks({ stacks: ["dev"], dataGb: 10, priceTableFile: file }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).problems.map((p) => p.file)).to.include(file);
    });
  });
});
