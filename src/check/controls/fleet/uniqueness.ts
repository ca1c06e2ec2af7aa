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

/** How other machines are named in evidence: host name plus asset tag or serial. */
export function machineLabel(machine: FleetView): string {
  if (machine.assetTag !== "unknown") return `${machine.hostname} (asset ${machine.assetTag})`;
  if (machine.serialNumber !== "unknown")
    return `${machine.hostname} (serial ${machine.serialNumber})`;
  return machine.hostname;
}

interface Holder {
  readonly handle: number;
  readonly label: string;
  readonly id: Identifier;
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
      const holders = new Map<string, Holder[]>();
      const fail = (handle: number, evidence: Evidence) => appendTo(failures, handle, evidence);
      return {
        observe(machine, handle) {
          const extracted = extract(machine, ctx);
          if (!extracted.known) {
            fail(handle, extracted.evidence);
            return;
          }
          const label = machineLabel(machine);
          for (const id of extracted.ids) {
            const list = holders.get(id.key);
            if (list === undefined) holders.set(id.key, [{ handle, label, id }]);
            // A value listed twice by one machine (two interfaces) is not a clash. A machine's ids
            // arrive together, so its own entry can only be the last one.
            else if (list.at(-1)?.handle !== handle) list.push({ handle, label, id });
          }
        },
        finish() {
          for (const list of holders.values()) {
            if (list.length < 2) continue;
            for (const holder of list) {
              fail(holder.handle, {
                pointer: holder.id.pointer,
                actual: holder.id.actual,
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
    if (o.handle !== holder.handle) names.push(o.label);
  }
  const rest = list.length - 1 - names.length;
  return rest > 0 ? `${names.join(", ")} and ${rest} more` : names.join(", ");
}
