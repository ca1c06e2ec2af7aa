/**
 * A disaster in the primary region must not also take the DR side: the pilot-light network and
 * the offsite backup buckets live in a region where no backup plan runs.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { indexBuckets } from "../lib/buckets.js";
import { UnknownTracker } from "../lib/known.js";
import { regionOf } from "../lib/regions.js";
import { describeResource, prop } from "../lib/values.js";

/** Resource types that connect a VPC to anything beyond itself, each naming it by vpcId. */
const CONNECTING_TYPES: readonly string[] = [
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
  "aws:ec2/vpnGateway:VpnGateway",
  "aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
];

/** Stack policy: compares the regions of the plans with those of the DR side. */
export const drRegionDiffersFromPrimary: StackValidationPolicy = {
  name: "dr-region-differs-from-primary",
  description:
    "The DR side (every aws.ec2.Vpc with a gateway, endpoint, peering or attachment, and every offsite backup bucket) is in a region other than the primary region, where the aws.backup.Plan resources run. A VPC nothing connects to (where restore tests land) may be in the primary region.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const unknowns = new UnknownTracker();
    const regionIfKnown = (resource: PolicyResource): string | undefined => {
      const region = regionOf(resource);
      if (!region.known) {
        unknowns.note(region.error);
        return undefined;
      }
      return region.value;
    };
    const plans = args.resources.filter((r) => r.isType(aws.backup.Plan));
    const primary = new Map<string, PolicyResource>();
    for (const plan of plans) {
      const region = regionIfKnown(plan);
      if (region !== undefined && !primary.has(region)) primary.set(region, plan);
    }
    // A VPC nothing connects to (no gateway, endpoint, peering or attachment names it) leads
    // nowhere: restore tests land there, in the primary region where their recovery points are.
    const connected = new Set<string>();
    for (const r of args.resources) {
      if (!CONNECTING_TYPES.includes(r.type)) continue;
      for (const key of ["vpcId", "peerVpcId"]) {
        const value = unknowns.read(() => prop(r, key));
        if (value.known && typeof value.value === "string") connected.add(value.value);
      }
    }
    const isolated = (vpc: PolicyResource): boolean => {
      const id = unknowns.read(() => prop(vpc, "id"));
      return id.known && typeof id.value === "string" && !connected.has(id.value);
    };
    const index = indexBuckets(args.resources);
    const drSide = [
      ...args.resources.filter((r) => r.isType(aws.ec2.Vpc) && !isolated(r)),
      ...index.buckets.filter((b) => index.roleOf(b) === "backup"),
    ];
    if (plans.length === 0 || drSide.length === 0) {
      args.notApplicable("the stack has no backup plan or no DR network and offsite bucket");
    }
    for (const resource of drSide) {
      const region = regionIfKnown(resource);
      const plan = region === undefined ? undefined : primary.get(region);
      if (plan !== undefined) {
        reportViolation(
          `${describeResource(resource)} is in ${region}, the primary region where backup plan "${plan.name}" runs; put the DR side in another region`,
          resource.urn,
        );
      }
    }
    unknowns.rethrow();
  },
};
