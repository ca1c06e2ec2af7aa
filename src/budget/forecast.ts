/**
 * The forecast: hardware replacements, software renewals and contracts over the next fiscal
 * years, priced in each year's dollars, totalled per year and department.
 */
import type { InputProblem } from "../documents/input-problem.js";
import type { ContractRegister } from "./contracts.js";
import { fiscalYearOf, fiscalYears } from "./fiscal-year.js";
import { inflate } from "./money.js";
import type { OsHardwareMinimums } from "./os-hardware.js";
import type { ForecastSettings, Horizon, PlannedLine, Unscheduled } from "./plan.js";
import type { PriceList } from "./prices.js";
import type { SmoothingOutcome } from "./smoothing.js";
import { planContracts, planRenewals, type LicenseLine } from "./renewals.js";
import { planReplacements, type FleetMachine } from "./replacements.js";
import type { BudgetLine, BudgetReport, Deadline } from "./report-model.js";
import { deadlines } from "./deadlines.js";

/** Everything the forecast reads, validated and normalised by the caller. */
export interface ForecastInputs {
  readonly fleet: readonly FleetMachine[];
  readonly minimums: OsHardwareMinimums;
  readonly prices?: PriceList;
  readonly licenses?: { readonly file: string; readonly entries: readonly LicenseLine[] };
  readonly contracts?: ContractRegister;
  /** Register rows that could not be used, reported with the forecast. */
  readonly problems: readonly InputProblem[];
}

/** A planned forecast, before pricing: what smoothing rearranges. */
export interface Plan {
  readonly settings: ForecastSettings;
  readonly horizon: Horizon;
  readonly lines: readonly PlannedLine[];
  readonly unscheduled: readonly Unscheduled[];
  readonly moves: BudgetReport["moves"];
  readonly deadlines: readonly Deadline[];
  readonly problems: readonly InputProblem[];
  /** Set once the plan was smoothed. */
  readonly smoothing?: SmoothingOutcome;
}

/** The fiscal year of `at` and the `years` fiscal years after it. */
export function horizonOf(settings: ForecastSettings): Horizon {
  const current = fiscalYearOf(settings.at.toISOString().slice(0, 10), settings.fiscalYearStart);
  return { current, years: fiscalYears(current + 1, settings.years, settings.fiscalYearStart) };
}

/** Every line item of the horizon, unpriced lines included, in today's dollars. */
export function planForecast(inputs: ForecastInputs, settings: ForecastSettings): Plan {
  const horizon = horizonOf(settings);
  const hardware = planReplacements(
    inputs.fleet,
    inputs.minimums,
    inputs.prices,
    settings,
    horizon,
  );
  const renewals = inputs.licenses
    ? planRenewals(inputs.licenses.file, inputs.licenses.entries, settings.fiscalYearStart, horizon)
    : [];
  const contracts = inputs.contracts ? planContracts(inputs.contracts, horizon) : [];
  return {
    settings,
    horizon,
    lines: [...hardware.lines, ...renewals, ...contracts],
    unscheduled: hardware.unscheduled,
    moves: [],
    deadlines: deadlines(
      settings.at.toISOString().slice(0, 10),
      inputs.fleet,
      inputs.licenses,
      inputs.contracts,
    ),
    problems: inputs.problems,
  };
}

const KIND_ORDER = { replacement: 0, renewal: 1, contract: 2 } as const;

function compareLines(a: BudgetLine, b: BudgetLine): number {
  return (
    a.fiscalYear - b.fiscalYear ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    a.department.localeCompare(b.department) ||
    (a.due ?? "").localeCompare(b.due ?? "") ||
    a.subject.localeCompare(b.subject)
  );
}

interface Sums {
  capitalCents: number;
  operatingCents: number;
  unpricedLines: number;
}

function add(sums: Sums, line: BudgetLine): void {
  if (line.costCents === null) sums.unpricedLines += 1;
  else if (line.category === "capital") sums.capitalCents += line.costCents;
  else sums.operatingCents += line.costCents;
}

/** Prices every line in its fiscal year's dollars and totals the years and departments. */
export function priceForecast(plan: Plan): BudgetReport {
  const { settings, horizon } = plan;
  const lines: BudgetLine[] = plan.lines
    .map(({ baseCents, notAfter: _notAfter, movable: _movable, fixedPrice, ...line }) => ({
      ...line,
      costCents:
        baseCents === undefined
          ? null
          : fixedPrice
            ? baseCents
            : inflate(baseCents, settings.inflation, line.fiscalYear - horizon.current),
    }))
    .sort(compareLines);
  const totals = horizon.years.map((y) => {
    const sums: Sums = { capitalCents: 0, operatingCents: 0, unpricedLines: 0 };
    const departments = new Map<string, Sums>();
    for (const line of lines.filter((l) => l.fiscalYear === y.year)) {
      add(sums, line);
      const d = departments.get(line.department) ?? {
        capitalCents: 0,
        operatingCents: 0,
        unpricedLines: 0,
      };
      add(d, line);
      departments.set(line.department, d);
    }
    return {
      fiscalYear: y.year,
      ...sums,
      departments: [...departments]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([department, d]) => ({ department, ...d })),
    };
  });
  const first = totals[0]!;
  const start = settings.fiscalYearStart;
  return {
    kind: "stronghold-budget",
    version: 1,
    at: settings.at.toISOString(),
    fiscalYearStart: `${String(start.month).padStart(2, "0")}-${String(start.day).padStart(2, "0")}`,
    inflation: settings.inflation,
    years: [...horizon.years],
    request: {
      fiscalYear: first.fiscalYear,
      capitalCents: first.capitalCents,
      operatingCents: first.operatingCents,
      unpricedLines: first.unpricedLines,
    },
    totals,
    lines,
    unscheduled: [...plan.unscheduled],
    moves: [...plan.moves],
    deadlines: plan.deadlines.map((d) => ({ ...d, subjects: [...d.subjects] })),
    ...(plan.smoothing === undefined
      ? {}
      : { smoothing: { ...plan.smoothing, overCap: [...plan.smoothing.overCap] } }),
    problems: plan.problems.map((p) => ({
      file: p.file,
      ...(p.line === undefined ? {} : { line: p.line }),
      pointer: p.pointer,
      message: p.message,
    })),
  };
}
