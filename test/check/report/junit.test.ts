import { expect } from "chai";
import { XMLParser } from "fast-xml-parser";
import { INPUT_PROBLEMS_SUITE, render } from "../../../src/check/report/junit.js";
import {
  HOSTILE_HOST,
  PIPE_TITLE,
  largeReport,
  sampleReport,
} from "../../fixtures/sample-report.js";
import { textOf } from "./helpers.js";

interface Case {
  "@_classname": string;
  "@_name": string;
  failure?: { "#text": string; "@_message": string; "@_type": string };
  error?: { "@_message": string };
  skipped?: { "@_message": string };
}
interface Suite {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  properties?: { property: { "@_name": string; "@_value": string }[] };
  testcase?: Case[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

const parse = (xml: string) => {
  const doc = parser.parse(xml, true) as {
    testsuites: Record<string, string> & { testsuite: Suite[] };
  };
  return doc.testsuites;
};

describe("junit reporter", () => {
  const xml = textOf(render, sampleReport());
  const root = parse(xml);
  const suites = root.testsuite;
  const cases = suites.flatMap((s) => s.testcase ?? []);

  it("parses, with a suite per subject plus input-problems", () => {
    expect(suites.map((s) => s["@_name"])).to.deep.equal([
      "pc-01",
      HOSTILE_HOST,
      "srv-01",
      "LAPTOP-0042",
      INPUT_PROBLEMS_SUITE,
    ]);
  });

  it("counts tests, failures, errors and skips in <testsuites> and in the elements", () => {
    expect(root["@_tests"]).to.equal("18");
    expect(root["@_failures"]).to.equal("5");
    expect(root["@_errors"]).to.equal("1");
    expect(root["@_skipped"]).to.equal("6");
    expect(cases).to.have.length(18);
    expect(cases.filter((c) => c.failure)).to.have.length(5);
    expect(cases.filter((c) => c.error)).to.have.length(1);
    expect(cases.filter((c) => c.skipped)).to.have.length(6);
  });

  it("names cases after baseline and control, with properties on the suite", () => {
    const first = suites[0] as Suite;
    expect(first.testcase?.[0]?.["@_classname"]).to.equal("town-workstation");
    expect(first.testcase?.[0]?.["@_name"]).to.equal(
      "disk-encryption-enabled: Disk encryption is enabled",
    );
    expect(first.testcase?.[2]?.["@_name"]).to.equal(`antivirus-running: ${PIPE_TITLE}`);
    const props = Object.fromEntries(
      first.properties?.property.map((p) => [p["@_name"], p["@_value"]]) ?? [],
    );
    expect(props).to.include({ department: "police", site: "town-hall", role: "workstation" });
  });

  it("puts severity, rationale, evidence and remediation in a failure", () => {
    const failure = suites[0]?.testcase?.[0]?.failure;
    expect(failure?.["@_type"]).to.equal("critical");
    expect(failure?.["#text"]).to.include("Rationale of disk-encryption-enabled.");
    expect(failure?.["#text"]).to.include("pointer:  /security/diskEncryption");
    expect(failure?.["#text"]).to.include("actual:   false");
    expect(failure?.["#text"]).to.include("Remediation of disk-encryption-enabled.");
  });

  it("skips waived results with waiver id, approver and expiry", () => {
    const skipped = suites[0]?.testcase?.[2]?.skipped?.["@_message"];
    expect(skipped)
      .to.include("W-12")
      .and.include("J. Doe (IT director)")
      .and.include("2099-12-31");
  });

  it("escapes <, & and quotes in names, messages and text", () => {
    expect(xml).to.include('name="lib-&lt;&amp;&quot;kiosk&gt;"');
    const error = suites[1]?.testcase?.[2]?.error?.["@_message"];
    expect(error).to.equal(
      'check threw: Cannot read properties of undefined (reading "running") & <more>',
    );
    expect(cases.some((c) => c["@_name"].includes("<listed> in the asset register &"))).to.equal(
      true,
    );
  });

  it("has a failing case per input problem", () => {
    const problems = suites[4] as Suite;
    expect(problems["@_failures"]).to.equal("2");
    expect(problems.testcase?.[0]?.["@_name"]).to.equal("examples/fleet.jsonl:3 /os/version");
    expect(problems.testcase?.[0]?.failure?.["@_message"]).to.equal("must be string (found 11)");
  });

  it("replaces characters XML cannot carry", () => {
    const report = sampleReport();
    const bad = sampleReport({
      problems: [{ file: "x.json", pointer: "", message: "bad byte \u0000 here \u0007" }],
      subjects: report.subjects,
    });
    const text = textOf(render, bad);
    expect(text).not.to.include("\u0000").and.not.to.include("\u0007");
    expect(() => parse(text)).not.to.throw();
  });
});

describe("junit reporter on a repetitive fleet", () => {
  it("replays repeated test cases byte-for-byte and stays well-formed", () => {
    const xml = textOf(render, largeReport(50));
    const suites = parse(xml).testsuite.slice(0, 50);
    expect(suites).to.have.length(50);
    const bodies = suites.map((s) => JSON.stringify(s.testcase));
    expect(new Set(bodies).size).to.equal(1);
    for (const s of suites) {
      const props = s.properties?.property.map((p) => p["@_name"]);
      expect(props).to.deep.equal(["department", "site", "role", "kind", "score", "source"]);
    }
    const blocks = xml
      .split("<testsuite ")
      .slice(1, 51)
      .map((b) => b.slice(b.indexOf("<testcase")));
    expect(new Set(blocks.slice(0, 49)).size).to.equal(1);
  });
});

describe("junit reporter escaping (templates, no XML library)", () => {
  // Host names, paths and messages come from machines and registers: anything can be in them.
  const odd = [
    ["entity-like text stays text", "AT&amp;T &lt;b&gt; &#65; &unknown;"],
    ["quotes and apostrophes", `say "hi" & 'bye'`],
    ["tab, line feed and carriage return", "a\tb\nc\r\nd\re"],
    ["CDATA end and markup", "]]> <!-- x --> <?pi?> <![CDATA[y]]>"],
    ["astral characters", "host-😀-𝔘"],
  ] as const;
  const strict = new XMLParser({
    ignoreAttributes: false,
    htmlEntities: true,
    trimValues: false,
    isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
  });
  for (const [what, value] of odd) {
    it(`round-trips ${what} in attributes and text`, () => {
      const base = sampleReport();
      const first = base.subjects[0]!;
      const report = sampleReport({
        subjects: [{ ...first, subject: value, department: value }],
        problems: [{ file: value, pointer: "", message: value }],
        scores: { ...base.scores, bySubject: [base.scores.bySubject[0]!] },
      });
      const xml = textOf(render, report);
      const doc = strict.parse(xml, true) as { testsuites: { testsuite: Suite[] } };
      const [suite, problems] = doc.testsuites.testsuite;
      expect(suite?.["@_name"]).to.equal(value);
      expect(suite?.properties?.property[0]?.["@_value"]).to.equal(value);
      const failure = problems?.testcase?.[0]?.failure;
      expect(failure?.["@_message"]).to.equal(value);
      expect(failure?.["#text"]).to.equal(`${value}\npointer: (whole file)\n${value}`);
    });
  }

  it("writes line breaks and tabs in attributes as character references", () => {
    const report = sampleReport({
      problems: [{ file: "x.json", pointer: "", message: "one\ntwo\tthree\rfour" }],
    });
    expect(textOf(render, report)).to.include('message="one&#10;two&#9;three&#13;four"');
  });

  it("turns control characters and lone surrogates into U+FFFD and stays well-formed", () => {
    const nasty = "nul\u0000 bel\u0007 vt\u000b ff\u000c esc\u001b \ud800 \udfff \ufffe end";
    const base = sampleReport();
    const report = sampleReport({
      subjects: [{ ...base.subjects[0]!, subject: nasty }],
      problems: [{ file: nasty, pointer: "", message: nasty }],
      scores: { ...base.scores, bySubject: [base.scores.bySubject[0]!] },
    });
    const xml = textOf(render, report);
    // eslint-disable-next-line no-control-regex
    expect(xml).not.to.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe]/);
    const doc = strict.parse(xml, true) as { testsuites: { testsuite: Suite[] } };
    expect(doc.testsuites.testsuite[0]?.["@_name"]).to.equal(
      "nul\ufffd bel\ufffd vt\ufffd ff\ufffd esc\ufffd \ufffd \ufffd \ufffd end",
    );
  });
});
