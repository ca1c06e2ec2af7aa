/**
 * The town's IP plan (`--ip-plan ip-plan.yaml`): its sites, their subnets (VLAN, CIDR), the
 * reserved ranges for statically addressed equipment and the DHCP scopes. Parsed, validated and
 * normalised here; the plan's own mistakes (sites whose subnets overlap, a DHCP scope over a
 * reserved range) are problems of the plan file, reported once each.
 */
import { Type } from "@sinclair/typebox";
import { loadValidated } from "../../documents/ajv.js";
import type { InputProblem } from "../../documents/input-problem.js";
import { lineOf } from "../../documents/locate.js";
import {
  formatCidr,
  overlaps,
  parseCidr,
  parseIpv4,
  containsAddress,
  type Ipv4Block,
} from "../../support/cidr.js";
import { InputError } from "../../support/errors.js";

const RANGE_PATTERN = "^\\d{1,3}(\\.\\d{1,3}){3}-\\d{1,3}(\\.\\d{1,3}){3}$";
const Range = Type.String({
  pattern: RANGE_PATTERN,
  description: "First and last address, inclusive: 10.20.10.100-10.20.10.199.",
});

export const IpPlanSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    sites: Type.Array(
      Type.Object(
        {
          site: Type.String({
            minLength: 1,
            description: "Site name as machine configs write it in `site`, e.g. town-hall.",
          }),
          subnets: Type.Array(
            Type.Object(
              {
                name: Type.String({ minLength: 1, description: "What the subnet is for." }),
                vlan: Type.Optional(Type.Integer({ minimum: 1, maximum: 4094 })),
                cidr: Type.String({ description: "IPv4 block, e.g. 10.20.10.0/24." }),
                reserved: Type.Optional(
                  Type.Array(
                    Type.Object(
                      {
                        range: Range,
                        purpose: Type.String({ minLength: 1 }),
                        reservations: Type.Optional(
                          Type.Array(
                            Type.Object(
                              {
                                address: Type.String({ format: "ipv4" }),
                                hostname: Type.String({ minLength: 1 }),
                              },
                              { additionalProperties: false },
                            ),
                            {
                              description:
                                "The address each machine of the range is given; when listed, a static address of the range that is not its machine's reservation is a finding.",
                            },
                          ),
                        ),
                      },
                      { additionalProperties: false },
                    ),
                    { description: "Ranges kept for statically addressed equipment." },
                  ),
                ),
                dhcp: Type.Optional(
                  Type.Array(Range, { description: "DHCP scopes (address pools) of the subnet." }),
                ),
              },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  {
    $id: "urn:stronghold:schema:ip-plan:v1",
    title: "Stronghold IP plan",
    description: "A town's sites, their subnets and VLANs, reserved ranges and DHCP scopes.",
    additionalProperties: false,
  },
);

/** An inclusive address range of the plan, with where it is written. */
export interface AddressRange {
  readonly first: number;
  readonly last: number;
  readonly text: string;
  readonly pointer: string;
}

/** A reserved range; with reservations, each address in it belongs to one machine. */
export interface ReservedRange extends AddressRange {
  readonly purpose: string;
  /** Address → host name (lower case); absent when the plan lists none for the range. */
  readonly reservations?: ReadonlyMap<
    number,
    { readonly hostname: string; readonly pointer: string }
  >;
}

export interface PlannedSubnet {
  readonly name: string;
  readonly vlan?: number;
  readonly block: Ipv4Block;
  readonly pointer: string;
  readonly reserved: readonly ReservedRange[];
  readonly dhcp: readonly AddressRange[];
}

export interface PlannedSite {
  readonly site: string;
  readonly subnets: readonly PlannedSubnet[];
}

export interface IpPlan {
  readonly file: string;
  /** By site name in lower case. */
  readonly sites: ReadonlyMap<string, PlannedSite>;
  /** Every site's subnets, in the plan's order: a static address is judged against them all. */
  readonly subnets: readonly PlannedSubnet[];
}

/** How a subnet is named in evidence: "staff (VLAN 10) 10.20.10.0/24". */
export function describeSubnet(s: PlannedSubnet): string {
  return `${s.name}${s.vlan === undefined ? "" : ` (VLAN ${s.vlan})`} ${formatCidr(s.block)}`;
}

function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Loads the IP plan. A plan that cannot be used (not YAML, wrong shape, a CIDR or range that
 * does not parse, a site listed twice) throws with every problem; a usable plan with mistakes in
 * its design comes back with those as problems, each reported once: subnets that overlap (of two
 * sites or of one), a range outside its subnet (left out of the plan), a DHCP scope over a
 * reserved range, a reservation outside its range or an address reserved twice.
 */
export async function loadIpPlan(
  file: string,
): Promise<{ plan: IpPlan; problems: InputProblem[] }> {
  const loaded = await loadValidated(file, IpPlanSchema);
  if (!loaded.ok) throw new InputError(loaded.problems);
  const text = loaded.text;
  const fatal: InputProblem[] = [];
  const problems: InputProblem[] = [];
  const at = (pointer: string, message: string): InputProblem => {
    const line = lineOf(text, pointer);
    return { file, pointer, ...(line === undefined ? {} : { line }), message };
  };
  const sites = new Map<string, PlannedSite>();
  loaded.value.sites.forEach((rawSite, s) => {
    const key = rawSite.site.toLowerCase();
    if (sites.has(key)) {
      fatal.push(at(`/sites/${s}/site`, `repeats site "${rawSite.site}": list its subnets once`));
      return;
    }
    const subnets: PlannedSubnet[] = [];
    rawSite.subnets.forEach((raw, n) => {
      const pointer = `/sites/${s}/subnets/${n}`;
      const parsed = parseCidr(raw.cidr);
      if (!parsed.ok) {
        fatal.push(at(`${pointer}/cidr`, `"${raw.cidr}" ${parsed.reason}`));
        return;
      }
      const block = parsed.block;
      const range = (rangeText: string, where: string): AddressRange | undefined => {
        const [firstText, lastText] = rangeText.split("-") as [string, string];
        const [first, last] = [parseIpv4(firstText), parseIpv4(lastText)];
        if (first === undefined || last === undefined) {
          fatal.push(at(where, `"${rangeText}" has an octet above 255`));
          return undefined;
        }
        if (first > last) {
          fatal.push(at(where, `"${rangeText}" ends before it starts`));
          return undefined;
        }
        if (!containsAddress(block, first) || !containsAddress(block, last)) {
          problems.push(
            at(
              where,
              `"${rangeText}" is not inside the subnet ${formatCidr(block)}: left out of the plan until it is`,
            ),
          );
          return undefined;
        }
        return { first, last, text: rangeText, pointer: where };
      };
      const reserved = (raw.reserved ?? []).flatMap((r, i): ReservedRange[] => {
        const kept = range(r.range, `${pointer}/reserved/${i}/range`);
        if (kept === undefined) return [];
        if (r.reservations === undefined) return [{ ...kept, purpose: r.purpose }];
        const reservations = new Map<number, { hostname: string; pointer: string }>();
        r.reservations.forEach((res, j) => {
          const where = `${pointer}/reserved/${i}/reservations/${j}/address`;
          const address = parseIpv4(res.address)!;
          const earlier = reservations.get(address);
          if (address < kept.first || address > kept.last)
            problems.push(
              at(
                where,
                `${res.address} (${res.hostname}) is not inside the reserved range ${kept.text}`,
              ),
            );
          else if (earlier !== undefined)
            problems.push(
              at(
                where,
                `${res.address} is reserved for ${res.hostname} and already for ${earlier.hostname} (${earlier.pointer})`,
              ),
            );
          else reservations.set(address, { hostname: res.hostname.toLowerCase(), pointer: where });
        });
        return [{ ...kept, purpose: r.purpose, reservations }];
      });
      const dhcp = (raw.dhcp ?? []).flatMap((r, i) => range(r, `${pointer}/dhcp/${i}`) ?? []);
      for (const scope of dhcp)
        for (const kept of reserved.filter((r) => rangesOverlap(scope, r)))
          problems.push(
            at(
              scope.pointer,
              `DHCP scope ${scope.text} hands out addresses of the reserved range ${kept.text} (${kept.pointer})`,
            ),
          );
      subnets.push({
        name: raw.name,
        ...(raw.vlan === undefined ? {} : { vlan: raw.vlan }),
        block,
        pointer,
        reserved,
        dhcp,
      });
    });
    sites.set(key, { site: rawSite.site, subnets });
  });
  if (fatal.length > 0) throw new InputError(fatal);
  // Every pair of subnets, each overlap reported once, on the later one.
  const all = [...sites.values()].flatMap((site) =>
    site.subnets.map((subnet) => ({ site, subnet })),
  );
  all.forEach((b, j) => {
    for (const a of all.slice(0, j)) {
      if (!overlaps(a.subnet.block, b.subnet.block)) continue;
      problems.push(
        at(
          `${b.subnet.pointer}/cidr`,
          a.site === b.site
            ? `${b.site.site}'s subnet ${describeSubnet(b.subnet)} overlaps its ${describeSubnet(a.subnet)} (${a.subnet.pointer}/cidr): an address there is in two subnets of the site`
            : `${b.site.site}'s subnet ${describeSubnet(b.subnet)} overlaps ${a.site.site}'s ${describeSubnet(a.subnet)} (${a.subnet.pointer}/cidr): an address there belongs to two sites`,
        ),
      );
    }
  });
  return { plan: { file, sites, subnets: all.map((a) => a.subnet) }, problems };
}
