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

const DAY_PARTS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  weekday: "short",
};
const CLOCK_PARTS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
};

// One formatter per zone and set of parts: the evidence index converts every entry's time.
const formatters = new Map<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();

/** The parts of `at` in `timeZone`, by type. */
function partsInZone(
  at: Date,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): (type: Intl.DateTimeFormatPartTypes) => string {
  let byZone = formatters.get(options);
  if (byZone === undefined)
    formatters.set(options, (byZone = new Map<string, Intl.DateTimeFormat>()));
  let f = byZone.get(timeZone);
  if (f === undefined)
    byZone.set(timeZone, (f = new Intl.DateTimeFormat("en-US", { timeZone, ...options })));
  const parts = f.formatToParts(at);
  return (type) => parts.find((p) => p.type === type)!.value;
}

/** The day `at` falls on in `timeZone` (an IANA name, or "UTC"). */
export function dayInZone(at: Date, timeZone: string): ZonedDay {
  const part = partsInZone(at, timeZone, DAY_PARTS);
  return {
    date: `${part("year")}-${part("month")}-${part("day")}`,
    day: Number(part("day")),
    month: Number(part("month")),
    weekday: part("weekday").toLowerCase().slice(0, 3),
  };
}

/** `at` as `YYYY-MM-DD HH:MM EDT` on the wall clock of `timeZone` (24-hour, with its short name). */
export function clockInZone(at: Date, timeZone: string): string {
  const part = partsInZone(at, timeZone, CLOCK_PARTS);
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
}
