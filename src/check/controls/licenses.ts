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

/** Lines named per finding: a title bought in hundreds of lots stays one short line of evidence. */
const LINES_SHOWN = 5;

/**
 * "licenses.csv line 4", "licenses.csv lines 4, 9", or for many entries the first few lines and
 * the rest counted: "licenses.csv lines 2, 4, 6, 8, 10 and 544 more". Every installation of a
 * title carries this text, so its length must not grow with the register.
 */
export function registerLines(file: string, entries: readonly LicenseEntry[]): string {
  const shown = entries.slice(0, LINES_SHOWN).map((e) => e.line);
  const rest = entries.length - shown.length;
  const lines = rest > 0 ? `${shown.join(", ")} and ${rest} more` : shown.join(", ");
  return `${file} line${entries.length === 1 ? "" : "s"} ${lines}`;
}
