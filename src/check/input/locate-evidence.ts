/**
 * Gives each piece of evidence the line of its field in the machine's source file, so that code
 * scanning points at `smbv1Enabled: true` rather than at the top of the file. Lines come from the
 * first read: `locateFailures` stamps a failing machine's evidence while its text is in hand, a
 * file on one line needs nothing (its source says every field is on line 1) and a JSON Lines
 * record's source names its line. A failing machine of a file of several lines also keeps the
 * lines of the fields fleet controls cite (fleet-field-lines.ts), so their evidence, found after
 * every machine is read, needs no second read either. Only evidence still unplaced (a machine
 * that failed nothing of its own, a field nothing kept) sends `locateEvidence` back to the file,
 * each such file read once.
 */
import { readFileSync } from "node:fs";
import type { ControlResult, Evidence, Source, SubjectResults } from "../evaluation/result.js";
import type { ResultRow } from "../evaluation/result-row.js";
import { lineOf } from "../../documents/locate.js";
import { decodeText } from "../../documents/read-document.js";
import type { LineLocator } from "./machines.js";
import { FleetFieldLines } from "./fleet-field-lines.js";

// Filed under the machine's source object, which its subject carries to the report: they live
// exactly as long as the subject, and a subject rebuilt from elsewhere (a shard) finds none.
const keptForFleet = new WeakMap<Source, FleetFieldLines>();

function hasEvidence(
  r: ControlResult,
): r is Extract<ControlResult, { evidence: readonly Evidence[] }> {
  return r.status === "fail" || r.status === "waived";
}

function withLines<R extends Extract<ControlResult, { evidence: readonly Evidence[] }>>(
  r: R,
  lineFor: LineLocator["lineOf"],
): R {
  return {
    ...r,
    evidence: r.evidence.map((e) => {
      if (e.line !== undefined) return e;
      const line = lineFor(e.pointer);
      return line === undefined ? e : { ...e, line };
    }),
  };
}

/**
 * Stamps the line of every failing field into one machine's results (in place; evidence objects
 * may be shared between machines, so located ones are copies). Passing machines cost nothing. A
 * machine that failed something (its text is parsed by then) keeps the lines of the fields fleet
 * controls cite, unless `keepForFleet` is false (nothing in this process will conclude them).
 */
export function locateFailures(
  results: ResultRow,
  locate: LineLocator | undefined,
  keepForFleet = true,
): void {
  if (locate === undefined) return;
  let failed = false;
  results.forEachFinding((r, i) => {
    if (hasEvidence(r) && r.evidence.length > 0) {
      results.set(i, withLines(r, locate.lineOf));
      failed = true;
    }
  });
  if (failed && keepForFleet) keptForFleet.set(locate.source, FleetFieldLines.read(locate));
}

function readText(file: string): string | undefined {
  try {
    const text = decodeText(readFileSync(file));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined; // gone or unreadable since the check: the evidence keeps no line
  }
}

/** True for a subject from a file of several lines with evidence no first read located. */
function needsReading(subject: SubjectResults): boolean {
  const source = subject.source;
  if (source === undefined || source.file === "<stdin>") return false;
  // A record's line (JSON Lines, a CSV row) or a one-line file already places every field.
  if (source.line !== undefined || source.oneLine) return false;
  return subject.results
    .findings()
    .some((r) => hasEvidence(r) && r.evidence.some((e) => e.line === undefined));
}

/** The lines kept from the first read for every piece of evidence still unplaced, if they cover it. */
function keptLines(subject: SubjectResults): LineLocator["lineOf"] | undefined {
  const kept = keptForFleet.get(subject.source!);
  if (kept === undefined) return undefined;
  for (const r of subject.results.findings()) {
    if (!hasEvidence(r)) continue;
    for (const e of r.evidence)
      if (e.line === undefined && kept.lineOf(e.pointer) === undefined) return undefined;
  }
  return (pointer) => kept.lineOf(pointer) ?? undefined;
}

/** The subjects with every piece of evidence located that a first read could not locate. */
export function locateEvidence(subjects: readonly SubjectResults[]): SubjectResults[] {
  let file: string | undefined;
  let text: string | undefined;
  return subjects.map((subject) => {
    if (!needsReading(subject)) return subject;
    const kept = keptLines(subject);
    if (kept !== undefined)
      return {
        ...subject,
        results: subject.results.changed((r) => (hasEvidence(r) ? withLines(r, kept) : r)),
      };
    const source = subject.source!;
    if (file !== source.file) {
      file = source.file;
      text = readText(source.file);
    }
    const current = text;
    if (current === undefined) return subject;
    const prefix = source.index === undefined ? "" : `/machines/${source.index}`;
    const lineFor = (pointer: string) => lineOf(current, prefix + pointer);
    return {
      ...subject,
      results: subject.results.changed((r) => (hasEvidence(r) ? withLines(r, lineFor) : r)),
    };
  });
}
