/** Finding a machine in the asset register: by asset tag, else by serial number. */
import { assetKey as key, type AssetEntry, type AssetRegister } from "../../input/registers.js";
import type { FleetView } from "../types.js";
import { placeholderTest, type PlaceholderTest } from "./placeholder-serials.js";
import { Memo } from "../../memo.js";

export interface RegisterIndex {
  readonly byTag: ReadonlyMap<string, AssetEntry>;
  /** The entries with each serial, in the register's order: serials may repeat. */
  readonly bySerial: ReadonlyMap<string, AssetEntry | readonly AssetEntry[]>;
  /** Firmware placeholder serials: they find no entry. */
  readonly isPlaceholder: PlaceholderTest;
}

// Three controls find machines in the same register, each among the rows of its statuses: one
// index serves them (a 100,000-row register indexed three times held 26 MiB).
const indexes = new Memo<readonly AssetEntry[], RegisterIndex>();

/**
 * The entries indexed by tag and serial, made once per register and placeholder list.
 * `placeholderSerials` (the control's parameter) are serials firmware gives every board of a
 * kind: matching by one would find an arbitrary entry.
 */
export function registerIndex(
  entries: readonly AssetEntry[],
  placeholderSerials: readonly string[],
): RegisterIndex {
  return indexes.get(entries, JSON.stringify(placeholderSerials), () => {
    const byTag = new Map<string, AssetEntry>();
    const bySerial = new Map<string, AssetEntry | AssetEntry[]>();
    const isPlaceholder = placeholderTest(placeholderSerials);
    for (const entry of entries) {
      const tag = key(entry.assetTag);
      // Tags are unique (the register refuses a repeat).
      if (tag !== undefined) byTag.set(tag, entry);
      const serial = key(entry.serialNumber);
      if (serial === undefined || isPlaceholder(serial)) continue;
      // Most serials are one row's: kept bare, with a list only for a repeat (not appendTo's
      // array per serial, 100,000 of them in a county's register).
      const held = bySerial.get(serial);
      if (held === undefined) bySerial.set(serial, entry);
      else if (Array.isArray(held)) held.push(entry);
      else bySerial.set(serial, [held, entry]);
    }
    return { byTag, bySerial, isPlaceholder };
  });
}

const anyEntry = () => true;

// Array.isArray does not narrow a readonly array out of a union.
const isList = (held: AssetEntry | readonly AssetEntry[]): held is readonly AssetEntry[] =>
  Array.isArray(held);

/**
 * The register entry for the machine among the entries `counts` takes (a control's statuses):
 * the one with its asset tag, else the first with its serial number. "unknown" when the machine
 * has neither tag nor serial (a placeholder serial is none).
 */
export function findAsset(
  machine: FleetView,
  index: RegisterIndex,
  counts: (entry: AssetEntry) => boolean = anyEntry,
): AssetEntry | "unknown" | undefined {
  const tag = key(machine.assetTag);
  const given = key(machine.serialNumber);
  const serial = given === undefined || index.isPlaceholder(given) ? undefined : given;
  if (tag === undefined && serial === undefined) return "unknown";
  const tagged = tag === undefined ? undefined : index.byTag.get(tag);
  if (tagged !== undefined && counts(tagged)) return tagged;
  const withSerial = serial === undefined ? undefined : index.bySerial.get(serial);
  if (withSerial === undefined) return undefined;
  if (isList(withSerial)) return withSerial.find(counts);
  return counts(withSerial) ? withSerial : undefined;
}

/** The control's placeholderSerials parameter. */
export function placeholderSerials(params: Readonly<Record<string, unknown>>): readonly string[] {
  return params["placeholderSerials"] as readonly string[];
}

export function registerFile(register: AssetRegister | undefined): string {
  return register?.file ?? "the asset register";
}
