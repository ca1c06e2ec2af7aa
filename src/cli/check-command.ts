/** `stronghold check`: evaluate machine configs against the baselines and write the reports. */
import path from "node:path";
import { Option, type Command } from "commander";
import { runCheck, type CheckRun } from "../check/evaluation/run-check.js";
import { parseShard } from "../check/shard/split.js";
import { runShard } from "./shard-output.js";
import type { CheckReport, FailOn } from "../check/evaluation/report-model.js";
import type { InputProblem } from "../documents/input-problem.js";
import { SEVERITIES } from "../check/evaluation/result.js";
import { InputError, UsageError } from "../support/errors.js";
import { loadChecked } from "../documents/ajv.js";
import { loadAssetRegister, loadLicenseRegister } from "../check/input/registers.js";
import { loadDisposalRegister } from "../check/input/disposals.js";
import { loadIpPlan } from "../check/input/ip-plan.js";
import { locateEvidence } from "../check/input/locate-evidence.js";
import type { Waiver } from "../check/policy/baseline-schema.js";
import { validateWaivers } from "../check/policy/policy-validators.js";
import { loadReferenceData } from "../check/policy/data.js";
import { resolvePolicy } from "../check/policy/resolve.js";
import { FORMATS, REPORTERS, renderTable, type Format } from "../check/report/index.js";
import { writeFileAtomic } from "../output/write-atomic.js";
import { wantsColor, type Io } from "./io.js";
import { parseFormatList } from "./format-list.js";
import { outDirectory } from "./out-dir.js";
import { currentWorkspace } from "./workspace-settings.js";
import { recordCheck } from "../evidence/record-check.js";
import {
  addLedgerOptions,
  hashInputs,
  ledgerTarget,
  recordEvidence,
  storeFiles,
  storeText,
  type LedgerFlag,
  type LedgerTarget,
} from "./evidence-ledger.js";

/** The options of `stronghold check`, as given (a shard file records them for the merge). */
export interface CheckOptions {
  baseline?: string[];
  overlay?: string;
  waivers?: string;
  licenses?: string;
  assets?: string;
  disposals?: string;
  ipPlan?: string;
  at?: string;
  format: string;
  out?: string;
  failOn?: FailOn;
  minScore: string;
  color?: boolean;
  quiet?: boolean;
  shard?: string;
  ledger?: LedgerFlag;
}

/** Accepts YYYY-MM-DD (midnight UTC) or a full ISO 8601 date-time. */
export function parseAt(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const at = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--at "${value}" is not a date: use YYYY-MM-DD or an ISO 8601 date-time`);
  }
  return at;
}

function parseMinScore(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--min-score "${value}" must be a number from 0 to 100`);
  }
  return n;
}

async function loadWaivers(
  file: string | undefined,
): Promise<{ waivers: Waiver[]; problems: InputProblem[] }> {
  if (file === undefined) return { waivers: [], problems: [] };
  const loaded = await loadChecked(file, validateWaivers);
  if (!loaded.ok) return { waivers: [], problems: [...loaded.problems] };
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  loaded.value.waivers.forEach((w, i) => {
    if (seen.has(w.id))
      problems.push({ file, pointer: `/waivers/${i}/id`, message: `repeats waiver id "${w.id}"` });
    seen.add(w.id);
  });
  return { waivers: loaded.value.waivers, problems };
}

/**
 * Like Promise.all, but when several inputs are unusable the user hears about all of them at
 * once, not just the first to fail.
 */
export async function allOrEveryProblem<T extends readonly unknown[]>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
  const other = failures.find((e) => !(e instanceof InputError));
  if (other !== undefined)
    throw other instanceof Error ? other : new Error("failed", { cause: other });
  if (failures.length > 0)
    throw new InputError(failures.flatMap((e) => (e as InputError).problems));
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

function writeReports(report: CheckReport, formats: readonly Format[], out: string): string[] {
  const put = outDirectory(out);
  return formats.map((format) => {
    const reporter = REPORTERS[format];
    return put(reporter.fileName, (file) =>
      writeFileAtomic(file, (write) => reporter.render(report, write)),
    );
  });
}

/**
 * Inside a workspace, what the command line leaves out comes from stronghold.yaml: the machine
 * folder (and network devices), overlay, waivers, registers, IP plan and --fail-on. Flags win.
 */
async function withWorkspace(
  paths: string[],
  options: CheckOptions,
  io: Io,
): Promise<{ paths: string[]; options: CheckOptions & { failOn: FailOn } }> {
  const ws = await currentWorkspace(io);
  if (ws === undefined) {
    if (paths.length === 0)
      throw new UsageError(
        "check needs machine configs: give a path, or run it inside a workspace (stronghold init)",
      );
    return { paths, options: { ...options, failOn: options.failOn ?? "low" } };
  }
  const fromWorkspace = {
    // --baseline chooses baselines itself: the workspace's overlay would contradict it.
    ...(options.baseline === undefined && ws.overlay !== undefined ? { overlay: ws.overlay } : {}),
    ...(ws.waivers !== undefined ? { waivers: ws.waivers } : {}),
    ...(ws.registers.licenses !== undefined ? { licenses: ws.registers.licenses } : {}),
    ...(ws.registers.assets !== undefined ? { assets: ws.registers.assets } : {}),
    ...(ws.registers.disposals !== undefined ? { disposals: ws.registers.disposals } : {}),
    ...(ws.ipPlan !== undefined ? { ipPlan: ws.ipPlan } : {}),
  };
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return {
    paths:
      paths.length > 0
        ? paths
        : [
            ws.machines,
            ...(ws.windowsDrop === undefined ? [] : [ws.windowsDrop]),
            ...(ws.networkDevices === undefined ? [] : [ws.networkDevices]),
          ],
    options: {
      ...fromWorkspace,
      ...(given as CheckOptions),
      failOn: options.failOn ?? (ws.failOn as FailOn | undefined) ?? "low",
    },
  };
}

/** What a run needs once its options are read and its side inputs loaded. */
export interface CheckSetup {
  readonly paths: string[];
  readonly options: CheckOptions & { failOn: FailOn };
  readonly run: Omit<CheckRun, "inputs" | "stdin">;
}

/** Loads the policy, reference data, registers, IP plan and waivers the options name. */
export async function loadCheckSetup(
  paths: string[],
  options: CheckOptions & { failOn: FailOn },
): Promise<CheckSetup> {
  const at = parseAt(options.at);
  const minScore = parseMinScore(options.minScore);
  if (options.overlay !== undefined && options.baseline !== undefined) {
    throw new UsageError(
      "--baseline and --overlay both choose baselines: list them in the overlay's extends",
    );
  }
  const selection = {
    ...(options.baseline ? { baselines: options.baseline.flatMap((b) => b.split(",")) } : {}),
    ...(options.overlay !== undefined ? { overlayFile: options.overlay } : {}),
  };
  const [policy, reference, licenses, assets, disposals, ipPlan, waivers] = await allOrEveryProblem(
    [
      resolvePolicy({ at, ...selection }),
      loadReferenceData(),
      options.licenses === undefined ? undefined : loadLicenseRegister(options.licenses),
      options.assets === undefined ? undefined : loadAssetRegister(options.assets),
      options.disposals === undefined ? undefined : loadDisposalRegister(options.disposals),
      options.ipPlan === undefined ? undefined : loadIpPlan(options.ipPlan),
      loadWaivers(options.waivers),
    ] as const,
  );
  return {
    paths,
    options,
    run: {
      policy,
      data: {
        ...reference,
        ...(licenses ? { licenses: licenses.register } : {}),
        ...(assets ? { assets: assets.register } : {}),
        ...(disposals ? { disposals: disposals.register } : {}),
        ...(ipPlan ? { ipPlan: ipPlan.plan } : {}),
      },
      waivers: waivers.waivers,
      at,
      failOn: options.failOn,
      minScore,
      problems: [
        ...(licenses?.problems ?? []),
        ...(assets?.problems ?? []),
        ...(disposals?.problems ?? []),
        ...(ipPlan?.problems ?? []),
        ...waivers.problems,
      ],
    },
  };
}

/** Where the reports go, shared by `check` and `report merge`. */
export interface ReportOutput {
  readonly formats: readonly Format[];
  readonly out?: string;
  readonly quiet?: boolean;
  readonly color?: boolean;
}

/** The formats with the options given: --out, --quiet, --color / --no-color. */
export function reportOutput(
  formats: readonly Format[],
  options: { out?: string; quiet?: boolean; color?: boolean },
): ReportOutput {
  return {
    formats,
    ...(options.out === undefined ? {} : { out: options.out }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
    ...(options.color === undefined ? {} : { color: options.color }),
  };
}

/** Writes the reports (stdout or --out) and returns the exit code: 2 problems, 1 gate, 0 pass. */
export function emitReports(given: CheckReport, output: ReportOutput, io: Io): number {
  let report = given;
  const { formats } = output;
  // SARIF viewers point at lines: locate what the first read could not (only SARIF shows them).
  if (formats.includes("sarif")) report = { ...report, subjects: locateEvidence(report.subjects) };
  const color = wantsColor(io, output.color);
  if (output.out === undefined) {
    const format = formats[0]!;
    if (format === "table") renderTable(report, io.stdout, { color });
    else REPORTERS[format].render(report, io.stdout);
  } else {
    const written = writeReports(report, formats, output.out);
    if (!output.quiet) renderTable(report, io.stdout, { color });
    for (const file of written) io.stderr(`wrote ${file}\n`);
  }
  if (report.problems.length > 0) return 2;
  return report.gate.passed ? 0 : 1;
}

async function check(
  givenPaths: string[],
  givenOptions: CheckOptions,
  io: Io,
  formatGiven: boolean,
): Promise<number> {
  const { paths, options } = await withWorkspace(givenPaths, givenOptions, io);
  if (options.shard !== undefined) {
    const shard = parseShard(options.shard);
    if (formatGiven)
      throw new UsageError(
        "--shard writes a shard file, not reports: give --format to stronghold report merge",
      );
    const setup = await loadCheckSetup(paths, options);
    return runShard(setup, shard, io);
  }
  const formats = parseFormatList(options.format, FORMATS, options.out);
  const target = await ledgerTarget(options.ledger, io);
  const setup = await loadCheckSetup(paths, options);
  const report = await runCheck({
    ...setup.run,
    inputs: paths,
    stdin: io.stdin,
    locateEvidence: formats.includes("sarif"),
  });
  const output = reportOutput(formats, options);
  const code = emitReports(report, output, io);
  return recordEvidence(target, (t) => checkEntry(t, setup, report, output), io, code);
}

/**
 * The check's ledger entry: its report's figures, the files it read and the reports it wrote.
 * A merge passes its shard files, which it read in place of machine files it may not have.
 */
export function checkEntry(
  target: LedgerTarget,
  setup: CheckSetup,
  report: CheckReport,
  output: ReportOutput,
  shardFiles: readonly string[] = [],
) {
  const { options, run } = setup;
  const machineFiles = [
    ...new Set(report.subjects.flatMap((s) => (s.source === undefined ? [] : [s.source.file]))),
  ].sort();
  const inputs = hashInputs(target, [
    ...shardFiles.map((file) => ({ role: "shard", file })),
    ...machineFiles.map((file) => ({ role: "machine", file })),
    ...run.policy.baselines.map((b) => ({ role: "baseline", file: b.file })),
    { role: "overlay", file: run.policy.overlay?.file ?? options.overlay },
    { role: "waivers", file: options.waivers },
    { role: "licenses", file: options.licenses },
    { role: "assets", file: options.assets },
    { role: "disposals", file: options.disposals },
    { role: "ip-plan", file: options.ipPlan },
  ]);
  const written =
    output.out === undefined
      ? []
      : output.formats
          .filter((f) => f !== "table")
          .map((f) => path.resolve(output.out!, REPORTERS[f].fileName));
  const artifacts = storeFiles(target, written);
  if (!output.formats.includes("json") || output.out === undefined) {
    let json = "";
    REPORTERS.json.render(report, (chunk) => void (json += chunk));
    artifacts.push(storeText(target, REPORTERS.json.fileName, json));
  }
  return recordCheck({
    report,
    town: target.town,
    waivers: run.waivers,
    inputs,
    artifacts,
    ...(target.run === undefined ? {} : { run: target.run }),
  });
}

export function registerCheckCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const command = program
    .command("check")
    .summary("check machine configs against the security, acceptable-use and lifecycle baselines")
    .description(
      [
        "Evaluate machine configurations against the baselines and write reports.",
        "",
        "PATH: a directory of YAML/JSON machine files (one machine each), a fleet",
        "file ({ machines: [...] } in YAML or JSON, or JSON Lines), or - for stdin",
        "(JSON Lines, checked as they arrive, or one document of up to 32 MiB).",
        "",
        "Inside a workspace (a folder with stronghold.yaml, see stronghold init),",
        "the paths, overlay, waivers, registers, IP plan and --fail-on default to",
        "the workspace's; options given here win.",
        "",
        "Exit codes:",
        "  0  nothing at or above --fail-on failed; fleet score >= --min-score",
        "  1  otherwise",
        "  2  usage or input errors (all listed; the rest is still checked)",
        "  3  the reports were written but the evidence entry was not appended to",
        "     the ledger (inside a workspace, or with --ledger; see stronghold evidence)",
      ].join("\n"),
    )
    .argument(
      "[path...]",
      "machine files, directories, fleet files, network-device CSV exports, or - for stdin (default: the workspace's machines)",
    )
    .option(
      "--baseline <ids...>",
      "baseline ids or YAML files (default: security, acceptable-use, lifecycle)",
    )
    .option(
      "--overlay <file>",
      "the town's tailoring: which baselines, controls, parameters, severities",
    )
    .option("--waivers <file>", "approved exceptions with scope and expiry (YAML)")
    .option(
      "--licenses <file>",
      "license register (CSV: Product,Publisher,Seats,License Type,Expires,Reference)",
    )
    .option(
      "--assets <file>",
      "asset register (CSV: Asset Tag,Serial Number,Hostname,Department,Site,Model,Purchase Date,Status)",
    )
    .option(
      "--disposals <file>",
      "disposal register (CSV written by stronghold dispose: Asset Tag,Method,Wiped At,Performed By,Witness,Certificate,Certificate SHA-256)",
    )
    .option(
      "--ip-plan <file>",
      "IP plan (YAML: sites, subnets with VLAN and CIDR, reserved ranges, DHCP scopes)",
    )
    .option(
      "--at <date>",
      "evaluation time, YYYY-MM-DD or ISO 8601 (default: now); makes a report reproducible",
    )
    .option("--format <list>", `comma-separated: ${FORMATS.join(", ")}`, "table")
    .option("--out <dir>", "write every format into this directory (and the summary to stdout)")
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when anything at or above this severity fails (default: low, or the workspace's)",
      ).choices([...SEVERITIES, "never"]),
    )
    .option("--min-score <n>", "exit 1 when the fleet score is below this (0-100)", "0")
    .option("--color", "force colour in the terminal summary")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    .option("-q, --quiet", "with --out, do not print the summary")
    .option(
      "--shard <i/n>",
      "evaluate only share i of n and write a shard file (to --out <dir>, or stdout) for stronghold report merge",
    );
  addLedgerOptions(command).action(
    async (paths: string[], options: CheckOptions, command: Command) => {
      const formatGiven = command.getOptionValueSource("format") === "cli";
      setExit(await check(paths, options, io, formatGiven));
    },
  );
}
