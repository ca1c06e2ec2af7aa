/**
 * The dashboard's only access to the ledger: its entries up to a time, and an artifact's bytes.
 * Kept apart so the dashboard can read the SQLite index instead without touching the rest.
 */
import { existsSync, readFileSync } from "node:fs";
import type { InputProblem } from "../../documents/input-problem.js";
import { InputError } from "../../support/errors.js";
import { ENTRY_KINDS, type LedgerEntry } from "../entry.js";
import { ledgerFiles, objectPath } from "../ledger.js";

const KINDS: ReadonlySet<string> = new Set(ENTRY_KINDS);

/**
 * Every entry whose `at` is not after `until`, in ledger order. A line that is not an entry is an
 * InputError naming its line; the chain itself is `stronghold evidence verify`'s to check.
 */
export function readEntries(dir: string, until: Date): LedgerEntry[] {
  const file = ledgerFiles(dir).entries;
  if (!existsSync(file))
    throw new InputError([
      {
        file,
        pointer: "",
        message:
          "no evidence ledger here: give --ledger <dir>, or run stronghold run or check in the workspace first",
      },
    ]);
  const text = readFileSync(file, "utf8");
  const limit = until.getTime();
  const entries: LedgerEntry[] = [];
  const problems: InputProblem[] = [];
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    line += 1;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === "") continue;
    let entry: LedgerEntry;
    try {
      entry = JSON.parse(raw) as LedgerEntry;
    } catch {
      problems.push({
        file,
        line,
        pointer: "",
        message: "is not a JSON entry (damaged or cut off): run stronghold evidence verify",
      });
      continue;
    }
    if (
      typeof entry !== "object" ||
      entry === null ||
      !KINDS.has(entry.kind) ||
      typeof entry.at !== "string" ||
      typeof entry.seq !== "number" ||
      typeof entry.metrics !== "object" ||
      entry.metrics === null
    ) {
      problems.push({
        file,
        line,
        pointer: "",
        message: "is not a ledger entry (kind, at, seq and metrics expected)",
      });
      continue;
    }
    const at = Date.parse(entry.at);
    if (Number.isNaN(at)) {
      problems.push({ file, line, pointer: "/at", message: `"${entry.at}" is not a time` });
      continue;
    }
    if (at <= limit) entries.push(entry);
  }
  if (problems.length > 0) throw new InputError(problems);
  return entries;
}

/** An artifact's content parsed as JSON, or the reason it cannot be. */
export function readArtifactJson(
  dir: string,
  sha256: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const file = objectPath(dir, sha256);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return {
      ok: false,
      problem: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: `${file} is not JSON` };
  }
}
