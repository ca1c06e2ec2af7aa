/** Which scheduled drills are due on a given day, in the workspace's time zone. */
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
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    weekday: "short",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  const weekday = part("weekday").toLowerCase().slice(0, 3) as Weekday;
  return {
    date: `${part("year")}-${part("month")}-${part("day")}`,
    day: Number(part("day")),
    month: Number(part("month")),
    weekday,
  };
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
