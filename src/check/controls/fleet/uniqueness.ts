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

/** How other machines are named in evidence: host name plus asset tag or serial. */
export function machineLabel(machine: Identity): string {
  if (machine.assetTag !== "unknown") return `${machine.hostname} (asset ${machine.assetTag})`;
  if (machine.serialNumber !== "unknown")
    return `${machine.hostname} (serial ${machine.serialNumber})`;
  return machine.hostname;
}

/**
 * A machine holding a value. Kept for every value until the fleet concludes, so it holds
 * references only: the machine's own strings, shared by every uniqueness check, and no label.
 */
interface Holder extends Identity {
  readonly handle: number;
  readonly pointer: string;
  readonly actual: string;
}

function holderOf(machine: FleetView, handle: number, id: Identifier): Holder {
  const { hostname, assetTag, serialNumber } = machine;
  return { handle, pointer: id.pointer, actual: id.actual, hostname, assetTag, serialNumber };
}

/** A fleet check failing every machine that shares an identifier value with another machine. */
export function uniquenessCheck(
  /** The identifier with its article, e.g. "an IP address". */
  noun: string,
  extract: (machine: FleetView, ctx: CheckContext) => Extracted,
): FleetCheck {
  return {
    requires: [],
    create(ctx) {
      const failures = new Map<number, Evidence[]>();
      // Most values have one holder: it is stored bare, and a list is made on the first clash.
      const holders = new Map<string, Holder | Holder[]>();
      const fail = (handle: number, evidence: Evidence) => appendTo(failures, handle, evidence);
      return {
        observe(machine, handle) {
          const extracted = extract(machine, ctx);
          if (!extracted.known) {
            fail(handle, extracted.evidence);
            return;
          }
          for (const id of extracted.ids) {
            const held = holders.get(id.key);
            if (held === undefined) holders.set(id.key, holderOf(machine, handle, id));
            // A value listed twice by one machine (two interfaces) is not a clash. A machine's ids
            // arrive together, so its own entry can only be the last one.
            else if (!Array.isArray(held)) {
              if (held.handle !== handle)
                holders.set(id.key, [held, holderOf(machine, handle, id)]);
            } else if (held.at(-1)?.handle !== handle) held.push(holderOf(machine, handle, id));
          }
        },
        finish() {
          for (const list of holders.values()) {
            if (!Array.isArray(list)) continue;
            for (const holder of list) {
              fail(holder.handle, {
                pointer: holder.pointer,
                actual: holder.actual,
                expected: `${noun} no other machine reports; also reported by ${othersOf(list, holder)}`,
              });
            }
          }
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
