/**
 * The workspace's schedule as systemd units, a cron file or a GitHub Actions workflow. There is
 * one job: `stronghold run` every day at `schedule.at` in the workspace's time zone; the run itself
 * decides which drills are due that day, and its own lock keeps two runs from overlapping.
 */
import path from "node:path";
import { stringify } from "yaml";
import type { Workspace } from "./workspace-file.js";

/** The lock file of `stronghold run` (holding its pid), in the workspace folder. */
export const RUN_LOCK_FILE = ".stronghold-run.lock";
/** Time a drill gets after SIGTERM to clean up its sandbox before systemd sends SIGKILL. */
export const STOP_TIMEOUT = "15min";
/** The systemd unit name (without suffix) of the nightly job. */
export const UNIT = "stronghold-nightly";

const rel = (ws: Workspace, file: string) => path.relative(ws.dir, file) || ".";

/** systemd OnCalendar= of the nightly run, in the workspace's time zone. */
export function onCalendar(ws: Workspace): string {
  return `*-*-* ${ws.at}:00 ${ws.timeZone}`;
}

/** Quotes a word for systemd's ExecStart= and for sh alike, only when it needs it. */
function quote(word: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface EmitOptions {
  /** Absolute path of the installed `stronghold` command. */
  readonly command: string;
  /** The account the job runs as (systemd User=, the cron file's user field). */
  readonly user?: string;
}

/** File name → content of the nightly run's systemd service and timer. */
export function systemdUnits(ws: Workspace, options: EmitOptions): Map<string, string> {
  const drills = ws.drills.map((d) => `${d.runbook} ${d.every}`).join(", ");
  return new Map([
    [
      `${UNIT}.service`,
      [
        "# Written by stronghold schedule --emit systemd from stronghold.yaml",
        "[Unit]",
        `Description=Stronghold nightly run (${ws.town})`,
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        ...(options.user === undefined ? [] : [`User=${options.user}`]),
        `WorkingDirectory=${ws.dir}`,
        `# recover, collect, windows, check, then the drills due that day (${drills || "none scheduled"}).`,
        `ExecStart=${quote(options.command)} run`,
        // A oneshot service has no start timeout by default; a drill is bounded by its own steps.
        "TimeoutStartSec=infinity",
        "# SIGTERM starts a drill's cleanup; give it time before systemd sends SIGKILL.",
        `TimeoutStopSec=${STOP_TIMEOUT}`,
        "",
      ].join("\n"),
    ],
    [
      `${UNIT}.timer`,
      [
        "# Written by stronghold schedule --emit systemd from stronghold.yaml",
        "[Unit]",
        `Description=Stronghold nightly run (${ws.town}), every day at ${ws.at} ${ws.timeZone}`,
        "",
        "[Timer]",
        `OnCalendar=${onCalendar(ws)}`,
        // A night the host was off runs at the next boot instead of being skipped.
        "Persistent=true",
        `Unit=${UNIT}.service`,
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
      ].join("\n"),
    ],
  ]);
}

/** The /etc/cron.d file of the nightly run. */
export function cronFile(ws: Workspace, options: EmitOptions): string {
  const user = options.user ?? "root";
  const [hour, minute] = ws.at.split(":").map(Number) as [number, number];
  return [
    "# Written by stronghold schedule --emit cron from stronghold.yaml; install as /etc/cron.d/stronghold",
    `# Times are in ${ws.timeZone}: cronie honours CRON_TZ; other crons use the host's time zone.`,
    `CRON_TZ=${ws.timeZone}`,
    "SHELL=/bin/sh",
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "# The nightly run: recover, collect, windows, check, then the drills due that day.",
    `${minute} ${hour} * * * ${user} cd ${quote(ws.dir)} && ${quote(options.command)} run`,
    "",
  ].join("\n");
}

/** How a workflow installs the town's own copy: its tarball in the repository, or its git URL. */
export function installCommand(ws: Workspace): string {
  return ws.install.startsWith("git+")
    ? `npm install -g ${quote(ws.install)}`
    : `npm install -g ./${path.relative(ws.dir, ws.install)}`;
}

/** Minutes the time zone is ahead of UTC at `instant`. */
export function offsetMinutes(timeZone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  const utc = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Math.round((local - utc) / 60_000);
}

/** The daily UTC cron fields of local `at` under a UTC offset in minutes. */
function utcCron(at: string, offset: number): string {
  const [hour, minute] = at.split(":").map(Number) as [number, number];
  const total = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
  return `${total % 60} ${Math.floor(total / 60)} * * *`;
}

/**
 * The UTC crons that start the nightly run at `ws.at` local time all year: GitHub runs schedules
 * in UTC, so a zone with daylight saving time needs one cron for each of its two offsets, and
 * `stronghold run --utc-cron` lets only the one that falls at `ws.at` that day go on.
 */
export function utcCrons(ws: Workspace, year: number): string[] {
  const offsets = new Set(
    [0, 3, 6, 9].map((month) => offsetMinutes(ws.timeZone, new Date(Date.UTC(year, month, 1, 12)))),
  );
  return [...new Set([...offsets].map((o) => utcCron(ws.at, o)))];
}

/**
 * Whether the run a UTC cron started is the one due at `ws.at` local time: the cron's latest
 * firing at or before `now` (GitHub starts scheduled runs late, never early), seen in the
 * workspace's time zone. Undefined when `cron` is not a daily cron this schedule emits.
 */
export function cronIsDue(ws: Workspace, cron: string, now: Date): boolean | undefined {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  if (m === null) return undefined;
  const [minute, hour] = [Number(m[1]), Number(m[2])];
  if (minute > 59 || hour > 23) return undefined;
  let fired = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour, minute);
  if (fired > now.getTime()) fired -= 86_400_000;
  const local = new Date(fired + offsetMinutes(ws.timeZone, new Date(fired)) * 60_000);
  const hhmm = `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
  return hhmm === ws.at;
}

/**
 * The nightly GitHub Actions workflow on a self-hosted runner (the town's hosts are not on the
 * internet): `stronghold run` on the UTC crons of `ws.at`, or by hand; the evidence kept.
 */
export function githubWorkflow(ws: Workspace, today: Date): string {
  const crons = utcCrons(ws, today.getUTCFullYear());
  const workflow = {
    name: "stronghold nightly",
    on: { schedule: crons.map((cron) => ({ cron })), workflow_dispatch: {} },
    // One run at a time; a new one waits for the last instead of cancelling it mid-drill.
    concurrency: { group: "stronghold-nightly", "cancel-in-progress": false },
    permissions: { contents: "read" },
    jobs: {
      nightly: {
        "runs-on": ["self-hosted"],
        "timeout-minutes": 720,
        steps: [
          { uses: "actions/checkout@v4" },
          { uses: "actions/setup-node@v4", with: { "node-version": 20 } },
          { name: "install the town's copy of stronghold", run: installCommand(ws) },
          {
            name: "stronghold run",
            // Empty when started by hand: then the run always goes on.
            env: { UTC_CRON: "${{ github.event.schedule }}" },
            run: 'stronghold run ${UTC_CRON:+--utc-cron "$UTC_CRON"}',
          },
          {
            name: "job summary",
            if: "always()",
            run: `cat ${rel(ws, path.join(ws.evidence, "reports"))}/stronghold-report.md >> "$GITHUB_STEP_SUMMARY" || true`,
          },
          {
            name: "keep the evidence",
            if: "always()",
            uses: "actions/upload-artifact@v4",
            with: { name: "stronghold-evidence", path: rel(ws, ws.evidence) },
          },
        ],
      },
    },
  };
  return [
    "# Written by stronghold schedule --emit github from stronghold.yaml.",
    `# GitHub runs schedules in UTC: ${crons.length === 1 ? `${ws.at} ${ws.timeZone} is one UTC time all year` : `one cron per side of daylight saving time in ${ws.timeZone}; the run started by the other one that day exits 0 at once (stronghold run --utc-cron)`}.`,
    "# Runs on a self-hosted runner that reaches the town's hosts.",
    stringify(workflow, { lineWidth: 0 }),
  ].join("\n");
}

/** The pull-request workflow: check the machine configs, job summary, SARIF to code scanning. */
export function complianceWorkflow(ws: Workspace): string {
  const workflow = {
    name: "compliance",
    on: { pull_request: {} },
    permissions: { contents: "read", "security-events": "write" },
    jobs: {
      check: {
        "runs-on": "ubuntu-latest",
        steps: [
          { uses: "actions/checkout@v4" },
          { uses: "actions/setup-node@v4", with: { "node-version": 20 } },
          { name: "install the town's copy of stronghold", run: installCommand(ws) },
          {
            name: "stronghold check",
            run: "stronghold check --format table,sarif,markdown --out reports",
          },
          {
            name: "job summary",
            if: "always()",
            run: 'cat reports/stronghold-report.md >> "$GITHUB_STEP_SUMMARY"',
          },
          {
            name: "upload SARIF",
            if: "always()",
            uses: "github/codeql-action/upload-sarif@v3",
            with: { sarif_file: "reports/stronghold-report.sarif" },
          },
        ],
      },
    },
  };
  return [
    "# Written by stronghold init: checks the machine configs of every pull request.",
    stringify(workflow, { lineWidth: 0 }),
  ].join("\n");
}
