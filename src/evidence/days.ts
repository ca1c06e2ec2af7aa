/**
 * Calendar days of the evidence: an instant's day in the workspace's time zone when one is known,
 * in UTC otherwise (the nightly run's rule: src/support/calendar-day.ts).
 */
import { dayInZone, isCalendarDay } from "../support/calendar-day.js";

/** The zone days are counted in: an IANA name, or "UTC". */
export type DayZone = string;

/** YYYY-MM-DD of an ISO 8601 instant in `zone`; undefined when `at` is not a time. */
export function dayOf(at: string, zone: DayZone): string | undefined {
  const time = Date.parse(at);
  if (Number.isNaN(time)) return undefined;
  // The ledger writes toISOString(): its UTC day is its first ten characters.
  if (zone === "UTC" && at.length === 24 && at.endsWith("Z")) return at.slice(0, 10);
  return dayInZone(new Date(time), zone).date;
}

/** Whether `text` is a real calendar date written YYYY-MM-DD. */
export const isDay = isCalendarDay;

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (0 for the same day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
