import { expect } from "chai";
import {
  joinShared,
  SharedFailures,
  sharedEvidence,
} from "../../../src/check/evaluation/shared-failures.js";
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

describe("joinShared", () => {
  const finding = (pointer: string) => sharedEvidence([{ pointer, actual: "x", expected: "y" }]);

  it("joins the same two shared lists into the same frozen list, in their order", () => {
    const [a, b] = [finding("/software/0"), finding("/software/4")];
    const ab = joinShared(a, b);
    expect(ab.map((e) => e.pointer)).to.deep.equal(["/software/0", "/software/4"]);
    expect(Object.isFrozen(ab)).to.equal(true);
    expect(joinShared(a, b)).to.equal(ab);
    expect(joinShared(b, a)).to.not.equal(ab);
    const c = finding("/software/9");
    expect(joinShared(joinShared(a, b), c)).to.equal(joinShared(ab, c));
  });

  it("gives the second list itself after an empty one", () => {
    const b = finding("/software/1");
    expect(joinShared([], b)).to.equal(b);
  });

  it("copies lists that are not shared rather than freezing them", () => {
    const own = [{ pointer: "/a", expected: "y" }];
    const joined = joinShared(own, finding("/b"));
    expect(joined.map((e) => e.pointer)).to.deep.equal(["/a", "/b"]);
    expect(Object.isFrozen(joined)).to.equal(false);
    expect(Object.isFrozen(own)).to.equal(false);
    expect(joinShared(own, finding("/b"))).to.not.equal(joined);
  });
});
