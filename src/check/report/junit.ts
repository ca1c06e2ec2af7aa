/**
 * JUnit XML for CI test dashboards: a <testsuite> per subject (name = host name), a <testcase> per
 * control, and a last "input-problems" suite with one failing case per input problem. Built with
 * xmlbuilder2's callback builder, so escaping is the library's and each subject is written as it is
 * serialised.
 */
import { createCB } from "xmlbuilder2";
import type { CheckReport, ResolvedControl } from "../evaluation/report-model.js";
import type { ControlResult, SubjectResults } from "../evaluation/result.js";
import {
  type Write,
  controlsById,
  describeEvidence,
  describeWaiver,
  fileLine,
  formatScore,
  formatValue,
  problemLocation,
  subjectScore,
} from "./common.js";

/** Name of the extra suite that carries one failing test case per input problem. */
export const INPUT_PROBLEMS_SUITE = "input-problems";

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** Default file name of this format when written under --out. */
export const fileName = "stronghold-report.junit.xml";

/** Renders the JUnit XML document. */
export function render(report: CheckReport, write: Write): void {
  const out = new JUnitWriter(write);
  const xml = out.xml;
  const byId = controlsById(report);

  const totals: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of report.subjects) addTotals(totals, s.results);
  totals.tests += report.problems.length;
  totals.failures += report.problems.length;

  xml.dec({ version: "1.0", encoding: "UTF-8" });
  xml.ele("testsuites", { name: "stronghold", ...counts(totals), timestamp: report.at });
  out.flush();

  report.subjects.forEach((subject, index) => {
    writeSuite(out, report, subject, index, byId);
    out.flush();
  });

  xml.ele("testsuite", {
    name: INPUT_PROBLEMS_SUITE,
    tests: String(report.problems.length),
    failures: String(report.problems.length),
    errors: "0",
    skipped: "0",
    timestamp: report.at,
  });
  for (const p of report.problems) {
    xml
      .ele("testcase", { classname: "input", name: safe(problemLocation(p)) })
      .ele("failure", { message: safe(p.message), type: "input-problem" })
      .txt(
        safe(`${fileLine(p.file, p.line)}\npointer: ${p.pointer || "(whole file)"}\n${p.message}`),
      )
      .up()
      .up();
    out.flush();
  }
  xml.up(); // testsuite
  xml.up(); // testsuites
  xml.end();
  out.flush();
}

/**
 * The callback builder plus a per-subject buffer and a memo of the builder's own output for
 * complete child elements that recur (a passing control, a shared waiver, the same department):
 * xmlbuilder2 spends tens of microseconds per element, and a fleet repeats the same elements
 * millions of times. Replaying a memo is safe because a closed child element leaves the builder's
 * state (depth, open tags) exactly as it found it.
 */
class JUnitWriter {
  private pending: string[] = [];
  private readonly memo = new Map<string, string>();
  readonly xml: ReturnType<typeof createCB>;

  constructor(private readonly write: Write) {
    this.xml = createCB({
      data: (chunk: string) => this.pending.push(chunk),
      error: (err: Error) => {
        throw err;
      },
      prettyPrint: true,
    });
  }

  /** Emits a complete child element, from the memo when `key` was serialised before. */
  child(key: string | undefined, build: () => void): void {
    const hit = key === undefined ? undefined : this.memo.get(key);
    if (hit !== undefined) {
      this.pending.push(hit);
      return;
    }
    const start = this.pending.length;
    build();
    if (key !== undefined && this.memo.size < MEMO_LIMIT) {
      this.memo.set(key, this.pending.slice(start).join(""));
    }
  }

  /** Passes everything serialised so far to `write` as one chunk. */
  flush(): void {
    if (this.pending.length > 0) this.write(this.pending.join(""));
    this.pending = [];
  }
}

/** Bounds the memo: past this many distinct elements, new ones are serialised every time. */
const MEMO_LIMIT = 20_000;

function writeSuite(
  out: JUnitWriter,
  report: CheckReport,
  subject: SubjectResults,
  index: number,
  byId: ReadonlyMap<string, ResolvedControl>,
): void {
  const xml = out.xml;
  const t: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  addTotals(t, subject.results);
  xml.ele("testsuite", {
    name: safe(subject.subject),
    ...counts(t),
    timestamp: report.at,
    ...(subject.source === undefined ? {} : { file: safe(subject.source.file) }),
  });
  // The builder closes a start tag only when it adds the first child, so the first child of an
  // element is never replayed from the memo: <properties> (built) closes <testsuite>, and
  // "department" (built) closes <properties>.
  xml.ele("properties");
  const score = subjectScore(report, index);
  const props: (readonly [name: string, value: string, recurs: boolean])[] = [
    ["department", subject.department, false],
    ["site", subject.site, true],
    ["role", subject.role, true],
    ["kind", subject.kind, true],
    ...(score === undefined ? [] : [["score", formatScore(score.score), true] as const]),
    ...(subject.source === undefined
      ? []
      : [["source", fileLine(subject.source.file, subject.source.line), false] as const]),
  ];
  for (const [name, value, recurs] of props) {
    out.child(recurs ? `property\0${name}\0${value}` : undefined, () =>
      xml.ele("property", { name, value: safe(value) }).up(),
    );
  }
  xml.up(); // properties

  for (const r of subject.results) {
    const control = byId.get(r.control);
    out.child(memoKey(r), () => {
      xml.ele("testcase", {
        classname: safe(control?.baseline ?? "unknown-baseline"),
        name: safe(`${r.control}: ${control?.title ?? "(control not in this run)"}`),
      });
      writeOutcome(xml, r, control);
      xml.up(); // testcase
    });
  }
  xml.up(); // testsuite
}

/** Identifies a test case by everything its XML shows; nothing in it depends on the subject. */
function memoKey(r: ControlResult): string | undefined {
  try {
    return memoKeyOf(r);
  } catch {
    return undefined; // evidence JSON cannot express (a BigInt): serialise it every time
  }
}

function memoKeyOf(r: ControlResult): string {
  switch (r.status) {
    case "pass":
      return `pass\0${r.control}`;
    case "fail":
      return `fail\0${r.control}\0${JSON.stringify([r.evidence, r.expiredWaiver ?? null])}`;
    case "waived":
      return `waived\0${r.control}\0${JSON.stringify(r.waiver)}`;
    case "not-applicable":
      return `na\0${r.control}\0${r.reason}`;
    case "error":
      return `error\0${r.control}\0${r.message}`;
  }
}

/** The child element of a test case: failure, error or skipped; nothing for a pass. */
function writeOutcome(
  xml: ReturnType<typeof createCB>,
  r: ControlResult,
  control: ResolvedControl | undefined,
): void {
  switch (r.status) {
    case "pass":
      return;
    case "fail": {
      const first = r.evidence[0];
      const message =
        (first === undefined ? (control?.title ?? r.control) : describeEvidence(first)) +
        (r.evidence.length > 1 ? ` (+${r.evidence.length - 1} more)` : "");
      const lines = [
        ...(control === undefined ? [] : [`Rationale: ${control.rationale}`, ""]),
        "Evidence:",
        ...(r.evidence.length === 0 ? ["  (none recorded)"] : []),
        ...r.evidence.flatMap((e) => [
          `  pointer:  ${e.pointer === "" ? "(whole machine)" : e.pointer}`,
          `  actual:   ${formatValue(e.actual)}`,
          `  expected: ${e.expected}`,
        ]),
        ...(r.expiredWaiver === undefined
          ? []
          : ["", `Expired waiver: ${describeWaiver(r.expiredWaiver)} — the failure stands.`]),
        ...(control === undefined ? [] : ["", `Remediation: ${control.remediation}`]),
      ];
      xml
        .ele("failure", { message: safe(message), type: control?.severity ?? "unknown" })
        .txt(safe(lines.join("\n")))
        .up();
      return;
    }
    case "error":
      xml
        .ele("error", { message: safe(r.message), type: "evaluation-error" })
        .txt(safe(r.message))
        .up();
      return;
    case "not-applicable":
      xml.ele("skipped", { message: safe(`not applicable: ${r.reason}`) }).up();
      return;
    case "waived":
      xml
        .ele("skipped", {
          message: safe(`waived: ${describeWaiver(r.waiver)} — ${r.waiver.justification}`),
        })
        .up();
      return;
  }
}

function addTotals(t: Totals, results: readonly ControlResult[]): void {
  for (const r of results) {
    t.tests += 1;
    if (r.status === "fail") t.failures += 1;
    else if (r.status === "error") t.errors += 1;
    else if (r.status === "waived" || r.status === "not-applicable") t.skipped += 1;
  }
}

function counts(t: Totals): Record<string, string> {
  return {
    tests: String(t.tests),
    failures: String(t.failures),
    errors: String(t.errors),
    skipped: String(t.skipped),
  };
}

// XML 1.0 cannot carry these code points even escaped; a stray one must not make the file unreadable.
/* eslint-disable no-control-regex */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

/** Replaces characters XML 1.0 forbids with U+FFFD; escaping of <, & and quotes is xmlbuilder2's. */
function safe(text: string): string {
  return text.replace(NOT_XML_CHAR, "\uFFFD");
}
