/** `stronghold evidence <sub>`: the evidence ledger's commands, each in its own file. */
import type { Command } from "commander";
import { registerEvidenceQuery } from "./evidence-query.js";
import { registerEvidenceRemote } from "./evidence-remote.js";
import type { Io } from "./io.js";

export function registerEvidenceCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const evidence = program
    .command("evidence")
    .summary("verify, query, push and maintain the evidence ledger")
    .description(
      "The append-only, hash-chained ledger of checks, collections, drills, plans and runs.",
    );
  registerEvidenceRemote(evidence, io, setExit);
  registerEvidenceQuery(evidence, io, setExit);
}
