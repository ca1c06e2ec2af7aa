/**
 * JUnit XML for CI test dashboards: a <testsuite> per subject (name = host name), a <testcase> per
 * control, and a last "input-problems" suite with one failing case per input problem. Written
 * with templates, one subject at a time, so nothing holds the document: every text and attribute
 * goes through `text` or `attr` below, which escape it.
 */
import type { CheckReport, ResolvedControl } from "../evaluation/report-model.js";
import type { ControlResult, SubjectResults } from "../evaluation/result.js";
import type { ResultRow } from "../evaluation/result-row.js";
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
  const byId = controlsById(report);
  const totals: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of report.subjects) addTotals(totals, s.results);
  totals.tests += report.problems.length;
  totals.failures += report.problems.length;
  const at = attr(report.at);

  write(
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stronghold"${counts(totals)} timestamp="${at}">`,
  );
  const cases = new TestCases(byId);
  report.subjects.forEach((subject, index) => {
    writeSuite(subject, subjectScore(report, index)?.score, at, cases, write);
  });

  const n = String(report.problems.length);
  const head = `\n  <testsuite name="${INPUT_PROBLEMS_SUITE}" tests="${n}" failures="${n}" errors="0" skipped="0" timestamp="${at}"`;
  if (report.problems.length === 0) write(`${head}/>`);
  else {
    write(`${head}>`);
    for (const p of report.problems) {
      const body = `${fileLine(p.file, p.line)}\npointer: ${p.pointer || "(whole file)"}\n${p.message}`;
      write(
        `\n    <testcase classname="input" name="${attr(problemLocation(p))}">` +
          `\n      <failure message="${attr(p.message)}" type="input-problem">${text(body)}</failure>` +
          `\n    </testcase>`,
      );
    }
    write(`\n  </testsuite>`);
  }
  write(`\n</testsuites>`);
}

/**
 * One subject's <testsuite>, from its opening tag to its closing tag. Each test case is written
 * apart rather than joined into one text per subject: one case with a character beyond Latin-1
 * (a "≤" in its evidence) made the whole joined text two bytes a character, which took five times
 * as long to encode.
 */
function writeSuite(
  subject: SubjectResults,
  score: number | undefined,
  at: string,
  cases: TestCases,
  write: Write,
): void {
  const t: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  addTotals(t, subject.results);
  const file = subject.source === undefined ? "" : ` file="${attr(subject.source.file)}"`;
  let xml = `\n  <testsuite name="${attr(subject.subject)}"${counts(t)} timestamp="${at}"${file}>\n    <properties>`;
  xml += property("department", subject.department);
  xml += property("site", subject.site);
  xml += property("role", subject.role);
  xml += property("kind", subject.kind);
  if (score !== undefined) xml += property("score", formatScore(score));
  if (subject.source !== undefined)
    xml += property("source", fileLine(subject.source.file, subject.source.line));
  write(`${xml}\n    </properties>`);
  subject.results.forEach((r) => write(cases.of(r)));
  write(`\n  </testsuite>`);
}

const property = (name: string, value: string): string =>
  `\n      <property name="${name}" value="${attr(value)}"/>`;

/**
 * Test cases as text. Passes and not-applicable results are shared objects (one per control and
 * reason), so theirs is made once per object; other results once each.
 */
class TestCases {
  private readonly shared = new WeakMap<ControlResult, string>();

  constructor(private readonly byId: ReadonlyMap<string, ResolvedControl>) {}

  of(r: ControlResult): string {
    let xml = this.shared.get(r);
    if (xml === undefined) {
      xml = testCase(r, this.byId.get(r.control));
      if (Object.isFrozen(r)) this.shared.set(r, xml);
    }
    return xml;
  }
}

function testCase(r: ControlResult, control: ResolvedControl | undefined): string {
  const open =
    `\n    <testcase classname="${attr(control?.baseline ?? "unknown-baseline")}"` +
    ` name="${attr(`${r.control}: ${control?.title ?? "(control not in this run)"}`)}"`;
  const child = outcome(r, control);
  return child === undefined ? `${open}/>` : `${open}>\n      ${child}\n    </testcase>`;
}

/** The child element of a test case: failure, error or skipped; nothing for a pass. */
function outcome(r: ControlResult, control: ResolvedControl | undefined): string | undefined {
  switch (r.status) {
    case "pass":
      return undefined;
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
      const type = attr(control?.severity ?? "unknown");
      return `<failure message="${attr(message)}" type="${type}">${text(lines.join("\n"))}</failure>`;
    }
    case "error":
      return `<error message="${attr(r.message)}" type="evaluation-error">${text(r.message)}</error>`;
    case "not-applicable":
      return `<skipped message="${attr(`not applicable: ${r.reason}`)}"/>`;
    case "waived":
      return `<skipped message="${attr(`waived: ${describeWaiver(r.waiver)} — ${r.waiver.justification}`)}"/>`;
  }
}

function addTotals(t: Totals, results: ResultRow): void {
  // forEach, not for…of: no generator step for each of a machine's results.
  results.forEach((r) => {
    t.tests += 1;
    if (r.status === "fail") t.failures += 1;
    else if (r.status === "error") t.errors += 1;
    else if (r.status === "waived" || r.status === "not-applicable") t.skipped += 1;
  });
}

function counts(t: Totals): string {
  return ` tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}"`;
}

// XML 1.0 cannot carry these code points even escaped; a stray one must not make the file unreadable.
/* eslint-disable no-control-regex */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  // In an attribute a reader turns a raw tab or line break into a space; these survive.
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** Character data: characters XML 1.0 forbids become U+FFFD, then &, <, > and carriage returns (which a reader would fold into line feeds) are escaped. */
export function text(value: string): string {
  const safe = value.replace(NOT_XML_CHAR, "\uFFFD");
  return TEXT_SPECIAL.test(safe) ? safe.replace(/[&<>\r]/g, (c) => ESCAPES[c]!) : safe;
}

/** An attribute value between double quotes: as `text`, plus quotes, tabs and line breaks. */
export function attr(value: string): string {
  const safe = value.replace(NOT_XML_CHAR, "\uFFFD");
  return ATTR_SPECIAL.test(safe) ? safe.replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]!) : safe;
}
