/**
 * The machine-readable report, documented by policies/schemas/check-report.schema.json
 * (schemaVersion 3: a subject lists its failed, waived and errored results and names its set of
 * not-applicable results, which the report lists once; a control in neither passed). Written as
 * one valid JSON document in pieces: the header, then one line per subject, then the trailer, so
 * memory stays flat however large the fleet.
 */
import type { CheckReport, Score } from "../evaluation/report-model.js";
import type {
  ControlResult,
  Evidence,
  Finding,
  SubjectResults,
  WaiverRef,
} from "../evaluation/result.js";
import { type Write, subjectScore } from "./common.js";
import { NotApplicableSets } from "./not-applicable-sets.js";
import { InternTable } from "../../support/intern-table.js";

/** The `schemaVersion` this reporter writes; bump it (and the schema) on any breaking change. */
export const JSON_REPORT_SCHEMA_VERSION = 3;

/** Default file name of this format when written under --out. */
export const fileName = "stronghold-report.json";

/** Renders the JSON report. */
export function render(report: CheckReport, write: Write): void {
  const head = {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: report.tool.name, version: report.tool.version },
    at: report.at,
    baselines: report.baselines.map((b) => ({ id: b.id, title: b.title, version: b.version })),
    ...(report.overlay === undefined
      ? {}
      : { overlay: { name: report.overlay.name, file: report.overlay.file } }),
    controls: report.controls.map((c) => ({
      id: c.id,
      baseline: c.baseline,
      title: c.title,
      severity: c.severity,
      rationale: c.rationale,
      remediation: c.remediation,
      references: c.references,
      appliesTo: c.appliesTo,
      parameters: c.parameters,
      checkKind: c.checkKind,
    })),
    coverage: report.coverage,
  };
  // The sets come before the subjects that name them: a first pass finds them.
  const sets = new NotApplicableSets();
  const setOf = Int32Array.from(report.subjects, (s) => sets.indexOf(s.results) ?? -1);
  // Reopen the header object to append the streamed arrays to it.
  write(`${JSON.stringify(head).slice(0, -1)},"notApplicable":[`);
  sets.sets.forEach((set, i) => {
    const entries = set.map((r) => ({ control: r.control, reason: r.reason }));
    write(`${i === 0 ? "" : ","}\n${JSON.stringify(entries)}`);
  });
  write(`\n],"subjects":[`);
  const heads = new SubjectHeads();
  report.subjects.forEach((subject, i) => {
    // The subject without its results, left open to append them.
    const head = heads.open(subject, subjectScore(report, i));
    const set = setOf[i]!;
    const named = set === -1 ? "" : `,"notApplicable":${set}`;
    write(`${i === 0 ? "" : ","}\n${head}${named},"results":[`);
    // Each result apart, and apart from its comma: joined, one beyond Latin-1 (a "≤") makes the
    // whole text two bytes a character, slower to encode, and a shared result's kept text is
    // copied into every join.
    let first = true;
    subject.results.forEachFinding((r) => {
      if (!first) write(",");
      write(resultJson(r));
      first = false;
    });
    write("]}");
  });
  write(`\n],"problems":[`);
  report.problems.forEach((p, i) => {
    const problem = {
      file: p.file,
      pointer: p.pointer,
      ...(p.line === undefined ? {} : { line: p.line }),
      message: p.message,
    };
    write(`${i === 0 ? "" : ","}\n${JSON.stringify(problem)}`);
  });
  const tail = {
    warnings: report.warnings,
    scores: {
      fleet: jsonScore(report.scores.fleet),
      byDepartment: mapScores(report.scores.byDepartment),
      bySite: mapScores(report.scores.bySite),
    },
    gate: {
      failOn: report.gate.failOn,
      minScore: report.gate.minScore,
      passed: report.gate.passed,
      reasons: report.gate.reasons,
    },
  };
  write(`\n],${JSON.stringify(tail).slice(1)}\n`);
}

/**
 * A subject without its results as JSON left open (no closing brace), the text of
 * `JSON.stringify(jsonSubject(…))` without its last character (a test holds them equal), with each
 * name's and shared score's text made once: a fleet repeats a few departments, sites, roles and
 * files, and a few hundred scores.
 */
export class SubjectHeads {
  private readonly names = new InternTable<string>(10_000);
  private readonly scores = new WeakMap<Score, string>();

  open(s: SubjectResults, score: Score | undefined): string {
    let json =
      `{"subject":${JSON.stringify(s.subject)},"kind":${this.name(s.kind)}` +
      `,"department":${this.name(s.department)},"site":${this.name(s.site)},"role":${this.name(s.role)}`;
    const source = s.source;
    if (source !== undefined) {
      json += `,"source":{"file":${this.name(source.file)}`;
      if (source.index !== undefined) json += `,"index":${JSON.stringify(source.index)}`;
      if (source.line !== undefined) json += `,"line":${JSON.stringify(source.line)}`;
      json += "}";
    }
    if (score !== undefined) json += `,"score":${this.score(score)}`;
    return json;
  }

  private name(value: string): string {
    return this.names.get(value, JSON.stringify);
  }

  private score(score: Score): string {
    let json = this.scores.get(score);
    if (json === undefined) {
      json = JSON.stringify(jsonScore(score));
      if (Object.isFrozen(score)) this.scores.set(score, json);
    }
    return json;
  }
}

/** A subject without its results, as the report's schema names its fields. */
export function jsonSubject(s: SubjectResults, score: Score | undefined) {
  return {
    subject: s.subject,
    kind: s.kind,
    department: s.department,
    site: s.site,
    role: s.role,
    ...(s.source === undefined
      ? {}
      : {
          source: {
            file: s.source.file,
            ...(s.source.index === undefined ? {} : { index: s.source.index }),
            ...(s.source.line === undefined ? {} : { line: s.source.line }),
          },
        }),
    ...(score === undefined ? {} : { score: jsonScore(score) }),
  };
}

/** Failures are often shared objects (one per control and finding): serialise each once. */
const serialised = new WeakMap<ControlResult, string>();
function resultJson(r: Finding): string {
  let json = serialised.get(r);
  if (json === undefined) {
    json = JSON.stringify(jsonResult(r));
    if (Object.isFrozen(r)) serialised.set(r, json);
  }
  return json;
}

/** Only the fields of each status; passes and not-applicables are not written here. */
function jsonResult(r: Finding) {
  switch (r.status) {
    case "fail":
      return {
        control: r.control,
        status: r.status,
        evidence: r.evidence.map(jsonEvidence),
        ...(r.expiredWaiver === undefined ? {} : { expiredWaiver: jsonWaiver(r.expiredWaiver) }),
      };
    case "waived":
      return {
        control: r.control,
        status: r.status,
        evidence: r.evidence.map(jsonEvidence),
        waiver: jsonWaiver(r.waiver),
      };
    case "error":
      return { control: r.control, status: r.status, message: r.message };
  }
}

function jsonEvidence(e: Evidence) {
  // JSON.stringify drops `actual` when it is undefined: "absent" stays distinguishable from null.
  return { pointer: e.pointer, actual: e.actual, expected: e.expected };
}

function jsonWaiver(w: WaiverRef) {
  return { id: w.id, justification: w.justification, approver: w.approver, expires: w.expires };
}

function jsonScore(s: Score) {
  return { score: s.score, counts: s.counts };
}

function mapScores(scores: Readonly<Record<string, Score>>) {
  return Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, jsonScore(v)]));
}
