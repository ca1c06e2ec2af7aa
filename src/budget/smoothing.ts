/**
 * Levelling the capital spend: replacements move to an earlier or later fiscal year, within a
 * tolerance of their due date, until each year's capital fits under a cap (`--max-per-year`) or
 * the horizon's average (`--level`). A machine whose OS support ends while its hardware cannot (or
 * may not) run the next release is never moved past that end. Each move is listed with its reason.
 */
import type { FiscalYear } from "./fiscal-year.js";
import { addMonths } from "./fiscal-year.js";
import type { Plan } from "./forecast.js";
import { formatDollars, inflate } from "./money.js";
import type { PlannedLine } from "./plan.js";

/** How far a replacement may move from its due date unless `--tolerance` says otherwise. */
export const DEFAULT_TOLERANCE_MONTHS = 12;

/** A cap in dollars a year, or the horizon's average, with the tolerance in months. */
export type Smoothing =
  | { readonly kind: "max-per-year"; readonly capCents: number; readonly toleranceMonths: number }
  | { readonly kind: "level"; readonly toleranceMonths: number };

/** What the smoothing did, for the report. */
export interface SmoothingOutcome {
  readonly kind: Smoothing["kind"];
  readonly capCents: number;
  readonly toleranceMonths: number;
  /** Fiscal years still above the cap after every allowed move. */
  readonly overCap: readonly number[];
}

/** The plan with replacements moved between fiscal years to keep each year's capital under the cap. */
export function smooth(plan: Plan, smoothing: Smoothing): Plan {
  const { horizon, settings } = plan;
  const years = horizon.years;
  const cost = (line: PlannedLine, year: number) =>
    line.baseCents === undefined
      ? 0
      : inflate(line.baseCents, settings.inflation, year - horizon.current);
  const lines = plan.lines.map((l) => ({ ...l }));
  const capital = (year: number) =>
    lines
      .filter((l) => l.category === "capital" && l.fiscalYear === year)
      .reduce((sum, l) => sum + cost(l, l.fiscalYear), 0);
  const capCents =
    smoothing.kind === "max-per-year"
      ? smoothing.capCents
      : Math.ceil(years.reduce((sum, y) => sum + capital(y.year), 0) / years.length);
  const tolerance = smoothing.toleranceMonths;
  const moves: Plan["moves"][number][] = [];

  /** Whether the first replacement may go to fiscal year `to`, and why not when it may not. */
  const allowed = (line: PlannedLine, to: FiscalYear): boolean => {
    const due = line.due!;
    if (to.year > line.fiscalYear) {
      if (to.start > addMonths(due, tolerance)) return false;
      if (line.notAfter !== undefined && to.start > line.notAfter) return false;
      return true;
    }
    return to.end >= addMonths(due, -tolerance);
  };

  const move = (line: (typeof lines)[number], to: FiscalYear, from: number, over: number) => {
    const shift = to.year - from;
    // Its later replacements follow it; those pushed past the horizon leave the forecast.
    for (const later of lines.filter(
      (l) =>
        l.kind === "replacement" &&
        l.subject === line.subject &&
        l.source === line.source &&
        !l.movable,
    ))
      (later as { fiscalYear: number }).fiscalYear += shift;
    (line as { fiscalYear: number }).fiscalYear = to.year;
    const direction = shift > 0 ? "later" : "earlier";
    const guard =
      line.notAfter !== undefined && shift > 0
        ? `; not past OS end of support ${line.notAfter}`
        : "";
    moves.push({
      subject: line.subject,
      department: line.department,
      due: line.due!,
      fromYear: from,
      toYear: to.year,
      reason: `FY${from} capital ${formatDollars(over)} is above ${formatDollars(capCents)}: moved ${direction}, within ${tolerance} months of its due date${guard}`,
    });
  };

  const candidates = (year: number) =>
    lines.filter(
      (l) => l.movable && l.fiscalYear === year && l.baseCents !== undefined && l.due !== undefined,
    );

  for (const from of years) {
    let over = capital(from.year);
    if (over <= capCents) continue;
    // Later first (the machine runs a little longer), latest due first; then earlier.
    const later = candidates(from.year).sort((a, b) => b.due!.localeCompare(a.due!));
    for (const line of later) {
      if (capital(from.year) <= capCents) break;
      const to = years.find(
        (y) =>
          y.year > from.year &&
          allowed(line, y) &&
          capital(y.year) + cost(line, y.year) <= capCents,
      );
      if (to === undefined) continue;
      over = capital(from.year);
      move(line, to, from.year, over);
    }
    const earlier = candidates(from.year).sort((a, b) => a.due!.localeCompare(b.due!));
    for (const line of earlier) {
      if (capital(from.year) <= capCents) break;
      const to = [...years]
        .reverse()
        .find(
          (y) =>
            y.year < from.year &&
            allowed(line, y) &&
            capital(y.year) + cost(line, y.year) <= capCents,
        );
      if (to === undefined) continue;
      over = capital(from.year);
      move(line, to, from.year, over);
    }
  }
  const last = years[years.length - 1]!.year;
  const kept = lines.filter((l) => l.fiscalYear <= last);
  return {
    ...plan,
    lines: kept,
    moves: [...plan.moves, ...moves],
    smoothing: {
      kind: smoothing.kind,
      capCents,
      toleranceMonths: tolerance,
      overCap: years.map((y) => y.year).filter((y) => capital(y) > capCents),
    },
  };
}
