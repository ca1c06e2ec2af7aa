/** The errors a user can act on. Anything else escaping to the CLI is a bug and is reported as one. */
import type { InputProblem } from "../documents/input-problem.js";

/** Wrong command-line usage: exit 2 with the message. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Input files that cannot be used at all (a broken baseline or overlay): exit 2, every problem listed. */
export class InputError extends Error {
  override name = "InputError";
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}

/** `file:line: /pointer: message`, the shape editors and CI annotations understand. */
export function formatProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.pointer === "" ? `${where}: ${p.message}` : `${where}: ${p.pointer}: ${p.message}`;
}
