/** `stronghold evidence`: the evidence ledger's subcommands, each in its own file. */
import type { Command } from "commander";
import type { Io } from "./io.js";
import { registerEvidenceQuery } from "./evidence-query.js";

/** Adds `stronghold evidence` and its subcommands to the program. */
export function registerEvidenceCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const evidence = program
    .command("evidence")
    .summary("query and maintain the evidence ledger")
    .description("The append-only, hash-chained ledger of checks, drills, plans and runs.");
  registerEvidenceQuery(evidence, io, setExit);
}
