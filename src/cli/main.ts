/** The `stronghold` command: parses arguments, runs a subcommand, maps errors to exit codes. */
import { Command, CommanderError } from "commander";
import { InputError, UsageError } from "../support/errors.js";
import { VERSION } from "../support/version.js";
import { registerCheckCommand } from "./check-command.js";
import { registerInfraCommand } from "./infra-command.js";
import { registerCollectCommand } from "./collect-command.js";
import { registerDrillCommand } from "./drill-command.js";
import { registerBudgetCommand } from "./budget-command.js";
import { registerDisposeCommand } from "./dispose-command.js";
import { registerInitCommand } from "./init-command.js";
import { registerScheduleCommand } from "./schedule-command.js";
import { registerReportCommand } from "./shard-output.js";
import { registerRunCommand } from "./run-command.js";
import { registerEvidenceCommand } from "./evidence-command.js";
import { processIo, type Io } from "./io.js";

/** Exit codes: 0 all good, 1 the gate failed, 2 usage or input errors, 70 an internal error. */
export const EXIT = { ok: 0, gateFailed: 1, usage: 2, internal: 70 } as const;

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("stronghold")
    .description(
      "Prove a town's offsite backups exist as code, really restore, and that every machine meets its baselines.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerCheckCommand(program, io, setExit);
  registerInfraCommand(program, io, setExit);
  registerCollectCommand(program, io, setExit);
  registerDrillCommand(program, io, setExit);
  registerBudgetCommand(program, io, setExit);
  registerDisposeCommand(program, io, setExit);
  registerInitCommand(program, io, setExit);
  registerScheduleCommand(program, io, setExit);
  registerReportCommand(program, io, setExit);
  registerRunCommand(program, io, setExit, main);
  registerEvidenceCommand(program, io, setExit);
  return program;
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; real usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`stronghold: ${error.message}\n(run with --help for usage)\n`);
      return EXIT.usage;
    }
    if (error instanceof InputError) {
      io.stderr(
        `stronghold: cannot continue, the input has ${error.problems.length} problem(s):\n${error.message}\n`,
      );
      return EXIT.usage;
    }
    const detail = io.env.STRONGHOLD_DEBUG ? `\n${(error as Error).stack}` : "";
    io.stderr(
      `stronghold: internal error: ${(error as Error).message}${detail}\nThis is a bug in stronghold; rerun with STRONGHOLD_DEBUG=1 for details.\n`,
    );
    return EXIT.internal;
  }
}
