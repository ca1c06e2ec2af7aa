/** `stronghold budget`: the capital reserve request and the N-year forecast, from the fleet. */
import type { Command } from "commander";
import { readMachines } from "../check/input/machines.js";
import { loadLicenseRegister } from "../check/input/registers.js";
import { loadReferenceData } from "../check/policy/data.js";
import { resolvePolicy } from "../check/policy/resolve.js";
import { findRelease } from "../check/controls/machine/supported-os.js";
import { loadContracts } from "../budget/contracts.js";
import { DEFAULT_FISCAL_YEAR_START, parseFiscalYearStart } from "../budget/fiscal-year.js";
import { planForecast, priceForecast } from "../budget/forecast.js";
import { BUDGET_FORMAT_NAMES, BUDGET_FORMATS, type BudgetFormatName } from "../budget/formats.js";
import { loadOsHardwareMinimums } from "../budget/os-hardware.js";
import type { ForecastSettings } from "../budget/plan.js";
import { loadPriceList } from "../budget/prices.js";
import { DEFAULT_TOLERANCE_MONTHS, smooth, type Smoothing } from "../budget/smoothing.js";
import { parseCents } from "../documents/read-csv.js";
import type { FleetMachine } from "../budget/replacements.js";
import type { BudgetReport } from "../budget/report-model.js";
import type { InputProblem } from "../documents/input-problem.js";
import type { Role } from "../machine-config/schema.js";
import { writeBytesAtomic, writeFileAtomic } from "../output/write-atomic.js";
import { formatProblem, UsageError } from "../support/errors.js";
import { allOrEveryProblem, parseAt } from "./check-command.js";
import type { Io } from "./io.js";
import { parseFormatList } from "./format-list.js";
import { outDirectory } from "./out-dir.js";
import { currentWorkspace } from "./workspace-settings.js";

interface BudgetOptions {
  overlay?: string;
  prices?: string;
  licenses?: string;
  contracts?: string;
  at?: string;
  fiscalYearStart?: string;
  years: string;
  inflation: string;
  format: string;
  out?: string;
  maxPerYear?: string;
  level?: boolean;
  tolerance?: string;
}

function parseYears(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 30)
    throw new UsageError(`--years "${value}" must be a whole number of fiscal years from 1 to 30`);
  return n;
}

/** `--inflation 3.5` is 3.5 % a year. */
function parseInflation(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100)
    throw new UsageError(`--inflation "${value}" must be a yearly percentage from 0 to 100`);
  return n / 100;
}

function parseFormats(value: string, out: string | undefined): BudgetFormatName[] {
  const names = parseFormatList(value, BUDGET_FORMAT_NAMES, out);
  if (out === undefined && names.includes("xlsx"))
    throw new UsageError(
      "--format xlsx needs --out <dir>: a workbook is not written to a terminal",
    );
  return names;
}

/** The refresh years of lcm-hardware-age, as the baselines and the overlay set them. */
async function refreshYears(overlay: string | undefined, at: Date) {
  const policy = await resolvePolicy({
    at,
    ...(overlay === undefined ? { baselines: ["lifecycle"] } : { overlayFile: overlay }),
  });
  const control = policy.controls.find((c) => c.meta.id === "lcm-hardware-age");
  return (control?.meta.parameters["refreshYears"] ?? {}) as Partial<Record<Role, number>>;
}

async function readFleet(
  paths: readonly string[],
  io: Io,
  osLifecycle: Awaited<ReturnType<typeof loadReferenceData>>["osLifecycle"],
): Promise<{ fleet: FleetMachine[]; problems: InputProblem[] }> {
  const fleet: FleetMachine[] = [];
  const problems: InputProblem[] = [];
  for await (const record of readMachines(paths, io.stdin)) {
    if (record.kind === "problem") {
      problems.push(record.problem);
      continue;
    }
    const eos = findRelease(record.machine.os, osLifecycle)?.endOfSupport;
    fleet.push({
      machine: record.machine,
      file: record.source.file,
      ...(eos === undefined ? {} : { osEndOfSupport: eos }),
    });
  }
  return { fleet, problems };
}

/** `--max-per-year`, `--level` and `--tolerance` as a smoothing, or none. */
function parseSmoothing(options: BudgetOptions): Smoothing | undefined {
  if (options.maxPerYear !== undefined && options.level)
    throw new UsageError("--max-per-year and --level both choose the cap: give one");
  const tolerance = options.tolerance ?? String(DEFAULT_TOLERANCE_MONTHS);
  if (!/^\d+$/.test(tolerance) || Number(tolerance) > 120)
    throw new UsageError(
      `--tolerance "${tolerance}" must be a whole number of months from 0 to 120`,
    );
  if (options.maxPerYear !== undefined) {
    const cap = parseCents(options.maxPerYear);
    if (cap === undefined)
      throw new UsageError(
        `--max-per-year "${options.maxPerYear}" must be an amount in dollars, e.g. 60000 or 60,000.00`,
      );
    return { kind: "max-per-year", capCents: cap, toleranceMonths: Number(tolerance) };
  }
  if (options.level) return { kind: "level", toleranceMonths: Number(tolerance) };
  if (options.tolerance !== undefined)
    throw new UsageError("--tolerance needs --max-per-year or --level");
  return undefined;
}

/** Reads every input, computes the forecast: what each format renders. */
export async function buildBudget(paths: readonly string[], options: BudgetOptions, io: Io) {
  const at = parseAt(options.at);
  const smoothing = parseSmoothing(options);
  const settingsBase = {
    at,
    fiscalYearStart: parseFiscalYearStart(options.fiscalYearStart ?? DEFAULT_FISCAL_YEAR_START),
    years: parseYears(options.years),
    inflation: parseInflation(options.inflation),
  };
  const [years, reference, minimums, prices, licenses, contracts] = await allOrEveryProblem([
    refreshYears(options.overlay, at),
    loadReferenceData(),
    loadOsHardwareMinimums(),
    options.prices === undefined ? undefined : loadPriceList(options.prices),
    options.licenses === undefined ? undefined : loadLicenseRegister(options.licenses),
    options.contracts === undefined ? undefined : loadContracts(options.contracts),
  ] as const);
  const settings: ForecastSettings = { ...settingsBase, refreshYears: years };
  const { fleet, problems: machineProblems } = await readFleet(paths, io, reference.osLifecycle);
  const problems = [
    ...machineProblems,
    ...(prices?.problems ?? []),
    ...(licenses?.problems ?? []),
    ...(contracts?.problems ?? []),
  ];
  const plan = planForecast(
    {
      fleet,
      minimums,
      ...(prices ? { prices: prices.prices } : {}),
      ...(licenses ? { licenses: licenses.register } : {}),
      ...(contracts ? { contracts: contracts.register } : {}),
      problems,
    },
    settings,
  );
  return priceForecast(smoothing === undefined ? plan : smooth(plan, smoothing));
}

async function writeOut(report: BudgetReport, formats: readonly BudgetFormatName[], out: string) {
  const put = outDirectory(out);
  const written: string[] = [];
  for (const name of formats) {
    const format = BUDGET_FORMATS[name];
    const content = await format.render(report);
    written.push(
      put(format.fileName, (file) => {
        if (typeof content === "string") writeFileAtomic(file, (write) => write(content));
        else writeBytesAtomic(file, content);
      }),
    );
  }
  return written;
}

/** Inside a workspace, stronghold.yaml fills in the paths, overlay, registers and fiscal year; flags win. */
async function withWorkspace(
  paths: string[],
  options: BudgetOptions,
  io: Io,
): Promise<{ paths: string[]; options: BudgetOptions }> {
  const ws = await currentWorkspace(io);
  if (ws === undefined) {
    if (paths.length === 0)
      throw new UsageError(
        "budget needs machine configs: give a path, or run it inside a workspace (stronghold init)",
      );
    return { paths, options };
  }
  const fromWorkspace = {
    ...(ws.overlay !== undefined ? { overlay: ws.overlay } : {}),
    ...(ws.registers.prices !== undefined ? { prices: ws.registers.prices } : {}),
    ...(ws.registers.licenses !== undefined ? { licenses: ws.registers.licenses } : {}),
    ...(ws.registers.contracts !== undefined ? { contracts: ws.registers.contracts } : {}),
    ...(ws.fiscalYearStart !== undefined ? { fiscalYearStart: ws.fiscalYearStart } : {}),
  };
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return {
    paths: paths.length > 0 ? paths : [ws.machines],
    options: { ...fromWorkspace, ...(given as unknown as BudgetOptions) },
  };
}

async function budget(givenPaths: string[], givenOptions: BudgetOptions, io: Io): Promise<number> {
  const { paths, options } = await withWorkspace(givenPaths, givenOptions, io);
  const formats = parseFormats(options.format, options.out);
  const report = await buildBudget(paths, options, io);
  if (options.out === undefined) {
    io.stdout((await BUDGET_FORMATS[formats[0]!].render(report)) as string);
  } else {
    const written = await writeOut(report, formats, options.out);
    io.stdout(BUDGET_FORMATS.table.render(report));
    for (const file of written) io.stderr(`wrote ${file}\n`);
  }
  for (const problem of report.problems) io.stderr(`${formatProblem(problem)}\n`);
  return report.problems.length > 0 ? 2 : 0;
}

/** Adds `stronghold budget` to the program. */
export function registerBudgetCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  program
    .command("budget")
    .summary("forecast hardware replacements, renewals and contracts per fiscal year")
    .description(
      [
        "Write the capital reserve request for the next fiscal year and the",
        "forecast of the years after it, per department, from the machine configs",
        "and the town's registers.",
        "",
        "A machine falls due when it leaves its class's refresh cycle",
        "(lcm-hardware-age), when its OS leaves support and its hardware cannot run",
        "the next release, or, for a server, when its warranty ends: whichever",
        "comes first.",
        "",
        "Inside a workspace (stronghold.yaml), the paths, overlay, price list,",
        "registers and fiscal year start default to the workspace's; options win.",
        "",
        "Exit codes:",
        "  0  the forecast was written",
        "  2  usage or input errors (all listed; the rest is still forecast)",
      ].join("\n"),
    )
    .argument(
      "[path...]",
      "machine files, directories, fleet files, or - for stdin (default: the workspace's machines)",
    )
    .option("--overlay <file>", "the town's tailoring (refresh years per class)")
    .option(
      "--prices <file>",
      "price list (CSV: Class,Model,Unit Cost[,Install Cost,Disposal Cost])",
    )
    .option(
      "--licenses <file>",
      "license register (CSV as for check, with optional Unit Cost, Annual Cost, Department)",
    )
    .option(
      "--contracts <file>",
      "contracts register (CSV: Vendor,Service,Annual Cost,Start,End,Renewal Notice Days,Owner Department[,Performance Notes])",
    )
    .option("--at <date>", "the day the forecast is made, YYYY-MM-DD or ISO 8601 (default: now)")
    .option(
      "--fiscal-year-start <MM-DD>",
      `first day of the fiscal year; FY2028 ends in 2028 (default: ${DEFAULT_FISCAL_YEAR_START}, or the workspace's)`,
    )
    .option("--years <n>", "fiscal years to forecast after the current one", "5")
    .option("--inflation <percent>", "yearly price increase, compounded per fiscal year", "0")
    .option("--max-per-year <amount>", "level the capital spend: at most this many dollars a year")
    .option("--level", "level the capital spend to the horizon's yearly average")
    .option(
      "--tolerance <months>",
      `how far a replacement may move from its due date when levelling (default ${DEFAULT_TOLERANCE_MONTHS})`,
    )
    .option("--format <list>", `comma-separated: ${BUDGET_FORMAT_NAMES.join(", ")}`, "table")
    .option("--out <dir>", "write every format into this directory (and the summary to stdout)")
    .action(async (paths: string[], options: BudgetOptions) => {
      setExit(await budget(paths, options, io));
    });
}
