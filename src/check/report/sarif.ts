/**
 * SARIF 2.1.0 for code-scanning dashboards: one rule per control, one result per failed, errored
 * or waived (suppressed) control on a subject, located in the machine's source file and by host
 * name; input problems become tool execution notifications. Written as one JSON document in
 * pieces, one per subject.
 */
import type {
  Invocation,
  Location,
  Log,
  Notification,
  ReportingDescriptor,
  Result,
  Run,
} from "sarif";
import type { CheckReport, ResolvedControl } from "../evaluation/report-model.js";
import type {
  Evidence,
  FailResult,
  Finding,
  Severity,
  SubjectResults,
} from "../evaluation/result.js";
import {
  type Write,
  describeEvidence,
  describeWaiver,
  fileLine,
  formatPointer,
  pathToUriReference,
} from "./common.js";

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** GitHub code scanning reads this property (a numeric string) to rank alerts. */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: "9.5",
  high: "7.5",
  medium: "5.0",
  low: "2.0",
};

const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
};

const REFERENCE_TAG: Readonly<Record<string, string>> = {
  cisControls: "CIS Controls",
  cisBenchmark: "CIS Benchmark",
  nist80053: "NIST SP 800-53",
  csf: "NIST CSF",
  nist80088: "NIST SP 800-88",
};

/** Default file name of this format when written under --out. */
export const fileName = "stronghold-report.sarif";

/** Renders the SARIF log. */
export function render(report: CheckReport, write: Write): void {
  const ruleIndex = new Map(report.controls.map((c, i) => [c.id, i]));
  const byId = new Map(report.controls.map((c) => [c.id, c]));
  const run: Run = {
    tool: {
      driver: {
        name: "stronghold",
        version: report.tool.version,
        semanticVersion: report.tool.version,
        rules: report.controls.map(rule),
      },
    },
    automationDetails: { id: "stronghold/check/" },
    properties: {
      evaluatedAt: report.at,
      baselines: report.baselines.map((b) => `${b.id}@${b.version}`),
      ...(report.overlay === undefined ? {} : { overlay: report.overlay.name }),
      fleetScore: report.scores.fleet.score,
      gate: {
        passed: report.gate.passed,
        failOn: report.gate.failOn,
        minScore: report.gate.minScore,
        reasons: report.gate.reasons,
      },
      warnings: report.warnings,
    },
  };
  const log: Log = { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs: [run] };
  // Reopen the run object to stream its results and notifications into it.
  const logText = JSON.stringify(log);
  const runText = JSON.stringify(run);
  const runStart = logText.lastIndexOf(runText);
  write(`${logText.slice(0, runStart)}${runText.slice(0, -1)},"results":[`);

  let first = true;
  const failures = new FailureJson(byId, ruleIndex);
  // Each result is written apart: joined, one message beyond Latin-1 (a "≤") would make the
  // subject's whole text two bytes a character, several times slower to encode.
  for (const subject of report.subjects) {
    subject.results.forEachFinding((r) => {
      const json =
        r.status === "fail"
          ? failures.of(subject, r)
          : JSON.stringify(result(subject, r, byId.get(r.control), ruleIndex.get(r.control)));
      write(first ? `\n${json}` : `,\n${json}`);
      first = false;
    });
  }

  const invocation: Invocation = { executionSuccessful: report.problems.length === 0 };
  const invocationText = JSON.stringify(invocation);
  write(`\n],"invocations":[${invocationText.slice(0, -1)},"toolExecutionNotifications":[`);
  report.problems.forEach((p, i) => {
    const notification: Notification = {
      level: "error",
      message: { text: `${fileLine(p.file, p.line)} ${p.pointer}: ${p.message}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: pathToUriReference(p.file) },
            ...(p.line === undefined ? {} : { region: { startLine: p.line } }),
          },
          ...(p.pointer === ""
            ? {}
            : { logicalLocations: [{ fullyQualifiedName: p.pointer, kind: "element" }] }),
        },
      ],
    };
    write(`${i === 0 ? "" : ","}\n${JSON.stringify(notification)}`);
  });
  // Close the notifications, the invocation, the invocations and the run, then the log's own tail.
  write(`\n]}]}${logText.slice(runStart + runText.length)}\n`);
}

function rule(c: ResolvedControl): ReportingDescriptor {
  const references = Object.entries(c.references).flatMap(([framework, ids]) =>
    (ids ?? []).map((id) => `${REFERENCE_TAG[framework] ?? framework} ${id}`),
  );
  const tags = [...new Set(["compliance", c.baseline, ...references])];
  return {
    id: c.id,
    name: pascalCase(c.id),
    shortDescription: { text: c.title },
    fullDescription: { text: c.rationale },
    help: {
      text:
        `${c.remediation}\n\nWhy: ${c.rationale}` +
        (references.length === 0 ? "" : `\n\nReferences: ${references.join(", ")}`),
      markdown:
        `**Remediation.** ${c.remediation}\n\n**Why.** ${c.rationale}` +
        (references.length === 0 ? "" : `\n\n**References.** ${references.join(", ")}`),
    },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags,
      "security-severity": SECURITY_SEVERITY[c.severity],
      severity: c.severity,
      baseline: c.baseline,
      references: c.references,
    },
  };
}

/** The SARIF result for one finding (passes and not-applicable results have none). */
export function result(
  subject: SubjectResults,
  r: Finding,
  control: ResolvedControl | undefined,
  index: number | undefined,
): Result {
  const base = {
    ruleId: r.control,
    ...(index === undefined ? {} : { ruleIndex: index }),
    kind: "fail" as const,
    partialFingerprints: { "strongholdSubjectControl/v1": `${subject.subject}:${r.control}` },
  };
  const title = control?.title ?? r.control;
  const level = levelOf(control);
  switch (r.status) {
    case "fail":
      return {
        ...base,
        level,
        message: { text: `${subject.subject}: ${failureText(r, title)}` },
        locations: locations(subject, r.evidence),
        ...(r.expiredWaiver === undefined
          ? {}
          : { properties: { expiredWaiver: r.expiredWaiver } }),
      };
    case "waived":
      return {
        ...base,
        level,
        message: {
          text: `${subject.subject}: ${title}. ${evidenceText(r.evidence)} Waived: ${describeWaiver(r.waiver)}.`,
        },
        locations: locations(subject, r.evidence),
        suppressions: [
          {
            kind: "external",
            status: "accepted",
            justification: `${r.waiver.justification} (waiver ${describeWaiver(r.waiver)})`,
          },
        ],
        properties: { waiver: r.waiver },
      };
    case "error":
      return {
        ...base,
        level: "error",
        message: { text: `${subject.subject}: ${title} could not be evaluated: ${r.message}` },
        locations: locations(subject, []),
      };
  }
}

const levelOf = (control: ResolvedControl | undefined) =>
  control === undefined ? "warning" : LEVEL[control.severity];

/** A failed result's message after the subject's name and its colon. */
function failureText(r: FailResult, title: string): string {
  const waiver =
    r.expiredWaiver === undefined
      ? ""
      : ` Waiver ${describeWaiver(r.expiredWaiver)} has expired; the failure stands.`;
  return `${title}. ${evidenceText(r.evidence)}${waiver}`;
}

/** Machines that fail alike share one frozen evidence list: its text is made once. */
const evidenceTexts = new WeakMap<readonly Evidence[], string>();
function evidenceText(evidence: readonly Evidence[]): string {
  let text = evidenceTexts.get(evidence);
  if (text === undefined) {
    text = evidence.length === 0 ? "" : `${evidence.map(describeEvidence).join("; ")}.`;
    if (Object.isFrozen(evidence)) evidenceTexts.set(evidence, text);
  }
  return text;
}

/**
 * One location per piece of evidence (the machine's file and the field's line, plus the host and
 * JSON pointer as a logical location); a subject that never reported has only the logical location.
 * A field's line is its evidence's, or line 1 of a file on one line.
 */
function locations(subject: SubjectResults, evidence: readonly Evidence[]): Location[] {
  const physical = physicalOf(subject);
  return placesOf(evidence, subject.source?.oneLine === true).map(([pointer, line]) => ({
    ...(physical === undefined
      ? {}
      : {
          physicalLocation:
            line === undefined ? physical : { ...physical, region: { startLine: line } },
        }),
    logicalLocations: [
      {
        name: subject.subject,
        // The pointer as a fragment of the host: "pc-01#/security/diskEncryption".
        fullyQualifiedName: pointer === "" ? subject.subject : `${subject.subject}#${pointer}`,
        kind: "resource",
      },
    ],
    ...(pointer === "" ? {} : { message: { text: formatPointer(pointer) } }),
  }));
}

/** Each distinct pointer of the evidence with its line: the evidence's, or 1 in a one-line file. */
function placesOf(
  evidence: readonly Evidence[],
  oneLine: boolean,
): (readonly [pointer: string, line: number | undefined])[] {
  if (evidence.length === 0) return [["", undefined]];
  const lineOfFile = oneLine ? 1 : undefined;
  return [...new Map(evidence.map((e) => [e.pointer, e.line ?? lineOfFile])).entries()];
}

type Physical = { artifactLocation: { uri: string }; region?: { startLine: number } };

/** The subject's file (and start line): its results come one after another, so made once each. */
let lastPhysical: { subject: SubjectResults; physical: Physical | undefined } | undefined;
function physicalOf(subject: SubjectResults): Physical | undefined {
  if (lastPhysical?.subject !== subject) {
    const source = subject.source;
    const physical =
      source === undefined
        ? undefined
        : {
            artifactLocation: { uri: pathToUriReference(source.file) },
            ...(source.line === undefined ? {} : { region: { startLine: source.line } }),
          };
    lastPhysical = { subject, physical };
  }
  return lastPhysical.physical;
}

function pascalCase(id: string): string {
  return id
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** A string's JSON text without its quotes: pieces of one string value can be joined escaped. */
const escaped = (value: string): string => JSON.stringify(value).slice(1, -1);

/** What a failure's result holds apart from its subject, as JSON pieces with the subject left out. */
interface FailurePieces {
  /** From the result's start into the fingerprint's value, where the subject's name goes. */
  readonly head: string;
  /** From after the name in the fingerprint into the message text, where the name goes again. */
  readonly middle: string;
  /** From after the name in the message to the start of the locations. */
  readonly message: string;
  /** Each location's pointer and line: the line is the evidence's, or the file's when on one line. */
  readonly places: readonly (readonly [pointer: string, line: number | undefined])[];
  /** After the locations, to the result's end. */
  readonly tail: string;
}

/**
 * The JSON text of a failed result, the same as `JSON.stringify(result(…))` (a test holds them
 * equal), made from pieces kept once per shared failure and file layout: most findings are
 * failures thousands of machines share, and building and serialising an object tree for each
 * was most of what SARIF cost.
 */
export class FailureJson {
  private readonly pieces = [
    new WeakMap<FailResult, FailurePieces>(),
    new WeakMap<FailResult, FailurePieces>(),
  ];
  private subject: SubjectResults | undefined;
  private name = "";

  constructor(
    private readonly byId: ReadonlyMap<string, ResolvedControl>,
    private readonly ruleIndex: ReadonlyMap<string, number>,
  ) {}

  of(subject: SubjectResults, r: FailResult): string {
    if (subject !== this.subject) {
      this.subject = subject;
      this.name = escaped(subject.subject);
    }
    const oneLine = subject.source?.oneLine === true;
    const kept = this.pieces[oneLine ? 1 : 0]!;
    let p = kept.get(r);
    if (p === undefined) {
      p = this.piecesOf(r, oneLine);
      if (Object.isFrozen(r)) kept.set(r, p);
    }
    const name = this.name;
    const physical = physicalOf(subject);
    let json = `${p.head}${name}${p.middle}${name}${p.message}`;
    p.places.forEach(([pointer, line], i) => {
      if (i > 0) json += ",";
      json += "{";
      if (physical !== undefined) {
        const located =
          line === undefined ? physical : { ...physical, region: { startLine: line } };
        json += `"physicalLocation":${JSON.stringify(located)},`;
      }
      json += `"logicalLocations":[{"name":"${name}","fullyQualifiedName":"${name}`;
      json +=
        pointer === ""
          ? `","kind":"resource"}]}`
          : `${escaped(`#${pointer}`)}","kind":"resource"}],"message":{"text":${JSON.stringify(formatPointer(pointer))}}}`;
    });
    return json + p.tail;
  }

  private piecesOf(r: FailResult, oneLine: boolean): FailurePieces {
    const control = this.byId.get(r.control);
    const index = this.ruleIndex.get(r.control);
    const title = control?.title ?? r.control;
    return {
      head:
        `{"ruleId":${JSON.stringify(r.control)}` +
        (index === undefined ? "" : `,"ruleIndex":${index}`) +
        `,"kind":"fail","partialFingerprints":{"strongholdSubjectControl/v1":"`,
      middle: `${escaped(`:${r.control}`)}"},"level":"${levelOf(control)}","message":{"text":"`,
      message: `${escaped(`: ${failureText(r, title)}`)}"},"locations":[`,
      places: placesOf(r.evidence, oneLine),
      tail:
        "]" +
        (r.expiredWaiver === undefined
          ? ""
          : `,"properties":${JSON.stringify({ expiredWaiver: r.expiredWaiver })}`) +
        "}",
    };
  }
}
