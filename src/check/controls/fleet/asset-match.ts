/** Finding a machine in the asset register: by asset tag, else by serial number. */
import { assetKey as key, type AssetEntry, type AssetRegister } from "../../input/registers.js";
import type { FleetView } from "../types.js";

export interface RegisterIndex {
  readonly byTag: ReadonlyMap<string, AssetEntry>;
  readonly bySerial: ReadonlyMap<string, AssetEntry>;
}

export function indexRegister(entries: readonly AssetEntry[]): RegisterIndex {
  const byTag = new Map<string, AssetEntry>();
  const bySerial = new Map<string, AssetEntry>();
  for (const entry of entries) {
    const tag = key(entry.assetTag);
    const serial = key(entry.serialNumber);
    // Tags are unique (the register refuses a repeat); serials may repeat: the first row wins.
    if (tag !== undefined) byTag.set(tag, entry);
    if (serial !== undefined && !bySerial.has(serial)) bySerial.set(serial, entry);
  }
  return { byTag, bySerial };
}

/** The register entry for the machine, "unknown" when it has neither tag nor serial. */
export function findAsset(
  machine: FleetView,
  index: RegisterIndex,
): AssetEntry | "unknown" | undefined {
  const tag = key(machine.assetTag);
  const serial = key(machine.serialNumber);
  if (tag === undefined && serial === undefined) return "unknown";
  return (
    (tag === undefined ? undefined : index.byTag.get(tag)) ??
    (serial === undefined ? undefined : index.bySerial.get(serial))
  );
}

export function registerFile(register: AssetRegister | undefined): string {
  return register?.file ?? "the asset register";
}
