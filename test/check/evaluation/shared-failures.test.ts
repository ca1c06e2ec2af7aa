import { expect } from "chai";
import { SharedFailures } from "../../../src/check/evaluation/shared-failures.js";
import type { Evidence } from "../../../src/check/evaluation/result.js";

const seats = (): Evidence[] => [
  {
    pointer: "/software/3",
    actual: "Visio: installed on 40 machines",
    expected: "≤ 30 seats owned",
  },
];

describe("SharedFailures", () => {
  let table: SharedFailures;
  beforeEach(() => (table = new SharedFailures()));
  const failure = (control: string, evidence: Evidence[]) => table.failure(control, evidence);

  it("gives identical failures one frozen object", () => {
    const first = failure("aup-license-seats-within-owned", seats());
    const second = failure("aup-license-seats-within-owned", seats());
    expect(second).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(Object.isFrozen(first.evidence)).to.equal(true);
    expect(Object.isFrozen(first.evidence[0])).to.equal(true);
    expect(first).to.deep.equal({
      control: "aup-license-seats-within-owned",
      status: "fail",
      evidence: seats(),
    });
  });

  const cases: [string, Evidence[]][] = [
    ["another pointer", [{ ...seats()[0]!, pointer: "/software/4" }]],
    ["another value", [{ ...seats()[0]!, actual: "Visio: installed on 41 machines" }]],
    ["a number for a string", [{ pointer: "/a", actual: 1, expected: "x" }]],
    ["the same text as a string", [{ pointer: "/a", actual: "1", expected: "x" }]],
    ["an absent value", [{ pointer: "/a", expected: "x" }]],
    ["null", [{ pointer: "/a", actual: null, expected: "x" }]],
    ["a line", [{ ...seats()[0]!, line: 7 }]],
    ["two pieces of evidence", [...seats(), ...seats()]],
  ];
  it("keeps failures apart that would serialise differently", () => {
    const results = [seats(), ...cases.map(([, e]) => e)].map((e) =>
      failure("aup-license-seats-within-owned", e),
    );
    expect(new Set(results).size).to.equal(results.length);
    results.forEach((r, i) => {
      const evidence = i === 0 ? seats() : cases[i - 1]![1];
      expect(JSON.stringify(r.evidence)).to.equal(JSON.stringify(evidence));
    });
    expect(failure("other-control", seats())).to.not.equal(results[0]);
  });

  it("does not share evidence whose value is an object", () => {
    const evidence = (): Evidence[] => [{ pointer: "/os", actual: { build: 1 }, expected: "x" }];
    const a = failure("c", evidence());
    expect(failure("c", evidence())).to.not.equal(a);
    expect(Object.isFrozen(a)).to.equal(false);
  });

  it("shares nothing between two runs' tables", () => {
    const other = new SharedFailures();
    const first = failure("aup-license-seats-within-owned", seats());
    const second = other.failure("aup-license-seats-within-owned", seats());
    expect(second).to.not.equal(first);
    expect(second).to.deep.equal(first);
  });
});
