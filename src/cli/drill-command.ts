/** `stronghold drill`: list, show, run (or dry-run) the disaster-drill runbooks, and their history. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { RUNBOOKS, findRunbook } from "../../runbooks/index.js";
import {
  parseRepository,
  repositoryFromStackOutputs,
  type RepositoryLocation,
  type S3Credentials,
} from "../restic/repository.js";
import { Secret } from "../support/secret.js";
import { loadDrillConfig, type DrillConfigValues } from "../drill/planning/config.js";
import { readHistory, renderHistoryTable } from "../drill/evidence/history.js";
import { formatDuration } from "../drill/evidence/metrics.js";
import { planDrill } from "../drill/planning/plan.js";
import {
  listrProgress,
  plainProgress,
  renderPlan,
  renderSummary,
} from "../drill/running/progress.js";
import { executeDrill, type DrillObserver } from "../drill/running/run-drill.js";
import type { Runbook } from "../drill/runbook/runbook.js";
import type { DrillOptions } from "../drill/runbook/settings.js";
import { InputError, UsageError } from "../support/errors.js";
import { readDocumentSync } from "../documents/read-document.js";
import { loadInventory } from "../hosts/load-inventory.js";
import type { Io } from "./io.js";

interface RunFlags {
  hosts?: string;
  config?: string;
  repo?: string;
  stackOutputs?: string;
  cacert?: string;
  passwordFile?: string;
  target?: string[];
  data?: string;
  restoreTo?: string;
  healthCheck?: string;
  sample?: string;
  checkSubset?: string;
  freshSnapshot?: boolean;
  rtoMinutes?: string;
  rpoMinutes?: string;
  dryRun?: boolean;
  reportDir?: string;
  runsDir?: string;
  plain?: boolean;
}

const DEFAULT_RUNS_DIR = "runs";

/** Exit codes of `drill run`. */
const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

function runbookOrUsage(id: string): Runbook {
  const runbook = findRunbook(id);
  if (!runbook)
    throw new UsageError(
      `no runbook "${id}": choose one of ${RUNBOOKS.map((r) => r.meta.id).join(", ")} (stronghold drill list)`,
    );
  return runbook;
}

function minutes(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${option} "${value}" must be a positive number of minutes`);
  return n;
}

function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${option} "${value}" must be a whole number ≥ 1`);
  return n;
}

function targetChoices(
  values: readonly string[],
  config: Readonly<Record<string, string>>,
): Map<string, string> {
  const choices = new Map(Object.entries(config));
  for (const value of values) {
    const match = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(value);
    if (!match)
      throw new UsageError(`--target "${value}" must be role=host, e.g. file-server=fs01`);
    choices.set(match[1]!, match[2]!);
  }
  return choices;
}

interface RepositoryChoice {
  readonly location: RepositoryLocation;
  /** Keys saved in the stack outputs (with --show-secrets), used before the environment's. */
  readonly credentials?: S3Credentials;
}

/** The repository from --repo / --stack-outputs (flags first, then the config file). */
function repositoryOf(flags: RunFlags, config: DrillConfigValues): RepositoryChoice | undefined {
  const spec = flags.repo ?? (flags.stackOutputs === undefined ? config.repository : undefined);
  const outputs =
    flags.stackOutputs ?? (flags.repo === undefined ? config.stackOutputs : undefined);
  if (flags.repo !== undefined && flags.stackOutputs !== undefined)
    throw new UsageError("--repo and --stack-outputs both name the repository: give one");
  let location: RepositoryLocation | undefined;
  let credentials: S3Credentials | undefined;
  if (spec !== undefined) location = parseRepository(spec);
  else if (outputs !== undefined) {
    const doc = readDocumentSync(outputs);
    if (!doc.ok) throw new InputError([doc.problem]);
    const found = repositoryFromStackOutputs(doc.value, outputs);
    if (!found.ok) throw new InputError(found.problems);
    location = found.location;
    credentials = found.credentials;
  }
  const cacert = flags.cacert ?? config.cacert;
  if (location && cacert !== undefined) {
    if (location.kind !== "s3" && location.kind !== "rest")
      throw new UsageError(`--cacert applies to s3: and rest: repositories, not ${location.kind}`);
    location = { ...location, caCertFile: cacert };
  }
  return location === undefined ? undefined : { location, ...(credentials ? { credentials } : {}) };
}

function readPasswordFile(file: string, option: string): Secret {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `${option} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const password = text.split(/\r?\n/)[0] ?? "";
  if (password === "")
    throw new UsageError(`${option} ${file} is empty: its first line is the repository password`);
  return new Secret(password);
}

/** The password and how it was given (for the plan), from flag, config or restic's own variables. */
function passwordSource(
  flags: RunFlags,
  config: DrillConfigValues,
  io: Io,
): { describe: string; read: () => Secret } | undefined {
  const file = flags.passwordFile ?? config.passwordFile;
  if (file !== undefined)
    return { describe: `from file ${file}`, read: () => readPasswordFile(file, "--password-file") };
  const envFile = io.env.RESTIC_PASSWORD_FILE;
  if (envFile)
    return {
      describe: `from RESTIC_PASSWORD_FILE (${envFile})`,
      read: () => readPasswordFile(envFile, "RESTIC_PASSWORD_FILE"),
    };
  const envPassword = io.env.RESTIC_PASSWORD;
  if (envPassword) return { describe: "from RESTIC_PASSWORD", read: () => new Secret(envPassword) };
  return undefined;
}

/** Cloud credentials restic needs for the repository, as Secrets: from the stack outputs, else the environment. */
function repositoryEnv(choice: RepositoryChoice, io: Io): Record<string, Secret | string> {
  if (choice.location.kind !== "s3") return {};
  const id = choice.credentials?.accessKeyId.reveal() ?? io.env.AWS_ACCESS_KEY_ID;
  const key = choice.credentials?.secretAccessKey.reveal() ?? io.env.AWS_SECRET_ACCESS_KEY;
  if (!id || !key)
    throw new UsageError(
      "an s3: repository needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (or stack outputs saved with --show-secrets)",
    );
  const env: Record<string, Secret | string> = {
    AWS_ACCESS_KEY_ID: new Secret(id),
    AWS_SECRET_ACCESS_KEY: new Secret(key),
  };
  if (io.env.AWS_SESSION_TOKEN) env.AWS_SESSION_TOKEN = new Secret(io.env.AWS_SESSION_TOKEN);
  if (io.env.AWS_DEFAULT_REGION) env.AWS_DEFAULT_REGION = io.env.AWS_DEFAULT_REGION;
  return env;
}

/** `2026-05-01T10-20-30Z-file-deletion`, made unique in the runs folder. */
function newRunId(runbook: string, runsDir: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
  let id = `${stamp}-${runbook}`;
  for (let n = 2; existsSync(path.join(runsDir, id)); n++) id = `${stamp}-${runbook}-${n}`;
  return id;
}

async function run(id: string, flags: RunFlags, io: Io): Promise<number> {
  const runbook = runbookOrUsage(id);
  let config: DrillConfigValues = { targets: {} };
  if (flags.config !== undefined) {
    const loaded = await loadDrillConfig(
      flags.config,
      runbook.meta.id,
      RUNBOOKS.map((r) => r.meta.id),
    );
    if (!loaded.ok) throw new InputError(loaded.problems);
    config = loaded.values;
  }
  const hostsFile = flags.hosts ?? config.hosts;
  if (hostsFile === undefined)
    throw new UsageError("drill run needs --hosts <inventory file> (or hosts: in --config)");
  const inventory = await loadInventory(hostsFile);
  if (!inventory.ok) throw new InputError(inventory.problems);

  const choice = repositoryOf(flags, config);
  const repository = choice?.location;
  const password = passwordSource(flags, config, io);
  const options: DrillOptions = {
    ...definedOnly({
      data: flags.data ?? config.data,
      restoreTo: flags.restoreTo ?? config.restoreTo,
      healthCheck: flags.healthCheck ?? config.healthCheck,
      sample: positiveInteger("--sample", flags.sample) ?? config.sample,
      checkSubset: flags.checkSubset ?? config.checkSubset,
    }),
    freshSnapshot: flags.freshSnapshot ?? config.freshSnapshot ?? false,
  };
  const runsDir = flags.runsDir ?? config.runsDir ?? DEFAULT_RUNS_DIR;
  const runId = newRunId(runbook.meta.id, runsDir);
  const evidenceDir = flags.reportDir ?? path.join(runsDir, runId);
  const rto = minutes("--rto-minutes", flags.rtoMinutes) ?? config.rtoMinutes;
  const rpo = minutes("--rpo-minutes", flags.rpoMinutes) ?? config.rpoMinutes;
  const planned = planDrill({
    runbook,
    inventory: inventory.inventory,
    options,
    choices: targetChoices(flags.target ?? [], config.targets),
    ...(rto === undefined ? {} : { rtoMinutes: rto }),
    ...(rpo === undefined ? {} : { rpoMinutes: rpo }),
    ...(repository ? { repository } : {}),
    runId,
  });
  if (!planned.ok) {
    if (planned.kind === "usage")
      throw new UsageError(
        `cannot plan drill ${runbook.meta.id}:\n  ${planned.problems.join("\n  ")}`,
      );
    io.stderr(
      `stronghold: drill ${runbook.meta.id} refused before any step ran (fencing):\n${planned.refusals.map((r) => `  ${r.message}`).join("\n")}\n`,
    );
    return EXIT.usage;
  }
  const plan = planned.plan;
  if (flags.dryRun) {
    io.stdout(renderPlan(plan, { evidenceDir, password: password?.describe ?? "not given" }));
    return EXIT.passed;
  }

  if (plan.repository !== undefined && password === undefined)
    throw new UsageError(
      "the repository password is needed: --password-file <file> (or RESTIC_PASSWORD_FILE / RESTIC_PASSWORD)",
    );
  const env = choice ? repositoryEnv(choice, io) : {};
  const secret = password?.read();
  // The task list redraws the terminal; it needs one wide enough to draw in.
  const live =
    io.isTTY && !flags.plain && (process.stdout.columns ?? 0) >= 40
      ? listrProgress(plan)
      : undefined;
  const observer: DrillObserver = live?.observer ?? plainProgress(io.stdout);
  let result;
  try {
    result = await executeDrill(plan, {
      evidenceDir,
      ...(secret ? { password: secret } : {}),
      env,
      observer: withSignals(observer, io),
      handleSignals: true,
    });
  } finally {
    await live?.done();
  }
  io.stdout(renderSummary(result));
  const v = result.verdict;
  if (v.status === "passed") return EXIT.passed;
  // One line: the first reason says which step failed and why; the report has the rest.
  io.stderr(`stronghold: drill ${runbook.meta.id} ${v.status}: ${v.reasons[0] ?? v.failedAt}\n`);
  return v.status === "refused" ? EXIT.usage : EXIT.failed;
}

/** Signals are always worth a line on stderr, whatever renders the steps. */
function withSignals(observer: DrillObserver, io: Io): DrillObserver {
  return {
    ...observer,
    signal: (signal, action) => io.stderr(`stronghold: ${signal}: ${action}\n`),
  };
}

function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function list(format: string, io: Io): number {
  if (format === "json") {
    io.stdout(
      `${JSON.stringify(
        RUNBOOKS.map((r) => ({
          id: r.meta.id,
          title: r.meta.title,
          rtoMinutes: r.meta.rtoMinutes,
          rpoMinutes: r.meta.rpoMinutes,
          roles: Object.values(r.meta.targets).map((t) => t.role),
        })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const rows = RUNBOOKS.map((r) => [
    r.meta.id,
    r.meta.title,
    r.steps.some((s) => s.phase === "inject") ? formatDuration(r.meta.rtoMinutes * 60) : "n/a",
    formatDuration(r.meta.rpoMinutes * 60),
  ]);
  const header = ["ID", "Title", "RTO", "RPO"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    io.stdout(
      `${row
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  return 0;
}

function show(id: string, io: Io): number {
  const r = runbookOrUsage(id);
  const m = r.meta;
  const needs = r.settings({ freshSnapshot: false });
  const out = [
    `${m.id}: ${m.title}`,
    "",
    m.scenario,
    "",
    "Proves:",
    ...m.proves.map((p) => `  - ${p}`),
    "",
    `Objectives (defaults): RTO ${r.steps.some((s) => s.phase === "inject") ? formatDuration(m.rtoMinutes * 60) : "not measured (no disaster is injected)"}, RPO ${formatDuration(m.rpoMinutes * 60)}`,
    "",
    "Targets (chosen from the inventory by role):",
    ...Object.entries(m.targets).map(
      ([key, t]) =>
        `  ${key}: role ${t.role}${t.destructive ? " (changed by the drill: must be a drill target)" : ""} — ${t.purpose}`,
    ),
    ...(needs.ok
      ? []
      : [
          "",
          "Needs:",
          ...needs.problems.map(
            (p) => `  ${p.option} ${p.message.replace(/^is required: /, "— ")}`,
          ),
        ]),
    "",
    "Steps:",
    ...r.steps.map(
      (s, i) =>
        `  ${String(i + 1).padStart(2)}. ${s.phase.padEnd(9)} ${s.name} [${s.kind}] timeout ${formatDuration(s.timeoutMs / 1000)}${s.retry.attempts > 1 ? `, ${s.retry.attempts} tries` : ""}\n      ${s.summary}`,
    ),
    "",
  ];
  io.stdout(out.join("\n"));
  return 0;
}

function history(options: { dir: string; runbook?: string; format: string }, io: Io): number {
  if (options.runbook !== undefined) runbookOrUsage(options.runbook);
  const h = readHistory(options.dir, options.runbook);
  if (options.format === "json") io.stdout(`${JSON.stringify(h.entries, null, 2)}\n`);
  else if (h.entries.length === 0) io.stdout(`no drill runs in ${options.dir}\n`);
  else io.stdout(renderHistoryTable(h));
  for (const p of h.problems) io.stderr(`stronghold: ${p}\n`);
  return h.problems.length > 0 ? 2 : 0;
}

/** Adds `stronghold drill` and its subcommands to the program. */
export function registerDrillCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const drill = program
    .command("drill")
    .summary("run disaster-drill runbooks that really restore from the offsite backup")
    .description(
      [
        "Disaster drills: simulate a disaster on drill targets, recover from the",
        "offsite restic repository, verify every byte, and measure RTO and RPO",
        "against the town's targets. Every run leaves a journal, a Markdown report",
        "and JUnit XML in runs/<time>-<runbook>/.",
      ].join("\n"),
    );

  drill
    .command("list")
    .description("list the runbooks")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
    )
    .action((options: { format: string }) => setExit(list(options.format, io)));

  drill
    .command("show")
    .description("show a runbook: scenario, what it proves, targets, what it needs, its steps")
    .argument("<id>", "runbook id (see drill list)")
    .action((id: string) => setExit(show(id, io)));

  drill
    .command("run")
    .summary("run a drill, or print its plan with --dry-run")
    .description(
      [
        "Run a drill (or print its plan with --dry-run).",
        "",
        "Destructive steps run only on hosts marked drill.target in the inventory,",
        "and only inside their sandbox paths (checked as written, then on the host",
        "with links resolved); anything else is refused before any step runs.",
        "Cleanup always runs, also on Ctrl-C or SIGTERM; a second Ctrl-C still",
        "waits for cleanup, up to a bound.",
        "",
        "Exit codes:",
        "  0  every step passed and the RTO and RPO targets were met",
        "  1  the drill failed: a step failed, timed out or was interrupted,",
        "     or a target was missed",
        "  2  usage or input errors (all listed), an unknown runbook,",
        "     or a fencing refusal",
      ].join("\n"),
    )
    .argument("<id>", "runbook id (see drill list)")
    .option("--hosts <file>", "hosts inventory (YAML); required unless --config names one")
    .option("--config <file>", "drill config file (YAML) with the values below; flags win")
    .option(
      "--repo <spec>",
      "restic repository: /path, sftp:…, s3:https://host/bucket/prefix, rest:https://…",
    )
    .option(
      "--stack-outputs <file>",
      "saved `pulumi stack output --json` naming the offsite bucket",
    )
    .option(
      "--cacert <file>",
      "CA certificate for an s3:/rest: endpoint, on the host restic runs on",
    )
    .option(
      "--password-file <file>",
      "repository password file (else RESTIC_PASSWORD_FILE or RESTIC_PASSWORD)",
    )
    .option(
      "--target <role=host...>",
      "choose the inventory host for a role, e.g. file-server=fs01",
    )
    .option("--data <path>", "the share the drill works on, on the file server (absolute)")
    .option(
      "--restore-to <path>",
      "site-loss: where the share is restored on the DR host (default: a new folder in its sandbox)",
    )
    .option(
      "--health-check <command>",
      "site-loss: shell command run on the DR host in the restored folder; exit 0 = healthy",
    )
    .option("--sample <n>", "backup-integrity: how many files to restore and verify (default 20)")
    .option(
      "--check-subset <subset>",
      'restic check --read-data-subset: "n/N", "x%" or "auto" (a seventh, rotating by day)',
    )
    .option(
      "--fresh-snapshot",
      "take a snapshot at preflight instead of recovering from the newest one",
    )
    .option("--rto-minutes <n>", "recovery time objective for this run (default: the runbook's)")
    .option("--rpo-minutes <n>", "recovery point objective for this run (default: the runbook's)")
    .option("--dry-run", "print the plan (targets, steps, commands, paths) and touch nothing")
    .option("--report-dir <dir>", "write the evidence here instead of <runs-dir>/<time>-<runbook>/")
    .option("--runs-dir <dir>", `folder for run folders (default ${DEFAULT_RUNS_DIR})`)
    .option("--plain", "plain progress lines even on a terminal")
    .action(async (id: string, flags: RunFlags) => setExit(await run(id, flags, io)));

  drill
    .command("history")
    .description(
      "list past runs with RTO/RPO against their targets and the change since the previous run",
    )
    .option("--dir <dir>", "runs folder", DEFAULT_RUNS_DIR)
    .option("--runbook <id>", "only this runbook's runs")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
    )
    .action((options: { dir: string; runbook?: string; format: string }) =>
      setExit(history(options, io)),
    );
}
