/**
 * lcm-ip-in-site-subnet, lcm-static-ip-outside-dhcp and lcm-static-ip-reservation: machine addresses against the town's IP
 * plan (--ip-plan). Each machine is judged on its own; they are fleet checks because they need
 * a town input the run may lack, and then are not evaluated, with a warning.
 */
import type { CheckContext, FleetCheck, FleetView } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import {
  describeSubnet,
  type IpPlan,
  type PlannedSite,
  type PlannedSubnet,
} from "../../input/ip-plan.js";
import { containsAddress, formatIpv4, parseIpv4 } from "../../../support/cidr.js";
import { itemPointer } from "../item-pointer.js";

/** An IPv4 address of the machine, as it reported it, as a number, and its JSON pointer. */
interface PlannedAddress {
  readonly ip: string;
  readonly address: number;
  readonly pointer: string;
}

/** The machine's IPv4 addresses with their pointers; IPv6 and link-local ones are not planned. */
function plannedAddresses(ips: readonly string[]): PlannedAddress[] {
  const planned: PlannedAddress[] = [];
  for (let index = 0; index < ips.length; index++) {
    const ip = ips[index]!;
    const address = parseIpv4(ip.trim());
    if (address !== undefined && !ip.startsWith("169.254."))
      planned.push({ ip, address, pointer: itemPointer("/ipAddresses", index) });
  }
  return planned;
}

/** A check of one machine at a time against the plan. */
function perMachine(
  judge: (machine: FleetView, plan: IpPlan, ctx: CheckContext) => Evidence[],
): FleetCheck {
  return {
    requires: ["ipPlan"],
    create(ctx) {
      const plan = ctx.data.ipPlan;
      if (plan === undefined) throw new Error("the IP plan was not given");
      const failures = new Map<number, readonly Evidence[]>();
      return {
        observe(machine, handle) {
          const evidence = judge(machine, plan, ctx);
          if (evidence.length > 0) failures.set(handle, evidence);
        },
        finish: () => ({ failures }),
      };
    },
  };
}

const unknownAddresses: Evidence = {
  pointer: "/ipAddresses",
  actual: "unknown",
  expected: "the assigned IP addresses",
};

function siteOf(machine: FleetView, plan: IpPlan): PlannedSite | undefined {
  return plan.sites.get(machine.site.toLowerCase());
}

function subnetsInWords(site: PlannedSite): string {
  return site.subnets.map(describeSubnet).join(", ");
}

export const addressesInSiteSubnets = perMachine((machine, plan) => {
  if (machine.ipAddresses === "unknown") return [unknownAddresses];
  const site = siteOf(machine, plan);
  const addresses = plannedAddresses(machine.ipAddresses);
  if (site === undefined) {
    return addresses.length === 0
      ? []
      : [
          {
            pointer: "/site",
            actual: machine.site,
            expected: `a site of the IP plan (${[...plan.sites.values()].map((s) => s.site).join(", ")})`,
          },
        ];
  }
  return addresses
    .filter(({ address }) => !site.subnets.some((s) => containsAddress(s.block, address)))
    .map(({ ip, pointer }) => ({
      pointer,
      actual: ip,
      expected: `an address in ${site.site}'s subnets: ${subnetsInWords(site)}`,
    }));
});

function scopeHolding(subnets: readonly PlannedSubnet[], address: number) {
  for (const subnet of subnets)
    for (const scope of subnet.dhcp)
      if (address >= scope.first && address <= scope.last) return { subnet, scope };
  return undefined;
}

export const staticOutsideDhcp = perMachine((machine, plan) => {
  const assignment = machine.ipAssignment;
  if (assignment === "dhcp") return [];
  if (assignment === undefined || assignment === "unknown")
    return [
      {
        pointer: "/ipAssignment",
        ...(assignment === undefined ? {} : { actual: assignment }),
        expected: '"static" or "dhcp"',
      },
    ];
  if (machine.ipAddresses === "unknown") return [unknownAddresses];
  // A static address in another site's scope collides just the same: look in every site.
  return plannedAddresses(machine.ipAddresses).flatMap(({ ip, address, pointer }) => {
    const held = scopeHolding(plan.subnets, address);
    if (held === undefined) return [];
    return [
      {
        pointer,
        actual: ip,
        expected: `a static address outside the DHCP scope ${held.scope.text} of ${describeSubnet(held.subnet)}`,
      },
    ];
  });
});

/** The reserved range with reservations that holds the address, in any site. */
function reservedRangeHolding(subnets: readonly PlannedSubnet[], address: number) {
  for (const subnet of subnets)
    for (const range of subnet.reserved)
      if (range.reservations !== undefined && address >= range.first && address <= range.last)
        return { subnet, range, reservations: range.reservations };
  return undefined;
}

export const staticInOwnReservation = perMachine((machine, plan) => {
  if (machine.ipAssignment !== "static") return [];
  if (machine.ipAddresses === "unknown") return [unknownAddresses];
  const hostname = machine.hostname.toLowerCase();
  return plannedAddresses(machine.ipAddresses).flatMap(({ ip, address, pointer }) => {
    const held = reservedRangeHolding(plan.subnets, address);
    if (held === undefined) return [];
    const owner = held.reservations.get(address);
    if (owner?.hostname === hostname) return [];
    const own = [...held.reservations].find(([, r]) => r.hostname === hostname);
    const whose =
      owner === undefined ? "reserved for no machine" : `reserved for ${owner.hostname}`;
    const instead =
      own === undefined ? "" : `; ${machine.hostname}'s reservation is ${formatIpv4(own[0])}`;
    return [
      {
        pointer,
        actual: ip,
        expected: `the machine's own reservation in the reserved range ${held.range.text} (${held.range.purpose}) of ${describeSubnet(held.subnet)}: ${ip} is ${whose}${instead}`,
      },
    ];
  });
});
