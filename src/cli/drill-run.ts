/** `drill run`: plans the drill from its settings, prints the plan (dry run) or runs it, and maps the verdict to an exit code. */
import { planDrill } from "../drill/planning/plan.js";
import {
  listrProgress,
  plainProgress,
  renderPlan,
  renderSummary,
} from "../drill/running/progress.js";
import { executeDrill, type DrillObserver } from "../drill/running/run-drill.js";
import { UsageError } from "../support/errors.js";
import {
  repositoryEnv,
  resolveRunSettings,
  runbookOrUsage,
  type RunFlags,
  type RunSettings,
} from "./drill-settings.js";
import type { Io } from "./io.js";
import type { EntryDraft } from "../evidence/entry.js";
import { recordDrill } from "../evidence/record-drill.js";
import type { DrillRun } from "../drill/results/run-record.js";
import type { Runbook } from "../drill/runbook/runbook.js";
import { drillEntryParts } from "./drill-evidence.js";
import { RUN_NAME_ENV } from "../evidence/record-run.js";
import { ledgerTarget, recordEvidence, type LedgerTarget } from "./evidence-ledger.js";

/** Exit codes of `drill run`. */
const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

/** Runs (or dry-runs) one drill; resolves with the exit code. */
export async function runDrillCommand(id: string, flags: RunFlags, io: Io): Promise<number> {
  const runbook = runbookOrUsage(id);
  const {
    inventory,
    choice,
    password,
    options,
    runId,
    evidenceDir,
    rtoMinutes,
    rpoMinutes,
    targets,
    files,
  } = await resolveRunSettings(runbook, flags, io);
  const repository = choice?.location;
  const planned = planDrill({
    runbook,
    inventory,
    options,
    choices: targets,
    ...(rtoMinutes === undefined ? {} : { rtoMinutes }),
    ...(rpoMinutes === undefined ? {} : { rpoMinutes }),
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
  const needsPassword =
    runbook.meta.runnerPassword === "fresh-snapshot" ? options.freshSnapshot : true;
  if (flags.dryRun) {
    const shown = needsPassword
      ? (password?.describe ?? "not given")
      : "not used by this run (the hosts use their own)";
    io.stdout(renderPlan(plan, { evidenceDir, password: shown }));
    return EXIT.passed;
  }

  if (plan.repository !== undefined && password === undefined && needsPassword)
    throw new UsageError(
      "the repository password is needed: --password-file <file> (or RESTIC_PASSWORD_FILE / RESTIC_PASSWORD)",
    );
  // A drill that does not need the runner's credentials does not even read them.
  const env = choice && needsPassword ? repositoryEnv(choice, io) : {};
  const secret = needsPassword ? password?.read() : undefined;
  // The task list redraws the terminal; it needs one wide enough to draw in.
  const live =
    io.isTTY && !flags.plain && (process.stdout.columns ?? 0) >= 40
      ? listrProgress(plan)
      : undefined;
  const observer: DrillObserver = live?.observer ?? plainProgress(io.stdout);
  const nightly = io.env[RUN_NAME_ENV];
  let result;
  try {
    result = await executeDrill(plan, {
      evidenceDir,
      ...(secret ? { password: secret } : {}),
      env,
      observer: withSignals(observer, io),
      handleSignals: true,
      ...(nightly ? { nightly } : {}),
    });
  } finally {
    await live?.done();
  }
  io.stdout(renderSummary(result));
  return recordEvidence(
    await ledgerTarget(flags.ledger, io),
    (t) => drillEntry(t, runbook, result, files),
    io,
    exitCodeOf(result, runbook.meta.id, io),
  );
}

/** The drill's ledger entry: its record, the files it read and the evidence it wrote. */
async function drillEntry(
  target: LedgerTarget,
  runbook: Runbook,
  result: DrillRun,
  files: RunSettings["files"],
): Promise<EntryDraft> {
  return recordDrill({
    run: result,
    ...(target.at === undefined ? {} : { at: target.at }),
    ...(await drillEntryParts(target, runbook, result.evidenceDir, files)),
  });
}

/** The exit code of a finished drill, with the one line that says why it did not pass. */
function exitCodeOf(result: DrillRun, id: string, io: Io): number {
  const v = result.verdict;
  if (v.status === "passed") return EXIT.passed;
  if (v.status === "refused") {
    // A refusal before any step: every reason, and what to do about it.
    const [first, ...rest] = v.reasons;
    io.stderr(
      `stronghold: drill ${id} refused: ${first ?? v.failedAt}\n${rest.map((r) => `  ${r}\n`).join("")}`,
    );
    return EXIT.usage;
  }
  // One line: the first reason says which step failed and why; the report has the rest.
  io.stderr(`stronghold: drill ${id} ${v.status}: ${v.reasons[0] ?? v.failedAt}\n`);
  return EXIT.failed;
}

/** Signals are always worth a line on stderr, whatever renders the steps. */
function withSignals(observer: DrillObserver, io: Io): DrillObserver {
  return {
    ...observer,
    signal: (signal, action) => io.stderr(`stronghold: ${signal}: ${action}\n`),
  };
}
