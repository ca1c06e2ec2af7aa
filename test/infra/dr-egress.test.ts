// Egress of the DR network with a NAT gateway (prod settings plus drNetwork.egress: nat-gateway),
// under mocks (AWS and the Pulumi engine mocked), then through the policy pack offline. The
// default, endpoints only, is covered by stack-resources.test.ts.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { PACK } from "../../policies/crossguard/policies.js";
import { runStackWithMocks, type MockedRun } from "../../src/infra/mock-run.js";
import { checkPolicies } from "../../src/infra/policy-check.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { Resources, tagsOf } from "../fixtures/mocked-stacks.js";

type Json = Record<string, unknown>;

describe("DR egress through a NAT gateway (prod settings plus egress: nat-gateway, mocked)", function () {
  this.timeout(60_000);
  let dir: string;
  let run: MockedRun;
  let r: Resources;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-egress-"));
    const prod = parse(
      await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"),
    ) as { config: Record<string, Json> };
    prod.config["stronghold:drNetwork"] = {
      ...prod.config["stronghold:drNetwork"],
      egress: "nat-gateway",
    };
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeFile(file, stringify(prod));
    run = await runStackWithMocks("prod", { configFile: file });
    r = new Resources(run.resources);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("puts one NAT gateway in a public subnet and routes the private subnets' internet traffic to it", () => {
    const [nat, ...others] = r.ofType("aws:ec2/natGateway:NatGateway");
    expect(others).to.have.lengthOf(0);
    const publicSubnets = r
      .ofType("aws:ec2/subnet:Subnet")
      .filter((s) => tagsOf(s).tier === "public")
      .map((s) => s.id);
    expect(publicSubnets).to.include(nat!.inputs.subnetId);
    const eip = r.named("aws:ec2/eip:Eip", "dr-nat-eip");
    expect(nat!.inputs.allocationId).to.equal(eip.outputs!.allocationId);
    const [route] = r.ofType("aws:ec2/route:Route");
    const privateRoutes = r.named("aws:ec2/routeTable:RouteTable", "dr-private-routes");
    expect(route!.inputs).to.include({
      routeTableId: privateRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: nat!.id,
    });
    expect((run.outputs.dr as Json).natGatewayId).to.equal(nat!.id);
  });

  it("lets the systems out on HTTPS and HTTP only, and still nobody in from the internet but the portal", async () => {
    for (const system of ["domain-controller", "file-server", "police-rms", "gis"]) {
      const group = r.named("aws:ec2/securityGroup:SecurityGroup", `dr-${system}-sg`);
      const out = (group.inputs.egress as Json[])
        .filter((e) => (e.cidrBlocks as string[] | undefined)?.includes("0.0.0.0/0"))
        .map((e) => [e.protocol, e.fromPort, e.toPort]);
      expect(out, system).to.deep.equal([
        ["tcp", 443, 443],
        ["tcp", 80, 80],
      ]);
    }
    const result = await checkPolicies(PACK, run.resources);
    expect(result.violations.map((v) => v.message)).to.deep.equal([]);
  });
});
