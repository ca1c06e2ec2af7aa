/** The shape shared by the uniqueness checks: values seen on more than one machine fail. */
import type { CheckContext, FleetCheck, FleetView } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { appendTo } from "../../../support/group.js";
import { itemPointer } from "../item-pointer.js";
import { RepeatedKeys } from "../../../support/repeated-keys.js";

/**
 * Hands a machine's identifier values to `visit`, each with the key compared (`key`), the value
 * as the machine reported it (`actual`) and its place in the list field (-1 for a field of one
 * value); returns evidence instead when they are unknown (which never passes). Called for every
 * machine, so it makes no object per value: pointers are made only for a clash.
 */
export type IdentifierReader = (
  machine: IdentifierSource,
  ctx: CheckContext,
  visit: (key: string, actual: string, index: number) => void,
) => Evidence | undefined;

/** What names a machine in evidence: taken from it when observed, worded only if it clashes. */
type Identity = Pick<FleetView, "hostname" | "assetTag" | "serialNumber">;

/** What the uniqueness checks read their identifiers from. */
export type IdentifierSource = Identity & Pick<FleetView, "ipAddresses" | "macAddresses" | "site">;

/** How other machines are named in evidence: host name plus asset tag or serial. */
export function machineLabel(machine: Identity): string {
  if (machine.assetTag !== "unknown") return `${machine.hostname} (asset ${machine.assetTag})`;
  if (machine.serialNumber !== "unknown")
    return `${machine.hostname} (serial ${machine.serialNumber})`;
  return machine.hostname;
}

/**
 * A machine holding values, kept until the fleet concludes: one per machine, shared by the
 * uniqueness checks, holding references to the machine's own strings and lists. A clash's
 * pointer and value are read from it again, so no value keeps a record of its own.
 */
interface Holder extends IdentifierSource {
  readonly handle: number;
}

// The uniqueness checks observe each machine in turn: the last holder made serves all of them.
let last: { readonly machine: FleetView; readonly holder: Holder } | undefined;

function holderOf(machine: FleetView, handle: number): Holder {
  if (last?.machine === machine && last.holder.handle === handle) return last.holder;
  const { hostname, assetTag, serialNumber, ipAddresses, macAddresses, site } = machine;
  const holder = { handle, hostname, assetTag, serialNumber, ipAddresses, macAddresses, site };
  last = { machine, holder };
  return holder;
}

/** A fleet check failing every machine that shares an identifier value with another machine. */
export function uniquenessCheck(
  /** The identifier with its article, e.g. "an IP address". */
  noun: string,
  /** The field the values are read from: "/hostname", or a list such as "/ipAddresses". */
  field: string,
  read: IdentifierReader,
): FleetCheck {
  return {
    requires: [],
    create(ctx) {
      const failures = new Map<number, Evidence[]>();
      const fail = (handle: number, evidence: Evidence) => appendTo(failures, handle, evidence);
      // Every machine that gave a value, and its values as hashes: nearly all are distinct, and
      // only the machines whose hashes repeat are read again when the fleet concludes.
      const holders: Holder[] = [];
      const keys = new RepeatedKeys();
      // The machine being observed, for `see`: one function for every machine, not one per call.
      let machine: FleetView;
      let handle = -1;
      let holder: Holder | undefined;
      const see = (key: string) => {
        if (holder === undefined) holders.push((holder = holderOf(machine, handle)));
        keys.add(key, holders.length - 1);
      };
      /** Where the holder reports the key (the first place, as observe kept it) and as what. */
      const evidenceOf = (clash: Holder, key: string): { pointer: string; actual: string } => {
        let found: { pointer: string; actual: string } | undefined;
        read(clash, ctx, (k, actual, index) => {
          if (found === undefined && k === key)
            found = { pointer: index < 0 ? field : itemPointer(field, index), actual };
        });
        if (found === undefined) throw new Error(`${noun} ${key} is no longer the machine's`);
        return found;
      };
      return {
        observe(observed, observedHandle) {
          machine = observed;
          handle = observedHandle;
          holder = undefined;
          const unknown = read(observed, ctx, see);
          if (unknown !== undefined) fail(observedHandle, unknown);
        },
        finish() {
          const { owners, mayRepeat } = keys.finish();
          // The values of the machines whose hashes repeat, in the order observe saw them: each
          // value's holders in that order, the first holder stored bare and a list made on the
          // first clash. A value listed twice by one machine (two interfaces) is not a clash; a
          // machine's values come together, so its own entry can only be the last one.
          const byValue = new Map<string, Holder | Holder[]>();
          for (const owner of owners) {
            const candidate = holders[owner]!;
            read(candidate, ctx, (key) => {
              if (!mayRepeat(key)) return;
              const held = byValue.get(key);
              if (held === undefined) byValue.set(key, candidate);
              else if (!Array.isArray(held)) {
                if (held.handle !== candidate.handle) byValue.set(key, [held, candidate]);
              } else if (held.at(-1)!.handle !== candidate.handle) held.push(candidate);
            });
          }
          byValue.forEach((list, key) => {
            if (!Array.isArray(list)) return;
            for (const clash of list) {
              const { pointer, actual } = evidenceOf(clash, key);
              fail(clash.handle, {
                pointer,
                actual,
                expected: `${noun} no other machine reports; also reported by ${othersOf(list, clash)}`,
              });
            }
          });
          return { failures };
        },
      };
    },
  };
}

/** Names shown per finding: a value shared by thousands (a default serial) stays one short line. */
const OTHERS_SHOWN = 10;

/** The other holders of a value, the first few by name and the rest counted. */
function othersOf(list: readonly Holder[], holder: Holder): string {
  const names: string[] = [];
  for (const o of list) {
    if (names.length === OTHERS_SHOWN) break;
    if (o.handle !== holder.handle) names.push(machineLabel(o));
  }
  const rest = list.length - 1 - names.length;
  return rest > 0 ? `${names.join(", ")} and ${rest} more` : names.join(", ");
}
