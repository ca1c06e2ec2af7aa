/** lcm-unique-ip: no two machines report the same IP address. */
import { uniquenessCheck } from "./uniqueness.js";

// Self-assigned addresses (APIPA, IPv6 link-local) are only meaningful on one link.
const LINK_LOCAL = /^(169\.254\.|fe[89ab][0-9a-f]:)/i;

/**
 * One spelling per address: IPv6 in RFC 5952's compressed lower-case form (2001:db8:60::10 and
 * 2001:0db8:0060:0000:0000:0000:0000:0010 are one address), an IPv4-mapped IPv6 address as its
 * IPv4 address, a zone id dropped.
 */
export function canonicalIp(ip: string): string {
  // Most addresses are IPv4 with no zone id: no pattern to run then.
  const bare = ip.includes("%") ? ip.trim().replace(/%.*$/, "") : ip.trim();
  if (!bare.includes(":")) return bare;
  let host: string;
  try {
    host = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare.toLowerCase();
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

export const uniqueIps = uniquenessCheck("an IP address", "/ipAddresses", (machine, ctx, visit) => {
  const ips = machine.ipAddresses;
  if (ips === "unknown") {
    return { pointer: "/ipAddresses", actual: "unknown", expected: "the assigned IP addresses" };
  }
  const scope = ctx.params["perSite"] === true ? `${machine.site.toLowerCase()} ` : "";
  for (let index = 0; index < ips.length; index++) {
    const ip = ips[index]!;
    const canonical = canonicalIp(ip);
    if (!LINK_LOCAL.test(canonical)) visit(scope + canonical, ip, index);
  }
  return undefined;
});
