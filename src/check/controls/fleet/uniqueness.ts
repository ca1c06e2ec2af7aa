/** The shape shared by the uniqueness checks: values seen on more than one machine fail. */
import type { CheckContext, FleetCheck, FleetView } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { appendTo } from "../../../support/group.js";

/** One identifier value of a machine: `key` is what is compared, `actual` what is shown. */
export interface Identifier {
  readonly key: string;
  readonly pointer: string;
  readonly actual: string;
}

/** The machine's identifiers, or evidence that they are unknown (which never passes). */
export type Extracted =
  | { readonly known: true; readonly ids: readonly Identifier[] }
  | { readonly known: false; readonly evidence: Evidence };

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
  extract: (machine: IdentifierSource, ctx: CheckContext) => Extracted,
): FleetCheck {
  return {
    requires: [],
    create(ctx) {
      const failures = new Map<number, Evidence[]>();
      // Most values have one holder: it is stored bare, and a list is made on the first clash.
      const holders = new Map<string, Holder | Holder[]>();
      const fail = (handle: number, evidence: Evidence) => appendTo(failures, handle, evidence);
      /** The holder's identifier with this key, read again as it was observed. */
      const identifierOf = (holder: Holder, key: string): Identifier => {
        const extracted = extract(holder, ctx);
        const id = extracted.known ? extracted.ids.find((i) => i.key === key) : undefined;
        if (id === undefined) throw new Error(`${noun} ${key} is no longer the machine's`);
        return id;
      };
      return {
        observe(machine, handle) {
          const extracted = extract(machine, ctx);
          if (!extracted.known) {
            fail(handle, extracted.evidence);
            return;
          }
          let holder: Holder | undefined;
          for (const id of extracted.ids) {
            const held = holders.get(id.key);
            if (held === undefined) holders.set(id.key, (holder ??= holderOf(machine, handle)));
            // A value listed twice by one machine (two interfaces) is not a clash. A machine's ids
            // arrive together, so its own entry can only be the last one.
            else if (!Array.isArray(held)) {
              if (held.handle !== handle)
                holders.set(id.key, [held, (holder ??= holderOf(machine, handle))]);
            } else if (held.at(-1)?.handle !== handle)
              held.push((holder ??= holderOf(machine, handle)));
          }
        },
        finish() {
          // forEach, not for…of: a value per machine, and for…of made an entry array for each.
          holders.forEach((list, key) => {
            if (!Array.isArray(list)) return;
            for (const holder of list) {
              // The first of the machine's identifiers with the key, as observe kept it.
              const id = identifierOf(holder, key);
              fail(holder.handle, {
                pointer: id.pointer,
                actual: id.actual,
                expected: `${noun} no other machine reports; also reported by ${othersOf(list, holder)}`,
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
