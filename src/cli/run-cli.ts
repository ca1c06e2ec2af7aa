/**
 * The shell every `stronghold` entry shares: the bare program (name, version, how it reports
 * usage errors) and the run that maps errors to exit codes. Which commands it holds is the
 * entry's choice (main.ts: all of them; main-collect.ts: `collect` alone).
 */
import { Command, CommanderError } from "commander";
import { InputError, UsageError } from "../support/errors.js";
import { VERSION } from "../support/version.js";
import type { Io } from "./io.js";

/** Exit codes: 0 all good, 1 the gate failed, 2 usage or input errors, 70 an internal error. */
export const EXIT = { ok: 0, gateFailed: 1, usage: 2, internal: 70 } as const;

/** The `stronghold` program without its commands. */
export function bareProgram(io: Io): Command {
  return new Command("stronghold")
    .description(
      "Prove a town's offsite backups exist as code, really restore, and that every machine meets its baselines.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
}

/** Parses argv with the program `build` makes and returns the exit code instead of exiting. */
export async function runCli(
  argv: readonly string[],
  io: Io,
  build: (io: Io, setExit: (code: number) => void) => Command,
): Promise<number> {
  let code: number = EXIT.ok;
  const program = build(io, (c) => (code = c));
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
