/**
 * `stronghold check` with no other command: the bundle's entry for it (bin/stronghold.js picks
 * it when the first argument is `check`), so a check, which CI runs on every change, loads
 * neither the drills, the infrastructure and evidence commands nor their dependencies.
 */
import { registerCheckCommand } from "./check-command.js";
import { processIo, type Io } from "./io.js";
import { bareProgram, runCli } from "./run-cli.js";

/** Runs `stronghold check …` and returns the exit code, as main() does for every command. */
export function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runCli(argv, io, (io, setExit) => {
    const program = bareProgram(io);
    registerCheckCommand(program, io, setExit);
    return program;
  });
}
