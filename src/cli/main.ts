/** The `stronghold` command: parses arguments, runs a subcommand, maps errors to exit codes. */
import type { Command } from "commander";
import { registerCheckCommand } from "./check-command.js";
import { registerInfraCommand } from "./infra-command.js";
import { registerCollectCommand } from "./collect-command.js";
import { registerDrillCommand } from "./drill-command.js";
import { registerEvidenceCommand } from "./evidence-command.js";
import { registerBudgetCommand } from "./budget-command.js";
import { registerDisposeCommand } from "./dispose-command.js";
import { registerInitCommand } from "./init-command.js";
import { registerScheduleCommand } from "./schedule-command.js";
import { registerReportCommand } from "./shard-output.js";
import { registerRunCommand } from "./run-command.js";
import { processIo, type Io } from "./io.js";
import { bareProgram, runCli } from "./run-cli.js";

/** The program with every command. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = bareProgram(io);
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
export function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runCli(argv, io, buildProgram);
}
