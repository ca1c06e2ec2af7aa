/**
 * Fiscal years: a year starts on a month and day (1 July in many New England towns) and is named
 * by the calendar year it ends in, as US governments name theirs (FY2027 = 1 July 2026 to 30 June
 * 2027). A 1 January start makes fiscal years calendar years.
 */
import { UsageError } from "../support/errors.js";

/** The month and day a fiscal year starts on. */
export interface FiscalYearStart {
  readonly month: number;
  readonly day: number;
}

/** One fiscal year with its first and last day. */
export interface FiscalYear {
  /** The calendar year the fiscal year ends in. */
  readonly year: number;
  /** "FY2027". */
  readonly label: string;
  /** First and last day, YYYY-MM-DD. */
  readonly start: string;
  readonly end: string;
}

/** 1 July, as in many New England towns. */
export const DEFAULT_FISCAL_YEAR_START = "07-01";

/** Parses `--fiscal-year-start MM-DD`; 29 February is refused, it starts no year in three of four. */
export function parseFiscalYearStart(value: string): FiscalYearStart {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  const month = Number(m?.[1]);
  const day = Number(m?.[2]);
  const valid = m !== null && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(2023, month);
  if (!valid)
    throw new UsageError(
      `--fiscal-year-start "${value}" is not a day of the year: use MM-DD, e.g. 07-01`,
    );
  return { month, day };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** The fiscal year a day (YYYY-MM-DD) falls in. */
export function fiscalYearOf(day: string, start: FiscalYearStart): number {
  const year = Number(day.slice(0, 4));
  const monthDay = day.slice(5);
  const startMonthDay = `${pad(start.month)}-${pad(start.day)}`;
  if (start.month === 1 && start.day === 1) return year;
  return monthDay >= startMonthDay ? year + 1 : year;
}

/** The fiscal year named `year`, with its first and last day. */
export function fiscalYear(year: number, start: FiscalYearStart): FiscalYear {
  const january = start.month === 1 && start.day === 1;
  const first = iso(january ? year : year - 1, start.month, start.day);
  const next = iso(january ? year + 1 : year, start.month, start.day);
  return { year, label: `FY${year}`, start: first, end: addDays(next, -1) };
}

/** `count` consecutive fiscal years from `first`. */
export function fiscalYears(first: number, count: number, start: FiscalYearStart): FiscalYear[] {
  return Array.from({ length: count }, (_, i) => fiscalYear(first + i, start));
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The day `days` after (or before) an ISO day, in UTC. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(day: string, years: number): string {
  const year = Number(day.slice(0, 4)) + years;
  const month = Number(day.slice(5, 7));
  const d = Math.min(Number(day.slice(8, 10)), daysIn(year, month));
  return iso(year, month, d);
}

/** The same day `months` later, clamped to the month's last day. */
export function addMonths(day: string, months: number): string {
  const total = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return iso(year, month, Math.min(Number(day.slice(8, 10)), daysIn(year, month)));
}
