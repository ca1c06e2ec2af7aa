/**
 * What several reporters need from a CheckReport: lookups, tallies and wording of evidence. Every
 * helper walks `report.subjects` once and keeps only bounded state, so a 100,000-machine fleet
 * costs a pass, never a copy.
 */
import type { CheckReport, ResolvedControl, Score } from "../evaluation/report-model.js";
import type {
  ControlResult,
  Evidence,
  FailResult,
  InputProblem,
  Severity,
  Status,
  SubjectResults,
  WaiverRef,
} from "../evaluation/result.js";
import { SEVERITIES, STATUSES } from "../evaluation/result.js";

import type { Write } from "../../output/write.js";

export type { Write };

/** Renders a whole report through `write`, one chunk per section or subject. */
export type Render = (report: CheckReport, write: Write) => void;

/** A report format: its renderer and the file name it is written to by default. */
export interface Reporter {
  readonly fileName: string;
  readonly render: Render;
}

/** 0 for critical … 3 for low: sorts the most severe first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(
  SEVERITIES.map((s, i) => [s, i]),
) as Record<Severity, number>;

/** Controls by id (ids are unique across the baselines of one run). */
export function controlsById(report: CheckReport): ReadonlyMap<string, ResolvedControl> {
  return new Map(report.controls.map((c) => [c.id, c]));
}

/** A zero count for every status, in STATUSES order. */
export function emptyCounts(): Record<Status, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
}

/** Counts of each status among one subject's results. */
export function countStatuses(subject: SubjectResults): Record<Status, number> {
  const counts = emptyCounts();
  for (const r of subject.results) counts[r.status] += 1;
  return counts;
}

/** A score as the reports print it: one decimal. */
export function formatScore(score: number): string {
  return score.toFixed(1);
}

/** The score the engine computed for subject `index`, if it did. */
export function subjectScore(report: CheckReport, index: number): Score | undefined {
  return report.scores.bySubject[index];
}

export interface ControlTally {
  readonly id: string;
  readonly control: ResolvedControl | undefined;
  readonly fail: number;
  readonly error: number;
  readonly waived: number;
}

/**
 * Per control: how many subjects failed it, could not evaluate it, or had it waived. Sorted worst
 * first (failures, then errors, then severity, then id); controls with none of the three are left
 * out.
 */
export function tallyControls(report: CheckReport): ControlTally[] {
  const byId = controlsById(report);
  const tallies = new Map<string, { fail: number; error: number; waived: number }>();
  for (const subject of report.subjects) {
    for (const r of subject.results.findings()) {
      let t = tallies.get(r.control);
      if (t === undefined) {
        t = { fail: 0, error: 0, waived: 0 };
        tallies.set(r.control, t);
      }
      t[r.status] += 1;
    }
  }
  const rank = (c: ResolvedControl | undefined): number =>
    c === undefined ? SEVERITIES.length : SEVERITY_RANK[c.severity];
  return [...tallies]
    .map(([id, t]) => ({ id, control: byId.get(id), ...t }))
    .sort(
      (a, b) =>
        b.fail - a.fail ||
        b.error - a.error ||
        rank(a.control) - rank(b.control) ||
        a.id.localeCompare(b.id),
    );
}

export interface FailingSubject {
  readonly index: number;
  readonly subject: SubjectResults;
  readonly score: Score | undefined;
  /** Ids of the controls that failed or could not be evaluated, in baseline order. */
  readonly failed: readonly string[];
}

/** Subjects with at least one fail or error result: the `limit` lowest-scoring, and how many in all. */
export function worstSubjects(
  report: CheckReport,
  limit: number,
): { readonly top: readonly FailingSubject[]; readonly total: number } {
  const top: FailingSubject[] = [];
  let total = 0;
  const before = (a: FailingSubject, b: FailingSubject): boolean => {
    const sa = a.score?.score ?? 0;
    const sb = b.score?.score ?? 0;
    return sa < sb || (sa === sb && a.subject.subject.localeCompare(b.subject.subject) < 0);
  };
  report.subjects.forEach((subject, index) => {
    const failed = subject.results
      .filter((r) => r.status === "fail" || r.status === "error")
      .map((r) => r.control);
    if (failed.length === 0) return;
    total += 1;
    if (limit <= 0) return;
    const entry: FailingSubject = { index, subject, score: subjectScore(report, index), failed };
    const last = top[top.length - 1];
    if (top.length >= limit && last !== undefined && !before(entry, last)) return;
    // Insertion into a short sorted array: limit is a screenful, so this stays cheap at any size.
    let at = top.length;
    while (at > 0) {
      const prev = top[at - 1];
      if (prev === undefined || !before(entry, prev)) break;
      at -= 1;
    }
    top.splice(at, 0, entry);
    if (top.length > limit) top.pop();
  });
  return { top, total };
}

export interface ExpiredWaiver {
  readonly subject: SubjectResults;
  readonly result: FailResult;
  readonly waiver: WaiverRef;
}

/** Failures whose matching waiver had expired, in subject order. */
export function* expiredWaivers(report: CheckReport): Generator<ExpiredWaiver> {
  for (const subject of report.subjects) {
    for (const result of subject.results.findings()) {
      if (result.status === "fail" && result.expiredWaiver !== undefined) {
        yield { subject, result, waiver: result.expiredWaiver };
      }
    }
  }
}

const MAX_VALUE_CHARS = 200;

/** An evidence value in words: JSON, shortened; "absent" when the field does not exist. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "absent";
  let text: string;
  try {
    // undefined for functions and symbols, which JSON cannot express.
    text = JSON.stringify(value) ?? `(${typeof value})`;
  } catch {
    text = typeof value === "bigint" ? `${value.toString()}n` : "(unserialisable value)";
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Where the evidence points: the JSON pointer, or "(whole machine)" for "". */
export function formatPointer(pointer: string): string {
  return pointer === "" ? "(whole machine)" : pointer;
}

/** "<pointer>: found <actual>, expected <expected>". */
export function describeEvidence(e: Evidence): string {
  return `${formatPointer(e.pointer)}: found ${formatValue(e.actual)}, expected ${e.expected}`;
}

const MAX_EVIDENCE_PER_RESULT = 3;

/**
 * Why a result did not pass, on one line: its evidence (the first few, the rest counted) or the
 * error of a check that could not run; undefined for results that passed or do not count.
 */
export function describeFailure(r: ControlResult): string | undefined {
  if (r.status === "error") return `could not be evaluated: ${r.message}`;
  if (r.status !== "fail") return undefined;
  if (r.evidence.length === 0) return "failed (no evidence recorded)";
  const shown = r.evidence.slice(0, MAX_EVIDENCE_PER_RESULT).map(describeEvidence);
  const rest = r.evidence.length - shown.length;
  return shown.join("; ") + (rest > 0 ? `; and ${rest} more` : "");
}

/** A remediation text on one line (baselines fold it over several). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** "file:line" (or just "file"), the way editors and terminals link to a place in a file. */
export function fileLine(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** "file:line pointer" for an input problem. */
export function problemLocation(p: InputProblem): string {
  return p.pointer === "" ? fileLine(p.file, p.line) : `${fileLine(p.file, p.line)} ${p.pointer}`;
}

/** "id by approver, expires date". */
export function describeWaiver(w: WaiverRef): string {
  return `${w.id} by ${w.approver}, expires ${w.expires}`;
}

/** A relative path in URI form: forward slashes, each segment percent-encoded. */
export function pathToUriReference(path: string): string {
  const slashed = path.replace(/\\/g, "/");
  const drive = /^[A-Za-z]:\//.exec(slashed);
  const segments = slashed.split("/").map((s) => encodeURIComponent(s));
  if (drive !== null) {
    // An absolute Windows path: keep the drive letter readable in a file URI.
    return `file:///${slashed.slice(0, 2)}/${segments.slice(1).join("/")}`;
  }
  return slashed.startsWith("/") ? `file://${segments.join("/")}` : segments.join("/");
}
