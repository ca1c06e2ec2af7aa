import { readFileSync } from "node:fs";
import { expect } from "chai";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { render } from "../../../src/check/report/json.js";
import { HOSTILE_HOST, sampleReport } from "../../fixtures/sample-report.js";
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
  subjects: { subject: string; score?: { score: number }; results: Record<string, unknown>[] }[];
  problems: { line?: number }[];
  scores: Record<string, unknown>;
}

const parse = (report = sampleReport()) => JSON.parse(textOf(render, report)) as JsonReport;

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
      expect(doc.schemaVersion).to.equal(2);
    });
  }

  it("leaves passes out: a subject lists the results that did not pass, in control order", () => {
    const report = sampleReport();
    const doc = parse(report);
    report.subjects.forEach((subject, i) => {
      const notPassed = subject.results.filter((r) => r.status !== "pass").map((r) => r.control);
      expect(doc.subjects[i]?.results.map((r) => r["control"])).to.deep.equal(notPassed);
    });
    expect(report.subjects[0]?.results.at(1)).to.deep.equal({
      control: "screen-lock-timeout",
      status: "pass",
    });
    expect(doc.subjects[0]?.results.map((r) => r["control"])).to.not.include("screen-lock-timeout");
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
});
