/** `stronghold run`: the town's nightly job in one command (see src/run/nightly.ts). */
import type { Command } from "commander";
import { UsageError } from "../support/errors.js";
import { runNightly, RUN_LOCK_FILE, type Cli } from "../run/nightly.js";
import { renderRunSummary, STAGES, type Stage } from "../run/summary.js";
import { SMTP_PASSWORD_ENV } from "../run/alerts.js";
import type { Io } from "./io.js";
import { cronIsDue } from "../workspace/schedule.js";
import { currentWorkspace, workingDir } from "./workspace-settings.js";
import path from "node:path";
import { parseAt } from "./check-command.js";
import { EVIDENCE_NOT_RECORDED, type LedgerFlag } from "./evidence-ledger.js";

interface RunFlags {
  only?: string;
  dryRun?: boolean;
  utcCron?: string;
  at?: string;
  ledger?: LedgerFlag;
}

function parseStages(only: string | undefined): Stage[] | undefined {
  if (only === undefined) return undefined;
  const names = only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(STAGES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--only ${unknown.length > 0 ? `names no stage ${unknown.map((u) => `"${u}"`).join(", ")}` : "names no stage"}: choose from ${STAGES.join(", ")}`,
    );
  return names as Stage[];
}

async function run(flags: RunFlags, io: Io, cli: Cli): Promise<number> {
  const only = parseStages(flags.only);
  const at = flags.at === undefined ? undefined : parseAt(flags.at);
  if (at !== undefined && flags.utcCron !== undefined)
    throw new UsageError("--at simulates a night and --utc-cron checks the real one: give one");
  const workspace = await currentWorkspace(io);
  if (workspace === undefined)
    throw new UsageError(
      "run needs a workspace: run it in a folder with stronghold.yaml (stronghold init)",
    );
  if (flags.utcCron !== undefined) {
    const due = cronIsDue(workspace, flags.utcCron, new Date());
    if (due === undefined)
      throw new UsageError(
        `--utc-cron "${flags.utcCron}" is not a daily cron: expected "minute hour * * *" as stronghold schedule --emit github writes it`,
      );
    if (!due) {
      io.stdout(
        `stronghold run: not due: the UTC cron "${flags.utcCron}" does not fall at ${workspace.at} ${workspace.timeZone} today (it is the other side of daylight saving time); nothing ran\n`,
      );
      return 0;
    }
  }
  const outcome = await runNightly({
    workspace,
    io,
    cli,
    ...(only === undefined ? {} : { only }),
    dryRun: Boolean(flags.dryRun),
    ...(at === undefined ? {} : { now: () => at, simulated: true }),
    ...(flags.ledger === false
      ? { ledger: false as const }
      : typeof flags.ledger === "string"
        ? { ledger: path.resolve(workingDir(io), flags.ledger) }
        : {}),
  });
  if (outcome.kind === "locked") {
    io.stderr(
      `stronghold: another run (pid ${outcome.holder}) holds ${outcome.lockFile}: this one did not start\n`,
    );
    return 1;
  }
  io.stdout(renderRunSummary(outcome.summary, outcome.file, outcome.dashboard));
  if (outcome.evidenceError !== undefined) {
    io.stderr(
      `stronghold: the run's evidence entry was NOT recorded: ${outcome.evidenceError}\n  Its summary and reports are complete (it would have exited ${outcome.summary.exitCode}).\n`,
    );
    return EVIDENCE_NOT_RECORDED;
  }
  return outcome.summary.exitCode;
}

/** Adds `run` to the program; `cli` runs each stage's command in process. */
export function registerRunCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
  cli: Cli,
): void {
  program
    .command("run")
    .summary("the nightly job: recover, collect, check, the drills due today, summary and alerts")
    .description(
      [
        "Run the workspace's nightly job, each stage as its own command would:",
        "  recover  drill recover: finish the cleanup of drills that were killed",
        "  collect  collect from the Linux hosts into the machines folder",
        "  windows  the Windows machine files in windowsDrop (present, recent)",
        "  check    check every machine; reports into evidence/reports",
        "  drills   the drills due today by the schedule, in the time zone",
        "A failing stage does not stop the others. The run summary (every stage's",
        "status, exit code and duration, the compliance score, the failing",
        "controls, each drill's verdict, RTO and RPO) goes to",
        "evidence/runs/<time>/summary.json, with each stage's output beside it,",
        "and is compared with the previous run's: a stage newly failing, a score",
        "drop, a control newly failing, a drill failing or missing its RTO or RPO",
        "is a regression; the reverse a recovery. One digest of failures,",
        "regressions and recoveries (as notifications.on selects) goes to the",
        `email and webhooks of stronghold.yaml; the SMTP password comes from`,
        `notifications.email.passwordFile or ${SMTP_PASSWORD_ENV}.`,
        "Ctrl-C or SIGTERM lets the stage under way finish (a drill cleans up) and",
        "starts nothing more; such a run exits 1 and is never a baseline.",
        `Runs never overlap: a second one finds ${RUN_LOCK_FILE} held and stops.`,
        "",
        "Exit codes:",
        "  0  every stage passed and nothing regressed",
        "  1  a stage failed, something regressed, or another run holds the lock",
        "  2  usage or input errors (in stronghold.yaml, or met by a stage)",
        "  3  the run's own evidence entry was not appended to the ledger",
        "",
        "Every stage that produces evidence (collect, check, each drill) appends its",
        "entry to the workspace's evidence/ledger (or --ledger) with the run's folder",
        "name; the run's own entry, with summary.json, comes last. Then it writes the",
        "evidence dashboard beside the ledger (evidence/dashboard.html), as",
        "stronghold report html would; a page that cannot be written is said on",
        "screen and does not change the exit code.",
      ].join("\n"),
    )
    .option("--only <stages>", `run only these stages (comma-separated: ${STAGES.join(", ")})`)
    .option(
      "--utc-cron <fields>",
      "the UTC cron that started this run (GitHub Actions); go on only if it falls at schedule.at local time today, else exit 0",
    )
    .option(
      "--at <time>",
      "simulate the night at this time, YYYY-MM-DD or ISO 8601: the day drills are due, the check's --at, the run folder's name and every evidence entry's time",
    )
    .option("--ledger <dir>", "append the evidence entries here instead of evidence/ledger")
    .option("--no-ledger", "append no evidence entries")
    .option(
      "--dry-run",
      "recover as a dry run and say what the other stages would do; no summary baseline, no alerts",
    )
    .action(async (flags: RunFlags) => setExit(await run(flags, io, cli)));
}
