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

  describe("a broken price table", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-prices-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    it("is refused with every problem located, and infra plan lists them instead of estimating", async () => {
      const text = (await readFile(PRICE_TABLE_FILE, "utf8"))
        .replace(/ {2}kmsKeyMonth: .*\n/, "")
        .replace(/natGatewayHour: .*/, "natGatewayHour: -1");
      const file = path.join(dir, "prices.yaml");
      await writeFile(file, text);
      const loaded = await loadPriceTable(file);
      expect(loaded.ok).to.equal(false);
      const problems = loaded.ok ? [] : loaded.problems;
      expect(problems.map((p) => p.pointer)).to.have.members([
        "/prices/kmsKeyMonth",
        "/prices/natGatewayHour",
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
