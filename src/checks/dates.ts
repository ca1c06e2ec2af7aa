/** Date arithmetic for checks: whole-day ages of ISO dates and date-times, measured in UTC. */

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The instant an ISO date (midnight UTC) or date-time denotes; undefined for anything else. */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== "string" || !(DATE.test(value) || DATE_TIME.test(value))) return undefined;
  const instant = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** Midnight UTC of the day `at` falls on. */
function utcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** Days from `value` to `at`; for a date, whole days (a date is one day old the day after). */
export function ageInDays(value: string, at: Date): number | undefined {
  const instant = parseInstant(value);
  if (instant === undefined) return undefined;
  const reference = DATE.test(value) ? utcDay(at) : at;
  return (reference.getTime() - instant.getTime()) / DAY_MS;
}

/** The ISO date (YYYY-MM-DD) of `at` in UTC. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
