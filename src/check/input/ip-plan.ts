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

export interface PlannedSubnet {
  readonly name: string;
  readonly vlan?: number;
  readonly block: Ipv4Block;
  readonly pointer: string;
  readonly reserved: readonly AddressRange[];
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
 * does not parse or lies outside its subnet, a site listed twice) throws with every problem; a
 * usable plan with mistakes in its design comes back with those as problems.
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
          fatal.push(at(where, `"${rangeText}" is not inside the subnet ${formatCidr(block)}`));
          return undefined;
        }
        return { first, last, text: rangeText, pointer: where };
      };
      const reserved = (raw.reserved ?? []).flatMap(
        (r, i) => range(r.range, `${pointer}/reserved/${i}/range`) ?? [],
      );
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
  // Every pair of subnets of different sites, each overlap reported once, on the later one.
  const all = [...sites.values()].flatMap((site) =>
    site.subnets.map((subnet) => ({ site, subnet })),
  );
  all.forEach((b, j) => {
    for (const a of all.slice(0, j)) {
      if (a.site === b.site || !overlaps(a.subnet.block, b.subnet.block)) continue;
      problems.push(
        at(
          `${b.subnet.pointer}/cidr`,
          `${b.site.site}'s subnet ${describeSubnet(b.subnet)} overlaps ${a.site.site}'s ${describeSubnet(a.subnet)} (${a.subnet.pointer}/cidr): an address there belongs to two sites`,
        ),
      );
    }
  });
  return { plan: { file, sites }, problems };
}
