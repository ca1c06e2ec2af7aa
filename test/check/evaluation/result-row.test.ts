import { expect } from "chai";
import fc from "fast-check";
import { ResultRow } from "../../../src/check/evaluation/result-row.js";
import type { ControlResult } from "../../../src/check/evaluation/result.js";

const pass = (control: string): ControlResult => ({ control, status: "pass" });
const fail = (control: string): ControlResult => ({
  control,
  status: "fail",
  evidence: [{ pointer: "/x", actual: 1, expected: "2" }],
});
const plan = (): ControlResult[] => ["a", "b", "c", "d", "e"].map(pass);

describe("ResultRow", () => {
  it("reads as its plan until a result is set", () => {
    const shared = plan();
    const row = ResultRow.over(shared);
    expect(row.length).to.equal(5);
    expect(row.toArray()).to.deep.equal(shared);
    expect(row.at(3)).to.equal(shared[3]);
  });

  it("keeps results set in any order in control order, and leaves the shared plan as it was", () => {
    const shared = plan();
    const row = ResultRow.over(shared);
    const other = ResultRow.over(shared);
    const [d, a, e] = [fail("d"), fail("a"), fail("e")];
    row.set(3, d);
    row.set(0, a);
    row.set(4, e);
    expect(row.toArray().map((r) => r.status)).to.deep.equal([
      "fail",
      "pass",
      "pass",
      "fail",
      "fail",
    ]);
    expect(row.at(0)).to.equal(a);
    expect(row.at(3)).to.equal(d);
    const visited: [string, number][] = [];
    row.forEach((r, i) => visited.push([r.control, i]));
    expect(visited).to.deep.equal([
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["d", 3],
      ["e", 4],
    ]);
    expect(other.toArray()).to.deep.equal(plan());
    expect(Object.isFrozen(shared)).to.equal(true);
  });

  it("replaces a result set before, and drops it when set back to the plan's", () => {
    const shared = plan();
    const row = ResultRow.over(shared);
    const first = fail("b");
    const second = fail("b");
    row.set(1, first);
    row.set(1, second);
    expect(row.filter((r) => r.status === "fail")).to.deep.equal([second]);
    expect(row.at(1)).to.equal(second);
    row.set(1, shared[1]!);
    expect(row.some((r) => r.status === "fail")).to.equal(false);
  });

  it("reads as an array given the same sets, in any order, back to the plan's included", () => {
    const size = 9;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(size - 1), fc.boolean()), { maxLength: 40 }), (sets) => {
        const shared = Array.from({ length: size }, (_, i) => pass(`c${i}`));
        const row = ResultRow.over(shared);
        const model = shared.slice();
        for (const [index, back] of sets) {
          const result = back ? shared[index]! : fail(`c${index}`);
          row.set(index, result);
          model[index] = result;
        }
        expect(row.toArray()).to.deep.equal(model);
        model.forEach((result, index) => expect(row.at(index)).to.equal(result));
        const own: number[] = [];
        row.forEachOwn((_, index) => own.push(index));
        expect(own).to.deep.equal(
          model.flatMap((result, index) => (result === shared[index] ? [] : [index])),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses an index outside the row", () => {
    expect(() => ResultRow.over(plan()).set(5, fail("f"))).to.throw(RangeError, "no control 5");
  });

  it("copies with a change and shares the plan", () => {
    const row = ResultRow.over(plan());
    row.set(2, fail("c"));
    const changed = row.changed((r) =>
      r.status === "fail" ? { ...r, status: "error", message: "m" } : r,
    );
    expect(changed.find((r) => r.status === "error")?.control).to.equal("c");
    expect(row.at(2).status).to.equal("fail");
    expect([...changed].length).to.equal(5);
  });

  it("walks only its own results, in control order, and says whether its plan can fail", () => {
    const shared = plan();
    shared[1] = { control: "b", status: "not-applicable", reason: "servers only" };
    const row = ResultRow.over(shared);
    row.set(4, fail("e"));
    row.set(0, fail("a"));
    const own: [number, string][] = [];
    row.forEachOwn((r, i) => own.push([i, r.status]));
    expect(own).to.deep.equal([
      [0, "fail"],
      [4, "fail"],
    ]);
    expect(row.planned).to.equal(shared);
    expect(row.planSettled).to.equal(true);
    expect(ResultRow.of([pass("a"), fail("b")]).planSettled).to.equal(false);
  });

  it("finds its failed, waived and errored results, in the plan as well when it holds some", () => {
    const settled = ResultRow.over(plan());
    settled.set(3, { control: "d", status: "error", message: "m" });
    settled.set(1, fail("b"));
    expect(settled.findings().map((r) => [r.control, r.status])).to.deep.equal([
      ["b", "fail"],
      ["d", "error"],
    ]);
    const mixed = ResultRow.of([
      fail("a"),
      pass("b"),
      { control: "c", status: "error", message: "m" },
    ]);
    mixed.set(1, fail("b"));
    const found: [number, string][] = [];
    mixed.forEachFinding((r, i) => found.push([i, r.status]));
    expect(found).to.deep.equal([
      [0, "fail"],
      [1, "fail"],
      [2, "error"],
    ]);
  });
});
