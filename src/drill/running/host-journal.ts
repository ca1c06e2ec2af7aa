/**
 * The intent journal a run keeps on each host it may change: written and synced before the first
 * step runs, saying which run it is, what its steps may change there and how to finish it, and
 * removed only once every cleanup step has passed — the originals put back and verified. A run
 * killed outright (SIGKILL, the OOM killer, power loss) cannot clean up; its journal stays, the
 * next drill on the host refuses to start, and `stronghold drill recover` finishes the cleanup from
 * it. Scratch folders of earlier runs are looked for too, journal or not.
 */
import { posix } from "node:path";
import type { HostSession } from "../../hosts/transport/session.js";
import type { DrillOptions } from "../runbook/settings.js";

/** The folder, in a host's first sandbox, that holds the journals of runs not yet finished. */
export const JOURNAL_FOLDER = ".stronghold-journal";
/** What a journal file says it is. */
export const JOURNAL_FORMAT = "stronghold-drill-intent/1";

/** One host's journal of one run. */
export interface HostJournalRecord {
  readonly format: typeof JOURNAL_FORMAT;
  readonly runId: string;
  readonly runbook: string;
  /** The host this journal is on. */
  readonly host: string;
  readonly startedAt: string;
  readonly inventory: string;
  /** The run's options: with the run id, enough to plan its cleanup again. */
  readonly options: DrillOptions;
  /** Each target's host, by the runbook's target name. */
  readonly targets: Readonly<Record<string, string>>;
  readonly rtoMinutes: number;
  readonly rpoMinutes: number;
  /** STRONGHOLD_DRILL_RUN in the run's commands, for drill recover to stop them by. */
  readonly runMarker?: string;
  /** What the run's steps may change on this host. */
  readonly changes: readonly { readonly step: string; readonly paths: readonly string[] }[];
  /** Where the originals are kept while the run lasts, as the runbook says it. */
  readonly keeps: string;
  /** The nightly run the drill was a stage of (its folder name), when it was. */
  readonly nightly?: string;
}

/** A journal found on a host: its file, and its record or why it cannot be read. */
export type FoundJournal =
  | { readonly file: string; readonly record: HostJournalRecord }
  | { readonly file: string; readonly problem: string };

/** Where a host keeps its journals: in its first sandbox (resolved, for a destructive target). */
export function journalFolder(sandbox: readonly string[]): string | undefined {
  const first = sandbox[0];
  return first === undefined ? undefined : posix.join(first, JOURNAL_FOLDER);
}

function fileOf(folder: string, runId: string): string {
  return posix.join(folder, `${runId}.json`);
}

// Written under a temporary name, synced, renamed, and the folder synced: after a crash the
// journal is either whole or absent, never half.
const WRITE = `
set -e
mkdir -p -- "$1"
tmp="$1/.$2.tmp"
cat > "$tmp"
sync -- "$tmp" 2>/dev/null || sync
mv -f -- "$tmp" "$1/$2"
sync -- "$1" 2>/dev/null || sync
`;

/** Writes (or rewrites) the run's journal on the host. */
export async function writeHostJournal(
  session: HostSession,
  folder: string,
  record: HostJournalRecord,
  timeoutMs: number,
): Promise<string> {
  const name = `${record.runId}.json`;
  const result = await session.exec(["sh", "-c", WRITE, "stronghold-journal", folder, name], {
    stdin: `${JSON.stringify(record, null, 2)}\n`,
    timeoutMs,
  });
  if (result.code !== 0)
    throw new Error(
      `cannot write the drill journal ${fileOf(folder, record.runId)} on ${session.host.name}: ${result.stderr.trim().split("\n").at(-1) || `exit ${result.code ?? "signal"}`}`,
    );
  return fileOf(folder, record.runId);
}

/** Removes the run's journal from the host (nothing when it is already gone). */
export async function removeHostJournal(
  session: HostSession,
  folder: string,
  runId: string,
  timeoutMs: number,
): Promise<void> {
  const file = fileOf(folder, runId);
  const result = await session.exec(
    [
      "sh",
      "-c",
      // The folder goes too once empty: a sandbox holds nothing of a finished run.
      'rm -f -- "$1" && { [ ! -d "$2" ] || rmdir --ignore-fail-on-non-empty -- "$2"; } && { sync -- "$(dirname -- "$2")" 2>/dev/null || sync; }',
      "sh",
      file,
      folder,
    ],
    { timeoutMs },
  );
  if (result.code !== 0)
    throw new Error(
      `cannot remove the drill journal ${file} on ${session.host.name}: ${result.stderr.trim() || `exit ${result.code ?? "signal"}`}`,
    );
}

// Each journal as its path, a NUL, its content, a NUL.
const READ = `
for f in "$1"/*.json; do
  [ -f "$f" ] || continue
  printf '%s\\0' "$f"; cat -- "$f"; printf '\\0'
done
`;

/** The journals of unfinished runs on the host, read and checked. */
export async function readHostJournals(
  session: HostSession,
  folder: string,
  timeoutMs: number,
): Promise<FoundJournal[]> {
  const result = await session.exec(["sh", "-c", READ, "stronghold-journals", folder], {
    timeoutMs,
  });
  if (result.code !== 0)
    throw new Error(
      `cannot read the drill journals in ${folder} on ${session.host.name}: ${result.stderr.trim() || `exit ${result.code ?? "signal"}`}`,
    );
  const parts = result.stdout.split("\0");
  const found: FoundJournal[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const file = parts[i]!;
    found.push(parseJournal(file, parts[i + 1]!));
  }
  return found;
}

/** A journal's text as a record, or what is wrong with it (named by its file and field). */
export function parseJournal(file: string, text: string): FoundJournal {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { file, problem: `not JSON (${(error as Error).message})` };
  }
  const r = value as Partial<HostJournalRecord> | null;
  if (r === null || typeof r !== "object") return { file, problem: "not a JSON object" };
  if (r.format !== JOURNAL_FORMAT)
    return {
      file,
      problem: `/format is ${JSON.stringify(r.format)}, expected "${JOURNAL_FORMAT}"`,
    };
  for (const field of ["runId", "runbook", "host", "startedAt", "keeps"] as const)
    if (typeof r[field] !== "string")
      return { file, problem: `/${field} is missing or not a string` };
  if (typeof r.options !== "object" || r.options === null)
    return { file, problem: "/options is missing or not an object" };
  if (typeof r.targets !== "object" || r.targets === null)
    return { file, problem: "/targets is missing or not an object" };
  if (r.nightly !== undefined && typeof r.nightly !== "string")
    return { file, problem: "/nightly is not a string" };
  if (r.runMarker !== undefined && typeof r.runMarker !== "string")
    return { file, problem: "/runMarker is not a string" };
  return { file, record: r as HostJournalRecord };
}

/**
 * Scratch folders of earlier runs: for each path this run's steps may change whose name holds
 * the run id, the entries beside it whose names match with any run id instead (a file-deletion
 * run's `.stronghold-drill-<run>` finds every share drill's scratch folder beside the share).
 */
export function leftoverPatterns(
  runId: string,
  paths: readonly string[],
): { readonly dir: string; readonly glob: string }[] {
  const seen = new Set<string>();
  const patterns: { dir: string; glob: string }[] = [];
  for (const p of paths) {
    const base = posix.basename(p);
    if (!base.includes(runId)) continue;
    const glob = base.replace(runId, "*").replace(/[[\]?]/g, "\\$&");
    const dir = posix.dirname(p);
    const key = `${dir}\0${glob}`;
    if (seen.has(key)) continue;
    seen.add(key);
    patterns.push({ dir, glob });
  }
  return patterns;
}

/** The entries on the host matching the patterns (see leftoverPatterns). */
export async function findLeftovers(
  session: HostSession,
  patterns: readonly { readonly dir: string; readonly glob: string }[],
  timeoutMs: number,
): Promise<string[]> {
  if (patterns.length === 0) return [];
  const script = `
while [ $# -gt 0 ]; do
  [ -d "$1" ] && find "$1" -mindepth 1 -maxdepth 1 -name "$2" -printf '%p\\0'
  shift 2
done
exit 0
`;
  const result = await session.exec(
    ["sh", "-c", script, "stronghold-leftovers", ...patterns.flatMap((p) => [p.dir, p.glob])],
    { timeoutMs },
  );
  if (result.code !== 0)
    throw new Error(
      `cannot look for earlier runs' scratch folders on ${session.host.name}: ${result.stderr.trim() || `exit ${result.code ?? "signal"}`}`,
    );
  return result.stdout.split("\0").filter(Boolean).sort();
}
