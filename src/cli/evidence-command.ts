/** `stronghold evidence <sub>`: the evidence ledger's commands, each in its own file. */
import type { Command } from "commander";
import { registerEvidenceQuery } from "./evidence-query.js";
import { registerEvidenceRemote } from "./evidence-remote.js";
import { registerEvidenceVerify } from "./evidence-verify.js";
import type { Io } from "./io.js";

/** Adds `stronghold evidence` and its subcommands to the program. */
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
  registerEvidenceVerify(evidence, io, setExit);
  registerEvidenceRemote(evidence, io, setExit);
  registerEvidenceQuery(evidence, io, setExit);
}
