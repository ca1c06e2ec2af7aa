/**
 * The workspace's schedule as jobs, and the jobs as systemd units, a cron file or a GitHub Actions
 * workflow. Every job runs the installed `stronghold` in the workspace folder under one lock, so
 * two runs never overlap; every command a job names is an existing `stronghold` command.
 */
import path from "node:path";
import { stringify } from "yaml";
import type { Cadence, ScheduledDrill, Weekday, Workspace } from "./workspace-file.js";

/** One scheduled job: the `stronghold` argument lists it runs, in order, and when. */
export interface Job {
  /** Unit and step name, e.g. `nightly` or `drill-backup-integrity`. */
  readonly name: string;
  readonly description: string;
  readonly when: { readonly every: Cadence; readonly day: Weekday; readonly at: string };
  /** Each step: the arguments after `stronghold`, and whether the job goes on when it fails. */
  readonly steps: readonly { readonly args: readonly string[]; readonly mayFail: boolean }[];
}

/** The lock file, in the workspace folder: every job takes it before it runs a command. */
export const LOCK_FILE = ".stronghold.lock";
/** The lock file of `stronghold run` (holding its pid), in the workspace folder. */
export const RUN_LOCK_FILE = ".stronghold-run.lock";
/** How long a job waits for the lock before it gives up (a quarterly drill may run for hours). */
export const LOCK_WAIT_SECONDS = 6 * 3600;
/** Time a drill gets after SIGTERM to clean up its sandbox before systemd sends SIGKILL. */
export const STOP_TIMEOUT = "15min";

const rel = (ws: Workspace, file: string) => path.relative(ws.dir, file) || ".";

/** The nightly collect-and-check job, then one job per scheduled drill. */
export function jobsOf(ws: Workspace): Job[] {
  const reports = rel(ws, path.join(ws.evidence, "reports"));
  const nightly: Job = {
    name: "nightly",
    description: "collect from the Linux hosts, then check every machine",
    when: { every: "daily", day: "sun", at: ws.at },
    steps: [
      // A host that cannot be reached must not stop the check of what was collected before.
      {
        args: ["collect", "--hosts", rel(ws, ws.hosts), "--out", rel(ws, ws.machines), "--quiet"],
        mayFail: true,
      },
      {
        args: ["check", "--format", "json,sarif,markdown,junit", "--out", reports, "--quiet"],
        mayFail: false,
      },
    ],
  };
  return [nightly, ...ws.drills.map(drillJob)];
}

function drillJob(d: ScheduledDrill): Job {
  return {
    name: `drill-${d.runbook}${d.every === "daily" ? "" : `-${d.every}`}`,
    description: `${d.every} ${d.runbook} drill`,
    when: { every: d.every, day: d.day, at: d.at },
    steps: [{ args: ["drill", "run", d.runbook, "--plain"], mayFail: false }],
  };
}

const SYSTEMD_DAY: Record<Weekday, string> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};
const CRON_DAY: Record<Weekday, number> = {
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

/** systemd OnCalendar= for a job, in the workspace's time zone. */
export function onCalendar(when: Job["when"], timeZone: string): string {
  const time = `${when.at}:00 ${timeZone}`;
  switch (when.every) {
    case "daily":
      return `*-*-* ${time}`;
    case "weekly":
      return `${SYSTEMD_DAY[when.day]} *-*-* ${time}`;
    case "monthly":
      return `*-*-01 ${time}`;
    case "quarterly":
      return `*-01,04,07,10-01 ${time}`;
  }
}

/** The five cron time fields of a job (minute hour day-of-month month day-of-week). */
export function cronFields(when: Job["when"]): string {
  const [hour, minute] = when.at.split(":").map(Number) as [number, number];
  switch (when.every) {
    case "daily":
      return `${minute} ${hour} * * *`;
    case "weekly":
      return `${minute} ${hour} * * ${CRON_DAY[when.day]}`;
    case "monthly":
      return `${minute} ${hour} 1 * *`;
    case "quarterly":
      return `${minute} ${hour} 1 1,4,7,10 *`;
  }
}

/** Quotes a word for systemd's ExecStart= and for sh alike, only when it needs it. */
function quote(word: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface EmitOptions {
  /** Absolute path of the installed `stronghold` command. */
  readonly command: string;
  /** The account jobs run as (systemd User=, the cron file's user field). */
  readonly user?: string;
  /** Absolute path of flock(1). */
  readonly flock?: string;
}

/** File name → content of the systemd service and timer of every job. */
export function systemdUnits(ws: Workspace, options: EmitOptions): Map<string, string> {
  const flock = options.flock ?? "/usr/bin/flock";
  const files = new Map<string, string>();
  for (const job of jobsOf(ws)) {
    const unit = `stronghold-${job.name}`;
    const exec = job.steps.map(
      (s) =>
        `ExecStart=${s.mayFail ? "-" : ""}${flock} --wait ${LOCK_WAIT_SECONDS} ${LOCK_FILE} ${[options.command, ...s.args].map(quote).join(" ")}`,
    );
    files.set(
      `${unit}.service`,
      [
        "# Written by stronghold schedule --emit systemd from stronghold.yaml",
        "[Unit]",
        `Description=Stronghold ${job.description} (${ws.town})`,
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        ...(options.user === undefined ? [] : [`User=${options.user}`]),
        `WorkingDirectory=${ws.dir}`,
        ...exec,
        // A oneshot service has no start timeout by default; a drill is bounded by its own steps.
        "TimeoutStartSec=infinity",
        "# SIGTERM starts a drill's cleanup; give it time before systemd sends SIGKILL.",
        `TimeoutStopSec=${STOP_TIMEOUT}`,
        "",
      ].join("\n"),
    );
    files.set(
      `${unit}.timer`,
      [
        "# Written by stronghold schedule --emit systemd from stronghold.yaml",
        "[Unit]",
        `Description=Stronghold ${job.description} (${ws.town}), on schedule`,
        "",
        "[Timer]",
        `OnCalendar=${onCalendar(job.when, ws.timeZone)}`,
        "Persistent=true",
        `Unit=${unit}.service`,
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
      ].join("\n"),
    );
  }
  return files;
}

/** The /etc/cron.d file of every job. */
export function cronFile(ws: Workspace, options: EmitOptions): string {
  const flock = options.flock ?? "/usr/bin/flock";
  const user = options.user ?? "root";
  const lines = [
    "# Written by stronghold schedule --emit cron from stronghold.yaml; install as /etc/cron.d/stronghold",
    `# Times are in ${ws.timeZone}: cronie honours CRON_TZ; other crons use the host's time zone.`,
    `CRON_TZ=${ws.timeZone}`,
    "SHELL=/bin/sh",
    "PATH=/usr/local/bin:/usr/bin:/bin",
  ];
  for (const job of jobsOf(ws)) {
    const commands = job.steps
      .map((s, i) => {
        const line = [options.command, ...s.args].map(quote).join(" ");
        const last = i === job.steps.length - 1;
        return s.mayFail && !last ? `${line};` : last ? line : `${line} &&`;
      })
      .join(" ");
    const run = job.steps.length === 1 ? commands : `/bin/sh -c ${quote(commands)}`;
    lines.push(
      `# ${job.description}`,
      `${cronFields(job.when)} ${user} cd ${quote(ws.dir)} && ${flock} --wait ${LOCK_WAIT_SECONDS} ${LOCK_FILE} ${run}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** How a workflow installs the town's own copy: its tarball in the repository, or its git URL. */
export function installCommand(ws: Workspace): string {
  return ws.install.startsWith("git+")
    ? `npm install -g ${quote(ws.install)}`
    : `npm install -g ./${path.relative(ws.dir, ws.install)}`;
}

/** The UTC cron fields of a job (GitHub runs schedules in UTC), at today's offset of the time zone. */
export function utcCronFields(when: Job["when"], timeZone: string, today: Date): string {
  const [hour, minute] = when.at.split(":").map(Number) as [number, number];
  const offset = offsetMinutes(timeZone, today);
  let total = hour * 60 + minute - offset;
  const dayShift = Math.floor(total / 1440);
  total -= dayShift * 1440;
  const [h, m] = [Math.floor(total / 60), total % 60];
  switch (when.every) {
    case "daily":
      return `${m} ${h} * * *`;
    case "weekly":
      return `${m} ${h} * * ${(CRON_DAY[when.day] + dayShift + 7) % 7}`;
    case "monthly":
      return dayShift === 0 ? `${m} ${h} 1 * *` : `${m} ${h} ${dayShift > 0 ? 2 : 28} * *`;
    case "quarterly":
      return dayShift === 0
        ? `${m} ${h} 1 1,4,7,10 *`
        : dayShift > 0
          ? `${m} ${h} 2 1,4,7,10 *`
          : `${m} ${h} 31 3,12 *`;
  }
}

/** Minutes the time zone is ahead of UTC on `day`. */
function offsetMinutes(timeZone: string, day: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(day);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  const utc = Math.floor(day.getTime() / 60_000) * 60_000;
  return Math.round((local - utc) / 60_000);
}

/**
 * The nightly GitHub Actions workflow: one schedule per job (in UTC), each step running only on
 * its own schedule; a self-hosted runner, as the town's hosts are not on the internet.
 */
export function githubWorkflow(ws: Workspace, today: Date): string {
  const jobs = jobsOf(ws);
  const crons = new Map(jobs.map((j) => [j.name, utcCronFields(j.when, ws.timeZone, today)]));
  const distinct = [...new Set(crons.values())];
  const steps: Record<string, unknown>[] = [
    { uses: "actions/checkout@v4" },
    { uses: "actions/setup-node@v4", with: { "node-version": 20 } },
    { name: "install the town's copy of stronghold", run: installCommand(ws) },
  ];
  for (const job of jobs) {
    const cron = crons.get(job.name)!;
    const due =
      job.name === "nightly"
        ? `github.event_name == 'workflow_dispatch' || github.event.schedule == '${cron}'`
        : `github.event.schedule == '${cron}'`;
    for (const s of job.steps)
      steps.push({
        name: `${job.name}: stronghold ${s.args.slice(0, s.args[0] === "drill" ? 3 : 1).join(" ")}`,
        // Each step runs when due, even after an earlier one failed: a failing stage does not stop the rest.
        if: `always() && (${due})`,
        run: ["stronghold", ...s.args].map(quote).join(" "),
        ...(s.mayFail ? { "continue-on-error": true } : {}),
      });
  }
  steps.push({
    name: "keep the evidence",
    if: "always()",
    uses: "actions/upload-artifact@v4",
    with: { name: "stronghold-evidence", path: rel(ws, ws.evidence) },
  });
  const workflow = {
    name: "stronghold nightly",
    on: { schedule: distinct.map((cron) => ({ cron })), workflow_dispatch: {} },
    // One run at a time; a new one waits for the last instead of cancelling it mid-drill.
    concurrency: { group: "stronghold-nightly", "cancel-in-progress": false },
    permissions: { contents: "read" },
    jobs: {
      nightly: {
        "runs-on": ["self-hosted"],
        "timeout-minutes": 720,
        steps,
      },
    },
  };
  return [
    "# Written by stronghold schedule --emit github from stronghold.yaml.",
    `# GitHub runs schedules in UTC: the times of ${ws.timeZone} were converted at ${today.toISOString().slice(0, 10)}'s offset`,
    "# (emit again when daylight saving time changes it). Runs on a self-hosted runner that reaches the town's hosts.",
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
