// The DR rules of the CrossGuard pack, offline: AWS and the Pulumi engine are not involved (they
// cannot run here); each case adds a DR resource to the compliant stack, changes one thing and
// runs the policy with the arguments CrossGuard builds.
import { drSecurityGroupCoversServices } from "../../policies/crossguard/rules/dr-security-group-covers-services.js";
import { rulesFor, toSecurityGroupRule } from "../../src/infra/dr-services.js";
import { DR, named, policyCases, type MutableRecord } from "./policy-fixtures.js";

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
