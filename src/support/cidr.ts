/**
 * IPv4 CIDR arithmetic, for the DR network and the town's IP plan: parsing, carving subnets,
 * overlap and membership checks.
 */

/** A parsed IPv4 block: the network address as an unsigned 32-bit number and the prefix length. */
export interface Ipv4Block {
  readonly network: number;
  readonly prefix: number;
}

export type ParsedCidr =
  | { readonly ok: true; readonly block: Ipv4Block }
  | { readonly ok: false; readonly reason: string };

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`, refusing octets over 255, prefixes over 32 and host bits set. */
export function parseCidr(text: string): ParsedCidr {
  const match = CIDR.exec(text);
  if (!match) return { ok: false, reason: "is not an IPv4 CIDR block like 10.60.0.0/16" };
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return { ok: false, reason: "has an octet above 255" };
  if (prefix > 32) return { ok: false, reason: "has a prefix length above 32" };
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const network = prefix === 0 ? 0 : address - (address % 2 ** (32 - prefix));
  if (network !== address) {
    return {
      ok: false,
      reason: `has host bits set (the network is ${formatCidr({ network, prefix })})`,
    };
  }
  return { ok: true, block: { network, prefix } };
}

/** `a.b.c.d/n` of a block. */
export function formatCidr(block: Ipv4Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.network / 2 ** shift) % 256);
  return `${octets.join(".")}/${block.prefix}`;
}

/** The `index`-th block of length `newPrefix` inside `block` (subnets are carved in order). */
export function subnetOf(block: Ipv4Block, newPrefix: number, index: number): Ipv4Block {
  if (newPrefix < block.prefix || newPrefix > 32) {
    throw new RangeError(`cannot carve /${newPrefix} subnets from ${formatCidr(block)}`);
  }
  const count = 2 ** (newPrefix - block.prefix);
  if (index < 0 || index >= count) {
    throw new RangeError(`${formatCidr(block)} has only ${count} /${newPrefix} subnets`);
  }
  return { network: block.network + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

/** True when the two blocks share any address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  const aEnd = a.network + 2 ** (32 - a.prefix);
  const bEnd = b.network + 2 ** (32 - b.prefix);
  return a.network < bEnd && b.network < aEnd;
}

/**
 * An IPv4 address `a.b.c.d` (each octet one to three ASCII digits, at most 255) as an unsigned
 * 32-bit number; undefined for anything else. Read by character codes: the fleet's IP plan
 * controls read every address of every machine three times.
 */
export function parseIpv4(text: string): number | undefined {
  let address = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return undefined;
      octet = octet * 10 + (c - 0x30);
    } else if (c === 0x2e && digits > 0 && dots < 3 && octet <= 255) {
      address = address * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return undefined;
  return address * 256 + octet;
}

/** `a.b.c.d` of an address number. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** True when the address lies inside the block. */
export function containsAddress(block: Ipv4Block, address: number): boolean {
  return address >= block.network && address < block.network + 2 ** (32 - block.prefix);
}
