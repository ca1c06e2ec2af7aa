import { readFileSync } from "node:fs";
import { expect } from "chai";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ControlResult, SubjectResults } from "../../../src/check/evaluation/result.js";
import { ResultRow } from "../../../src/check/evaluation/result-row.js";
import { SubjectHeads, jsonSubject, render } from "../../../src/check/report/json.js";
import type { Score } from "../../../src/check/evaluation/report-model.js";
import { HOSTILE_HOST, SUBJECTS, sampleReport } from "../../fixtures/sample-report.js";
import { textOf } from "./helpers.js";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const schema = JSON.parse(
  readFileSync(
    new URL("../../../policies/schemas/check-report.schema.json", import.meta.url),
    "utf8",
  ),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

interface JsonReport {
  schemaVersion: number;
  notApplicable: { control: string; reason: string }[][];
  subjects: {
    subject: string;
    score?: { score: number };
    notApplicable?: number;
    results: Record<string, unknown>[];
  }[];
  problems: { line?: number }[];
  scores: Record<string, unknown>;
}

const parse = (report = sampleReport()) => JSON.parse(textOf(render, report)) as JsonReport;

/** A subject's results that did not pass, read back the way the schema describes (as version 2 listed them). */
function notPassedOf(doc: JsonReport, i: number, controls: readonly string[]) {
  const subject = doc.subjects[i]!;
  const set = subject.notApplicable === undefined ? [] : doc.notApplicable[subject.notApplicable]!;
  const all = [
    ...subject.results,
    ...set.map((r) => ({ control: r.control, status: "not-applicable", reason: r.reason })),
  ];
  return all.sort(
    (a, b) => controls.indexOf(a["control"] as string) - controls.indexOf(b["control"] as string),
  );
}

/** The results that did not pass, in the shape the report writes them. */
const notPassed = (row: ResultRow) =>
  row.filter((r) => r.status !== "pass").map((r) => JSON.parse(JSON.stringify(r)) as unknown);

const CONTROLS = [
  "disk-encryption-enabled",
  "screen-lock-timeout",
  "antivirus-running",
  "asset-registered",
];

describe("json reporter", () => {
  const cases = {
    "the sample report": sampleReport(),
    "no subjects, problems, overlay or warnings": sampleReport({
      subjects: [],
      problems: [],
      warnings: [],
      overlay: undefined,
      scores: { ...sampleReport().scores, bySubject: [] },
    }),
  };
  for (const [name, report] of Object.entries(cases)) {
    it(`parses and validates against check-report.schema.json: ${name}`, () => {
      const doc = parse(report);
      expect(validate(doc), JSON.stringify(validate.errors, null, 2)).to.equal(true);
      expect(doc.schemaVersion).to.equal(3);
    });
  }

  it("leaves passes out and names each set of not-applicable results once", () => {
    const report = sampleReport();
    const doc = parse(report);
    report.subjects.forEach((subject, i) => {
      const written = subject.results
        .filter((r) => r.status !== "pass" && r.status !== "not-applicable")
        .map((r) => r.control);
      expect(doc.subjects[i]?.results.map((r) => r["control"])).to.deep.equal(written);
      expect(notPassedOf(doc, i, CONTROLS)).to.deep.equal(notPassed(subject.results));
    });
    expect(report.subjects[0]?.results.at(1)).to.deep.equal({
      control: "screen-lock-timeout",
      status: "pass",
    });
    expect(doc.subjects[0]?.results.map((r) => r["control"])).to.not.include("screen-lock-timeout");
    // pc-01 has no not-applicable result: it names no set.
    expect(doc.subjects[0]).to.not.have.property("notApplicable");
    expect(doc.notApplicable).to.have.length(3);
  });

  it("shares a set between subjects whatever their rows' plans, numbered by first use", () => {
    const na = (control: string, reason: string): ControlResult =>
      Object.freeze({ control, status: "not-applicable" as const, reason });
    const pass = (control: string): ControlResult =>
      Object.freeze({ control, status: "pass" as const });
    const fail: ControlResult = {
      control: "antivirus-running",
      status: "fail",
      evidence: [{ pointer: "/security/antivirus/running", actual: false, expected: "true" }],
    };
    const noRegister = na("asset-registered", "no asset register given");
    const plan = [
      na("disk-encryption-enabled", "servers"),
      pass("screen-lock-timeout"),
      pass("antivirus-running"),
      pass("asset-registered"),
    ];
    const rowOver = (p: readonly ControlResult[], own: [number, ControlResult][]) => {
      const row = ResultRow.over(p);
      for (const [i, r] of own) row.set(i, r);
      return row;
    };
    const rows = [
      rowOver(plan, [[2, fail]]),
      rowOver(plan, [[3, noRegister]]), // a fleet control without its register: its own set
      rowOver(plan, []),
      // The same results over another plan (as a shard merge keeps them): the same sets.
      rowOver([...plan], [[3, noRegister]]),
      ResultRow.of([plan[0]!, plan[1]!, fail, noRegister]),
      // Its own result where the plan says not applicable: that control leaves the set.
      rowOver(plan, [[0, fail]]),
    ];
    const subjects: SubjectResults[] = rows.map((results, i) => ({
      ...SUBJECTS[2]!,
      subject: `srv-${i}`,
      results,
    }));
    const report = sampleReport({ subjects, scores: { ...sampleReport().scores, bySubject: [] } });
    const doc = parse(report);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    expect(doc.subjects.map((s) => s.notApplicable)).to.deep.equal([0, 1, 0, 1, 1, undefined]);
    expect(doc.notApplicable).to.deep.equal([
      [{ control: "disk-encryption-enabled", reason: "servers" }],
      [
        { control: "disk-encryption-enabled", reason: "servers" },
        { control: "asset-registered", reason: "no asset register given" },
      ],
    ]);
    rows.forEach((row, i) => expect(notPassedOf(doc, i, CONTROLS)).to.deep.equal(notPassed(row)));
  });

  it("keeps every subject, its score and its special characters", () => {
    const doc = parse();
    expect(doc.subjects.map((s) => s.subject)).to.deep.equal([
      "pc-01",
      HOSTILE_HOST,
      "srv-01",
      "LAPTOP-0042",
    ]);
    expect(doc.subjects[2]?.score?.score).to.equal(100);
    expect(doc.problems[0]?.line).to.equal(3);
    expect(doc.scores).to.have.keys("fleet", "byDepartment", "bySite");
  });

  it("is rejected by the schema when a result loses a required field", () => {
    const doc = parse();
    delete doc.subjects[0]?.results[0]?.evidence;
    expect(validate(doc)).to.equal(false);
  });

  it("is rejected by the schema when a subject lists a not-applicable result itself", () => {
    const doc = parse();
    doc.subjects[0]?.results.push({
      control: "screen-lock-timeout",
      status: "not-applicable",
      reason: "x",
    });
    expect(validate(doc)).to.equal(false);
  });

  it("writes a subject's head as JSON.stringify writes its object, names and scores kept once", () => {
    const score: Score = Object.freeze({
      score: 85.7,
      counts: Object.freeze({ pass: 3, fail: 1, waived: 0, "not-applicable": 2, error: 0 }),
    });
    const variants: SubjectResults[] = [
      ...SUBJECTS,
      { ...SUBJECTS[0]!, source: { file: 'odd "dir"\\\ud800/m.json' } },
      { ...SUBJECTS[0]!, source: { file: "fleet.jsonl", index: 0 } },
      { ...SUBJECTS[0]!, source: { file: "fleet.jsonl", line: 9 } },
      { ...SUBJECTS[0]!, subject: `${HOSTILE_HOST}\u2028≤`, department: "d\u0001" },
    ];
    const heads = new SubjectHeads();
    for (const s of variants) {
      for (const sc of [score, { ...score }, undefined]) {
        expect(`${heads.open(s, sc)}}`, s.subject).to.equal(JSON.stringify(jsonSubject(s, sc)));
      }
    }
  });
});
