import { readFileSync } from "node:fs";
import { expect } from "chai";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Log, Result } from "sarif";
import { FailureJson, SECURITY_SEVERITY, render, result } from "../../../src/check/report/sarif.js";
import { ResultRow } from "../../../src/check/evaluation/result-row.js";
import type { FailResult, SubjectResults } from "../../../src/check/evaluation/result.js";
import { HOSTILE_HOST, SUBJECTS, sampleReport } from "../../fixtures/sample-report.js";
import { textOf } from "./helpers.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

// The OASIS TC's SARIF 2.1.0 schema (see test/fixtures/sarif-schema-2.1.0.ORIGIN.md). It declares
// draft 2020-12, has one Java-style "(?i)" pattern and one array where a property schema belongs;
// the regExp shim and validateSchema: false let ajv compile it unchanged.
const sarifSchema = JSON.parse(
  readFileSync(new URL("../../fixtures/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
) as object;
const regExp = Object.assign(
  (pattern: string, flags?: string) =>
    pattern.startsWith("^(?i)")
      ? new RegExp(`^${pattern.slice("^(?i)".length)}`, `${flags ?? ""}i`)
      : new RegExp(pattern, flags),
  { code: "regExp" },
);
const ajv = new Ajv2020({
  allErrors: true,
  strict: false,
  validateSchema: false,
  code: { regExp },
});
addFormats(ajv);
const validate = ajv.compile(sarifSchema);

const parse = (report = sampleReport()) => JSON.parse(textOf(render, report)) as Log;
const resultsOf = (log: Log): Result[] => log.runs[0]?.results ?? [];

describe("sarif reporter", () => {
  const cases = {
    "the sample report": sampleReport(),
    "no problems and no subjects": sampleReport({
      problems: [],
      subjects: [],
      scores: { ...sampleReport().scores, bySubject: [] },
    }),
  };
  for (const [name, report] of Object.entries(cases)) {
    it(`validates against the SARIF 2.1.0 schema: ${name}`, () => {
      const log = parse(report);
      expect(validate(log), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    });
  }

  it("rejects what the schema forbids (the validator is not vacuous)", () => {
    const log = parse() as unknown as { runs: { results: { suppressions?: object[] }[] }[] };
    const waived = log.runs[0]?.results.find((r) => r.suppressions);
    if (waived) waived.suppressions = [{ kind: "external", state: "accepted" }];
    expect(validate(log)).to.equal(false);
  });

  it("has one result per fail, error and waived outcome", () => {
    const results = resultsOf(parse());
    expect(results).to.have.length(5); // 3 fail + 1 error + 1 waived
    expect(results.every((r) => r.kind === "fail")).to.equal(true);
    // critical and high map to "error": two disk failures, the AV error and the waived AV failure.
    expect(results.filter((r) => r.level === "error")).to.have.length(4);
  });

  it("suppresses waived results, and only those", () => {
    const suppressed = resultsOf(parse()).filter((r) => r.suppressions !== undefined);
    expect(suppressed).to.have.length(1);
    expect(suppressed[0]?.ruleId).to.equal("antivirus-running");
    expect(suppressed[0]?.suppressions?.[0]).to.include({ kind: "external", status: "accepted" });
    expect(suppressed[0]?.suppressions?.[0]?.justification).to.include("W-12");
  });

  it("describes controls as rules with tags, security-severity and level", () => {
    const rules = parse().runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).to.deep.equal([
      "disk-encryption-enabled",
      "screen-lock-timeout",
      "antivirus-running",
      "asset-registered",
    ]);
    const disk = rules[0];
    expect(disk?.properties?.["security-severity"]).to.equal(SECURITY_SEVERITY.critical);
    expect(disk?.properties?.tags).to.include.members(["town-workstation", "NIST SP 800-53 SC-28"]);
    expect(disk?.defaultConfiguration?.level).to.equal("error");
    expect(rules[3]?.defaultConfiguration?.level).to.equal("note");
    expect(disk?.help?.markdown).to.include("Remediation of disk-encryption-enabled.");
  });

  it("locates results in the source file, by host and JSON pointer", () => {
    const results = resultsOf(parse());
    const pc01 = results[0]?.locations?.[0];
    expect(pc01?.physicalLocation?.artifactLocation?.uri).to.equal("examples/fleet.jsonl");
    expect(pc01?.physicalLocation?.region?.startLine).to.equal(1);
    expect(pc01?.logicalLocations?.[0]).to.include({
      name: "pc-01",
      fullyQualifiedName: "pc-01#/security/diskEncryption",
    });
    const kiosk = results.find(
      (r) => r.locations?.[0]?.logicalLocations?.[0]?.name === HOSTILE_HOST,
    );
    expect(kiosk?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).to.equal(
      "examples/machines/lib%20kiosk.json",
    );
    expect(kiosk?.message.text).to.include("expired");
  });

  it("locates an unreported asset by logical location only", () => {
    const laptop = resultsOf(parse()).find(
      (r) => r.locations?.[0]?.logicalLocations?.[0]?.name === "LAPTOP-0042",
    );
    expect(laptop?.locations?.[0]?.physicalLocation).to.equal(undefined);
    expect(laptop?.ruleId).to.equal("asset-registered");
  });

  it("reports input problems as error notifications and an unsuccessful run", () => {
    const invocation = parse().runs[0]?.invocations?.[0];
    expect(invocation?.executionSuccessful).to.equal(false);
    const notes = invocation?.toolExecutionNotifications ?? [];
    expect(notes).to.have.length(2);
    expect(notes[0]?.level).to.equal("error");
    expect(notes[0]?.locations?.[0]?.physicalLocation?.region?.startLine).to.equal(3);
    const clean = parse(sampleReport({ problems: [] })).runs[0]?.invocations?.[0];
    expect(clean?.executionSuccessful).to.equal(true);
  });

  describe("failed results from kept pieces", () => {
    const report = sampleReport();
    const byId = new Map(report.controls.map((c) => [c.id, c]));
    const ruleIndex = new Map(report.controls.map((c, i) => [c.id, i]));
    // One failure shared (frozen) by subjects of every kind of source, with repeated pointers,
    // evidence lines, an expired waiver, and names JSON must escape.
    const shared: FailResult = Object.freeze({
      control: "disk-encryption-enabled",
      status: "fail" as const,
      evidence: Object.freeze([
        { pointer: "/security/diskEncryption", actual: "unknown", expected: '≤ 1 "true"' },
        { pointer: "/security/tpm", expected: "a TPM 2.0 chip", line: 7 },
        { pointer: "/security/diskEncryption", expected: "again", line: 4 },
        { pointer: "", expected: "the whole machine" },
      ]),
      expiredWaiver: {
        id: "W-1",
        justification: 'Reimage "scheduled" ≤ soon.',
        approver: "A. Smith",
        expires: "2024-01-01",
      },
    });
    const withNoEvidence: FailResult = { control: "not-in-this-run", status: "fail", evidence: [] };
    const subject = (name: string, source: SubjectResults["source"]): SubjectResults => ({
      ...SUBJECTS[0]!,
      subject: name,
      ...(source === undefined ? {} : { source }),
      results: ResultRow.of([shared, withNoEvidence]),
    });
    const subjects = [
      subject("pc-01", { file: "examples/fleet.jsonl", index: 0, line: 3, oneLine: true }),
      subject(HOSTILE_HOST, { file: "examples\\machines\\lib kiosk.json" }),
      subject('srv-\ud800"02', { file: "machines/srv-02.json", oneLine: true }),
      subject("LAPTOP-0042", undefined),
      subject("pc-01", { file: "examples/fleet.jsonl", index: 0, line: 3, oneLine: true }),
    ];

    it("are the text JSON.stringify makes of the result, shared or not, on every kind of source", () => {
      const failures = new FailureJson(byId, ruleIndex);
      for (const s of [...subjects, ...SUBJECTS]) {
        s.results.forEachFinding((r) => {
          if (r.status !== "fail") return;
          const expected = JSON.stringify(
            result(s, r, byId.get(r.control), ruleIndex.get(r.control)),
          );
          expect(failures.of(s, r), `${s.subject} ${r.control}`).to.equal(expected);
        });
      }
    });
  });
});
