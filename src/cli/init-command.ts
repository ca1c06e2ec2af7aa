/** `stronghold init [dir]`: scaffold a town workspace. */
import type { Command } from "commander";
import path from "node:path";
import { RUNBOOK_IDS } from "../../runbooks/ids.js";
import { UsageError } from "../support/errors.js";
import { initWorkspace } from "../workspace/init.js";
import type { Io } from "./io.js";
import { workingDir } from "./workspace-settings.js";

interface InitFlags {
  town?: string;
  timeZone?: string;
  force?: boolean;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

async function init(dirArg: string | undefined, flags: InitFlags, io: Io): Promise<number> {
  const dir = path.resolve(workingDir(io), dirArg ?? ".");
  const timeZone = flags.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!validTimeZone(timeZone))
    throw new UsageError(
      `--time-zone "${timeZone}" is not an IANA time zone, e.g. America/New_York`,
    );
  const town = flags.town ?? path.basename(dir);
  const result = await initWorkspace(dir, {
    town,
    timeZone,
    force: Boolean(flags.force),
    runbookIds: RUNBOOK_IDS,
    today: new Date(),
  });
  if (!result.ok) {
    const shown = result.existing.slice(0, 5).join(", ");
    const more = result.existing.length > 5 ? ` and ${result.existing.length - 5} more` : "";
    throw new UsageError(
      `${dir} already has ${shown}${more}: nothing was written; --force rewrites the files init writes`,
    );
  }
  io.stdout(
    [
      `workspace for ${town} in ${dir}: ${result.written.length} files (the samples are the sample Town of Millbrook's)`,
      "next:",
      "  replace the samples with the town's own hosts, policy files and registers",
      "  copy the tarball npm pack made into vendor/ (stronghold.yaml's install)",
      "  stronghold check                      # checks the workspace's machines",
      "  stronghold schedule --emit systemd    # the nightly job and the drills, on a timer",
      "",
    ].join("\n"),
  );
  return 0;
}

/** Adds `stronghold init` to the program. */
export function registerInitCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  program
    .command("init")
    .summary("create a town workspace: stronghold.yaml, sample files, .gitignore, CI workflows")
    .description(
      [
        "Create a git-ready town workspace in DIR (default: here): stronghold.yaml",
        "with every setting, a sample of each file it names (hosts inventory, drill",
        "config, overlay, waivers, IP plan, registers, stack outputs, machine",
        "configs: the sample town's), a .gitignore, and the GitHub Actions",
        "workflows (compliance on every pull request; the nightly schedule).",
        "Commands run inside the workspace take their settings from stronghold.yaml.",
        "",
        "Refuses, writing nothing, when any file it would write exists, unless",
        "--force; files of the town's own are never touched.",
        "",
        "Exit codes:",
        "  0  the workspace was written",
        "  2  usage errors, or files exist (nothing written)",
      ].join("\n"),
    )
    .argument("[dir]", "the workspace folder (made when missing)")
    .option("--town <name>", "the town's name (default: the folder's name)")
    .option("--time-zone <zone>", "IANA time zone of the schedule (default: this machine's)")
    .option("--force", "rewrite the files init writes when they exist")
    .action(async (dir: string | undefined, flags: InitFlags) => {
      setExit(await init(dir, flags, io));
    });
}
