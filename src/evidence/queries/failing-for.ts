/** "Which controls have been failing for more than N days?" */
import { daysBetween } from "../days.js";
import type { EvidenceIndex } from "../index-db.js";

export interface FailingControlRow {
  readonly control: string;
  /** The first day of the unbroken run of checked days on which it failed. */
  readonly since: string;
  /** Calendar days from `since` to the latest check, both counted. */
  readonly days: number;
  /** The machines failing it in the latest check, sorted. */
  readonly machines: readonly string[];
}

export interface FailingForAnswer {
  readonly question: "failing-for";
  readonly moreThanDays: number;
  readonly zone: string;
  /** The latest check's day and entry, which the streaks run up to. */
  readonly latest?: { readonly day: string; readonly seq: number; readonly hash: string };
  /** Longest-failing first. */
  readonly controls: readonly FailingControlRow[];
}

/**
 * Controls failing on every checked day (the last check of each day) from `since` up to the
 * latest check, for more than `moreThan` days. A day without a check does not break a run: there
 * is no evidence the control passed that day.
 */
export function failingFor(index: EvidenceIndex, moreThan: number): FailingForAnswer {
  const { db } = index;
  const base = { question: "failing-for", moreThanDays: moreThan, zone: index.zone } as const;
  const latest = db
    .prepare(
      `SELECT c.day, c.seq, e.hash FROM check_days c JOIN entries e ON e.seq = c.seq
       ORDER BY c.day DESC, c.seq DESC LIMIT 1`,
    )
    .get() as { day: string; seq: number; hash: string } | undefined;
  if (latest === undefined) return { ...base, controls: [] };
  // The last check of each day, newest first; each control failing now walks back through them
  // while it still fails (one indexed lookup of its failing checks per control).
  const daily = db
    .prepare("SELECT day, max(seq) AS seq FROM check_days GROUP BY day ORDER BY day DESC")
    .all() as { day: string; seq: number }[];
  const current = db
    .prepare("SELECT control, machine FROM failing WHERE seq = ? ORDER BY control, machine")
    .all(latest.seq) as { control: string; machine: string }[];
  const machinesOf = new Map<string, string[]>();
  for (const { control, machine } of current) {
    const list = machinesOf.get(control) ?? [];
    list.push(machine);
    machinesOf.set(control, list);
  }
  const failingChecks = db.prepare("SELECT DISTINCT seq FROM failing WHERE control = ?").pluck();
  const streaks = [...machinesOf].map(([control, machines]) => {
    const failed = new Set(failingChecks.all(control) as number[]);
    let since = latest.day;
    for (const d of daily) {
      if (!failed.has(d.seq)) break;
      since = d.day;
    }
    return { control, machines, since };
  });
  const controls = streaks
    .map((s) => ({
      control: s.control,
      since: s.since,
      days: daysBetween(s.since, latest.day) + 1,
      machines: s.machines,
    }))
    .filter((c) => c.days > moreThan)
    .sort((a, b) => b.days - a.days || a.control.localeCompare(b.control));
  return { ...base, latest, controls };
}
