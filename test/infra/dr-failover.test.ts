// Failing the permit portal over to DR, three ways: the prod settings as shipped (manual, the
// record on the town's server), the runbook step done (manual, serving: dr) and automatic
// failover onto a standing instance. Each runs under mocks (AWS and the Pulumi engine mocked),
// then through the policy pack offline.
import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { PACK } from "../../policies/crossguard/policies.js";
import { validatorFor } from "../../src/documents/ajv.js";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { checkPolicies } from "../../src/infra/policy-check.js";
import { StackOutputsSchema } from "../../src/infra/stack-outputs.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { Resources } from "../fixtures/mocked-stacks.js";

type Json = Record<string, unknown>;
type Stack = { config: Record<string, unknown> };

/** The prod stack file with the permit portal (and the GIS server behind it) changed. */
async function variant(
  dir: string,
  name: string,
  service: Json,
  gis: Json = {},
): Promise<MockedRun> {
  const prod = parse(
    await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"),
  ) as Stack;
  const services = prod.config["stronghold:publicServices"] as Json[];
  prod.config["stronghold:publicServices"] = services.map((s) => ({ ...s, ...service }));
  const systems = prod.config["stronghold:criticalSystems"] as Json[];
  prod.config["stronghold:criticalSystems"] = systems.map((s) =>
    s.name === "gis" ? { ...s, ...gis } : s,
  );
  const file = path.join(dir, name, "Pulumi.prod.yaml");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, stringify(prod));
  return runStackWithMocks("prod", { configFile: file });
}

const records = (r: Resources) => r.ofType("aws:route53/record:Record");
const outputsOf = (run: MockedRun) =>
  (run.outputs.dr as { publicServices: Record<string, Json> }).publicServices.permits!;

async function failoverVerdict(run: MockedRun) {
  const result = await checkPolicies(PACK, run.resources);
  return {
    outcome: result.outcomes.find((o) => o.policy === "dr-failover-target-owned"),
    violations: result.violations.map((v) => v.message),
  };
}

describe("failing a public service over to DR (prod settings, mocked)", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-failover-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  describe("manual (the default), before the runbook step", () => {
    let run: MockedRun;
    let r: Resources;
    before(async () => {
      run = await variant(dir, "manual", {});
      r = new Resources(run.resources);
    });

    it("allocates the Elastic IP the DR answer will use, kept, in the DR region", () => {
      const eip = r.named("aws:ec2/eip:Eip", "dr-permits-eip");
      expect(eip.inputs).to.include({ region: "us-west-2", domain: "vpc" });
      expect(eip.protect).to.equal(true);
      expect(outputsOf(run)).to.include({
        failover: "manual",
        serving: "primary",
        drSystem: "gis",
        publicIp: eip.outputs!.publicIp,
        allocationId: eip.outputs!.allocationId,
      });
    });

    it("keeps one plain record on the town's server: no failover pair for Route 53 to flip", () => {
      expect(records(r).map((x) => [x.name, x.inputs.records])).to.deep.equal([
        ["dr-permits-record", ["198.51.100.20"]],
      ]);
      expect(records(r)[0]!.inputs.failoverRoutingPolicies).to.equal(undefined);
      expect(r.ofType("aws:route53/healthCheck:HealthCheck")).to.have.lengthOf(1);
    });

    it("runs nothing, and opens only the portal's port on the GIS server to the internet", () => {
      expect(r.ofType("aws:ec2/instance:Instance")).to.have.lengthOf(0);
      const open = r
        .ofType("aws:ec2/securityGroup:SecurityGroup")
        .flatMap((g) =>
          (g.inputs.ingress as Json[])
            .filter((i) => (i.cidrBlocks as string[]).includes("0.0.0.0/0"))
            .map((i) => [g.name, i.protocol, i.fromPort, i.toPort]),
        );
      expect(open).to.deep.equal([["dr-gis-sg", "tcp", 443, 443]]);
    });

    it("gives the pack no failover pair to judge", async () => {
      const verdict = await failoverVerdict(run);
      expect(verdict.outcome?.status).to.equal("not-applicable");
      expect(verdict.violations).to.deep.equal([]);
    });
  });

  describe("manual, after the runbook step (serving: dr)", () => {
    it("points the one record at the stack's Elastic IP", async () => {
      const run = await variant(dir, "flipped", { serving: "dr" });
      const r = new Resources(run.resources);
      const eip = r.named("aws:ec2/eip:Eip", "dr-permits-eip");
      expect(records(r).map((x) => x.inputs.records)).to.deep.equal([[eip.outputs!.publicIp]]);
      expect(outputsOf(run).serving).to.equal("dr");
    });
  });

  describe("automatic, onto a standing GIS server", () => {
    let run: MockedRun;
    let r: Resources;
    before(async () => {
      run = await variant(dir, "automatic", { failover: "automatic" }, { standing: true });
      r = new Resources(run.resources);
    });

    it("runs the GIS server from its template in a public subnet, behind the Elastic IP", () => {
      const [instance, ...others] = r.ofType("aws:ec2/instance:Instance");
      expect(others).to.have.lengthOf(0);
      const template = r.named("aws:ec2/launchTemplate:LaunchTemplate", "dr-gis");
      expect(instance!.inputs.launchTemplate).to.deep.equal({
        id: template.id,
        version: "$Latest",
      });
      const publicSubnets = (run.outputs.dr as { publicSubnetIds: string[] }).publicSubnetIds;
      expect(publicSubnets).to.include(instance!.inputs.subnetId);
      const eip = r.named("aws:ec2/eip:Eip", "dr-permits-eip");
      const [association] = r.ofType("aws:ec2/eipAssociation:EipAssociation");
      expect(association!.inputs).to.include({
        allocationId: eip.outputs!.allocationId,
        instanceId: instance!.id,
      });
      expect((run.outputs.dr as { standingInstanceIds: Json }).standingInstanceIds).to.deep.equal({
        gis: instance!.id,
      });
    });

    it("pairs a health-checked PRIMARY on the town's server with a SECONDARY on the Elastic IP", async () => {
      const [check] = r.ofType("aws:route53/healthCheck:HealthCheck");
      const eip = r.named("aws:ec2/eip:Eip", "dr-permits-eip");
      expect(
        records(r).map((x) => [
          (x.inputs.failoverRoutingPolicies as Json[])[0]!.type,
          x.inputs.records,
          x.inputs.healthCheckId,
        ]),
      ).to.have.deep.members([
        ["PRIMARY", ["198.51.100.20"], check!.id],
        ["SECONDARY", [eip.outputs!.publicIp], undefined],
      ]);
      const verdict = await failoverVerdict(run);
      expect(verdict.outcome?.status).to.equal("passed");
      expect(verdict.violations).to.deep.equal([]);
      const validate = validatorFor(StackOutputsSchema);
      expect(validate(run.outputs), JSON.stringify(validate.errors)).to.equal(true);
    });

    it("is refused by the pack once the standing instance is taken away", async () => {
      const resources = run.resources.filter((x) => x.type !== "aws:ec2/instance:Instance");
      const verdict = await failoverVerdict({ ...run, resources });
      expect(verdict.violations).to.have.lengthOf(1);
      expect(verdict.violations[0]).to.match(
        /points at 203\.0\.113\.\d+ .*which no instance of this stack stands behind/,
      );
    });
  });
});
