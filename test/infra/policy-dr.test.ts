// The DR rules of the CrossGuard pack, offline: AWS and the Pulumi engine are not involved (they
// cannot run here); each case adds a DR resource to the compliant stack, changes one thing and
// runs the policy with the arguments CrossGuard builds.
import { drFailoverTargetOwned } from "../../policies/crossguard/rules/dr-failover-target-owned.js";
import { drSecurityGroupCoversServices } from "../../policies/crossguard/rules/dr-security-group-covers-services.js";
import { rulesFor, toSecurityGroupRule } from "../../src/infra/dr-services.js";
import { DR, named, policyCases, without, type MutableRecord } from "./policy-fixtures.js";

type Json = Record<string, unknown>;

/** The domain controller's group as the program builds it: AD and RDP, to the VPC and the town. */
function withDcGroup(records: MutableRecord[], services = "active-directory rdp"): MutableRecord {
  const group: MutableRecord = {
    type: "aws:ec2/securityGroup:SecurityGroup",
    name: "dr-domain-controller-sg",
    urn: "urn:pulumi:test::stronghold::aws:ec2/securityGroup:SecurityGroup::dr-domain-controller-sg",
    inputs: {
      region: DR,
      vpcId: "vpc-1234",
      ingress: rulesFor(["active-directory", "rdp"]).map((rule) => ({
        ...toSecurityGroupRule(rule),
        cidrBlocks: ["10.60.0.0/16", "10.20.0.0/16"],
      })),
      egress: [],
      tags: { ...named(records, "dr-vpc").inputs.tags!, "dr-services": services },
    },
  };
  records.push(group);
  return group;
}
const ingress = (group: MutableRecord) => group.inputs.ingress as Json[];
const dropRule = (group: MutableRecord, protocol: string, port: number) => {
  group.inputs.ingress = ingress(group).filter(
    (r) => !(r.protocol === protocol && r.fromPort === port),
  );
};

describe("dr-security-group-covers-services", () => {
  policyCases(drSecurityGroupCoversServices, [
    {
      name: "the domain controller's group admits every AD and RDP rule",
      change: (s) => void withDcGroup(s),
      expect: "pass",
    },
    { name: "a stack whose groups carry no dr-services tag", expect: "not-applicable" },
    {
      name: "DNS over UDP missing (a TCP-only group)",
      change: (s) => dropRule(withDcGroup(s), "udp", 53),
      expect: ["active-directory needs udp 53 (DNS)"],
    },
    {
      name: "every UDP rule missing",
      change: (s) => {
        const group = withDcGroup(s);
        group.inputs.ingress = ingress(group).filter((r) => r.protocol !== "udp");
      },
      expect: [
        "active-directory needs udp 53 (DNS)",
        "active-directory needs udp 88 (Kerberos)",
        "active-directory needs udp 123",
        "active-directory needs udp 389",
        "active-directory needs udp 464",
        "rdp needs udp 3389",
      ],
    },
    {
      name: "the RPC dynamic range cut short",
      change: (s) => {
        const rpc = ingress(withDcGroup(s)).find((r) => r.fromPort === 49152)!;
        rpc.toPort = 50000;
      },
      expect: ["active-directory needs tcp 49152-65535 (RPC dynamic ports"],
    },
    {
      name: "a rule that names no source admits nothing",
      change: (s) => {
        const kerberos = ingress(withDcGroup(s)).find(
          (r) => r.protocol === "udp" && r.fromPort === 88,
        )!;
        kerberos.cidrBlocks = [];
      },
      expect: ["active-directory needs udp 88 (Kerberos)"],
    },
    {
      name: "one all-traffic rule from the town covers every service",
      change: (s) => {
        withDcGroup(s).inputs.ingress = [
          { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.20.0.0/16"] },
        ];
      },
      expect: "pass",
    },
    {
      name: "protocol numbers mean the same as names (17 = udp)",
      change: (s) => {
        const group = withDcGroup(s);
        for (const rule of ingress(group)) if (rule.protocol === "udp") rule.protocol = "17";
      },
      expect: "pass",
    },
    {
      name: "a port range wider than needed covers it",
      change: (s) => {
        const group = withDcGroup(s, "dns");
        group.inputs.ingress = [
          { protocol: "udp", fromPort: 1, toPort: 1024, cidrBlocks: ["10.20.0.0/16"] },
          { protocol: "tcp", fromPort: 53, toPort: 53, cidrBlocks: ["10.20.0.0/16"] },
        ];
      },
      expect: "pass",
    },
    {
      name: "an unknown service name in the tag",
      change: (s) => void withDcGroup(s, "active-directory ldap"),
      expect: ['dr-services names "ldap", which is not a known service'],
    },
  ]);
});

/** A failover pair onto an Elastic IP with a standing instance behind it: what automatic needs. */
function withFailover(records: MutableRecord[]): void {
  const tags = named(records, "dr-vpc").inputs.tags;
  const urn = (type: string, name: string) => `urn:pulumi:test::stronghold::${type}::${name}`;
  const add = (type: string, name: string, inputs: Json, extra: Partial<MutableRecord> = {}) =>
    records.push({ type, name, urn: urn(type, name), inputs, ...extra });
  add(
    "aws:ec2/instance:Instance",
    "dr-gis-standing",
    { region: DR, tags },
    { id: "i-0123456789abcdef0" },
  );
  add(
    "aws:ec2/eip:Eip",
    "dr-permits-eip",
    { region: DR, domain: "vpc", tags },
    {
      id: "eipalloc-0123456789abcdef0",
      outputs: { publicIp: "203.0.113.7", allocationId: "eipalloc-0123456789abcdef0" },
    },
  );
  add("aws:ec2/eipAssociation:EipAssociation", "dr-permits-eip-association", {
    region: DR,
    allocationId: "eipalloc-0123456789abcdef0",
    instanceId: "i-0123456789abcdef0",
  });
  const record = (role: string, ip: string, extra: Json = {}) =>
    add("aws:route53/record:Record", `dr-permits-${role.toLowerCase()}`, {
      zoneId: "Z04517273VCLIDX8Q3HWY",
      name: "permits.millbrook-ma.gov",
      type: "A",
      ttl: 60,
      records: [ip],
      setIdentifier: `permits-${role.toLowerCase()}`,
      failoverRoutingPolicies: [{ type: role }],
      ...extra,
    });
  add(
    "aws:route53/healthCheck:HealthCheck",
    "dr-permits-health",
    { type: "HTTPS" },
    { id: "hc-1" },
  );
  record("PRIMARY", "198.51.100.20", { healthCheckId: "hc-1" });
  record("SECONDARY", "203.0.113.7");
}
const secondary = (s: MutableRecord[]) => named(s, "dr-permits-secondary").inputs;

describe("dr-failover-target-owned", () => {
  policyCases(drFailoverTargetOwned, [
    {
      name: "the secondary is the stack's Elastic IP on a standing instance",
      change: withFailover,
      expect: "pass",
    },
    { name: "a stack without failover records", expect: "not-applicable" },
    {
      name: "the secondary is a configured address nobody in the stack owns",
      change: (s) => {
        withFailover(s);
        secondary(s).records = ["198.51.100.200"];
      },
      expect: [
        "the SECONDARY record points at 198.51.100.200, which no aws.ec2.Eip of this stack owns",
      ],
    },
    {
      name: "the Elastic IP has nothing behind it",
      change: (s) => {
        withFailover(s);
        without(s, "dr-permits-eip-association");
      },
      expect: [/points at 203\.0\.113\.7 .*which no instance of this stack stands behind/],
    },
    {
      name: "the association names an instance the stack does not have",
      change: (s) => {
        withFailover(s);
        named(s, "dr-permits-eip-association").inputs.instanceId = "i-0fffffffffffffff0";
      },
      expect: [/which no instance of this stack stands behind/],
    },
    {
      name: "the Elastic IP names the standing instance itself",
      change: (s) => {
        withFailover(s);
        without(s, "dr-permits-eip-association");
        named(s, "dr-permits-eip").inputs.instance = "i-0123456789abcdef0";
      },
      expect: "pass",
    },
    {
      name: "the primary has no health check, so it never fails over",
      change: (s) => {
        withFailover(s);
        delete named(s, "dr-permits-primary").inputs.healthCheckId;
      },
      expect: ["a PRIMARY failover record without a health check is always healthy"],
    },
    {
      name: "the secondary is an alias to a load balancer outside the stack",
      change: (s) => {
        withFailover(s);
        delete secondary(s).records;
        secondary(s).aliases = [
          {
            name: "dr-lb-123.us-west-2.elb.amazonaws.com",
            zoneId: "Z1H1FL5HABSF5",
            evaluateTargetHealth: true,
          },
        ];
      },
      expect: ["alias dr-lb-123.us-west-2.elb.amazonaws.com is not a resource of this stack"],
    },
  ]);
});
