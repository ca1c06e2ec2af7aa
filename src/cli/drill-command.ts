/** `stronghold drill`: list, show, run (or dry-run) the disaster-drill runbooks, and their history. */
import { addLedgerOptions } from "./evidence-ledger.js";
import { Option, type Command } from "commander";
import { listRunbooks, showHistory, showRunbook } from "./drill-output.js";
import { DEFAULT_KEEP_LAST, pruneCommand, type PruneFlags } from "./drill-prune.js";
import { recoverCommand, type RecoverFlags } from "./drill-recover.js";
import { runDrillCommand } from "./drill-run.js";
import { DEFAULT_RUNS_DIR, drillConfigOf, type RunFlags } from "./drill-settings.js";
import type { Io } from "./io.js";

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
    .action((options: { format: string }) => setExit(listRunbooks(options.format, io)));

  drill
    .command("show")
    .description("show a runbook: scenario, what it proves, targets, what it needs, its steps")
    .argument("<id>", "runbook id (see drill list)")
    .action((id: string) => setExit(showRunbook(id, io)));

  const run = drill
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
        "  3  the drill ran and its evidence folder is complete, but its entry was",
        "     not appended to the evidence ledger",
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
      "--dr-password-file <path>",
      "site-loss: the DR site's own repository password file, a path on the DR host",
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
    .option(
      "--dwell <duration>",
      "ransomware: how long before detection the infection started, e.g. 72h (default 5d)",
    )
    .option(
      "--pick <which>",
      'restore-test: the snapshot to restore, "newest" (default) or "random:N" (one of the N newest)',
    )
    .option(
      "--missing-tolerance <percent>",
      "file-deletion, ransomware: refuse a share lacking more than this % of the newest snapshot's files as damaged (default 1)",
    )
    .option("--rto-minutes <n>", "recovery time objective for this run (default: the runbook's)")
    .option("--rpo-minutes <n>", "recovery point objective for this run (default: the runbook's)")
    .option("--dry-run", "print the plan (targets, steps, commands, paths) and touch nothing")
    .option("--report-dir <dir>", "write the evidence here instead of <runs-dir>/<time>-<runbook>/")
    .option("--runs-dir <dir>", `folder for run folders (default ${DEFAULT_RUNS_DIR})`)
    .option("--plain", "plain progress lines even on a terminal");
  addLedgerOptions(run).action(async (id: string, flags: RunFlags) =>
    setExit(await runDrillCommand(id, flags, io)),
  );

  const recover = drill
    .command("recover")
    .summary("finish the cleanup of drills that were killed: originals back and verified")
    .description(
      [
        "Finish the cleanup of drills that were killed before they could clean up",
        "(SIGKILL, the OOM killer, a power cut). Every drill writes an intent journal",
        "on each host it may change before its first step, and removes it only once",
        "its cleanup has put the originals back and verified them; until then, every",
        "drill on that host is refused. This asks every drill host of the inventory",
        "for journals, plans each unfinished run again from its journal and runs",
        "only its cleanup. Safe to repeat, at any point of a killed run.",
        "",
        "Before that cleanup, the killed run's commands still running on its hosts",
        "(sshd does not stop them when the drill's connection goes) are stopped:",
        "TERM, then KILL after 5 s, found by the STRONGHOLD_DRILL_RUN marker its",
        "journal names in their environment. One found again after the cleanup",
        "fails the recovery.",
        "",
        "A killed run appended no evidence entry of its own: once its cleanup has",
        "passed, this appends it (kind drill, verdict interrupted, the run's id and",
        "start, the recovery's journal and report), unless the ledger already",
        "holds the run's entry.",
        "",
        "Exit codes:",
        "  0  nothing to recover, or every unfinished run recovered",
        "  1  a run's cleanup did not finish (its journal stays), or a host",
        "     could not be asked",
        "  2  usage or input errors",
        "  3  every run recovered, but an evidence entry could not be appended",
      ].join("\n"),
    )
    .option(
      "--hosts <file>",
      "hosts inventory (YAML); required unless --config or the workspace names one",
    )
    .option(
      "--config <file>",
      "drill config file (YAML) naming the inventory and runs folder (default: the workspace's)",
    )
    .option(
      "--runs-dir <dir>",
      `folder for the recovery's evidence (default ${DEFAULT_RUNS_DIR}, or the workspace's evidence/drills)`,
    )
    .option("--dry-run", "list the unfinished runs and their cleanup steps; change nothing");
  addLedgerOptions(recover).action(async (flags: RecoverFlags) =>
    setExit(await recoverCommand(flags, io)),
  );

  drill
    .command("prune")
    .summary("forget old drill snapshots and prune the repository (maintenance window)")
    .description(
      [
        "Forget the snapshots drills took (tag stronghold-drill) beyond the newest",
        "--keep-last per share, then prune the data only they used. A snapshot",
        "without that tag is never touched; the ransomware drill's canaries (tag",
        "stronghold-drill-canary) are always forgotten. Runs here, on this machine,",
        "against the repository URL; restic must be installed here.",
        "",
        "Prune locks the repository exclusively: no backup can run meanwhile, so",
        "schedule it in the town's maintenance window.",
        "",
        "Exit codes:",
        "  0  pruned (or nothing to forget; with --dry-run: the plan was printed)",
        "  1  restic failed (locked, unreadable, corrupt, unreachable)",
        "  2  usage or input errors",
        "  3  the repository is append-only: left alone, nothing was forgotten",
      ].join("\n"),
    )
    .option(
      "--config <file>",
      "drill config file (YAML) naming the repository and password file (default: the workspace's)",
    )
    .option(
      "--repo <spec>",
      "restic repository: /path, sftp:…, s3:https://host/bucket/prefix, rest:https://…",
    )
    .option(
      "--stack-outputs <file>",
      "saved `pulumi stack output --json` naming the offsite bucket",
    )
    .option("--cacert <file>", "CA certificate for an s3:/rest: endpoint")
    .option(
      "--password-file <file>",
      "repository password file (else RESTIC_PASSWORD_FILE or RESTIC_PASSWORD)",
    )
    .option("--keep-last <n>", `drill snapshots to keep per share (default ${DEFAULT_KEEP_LAST})`)
    .option("--dry-run", "list what would be forgotten and kept; change nothing")
    .action(async (flags: PruneFlags) => setExit(await pruneCommand(flags, io)));

  drill
    .command("history")
    .description(
      "list past runs with RTO/RPO against their targets and the change since the previous run",
    )
    .option(
      "--dir <dir>",
      `runs folder (default: the drill config's or workspace's, else ${DEFAULT_RUNS_DIR})`,
    )
    .option(
      "--config <file>",
      "drill config file (YAML) naming the runs folder (default: the workspace's)",
    )
    .option("--runbook <id>", "only this runbook's runs")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
    )
    .action(
      async (options: { dir?: string; config?: string; runbook?: string; format: string }) => {
        const config = await drillConfigOf(options.config, "", io);
        const dir = options.dir ?? config.runsDir ?? DEFAULT_RUNS_DIR;
        setExit(showHistory({ ...options, dir }, io));
      },
    );
}
