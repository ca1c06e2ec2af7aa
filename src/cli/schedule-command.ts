/** `stronghold schedule`: the workspace's schedule as systemd units, a cron file or a workflow. */
import { Option, type Command } from "commander";
import { existsSync, realpathSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../support/errors.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import { cronFile, githubWorkflow, systemdUnits } from "../workspace/schedule.js";
import type { Workspace } from "../workspace/workspace-file.js";
import type { Io } from "./io.js";
import { outDirectory } from "./out-dir.js";
import { currentWorkspace } from "./workspace-settings.js";

const KINDS = ["systemd", "cron", "github"] as const;
type Kind = (typeof KINDS)[number];

interface ScheduleFlags {
  emit?: Kind;
  out?: string;
  install?: boolean;
  root?: string;
  command?: string;
  user?: string;
}

/**
 * The command the jobs run: `stronghold` on PATH when it is this very copy (npm install -g puts a
 * link there), else this copy's bin/stronghold.js.
 */
export function installedCommand(io: Io): string {
  const own = path.join(PROJECT_ROOT, "bin", "stronghold.js");
  for (const dir of (io.env.PATH ?? "").split(":").filter(Boolean)) {
    const candidate = path.join(dir, "stronghold");
    try {
      if (existsSync(candidate) && realpathSync(candidate) === realpathSync(own)) return candidate;
    } catch {
      // An unreadable PATH entry is not the command.
    }
  }
  return own;
}

function filesOf(kind: Kind, ws: Workspace, command: string, user?: string): Map<string, string> {
  const options = { command, ...(user === undefined ? {} : { user }) };
  switch (kind) {
    case "systemd":
      return systemdUnits(ws, options);
    case "cron":
      // cron.d ignores file names with a dot.
      return new Map([["stronghold", cronFile(ws, options)]]);
    case "github":
      return new Map([["nightly.yml", githubWorkflow(ws, new Date())]]);
  }
}

async function schedule(flags: ScheduleFlags, io: Io): Promise<number> {
  if (flags.root !== undefined && !flags.install) throw new UsageError("--root needs --install");
  if (flags.install && flags.emit !== undefined && flags.emit !== "systemd")
    throw new UsageError(`--install places systemd units, not ${flags.emit} files`);
  const kind: Kind | undefined = flags.install ? "systemd" : flags.emit;
  if (kind === undefined)
    throw new UsageError("schedule needs --emit systemd|cron|github or --install");
  if (flags.install && flags.out !== undefined)
    throw new UsageError("--install writes into <root>/etc/systemd/system: leave out --out");
  const ws = await currentWorkspace(io);
  if (ws === undefined)
    throw new UsageError(
      "schedule reads stronghold.yaml: run it inside a workspace (stronghold init makes one)",
    );
  const command = flags.command ?? installedCommand(io);
  if (!path.isAbsolute(command))
    throw new UsageError(`--command "${command}" must be an absolute path`);
  if (!existsSync(command) || !statSync(command).isFile())
    throw new UsageError(`--command ${command} does not exist`);
  const files = filesOf(kind, ws, command, flags.user);

  const out = flags.install
    ? path.join(path.resolve(flags.root ?? "/"), "etc", "systemd", "system")
    : flags.out;
  if (out === undefined) {
    for (const [name, content] of files) io.stdout(`# ==> ${name} <==\n${content}\n`);
    return 0;
  }
  const put = outDirectory(out);
  for (const [name, content] of files) {
    const file = put(name, (f) => writeText(f, content));
    io.stderr(`wrote ${file}\n`);
  }
  if (flags.install) {
    const timers = [...files.keys()].filter((f) => f.endsWith(".timer"));
    io.stdout(
      `installed ${files.size} units; enable them with:\n  systemctl daemon-reload && systemctl enable --now ${timers.join(" ")}\n`,
    );
  }
  return 0;
}

/** The units are configuration: readable by all, written by the owner. */
function writeText(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o644 });
}

/** Adds `stronghold schedule` to the program. */
export function registerScheduleCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  program
    .command("schedule")
    .summary("write the workspace's schedule as systemd units, a cron file or a GitHub workflow")
    .description(
      [
        "Turn stronghold.yaml's schedule into scheduler files for one job: the",
        "installed stronghold's `run` in the workspace every day at schedule.at,",
        "in its time zone (recover, collect, windows, check, then the drills due",
        "that day). The run's own lock keeps two runs from overlapping; systemd",
        "gives a drill 15 minutes after SIGTERM to clean up.",
        "",
        "  --emit systemd  stronghold-nightly.service and .timer (OnCalendar in the time zone)",
        "  --emit cron     one /etc/cron.d file (named stronghold)",
        "  --emit github   .github/workflows/nightly.yml for a self-hosted runner,",
        "                  installing the town's own copy (stronghold.yaml's install);",
        "                  one UTC cron per side of daylight saving time, the run",
        "                  started by the wrong one exits at once (run --utc-cron)",
        "",
        "Without --out the files are printed. --install places the systemd units",
        "in <root>/etc/systemd/system (default root /) and prints how to enable them.",
        "",
        "Exit codes:",
        "  0  written",
        "  2  usage or input errors (stronghold.yaml problems all listed)",
      ].join("\n"),
    )
    .addOption(new Option("--emit <kind>", "what to write").choices([...KINDS]))
    .option("--out <dir>", "write the files into this folder")
    .option("--install", "place the systemd units in <root>/etc/systemd/system")
    .option("--root <dir>", "with --install: the root folder (default /)")
    .option(
      "--command <path>",
      "the stronghold the jobs run (default: the installed one on PATH, else this copy's bin/stronghold.js)",
    )
    .option("--user <name>", "the account the jobs run as (systemd User=; cron default root)")
    .action(async (flags: ScheduleFlags) => {
      setExit(await schedule(flags, io));
    });
}
