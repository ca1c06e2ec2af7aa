/** lcm-unique-mac: no two machines report the same MAC address. */
import { uniquenessCheck } from "./uniqueness.js";

const normalise = (mac: string) => mac.toUpperCase().replaceAll("-", ":");

export const uniqueMacs = uniquenessCheck("a MAC address", (machine, ctx) => {
  const macs = machine.macAddresses;
  if (macs === "unknown") {
    return {
      known: false,
      evidence: {
        pointer: "/macAddresses",
        actual: "unknown",
        expected: "the interfaces' MAC addresses",
      },
    };
  }
  // Some VPN and capture drivers give every machine the same virtual adapter address.
  const ignored = new Set((ctx.params["ignore"] as readonly string[]).map(normalise));
  return {
    known: true,
    ids: macs.flatMap((mac, index) =>
      ignored.has(normalise(mac))
        ? []
        : [{ key: normalise(mac), pointer: `/macAddresses/${index}`, actual: mac }],
    ),
  };
});
