/** `stronghold evidence <sub>`: the evidence ledger's commands, each in its own file. */
import type { Command } from "commander";
import { registerEvidenceRemote } from "./evidence-remote.js";
import type { Io } from "./io.js";

export function registerEvidenceCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const evidence = program
    .command("evidence")
    .description("The evidence ledger: hash-chained entries of every check, drill and run");
  registerEvidenceRemote(evidence, io, setExit);
}
