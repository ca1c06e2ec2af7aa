/** lcm-unique-mac: no two machines report the same MAC address. */
import { uniquenessCheck } from "./uniqueness.js";
import { Memo } from "../../memo.js";

const normalise = (mac: string) => mac.toUpperCase().replaceAll("-", ":");

const ignoredSets = new Memo<object, ReadonlySet<string>>();
const ignoredMacs = (params: Readonly<Record<string, unknown>>) =>
  ignoredSets.get(
    params,
    "",
    () => new Set((params["ignore"] as readonly string[]).map(normalise)),
  );

export const uniqueMacs = uniquenessCheck(
  "a MAC address",
  "/macAddresses",
  (machine, ctx, visit) => {
    const macs = machine.macAddresses;
    if (macs === "unknown") {
      return {
        pointer: "/macAddresses",
        actual: "unknown",
        expected: "the interfaces' MAC addresses",
      };
    }
    // Some VPN and capture drivers give every machine the same virtual adapter address.
    const ignored = ignoredMacs(ctx.params);
    for (let index = 0; index < macs.length; index++) {
      const mac = macs[index]!;
      const key = normalise(mac);
      if (!ignored.has(key)) visit(key, mac, index);
    }
    return undefined;
  },
);
