/** Which scheduled drills are due on a given day, in the workspace's time zone. */
import { dayInZone } from "../support/calendar-day.js";
import type { ScheduledDrill, Weekday } from "../workspace/workspace-file.js";

/** The calendar day `at` falls on in `timeZone`. */
export interface LocalDay {
  readonly date: string;
  readonly day: number;
  readonly month: number;
  readonly weekday: Weekday;
}

/** The local calendar day of an instant. */
export function localDay(at: Date, timeZone: string): LocalDay {
  const d = dayInZone(at, timeZone);
  return { ...d, weekday: d.weekday as Weekday };
}

/** True when the drill's cadence falls on `today`. */
export function isDue(drill: ScheduledDrill, today: LocalDay): boolean {
  switch (drill.every) {
    case "daily":
      return true;
    case "weekly":
      return drill.day === today.weekday;
    case "monthly":
      return today.day === 1;
    case "quarterly":
      return today.day === 1 && [1, 4, 7, 10].includes(today.month);
  }
}

/** The runbooks due today, each once, in the schedule's order. */
export function drillsDue(drills: readonly ScheduledDrill[], today: LocalDay): string[] {
  return [...new Set(drills.filter((d) => isDue(d, today)).map((d) => d.runbook))];
}
