/**
 * Calendar days: a day written YYYY-MM-DD, checked against the calendar, and the day an instant
 * falls on in an IANA time zone (the nightly schedule's and the evidence's local day).
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `value` is YYYY-MM-DD and a day that exists: no 30 February, no thirteenth month. */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 30 February over to 2 March: the day must read back the same.
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
}

/** The calendar day an instant falls on in a time zone. */
export interface ZonedDay {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly day: number;
  readonly month: number;
  /** "sun", "mon", … "sat". */
  readonly weekday: string;
}

// One formatter per zone: the evidence index converts every entry's time.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The day `at` falls on in `timeZone` (an IANA name, or "UTC"). */
export function dayInZone(at: Date, timeZone: string): ZonedDay {
  const parts = formatter(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return {
    date: `${part("year")}-${part("month")}-${part("day")}`,
    day: Number(part("day")),
    month: Number(part("month")),
    weekday: part("weekday").toLowerCase().slice(0, 3),
  };
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** `at` as `YYYY-MM-DD HH:MM EDT` on the wall clock of `timeZone` (24-hour, with its short name). */
export function clockInZone(at: Date, timeZone: string): string {
  let f = clockFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    clockFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
}
