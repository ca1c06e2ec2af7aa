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

/** Where kind and at sit in a line appendEntry wrote: before the draft's bulky fields. */
const HEAD = /"kind":"([a-z-]+)","at":"([^"]*)"/;
/** How much of a line's start the head is looked for in (seq, prev, recordedAt and tool come first). */
const HEAD_CHARS = 400;

/**
 * The end (exclusive) of the JSON object or array opening at byte `start`: braces counted outside
 * strings, escapes skipped (UTF-8 continuation bytes never equal these ASCII bytes). -1 when the
 * line ends first.
 */
function valueEnd(bytes: Buffer, start: number, stop: number): number {
  let depth = 0;
  for (let i = start; i < stop; i++) {
    const c = bytes[i]!;
    if (c === 0x22) {
      // A string: skip to its closing quote.
      for (i += 1; i < stop; i++) {
        const d = bytes[i]!;
        if (d === 0x5c) i += 1;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth += 1;
    else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const FAILING = Buffer.from('"failingMachines":{');

/**
 * A check line without its failingMachines (most of its bytes), decoded: only the last check's
 * are shown, and decoding and parsing every night's list made a 10-year ledger several times
 * slower.
 */
function withoutFailingMachines(bytes: Buffer, start: number, end: number): string {
  const at = bytes.indexOf(FAILING, start);
  if (at < 0 || at >= end) return bytes.toString("utf8", start, end);
  const close = valueEnd(bytes, at + FAILING.length - 1, end);
  if (close < 0) return bytes.toString("utf8", start, end);
  return `${bytes.toString("utf8", start, at)}"failingMachines":{}${bytes.toString("utf8", close, end)}`;
}

/**
 * Every entry whose `at` is not after `until`, in ledger order; check entries other than the
 * latest come without their `failingMachines`. A line that is not an entry is an InputError
 * naming its line; the chain itself is `stronghold evidence verify`'s to check.
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
  const bytes = readFileSync(file);
  const limit = until.getTime();
  const entries: LedgerEntry[] = [];
  const problems: InputProblem[] = [];
  // The latest check so far (by at, then ledger order): parsed whole at the end.
  let lastCheck:
    { index: number; at: number; start: number; end: number; line: number } | undefined;
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    line += 1;
    const lineStart = start;
    start = end + 1;
    if (end === lineStart) continue;
    const head = HEAD.exec(
      bytes.toString("utf8", lineStart, Math.min(end, lineStart + HEAD_CHARS)),
    );
    if (head !== null) {
      const at = Date.parse(head[2]!);
      if (!Number.isNaN(at) && at > limit) continue;
    }
    const raw =
      head?.[1] === "check"
        ? withoutFailingMachines(bytes, lineStart, end)
        : bytes.toString("utf8", lineStart, end);
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
    if (at > limit) continue;
    if (entry.kind === "check" && (lastCheck === undefined || at >= lastCheck.at))
      lastCheck = { index: entries.length, at, start: lineStart, end, line };
    entries.push(entry);
  }
  if (lastCheck !== undefined) {
    try {
      entries[lastCheck.index] = JSON.parse(
        bytes.toString("utf8", lastCheck.start, lastCheck.end),
      ) as LedgerEntry;
    } catch {
      problems.push({
        file,
        line: lastCheck.line,
        pointer: "",
        message: "is not a JSON entry (damaged or cut off): run stronghold evidence verify",
      });
    }
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
