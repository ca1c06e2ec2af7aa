/** A day written YYYY-MM-DD, checked against the calendar. */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `value` is YYYY-MM-DD and a day that exists: no 30 February, no thirteenth month. */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 30 February over to 2 March: the day must read back the same.
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
}
