/** lcm-unique-mac: no two machines report the same MAC address. */
import { uniquenessCheck, type Identifier } from "./uniqueness.js";
import { itemPointer } from "../item-pointer.js";
import { Memo } from "../../memo.js";

const normalise = (mac: string) => mac.toUpperCase().replaceAll("-", ":");

const ignoredSets = new Memo<object, ReadonlySet<string>>();
const ignoredMacs = (params: Readonly<Record<string, unknown>>) =>
  ignoredSets.get(
    params,
    "",
    () => new Set((params["ignore"] as readonly string[]).map(normalise)),
  );

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
  const ignored = ignoredMacs(ctx.params);
  const ids: Identifier[] = [];
  macs.forEach((mac, index) => {
    const key = normalise(mac);
    if (!ignored.has(key))
      ids.push({ key, pointer: itemPointer("/macAddresses", index), actual: mac });
  });
  return { known: true, ids };
});
