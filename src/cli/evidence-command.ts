/** `stronghold evidence`: the evidence ledger's subcommands, each in its own file. */
import type { Command } from "commander";
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
    .summary("verify the evidence ledger")
    .description(
      [
        "The evidence ledger: an append-only, hash-chained record of every check,",
        "collection, drill, plan and nightly run, with the artifacts they produced.",
      ].join("\n"),
    );
  registerEvidenceVerify(evidence, io, setExit);
}
