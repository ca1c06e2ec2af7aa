/** Reading the license register: which entries license a catalog title on the evaluation day. */
import type { LicenseEntry, LicenseRegister } from "../input/registers.js";
import { isoDay } from "./dates.js";

export interface TitleLicenses {
  /** Entries valid on the evaluation day (perpetual, or expiring on or after it). */
  readonly current: readonly LicenseEntry[];
  readonly expired: readonly LicenseEntry[];
}

/** Register entries grouped by product, lower-cased, split into current and expired. */
export function licensesByProduct(
  register: LicenseRegister | undefined,
  at: Date,
): ReadonlyMap<string, TitleLicenses> {
  const today = isoDay(at);
  const byProduct = new Map<string, { current: LicenseEntry[]; expired: LicenseEntry[] }>();
  for (const entry of register?.entries ?? []) {
    const key = entry.product.trim().toLowerCase();
    const group = byProduct.get(key) ?? { current: [], expired: [] };
    // ISO dates compare correctly as strings.
    if (entry.expires === undefined || entry.expires >= today) group.current.push(entry);
    else group.expired.push(entry);
    byProduct.set(key, group);
  }
  return byProduct;
}

/** "licenses.csv line 4" or "licenses.csv lines 4, 9". */
export function registerLines(file: string, entries: readonly LicenseEntry[]): string {
  const lines = entries.map((e) => e.line).join(", ");
  return `${file} line${entries.length === 1 ? "" : "s"} ${lines}`;
}
