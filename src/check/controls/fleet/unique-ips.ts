/** lcm-unique-ip: no two machines report the same IP address. */
import { uniquenessCheck } from "./uniqueness.js";

// Self-assigned addresses (APIPA, IPv6 link-local) are only meaningful on one link.
const LINK_LOCAL = /^(169\.254\.|fe[89ab][0-9a-f]:)/i;

export const uniqueIps = uniquenessCheck("an IP address", (machine, ctx) => {
  const ips = machine.ipAddresses;
  if (ips === "unknown") {
    return {
      known: false,
      evidence: {
        pointer: "/ipAddresses",
        actual: "unknown",
        expected: "the assigned IP addresses",
      },
    };
  }
  const scope = ctx.params["perSite"] === true ? `${machine.site.toLowerCase()} ` : "";
  return {
    known: true,
    ids: ips.flatMap((ip, index) =>
      LINK_LOCAL.test(ip)
        ? []
        : [{ key: `${scope}${ip.toLowerCase()}`, pointer: `/ipAddresses/${index}`, actual: ip }],
    ),
  };
});
