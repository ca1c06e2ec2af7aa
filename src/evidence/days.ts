/**
 * Calendar days of the evidence: an instant's day in the workspace's time zone when one is known,
 * in UTC otherwise. Same rule as the nightly run's localDay (src/run/due.ts), which this pillar
 * may not import; one cached formatter per zone, since the index converts every entry.
 */

/** The zone days are counted in: an IANA name, or "UTC". */
export type DayZone = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: DayZone): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** YYYY-MM-DD of an ISO 8601 instant in `zone`; undefined when `at` is not a time. */
export function dayOf(at: string, zone: DayZone): string | undefined {
  const time = Date.parse(at);
  if (Number.isNaN(time)) return undefined;
  // The ledger writes toISOString(): its UTC day is its first ten characters.
  if (zone === "UTC" && at.length === 24 && at.endsWith("Z")) return at.slice(0, 10);
  const parts = formatter(zone).formatToParts(new Date(time));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Whether `text` is a real calendar date written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

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
