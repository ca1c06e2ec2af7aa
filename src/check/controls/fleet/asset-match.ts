/** Finding a machine in the asset register: by asset tag, else by serial number. */
import { assetKey as key, type AssetEntry, type AssetRegister } from "../../input/registers.js";
import type { FleetView } from "../types.js";
import { placeholderTest, type PlaceholderTest } from "./placeholder-serials.js";

export interface RegisterIndex {
  readonly byTag: ReadonlyMap<string, AssetEntry>;
  readonly bySerial: ReadonlyMap<string, AssetEntry>;
  /** Firmware placeholder serials: they find no entry. */
  readonly isPlaceholder: PlaceholderTest;
}

/**
 * Indexes the entries by tag and serial. `placeholderSerials` (the control's parameter) are
 * serials firmware gives every board of a kind: matching by one would find an arbitrary entry.
 */
export function indexRegister(
  entries: readonly AssetEntry[],
  placeholderSerials: readonly string[],
): RegisterIndex {
  const byTag = new Map<string, AssetEntry>();
  const bySerial = new Map<string, AssetEntry>();
  const isPlaceholder = placeholderTest(placeholderSerials);
  const serialKey = (value: string) => {
    const k = key(value);
    return k === undefined || isPlaceholder(k) ? undefined : k;
  };
  for (const entry of entries) {
    const tag = key(entry.assetTag);
    const serial = serialKey(entry.serialNumber);
    // Tags are unique (the register refuses a repeat); serials may repeat: the first row wins.
    if (tag !== undefined) byTag.set(tag, entry);
    if (serial !== undefined && !bySerial.has(serial)) bySerial.set(serial, entry);
  }
  return { byTag, bySerial, isPlaceholder };
}

/**
 * The register entry for the machine, "unknown" when it has neither tag nor serial (a
 * placeholder serial is none).
 */
export function findAsset(
  machine: FleetView,
  index: RegisterIndex,
): AssetEntry | "unknown" | undefined {
  const tag = key(machine.assetTag);
  const given = key(machine.serialNumber);
  const serial = given === undefined || index.isPlaceholder(given) ? undefined : given;
  if (tag === undefined && serial === undefined) return "unknown";
  return (
    (tag === undefined ? undefined : index.byTag.get(tag)) ??
    (serial === undefined ? undefined : index.bySerial.get(serial))
  );
}

/** The control's placeholderSerials parameter. */
export function placeholderSerials(params: Readonly<Record<string, unknown>>): readonly string[] {
  return params["placeholderSerials"] as readonly string[];
}

export function registerFile(register: AssetRegister | undefined): string {
  return register?.file ?? "the asset register";
}
