/**
 * Software renewals from the license register and payments under the contracts register, one
 * line per fiscal year: they go to the operating budget, not the capital reserve.
 */
import type { ContractRegister } from "./contracts.js";
import { addDays, addYears, fiscalYearOf } from "./fiscal-year.js";
import type { Horizon, PlannedLine } from "./plan.js";
import type { FiscalYearStart } from "./fiscal-year.js";

/** A license register row, as `stronghold check` reads it, with its optional cost columns. */
export interface LicenseLine {
  readonly product: string;
  readonly seats: number;
  readonly licenseType: string;
  readonly expires?: string;
  readonly unitCostCents?: number;
  readonly annualCostCents?: number;
  readonly department?: string;
  readonly line: number;
}

/** Licenses without a Department column are paid town-wide. */
export const TOWN_WIDE = "town-wide";

function licenseCost(l: LicenseLine): { cents: number; how: string } | undefined {
  if (l.annualCostCents !== undefined) return { cents: l.annualCostCents, how: "annual cost" };
  if (l.unitCostCents !== undefined)
    return { cents: l.unitCostCents * l.seats, how: `${l.seats} seats × unit cost` };
  return undefined;
}

/**
 * A subscription renews the day after it expires and every year after; a perpetual license with an
 * annual cost pays maintenance every year; a perpetual license without one costs nothing more.
 */
export function planRenewals(
  file: string,
  licenses: readonly LicenseLine[],
  start: FiscalYearStart,
  horizon: Horizon,
): PlannedLine[] {
  const first = horizon.years[0]!;
  return licenses.flatMap((l): PlannedLine[] => {
    const cost = licenseCost(l);
    const source = `${file} line ${l.line}`;
    const base = {
      kind: "renewal" as const,
      category: "operating" as const,
      department: l.department ?? TOWN_WIDE,
      subject: l.product,
      item: l.licenseType,
      baseCents: cost?.cents,
      source,
      ...(cost === undefined ? {} : { priceSource: source }),
      movable: false,
    };
    const unpriced = cost === undefined ? "; no Unit Cost or Annual Cost in the register" : "";
    if (l.expires === undefined) {
      if (l.annualCostCents === undefined) return [];
      return horizon.years.map((y) => ({
        ...base,
        fiscalYear: y.year,
        reason: "maintenance" as const,
        detail: "perpetual license, yearly maintenance",
        late: false,
      }));
    }
    const renewal = addDays(l.expires, 1);
    return horizon.years.flatMap((y) => {
      if (renewal > y.end) return [];
      const late = renewal < first.start;
      // The anniversary of the first renewal that falls in this fiscal year.
      let due = renewal;
      while (fiscalYearOf(due, start) < y.year) due = addYears(due, 1);
      const when = late && y === first ? renewal : due;
      return [
        {
          ...base,
          fiscalYear: y.year,
          due: when,
          reason: "license-expiry" as const,
          detail: `${l.seats} seat(s) expire ${l.expires}, renewed yearly${late && y === first ? `; lapsed before ${first.label}` : ""}${cost ? ` (${cost.how})` : unpriced}`,
          late: late && y === first,
        },
      ];
    });
  });
}

/**
 * A contract is paid every fiscal year its term touches, at its annual cost as signed; the years
 * after its end assume it is continued (the renewal notice date is when the town decides), at
 * the annual cost inflated from today.
 */
export function planContracts(register: ContractRegister, horizon: Horizon): PlannedLine[] {
  return register.contracts.flatMap((c) =>
    horizon.years.flatMap((y) => {
      if (c.start > y.end) return [];
      const inTerm = c.end >= y.start;
      return [
        {
          kind: "contract" as const,
          category: "operating" as const,
          fiscalYear: y.year,
          department: c.department,
          subject: c.service,
          item: c.vendor,
          ...(inTerm ? {} : { due: c.noticeBy }),
          reason: inTerm ? ("contract-term" as const) : ("contract-continuance" as const),
          detail: inTerm
            ? `term ${c.start} to ${c.end}; renewal notice by ${c.noticeBy}`
            : `assumes continuance after ${c.end}; decide by ${c.noticeBy}${c.performanceNotes ? ` (${c.performanceNotes})` : ""}`,
          baseCents: c.annualCents,
          late: false,
          source: `${register.file} line ${c.line}`,
          priceSource: `${register.file} line ${c.line}`,
          movable: false,
          ...(inTerm ? { fixedPrice: true as const } : {}),
        },
      ];
    }),
  );
}
