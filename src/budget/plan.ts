/** What the forecast works on before pricing: line items with their cost in today's dollars. */
import type { BudgetLine } from "./report-model.js";
import type { FiscalYear, FiscalYearStart } from "./fiscal-year.js";
import type { Role } from "../machine-config/schema.js";

/** A line before inflation: `baseCents` is today's price, undefined when nothing prices it. */
export interface PlannedLine extends Omit<BudgetLine, "costCents"> {
  readonly baseCents: number | undefined;
  /** Replacements only: its OS end of support, unless its hardware is known to run the next release. */
  readonly notAfter?: string;
  /** Replacements only: the smoothing may move it (a first replacement, not a later cycle). */
  readonly movable: boolean;
  /** The price is fixed (a contract inside its term): inflation does not apply. */
  readonly fixedPrice?: true;
}

/** A machine the forecast cannot place, with the reason. */
export interface Unscheduled {
  readonly subject: string;
  readonly department: string;
  readonly source: string;
  readonly reason: string;
}

/** The forecast's settings, from the command line. */
export interface ForecastSettings {
  readonly at: Date;
  readonly fiscalYearStart: FiscalYearStart;
  readonly years: number;
  /** Yearly rate, 0.03 for 3 %. */
  readonly inflation: number;
  /** Years of service per class, from the lifecycle baseline's lcm-hardware-age parameters. */
  readonly refreshYears: Readonly<Partial<Record<Role, number>>>;
}

/** The horizon and the fiscal year prices are quoted in. */
export interface Horizon {
  readonly current: number;
  readonly years: readonly FiscalYear[];
}
