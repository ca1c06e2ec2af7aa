/**
 * A recovered system must be reachable on every protocol its services use: a domain controller
 * whose group opens TCP 53 and 88 but not UDP answers no DNS query and issues no ticket.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import {
  covers,
  DR_SERVICE_NAMES,
  DR_SERVICES,
  formatRule,
  SERVICES_TAG,
  type DrService,
} from "../../../src/infra/dr-services.js";
import { asList, isRecord } from "../lib/values.js";

const isService = (name: string): name is DrService =>
  (DR_SERVICE_NAMES as readonly string[]).includes(name);

/** An ingress entry that names at least one source, as protocol and ports. */
function openings(ingress: unknown): { protocol: string; fromPort: number; toPort: number }[] {
  return asList(ingress)
    .filter(isRecord)
    .filter(
      (entry) =>
        entry.self === true ||
        [entry.cidrBlocks, entry.ipv6CidrBlocks, entry.prefixListIds, entry.securityGroups].some(
          (sources) => asList(sources).length > 0,
        ),
    )
    .map((entry) => ({
      protocol: String(entry.protocol),
      fromPort: Number(entry.fromPort),
      toPort: Number(entry.toPort),
    }));
}

/** Resource policy over each aws.ec2.SecurityGroup that carries the dr-services tag. */
export const drSecurityGroupCoversServices: ResourceValidationPolicy = {
  name: "dr-security-group-covers-services",
  description: `A DR security group tagged ${SERVICES_TAG} (the services its system serves once recovered) admits, in its inline ingress, every protocol and port range each named service needs (Active Directory: UDP and TCP 53, 88, 389, 464, UDP 123, TCP 135, 445, 636, 3268-3269 and the RPC range 49152-65535).`,
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(
    aws.ec2.SecurityGroup,
    (group, args, reportViolation) => {
      const tag = group.tags?.[SERVICES_TAG];
      if (tag === undefined) {
        args.notApplicable(`the group has no ${SERVICES_TAG} tag: it serves no recovered system`);
      }
      const open = openings(group.ingress);
      for (const name of (tag ?? "").split(" ").filter((n) => n !== "")) {
        if (!isService(name)) {
          reportViolation(
            `${SERVICES_TAG} names "${name}", which is not a known service (known: ${DR_SERVICE_NAMES.join(", ")})`,
          );
          continue;
        }
        for (const needed of DR_SERVICES[name].rules) {
          if (!open.some((granted) => covers(granted, needed))) {
            reportViolation(
              `${name} needs ${formatRule(needed)} (${needed.purpose}), which no ingress rule with a source admits`,
            );
          }
        }
      }
    },
  ),
};
