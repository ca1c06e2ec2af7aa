/**
 * Automatic failover must not point at nothing: Route 53 answers with a failover pair's secondary
 * record whenever the primary's health check fails, so that record names an address the stack
 * itself owns (an aws.ec2.Eip) with an instance of the stack behind it, and the primary carries
 * the health check that decides.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { UnknownTracker } from "../lib/known.js";
import { asList, describeResource, isRecord, nonEmptyString, prop } from "../lib/values.js";

/** Stack policy over the failover records of aws.route53.Record. */
export const drFailoverTargetOwned: StackValidationPolicy = {
  name: "dr-failover-target-owned",
  description:
    "Each Route 53 SECONDARY failover record points at an Elastic IP (aws.ec2.Eip) or alias target the stack creates, with an aws.ec2.Instance of the stack behind the Elastic IP; each PRIMARY failover record has a health check.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const unknowns = new UnknownTracker();
    const read = (resource: PolicyResource, key: string): unknown => {
      const value = unknowns.read(() => prop(resource, key));
      return value.known ? value.value : undefined;
    };
    const of = <T extends Parameters<PolicyResource["isType"]>[0]>(type: T) =>
      args.resources.filter((r) => r.isType(type));

    const instanceIds = new Set(
      of(aws.ec2.Instance)
        .map((i) => nonEmptyString(read(i, "id")))
        .filter((id): id is string => id !== undefined),
    );
    const attached = new Set(
      of(aws.ec2.EipAssociation)
        .filter((a) => instanceIds.has(String(read(a, "instanceId"))))
        .map((a) => String(read(a, "allocationId"))),
    );
    const addresses = new Map<string, { eip: PolicyResource; standing: boolean }>();
    for (const eip of of(aws.ec2.Eip)) {
      const ip = nonEmptyString(read(eip, "publicIp"));
      if (ip === undefined) continue;
      const allocation = nonEmptyString(read(eip, "allocationId")) ?? String(read(eip, "id"));
      const standing = instanceIds.has(String(read(eip, "instance"))) || attached.has(allocation);
      addresses.set(ip, { eip, standing });
    }
    // Read only when an alias needs it: a load balancer's dnsName is unknown in a first preview.
    let dnsNames: Set<string> | undefined;
    const ownedDnsName = (name: string): boolean => {
      dnsNames ??= new Set(
        args.resources
          .map((r) => nonEmptyString(read(r, "dnsName")))
          .filter((n): n is string => n !== undefined),
      );
      return dnsNames.has(name);
    };

    const failoverRecords = of(aws.route53.Record).filter(
      (r) => asList(read(r, "failoverRoutingPolicies")).length > 0,
    );
    if (failoverRecords.length === 0) {
      args.notApplicable("the stack has no Route 53 failover records");
    }
    for (const record of failoverRecords) {
      const [policy] = asList(read(record, "failoverRoutingPolicies"));
      const role = isRecord(policy) ? policy.type : undefined;
      const label = describeResource(record);
      if (role === "PRIMARY") {
        if (nonEmptyString(read(record, "healthCheckId")) === undefined) {
          reportViolation(
            `${label}: a PRIMARY failover record without a health check is always healthy, so failover never happens; set healthCheckId`,
            record.urn,
          );
        }
        continue;
      }
      for (const alias of asList(read(record, "aliases"))) {
        const target = isRecord(alias) ? nonEmptyString(alias.name) : undefined;
        if (target !== undefined && !ownedDnsName(target)) {
          reportViolation(
            `${label}: the SECONDARY record's alias ${target} is not a resource of this stack; failover would send traffic to something nobody here owns`,
            record.urn,
          );
        }
      }
      for (const value of asList(read(record, "records")).map(String)) {
        const owned = addresses.get(value);
        if (owned === undefined) {
          reportViolation(
            `${label}: the SECONDARY record points at ${value}, which no aws.ec2.Eip of this stack owns; allocate the DR address in the stack`,
            record.urn,
          );
        } else if (!owned.standing) {
          reportViolation(
            `${label}: the SECONDARY record points at ${value} (${describeResource(owned.eip)}), which no instance of this stack stands behind; automatic failover would send traffic to nowhere (keep failover manual, or run a standing DR instance)`,
            record.urn,
          );
        }
      }
    }
    unknowns.rethrow();
  },
};
