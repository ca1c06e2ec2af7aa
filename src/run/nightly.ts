/**
 * `stronghold run`: the town's nightly job. Under one lock, in order: drill recover, collect,
 * the Windows drop, check, the drills due today; then the run summary, compared with the previous
 * run's, and one alert digest. Each stage runs the same command a person would, in process; a
 * failing stage does not stop the others.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { REPORT_FILE, type CollectionReport } from "../collect/collection-report.js";
import { readHistory } from "../drill/results/history.js";
import type { TargetMetric } from "../drill/results/run-record.js";
import type { Workspace } from "../workspace/workspace-file.js";
import { RUN_LOCK_FILE } from "../workspace/schedule.js";
import type { Io } from "../cli/io.js";
import { writeDashboard } from "../cli/report-html.js";
import { digestOf, sendDigest, type AlertKind } from "./alerts.js";
import { drillsDue, localDay } from "./due.js";
import { acquireLock } from "../support/lock.js";
import { appendEntry, hashFile, ledgerExists, storeArtifact } from "../evidence/ledger.js";
import { recordRun, RUN_AT_ENV, RUN_NAME_ENV } from "../evidence/record-run.js";
import { HANDLED_SIGNALS, type HandledSignal } from "../drill/running/interrupts.js";
import {
  compareRuns,
  exitCodeOf,
  previousSummary,
  SUMMARY_FILE,
  type CheckFigures,
  type DrillFigure,
  type Stage,
  type StageResult,
  type StageStatus,
  type RunSummary,
} from "./summary.js";

/** Runs one `stronghold` command line in process and resolves with its exit code. */
export type Cli = (args: readonly string[], io: Io) => Promise<number>;

export { RUN_LOCK_FILE };
/** Windows machine files older than this mean the Windows collector has stopped writing. */
export const WINDOWS_STALE_HOURS = 48;
/** The check report `run` reads its figures from. */
const CHECK_REPORT = "stronghold-report.json";

export interface RunOptions {
  readonly workspace: Workspace;
  readonly io: Io;
  readonly cli: Cli;
  /** The stages to run (default all). */
  readonly only?: readonly Stage[];
  readonly dryRun?: boolean;
  readonly now?: () => Date;
  /**
   * The evidence ledger every stage's entry and the run's own go to; false appends none. The
   * check stage evaluates at the run's start time (so `now` can simulate a night).
   */
  readonly ledger?: string | false;
  /** The check stage's --at: the run's start, when the night is simulated. */
  readonly simulated?: boolean;
}

export type RunOutcome =
  | {
      readonly kind: "ran";
      readonly summary: RunSummary;
      readonly file: string;
      /** Why the run's own evidence entry was not appended, when it was not. */
      readonly evidenceError?: string;
      /** The dashboard the run wrote after its entry, or why it could not; none without a ledger. */
      readonly dashboard?: DashboardOutcome;
    }
  | { readonly kind: "locked"; readonly holder: number; readonly lockFile: string };

/** The page `stronghold report html` would write from the run's ledger, and whether it was. */
export interface DashboardOutcome {
  readonly file: string;
  /** Why it was not written (it never fails the run: the page can be written again). */
  readonly error?: string;
}

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
}

/** One line saying why a command failed, or what it did. */
function lineOf(c: Captured): string {
  const lines = `${c.stderr}\n${c.stdout}`
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const at = lines.findIndex((l) => l.startsWith("stronghold:"));
  // "cannot plan drill x:" says what; the next line says why.
  const said =
    at < 0
      ? c.stderr.trim().split("\n").at(-1)
      : lines[at]!.endsWith(":") && at + 1 < lines.length
        ? `${lines[at]} ${lines[at + 1]}`
        : lines[at];
  const line = (said ?? lines.at(-1) ?? "").replace(/^stronghold: /, "");
  return line.length > 240 ? `${line.slice(0, 237)}…` : line;
}

const statusOf = (code: number): StageStatus =>
  code === 0 ? "passed" : code === 1 ? "failed" : "error";

function readCheckFigures(file: string, since: number): CheckFigures | undefined {
  if (!existsSync(file) || statSync(file).mtimeMs < since - 1000) return undefined;
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    subjects: { results: { control: string; status: string }[] }[];
    scores: { fleet: { score: number } };
    gate: { passed: boolean; reasons: string[] };
  };
  const failing = new Set<string>();
  let failures = 0;
  for (const s of report.subjects)
    for (const r of s.results)
      if (r.status === "fail") {
        failing.add(r.control);
        failures++;
      }
  return {
    score: report.scores.fleet.score,
    gatePassed: report.gate.passed,
    gateReasons: report.gate.reasons,
    failingControls: [...failing].sort(),
    failures,
  };
}

function readCollectFigures(file: string, since: number): string | undefined {
  if (!existsSync(file) || statSync(file).mtimeMs < since - 1000) return undefined;
  const report = JSON.parse(readFileSync(file, "utf8")) as CollectionReport;
  const failed = report.hosts.filter((h) => h.outcome !== "ok");
  return `${report.summary.ok} of ${report.summary.hosts} host(s) collected${failed.length === 0 ? "" : `; failed: ${failed.map((h) => `${h.name} (${h.outcome})`).join(", ")}`}`;
}

function windowsStage(ws: Workspace, now: Date): { status: StageResult["status"]; detail: string } {
  const drop = ws.windowsDrop;
  if (drop === undefined) return { status: "skipped", detail: "no windowsDrop in stronghold.yaml" };
  if (!existsSync(drop) || !statSync(drop).isDirectory())
    return {
      status: "failed",
      detail: `windowsDrop ${drop} is not a folder: is the share mounted?`,
    };
  const files = readdirSync(drop).filter((n) => /\.(json|ya?ml)$/i.test(n));
  if (files.length === 0)
    return {
      status: "failed",
      detail: `no machine files in ${drop}: has collect-windows.ps1 run?`,
    };
  const newest = Math.max(...files.map((f) => statSync(path.join(drop, f)).mtimeMs));
  const hours = (now.getTime() - newest) / 3_600_000;
  if (hours > WINDOWS_STALE_HOURS)
    return {
      status: "failed",
      detail: `${files.length} machine file(s) in ${drop}, the newest ${Math.floor(hours / 24)} day(s) old: collect-windows.ps1 has stopped writing`,
    };
  return {
    status: "passed",
    detail: `${files.length} Windows machine file(s) in ${drop}, checked with the Linux ones`,
  };
}

/** Runs the nightly job once; resolves with its summary, or with who holds the lock. */
export async function runNightly(options: RunOptions): Promise<RunOutcome> {
  const { workspace: ws, io, cli } = options;
  const now = options.now ?? (() => new Date());
  const lockFile = path.join(ws.dir, RUN_LOCK_FILE);
  const locked = acquireLock(lockFile);
  if (!locked.ok) return { kind: "locked", holder: locked.holder, lockFile };
  // SIGINT/SIGTERM (Ctrl-C, systemd stopping the unit): the stage under way finishes — a drill
  // stops its step and cleans up, as it always does — and no later stage or drill starts.
  const stop: StopRequest = {};
  const handlers = HANDLED_SIGNALS.map((signal) => {
    const handler = () => {
      if (stop.signal !== undefined) return;
      stop.signal = signal;
      io.stderr(
        `run: ${signal}: the stage under way finishes (a drill cleans up); nothing more starts\n`,
      );
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await runLocked(options, ws, io, cli, now, stop);
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    locked.lock.release();
  }
}

/** The signal that asked the run to stop, once one has. */
interface StopRequest {
  signal?: HandledSignal;
}

async function runLocked(
  options: RunOptions,
  ws: Workspace,
  io: Io,
  cli: Cli,
  now: () => Date,
  stop: StopRequest,
): Promise<RunOutcome> {
  const startedAt = now();
  const runsDir = path.join(ws.evidence, "runs");
  const ledgerArgs =
    options.ledger === false
      ? ["--no-ledger"]
      : ["--ledger", options.ledger ?? path.join(ws.evidence, "ledger")];
  const name = stamp(startedAt);
  const runDir = path.join(runsDir, name);
  mkdirSync(runDir, { recursive: true });
  const reportsDir = path.join(ws.evidence, "reports");
  const drillsDir = path.join(ws.evidence, "drills");
  const today = localDay(startedAt, ws.timeZone);
  const wanted = (s: Stage) => options.only === undefined || options.only.includes(s);
  const dry = options.dryRun === true;
  const stages: StageResult[] = [];
  let check: CheckFigures | undefined;
  const drills: DrillFigure[] = [];

  const command = async (stage: Stage, args: string[]): Promise<Captured> => {
    let stdout = "";
    let stderr = "";
    const captured: Io = {
      stdout: (chunk) => void (stdout += chunk),
      stderr: (chunk) => void (stderr += chunk),
      stdin: new PassThrough(),
      // Each stage's evidence entry names this run and carries its (possibly simulated) time.
      env: { ...io.env, [RUN_NAME_ENV]: name, [RUN_AT_ENV]: startedAt.toISOString() },
      isTTY: false,
      cwd: ws.dir,
    };
    let code: number;
    try {
      code = await cli(["node", "stronghold", ...args], captured);
    } catch (error) {
      stderr += `stronghold: ${(error as Error).message}\n`;
      code = 70;
    }
    writeFileSync(
      path.join(runDir, `${stage}.log`),
      `$ stronghold ${args.join(" ")}\n${stdout}${stderr === "" ? "" : `--- stderr\n${stderr}`}exit ${code}\n`,
      { flag: "a" },
    );
    return { code, stdout, stderr };
  };
  const timed = async (
    stage: Stage,
    body: () => Promise<Omit<StageResult, "stage" | "durationMs">>,
  ) => {
    if (!wanted(stage)) {
      stages.push({ stage, status: "skipped", durationMs: 0, detail: "not in --only" });
      return;
    }
    if (stop.signal !== undefined) {
      stages.push({
        stage,
        status: "skipped",
        durationMs: 0,
        detail: `not started: ${stop.signal}`,
      });
      return;
    }
    io.stderr(`run: ${stage}…\n`);
    const t0 = Date.now();
    let result: Omit<StageResult, "stage" | "durationMs">;
    try {
      result = await body();
    } catch (error) {
      result = { status: "error", detail: (error as Error).message };
    }
    stages.push({ stage, durationMs: Date.now() - t0, ...result });
  };
  const fromCommand = (stage: Stage, c: Captured, detail?: string) => ({
    status: statusOf(c.code),
    exitCode: c.code,
    detail: c.code === 0 && detail !== undefined ? detail : lineOf(c) || `exit ${c.code}`,
    log: `${stage}.log`,
  });

  await timed("recover", async () => {
    const args = ["drill", "recover", "--hosts", ws.hosts, "--runs-dir", drillsDir, ...ledgerArgs];
    if (ws.drill !== undefined) args.push("--config", ws.drill);
    if (dry) args.push("--dry-run");
    const c = await command("recover", args);
    return fromCommand("recover", c, c.stdout.trim().split("\n").at(-1));
  });

  await timed("collect", async () => {
    if (dry) return { status: "skipped", detail: "dry run: would collect from the Linux hosts" };
    const t0 = Date.now();
    const c = await command("collect", ["collect", "--quiet", ...ledgerArgs]);
    const figures = readCollectFigures(path.join(reportsDir, REPORT_FILE), t0);
    return {
      ...fromCommand("collect", c, figures),
      ...(c.code === 1 && figures ? { detail: figures } : {}),
    };
  });

  await timed("windows", () => Promise.resolve(windowsStage(ws, now())));

  await timed("check", async () => {
    if (dry)
      return { status: "skipped", detail: `dry run: would check and write into ${reportsDir}` };
    const t0 = Date.now();
    const c = await command("check", [
      "check",
      "--format",
      "json,sarif,markdown,junit",
      "--out",
      reportsDir,
      "--quiet",
      ...(options.simulated ? ["--at", startedAt.toISOString()] : []),
      ...ledgerArgs,
    ]);
    check = readCheckFigures(path.join(reportsDir, CHECK_REPORT), t0);
    const figures =
      check === undefined
        ? undefined
        : `score ${check.score}, ${check.failingControls.length} failing control(s), reports in ${reportsDir}`;
    const gate = c.code === 1 && check !== undefined ? `; ${check.gateReasons.join("; ")}` : "";
    return {
      ...fromCommand("check", c, figures),
      ...(c.code === 1 && figures !== undefined ? { detail: `${figures}${gate}` } : {}),
    };
  });

  await timed("drills", async () => {
    const due = drillsDue(ws.drills, today);
    if (due.length === 0) return { status: "passed", detail: `no drill due on ${today.date}` };
    if (dry) return { status: "skipped", detail: `dry run: would run ${due.join(", ")}` };
    let worst = 0;
    for (const runbook of due) {
      if (stop.signal !== undefined) {
        drills.push({
          runbook,
          verdict: "not run",
          exitCode: 1,
          reason: `not started: ${stop.signal}`,
        });
        worst = Math.max(worst, 1);
        continue;
      }
      const before = new Set(readHistory(drillsDir, runbook).entries.map((e) => e.runId));
      const c = await command("drills", ["drill", "run", runbook, "--plain", ...ledgerArgs]);
      worst = Math.max(worst, c.code === 0 ? 0 : c.code === 1 ? 1 : 2);
      const entry = readHistory(drillsDir, runbook).entries.find((e) => !before.has(e.runId));
      const objective = (m: TargetMetric | undefined) =>
        m === undefined
          ? undefined
          : {
              targetSeconds: m.targetSeconds,
              ...(m.achievedSeconds === undefined ? {} : { achievedSeconds: m.achievedSeconds }),
              ...(m.met === undefined ? {} : { met: m.met }),
            };
      const rto = objective(entry?.rto);
      const rpo = objective(entry?.rpo);
      drills.push({
        runbook,
        ...(entry === undefined ? {} : { runId: entry.runId }),
        verdict: entry?.status ?? (c.code === 2 ? "not run" : statusOf(c.code)),
        exitCode: c.code,
        ...(c.code === 0 ? {} : { reason: lineOf(c) }),
        ...(rto === undefined ? {} : { rto }),
        ...(rpo === undefined ? {} : { rpo }),
      });
    }
    const failed = drills.filter((d) => d.exitCode !== 0);
    return {
      status: statusOf(worst),
      exitCode: worst,
      detail:
        failed.length === 0
          ? `${drills.map((d) => `${d.runbook} ${d.verdict}`).join(", ")}`
          : `${failed.map((d) => `${d.runbook} ${d.verdict}: ${d.reason ?? ""}`).join("; ")} (${due.length} due)`,
      log: "drills.log",
    };
  });

  // The ledger's new entries go offsite before the digest, so a failed copy is in tonight's alert;
  // the run's own entry, appended after the summary, goes with the next night's copy.
  await timed("push", async () => {
    if (ws.evidencePush === undefined)
      return {
        status: "skipped",
        detail: "no evidencePush in stronghold.yaml: the ledger is not copied offsite",
      };
    if (options.ledger === false) return { status: "skipped", detail: "--no-ledger" };
    if (ws.stackOutputs === undefined)
      return {
        status: "error",
        detail:
          "evidencePush needs stackOutputs in stronghold.yaml: the saved outputs name the evidence bucket",
      };
    if (dry) return { status: "skipped", detail: "dry run: would copy the ledger offsite" };
    if (!ledgerExists(options.ledger ?? path.join(ws.evidence, "ledger")))
      return {
        status: "passed",
        detail:
          "nothing to copy yet: the ledger's first entry is tonight's own, copied with the next run",
      };
    const args = ["evidence", "push", ...ledgerArgs, "--stack-outputs", ws.stackOutputs];
    if (ws.evidencePush.caFile !== undefined) args.push("--cacert", ws.evidencePush.caFile);
    const c = await command("push", args);
    return fromCommand("push", c, c.stdout.trim().split("\n")[0]);
  });

  const previous = dry ? undefined : previousSummary(runsDir, name);
  const comparison = compareRuns({ stages, check, drills }, previous);
  let summary: RunSummary = {
    schemaVersion: 1,
    town: ws.town,
    startedAt: startedAt.toISOString(),
    endedAt: now().toISOString(),
    day: today.date,
    dryRun: dry,
    ...(options.only === undefined ? {} : { only: options.only }),
    stages,
    ...(check === undefined ? {} : { check }),
    drills,
    comparison,
    ...(stop.signal === undefined ? {} : { interrupted: stop.signal }),
    // A run stopped by a signal did not do its job: never exit 0.
    exitCode: Math.max(exitCodeOf(stages, comparison), stop.signal === undefined ? 0 : 1),
  };
  const file = path.join(runDir, SUMMARY_FILE);
  const ledger =
    dry || options.ledger === false
      ? undefined
      : (options.ledger ?? path.join(ws.evidence, "ledger"));
  // Where report html puts the page of this ledger: beside it (<evidence>/dashboard.html).
  const dashboardFile =
    ledger === undefined ? undefined : path.join(path.dirname(ledger), "dashboard.html");
  const on: readonly AlertKind[] = ws.notifications.on ?? ["failure", "regression", "recovery"];
  const digest = dry ? undefined : digestOf(summary, on, file, dashboardFile);
  if (digest !== undefined) {
    const notified = await sendDigest(digest, summary, ws.notifications, io.env, ws.dir);
    summary = { ...summary, notifications: notified };
  }
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  const evidenceError =
    ledger === undefined ? undefined : appendRunEntry(ledger, ws, summary, name, file);
  const dashboard =
    ledger === undefined || dashboardFile === undefined
      ? undefined
      : await writeRunDashboard(ledger, dashboardFile, ws, io, now());
  return {
    kind: "ran",
    summary,
    file,
    ...(evidenceError === undefined ? {} : { evidenceError }),
    ...(dashboard === undefined ? {} : { dashboard }),
  };
}

/** The dashboard as of the run's end, its own entry included; an error is said, not thrown. */
async function writeRunDashboard(
  ledger: string,
  file: string,
  ws: Workspace,
  io: Io,
  at: Date,
): Promise<DashboardOutcome> {
  try {
    // The budget forecast's notes are for `stronghold budget`; the run's output stays its own.
    await writeDashboard({
      ledger,
      out: file,
      at,
      workspace: ws,
      io: { ...io, stderr: () => undefined },
    });
    return { file };
  } catch (error) {
    const message = (error as Error).message.split("\n")[0] ?? "";
    return { file, error: message.length > 240 ? `${message.slice(0, 237)}…` : message };
  }
}

/** Appends the run's own entry, after its stages'; returns why it could not, if it could not. */
function appendRunEntry(
  dir: string,
  ws: Workspace,
  summary: RunSummary,
  name: string,
  file: string,
): string | undefined {
  try {
    const inputs = [{ role: "workspace", file: ws.file }]
      .filter((i) => existsSync(i.file))
      .map((i) => ({
        role: i.role,
        name: path.relative(ws.dir, i.file),
        sha256: hashFile(i.file).sha256,
      }));
    appendEntry(dir, recordRun({ summary, name, inputs, artifacts: [storeArtifact(dir, file)] }));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
