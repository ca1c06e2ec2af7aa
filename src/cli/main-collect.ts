/**
 * `stronghold collect` with no other command: the bundle's entry for it (bin/stronghold.js picks
 * it when the first argument is `collect`), so a collection run loads only the collector's code,
 * about half of the whole CLI, and starts in two thirds of the CPU time.
 */
import { registerCollectCommand } from "./collect-command.js";
import { processIo, type Io } from "./io.js";
import { bareProgram, runCli } from "./run-cli.js";

/** Runs `stronghold collect …` and returns the exit code, as main() does for every command. */
export function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runCli(argv, io, (io, setExit) => {
    const program = bareProgram(io);
    registerCollectCommand(program, io, setExit);
    return program;
  });
}
