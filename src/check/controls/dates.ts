/** Date arithmetic for checks: whole-day ages of ISO dates and date-times, measured in UTC. */
import { InternTable } from "../../support/intern-table.js";

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

// A fleet's dates repeat: thousands of machines were bought, patched or covered until the same
// day. Each ten-character text is parsed once (NaN: not a date); date-times, to the millisecond,
// rarely repeat and are parsed every time.
const dates = new InternTable<number>(10_000);
const dateMs = (text: string): number =>
  DATE.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;

/** Milliseconds since the epoch of an ISO date (midnight UTC) or date-time; undefined otherwise. */
function parseMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms =
    value.length === 10
      ? dates.get(value, dateMs)
      : DATE_TIME.test(value)
        ? Date.parse(value)
        : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** The instant an ISO date (midnight UTC) or date-time denotes; undefined for anything else. */
export function parseInstant(value: unknown): Date | undefined {
  const ms = parseMs(value);
  return ms === undefined ? undefined : new Date(ms);
}

/** Midnight UTC of the day `at` falls on, in milliseconds. */
function utcDayMs(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS) * DAY_MS;
}

/** Days from `value` to `at`; for a date, whole days (a date is one day old the day after). */
export function ageInDays(value: string, at: Date): number | undefined {
  const ms = parseMs(value);
  if (ms === undefined) return undefined;
  const reference = value.length === 10 ? utcDayMs(at) : at.getTime();
  return (reference - ms) / DAY_MS;
}

/** The ISO date (YYYY-MM-DD) of `at` in UTC. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
