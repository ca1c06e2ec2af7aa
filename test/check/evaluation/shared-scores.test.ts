import { expect } from "chai";
import fc from "fast-check";
import { ScoreTally, sharedScore } from "../../../src/check/evaluation/score.js";
import { InternTable } from "../../../src/support/intern-table.js";
import type { Score } from "../../../src/check/evaluation/report-model.js";
import { STATUSES } from "../../../src/check/evaluation/result.js";

const tally = (results: ["pass" | "fail", "high" | "low"][]) => {
  const t = new ScoreTally();
  for (const [status, severity] of results) t.add(status, severity);
  return t.result();
};

describe("ScoreTally", () => {
  it("takes back what it added, and a copy counts apart from its original", () => {
    const plan = new ScoreTally();
    plan.add("pass", "high");
    plan.add("pass", "low");
    plan.add("not-applicable", "critical");
    const machine = plan.copy();
    // The machine's own result replaces the plan's pass of the low control.
    machine.remove("pass", "low");
    machine.add("fail", "low");
    // The high pass weighs 5 of the 6 that count (the low failure 1): 83.3, as tallied afresh.
    expect(machine.result()).to.deep.equal({
      score: 83.3,
      counts: { pass: 1, fail: 1, waived: 0, "not-applicable": 1, error: 0 },
    });
    expect(plan.result()).to.deep.equal({
      score: 100,
      counts: { pass: 2, fail: 0, waived: 0, "not-applicable": 1, error: 0 },
    });
  });
});

describe("sharedScore", () => {
  it("gives equal scores one frozen object and keeps different counts apart", () => {
    const table = new InternTable<Score, number | string>(100);
    const scores = { get: (score: Score) => sharedScore(table, score) };
    const a = scores.get(
      tally([
        ["pass", "high"],
        ["fail", "low"],
      ]),
    );
    expect(
      scores.get(
        tally([
          ["fail", "low"],
          ["pass", "high"],
        ]),
      ),
    ).to.equal(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.counts)).to.equal(true);
    expect(a).to.deep.equal(
      tally([
        ["pass", "high"],
        ["fail", "low"],
      ]),
    );
    // Same score (83.3), other counts: a different object.
    const b = scores.get(
      tally([
        ["pass", "high"],
        ["pass", "high"],
        ["fail", "low"],
        ["fail", "low"],
      ]),
    );
    expect(b.score).to.equal(a.score);
    expect(b).to.not.equal(a);
    expect(b.counts.pass).to.equal(2);
  });

  it("keeps scores apart that differ in the count of any one status", () => {
    const table = new InternTable<Score, number | string>(100);
    const zero = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Score["counts"];
    const base = sharedScore(table, { score: 100, counts: zero });
    for (const status of STATUSES) {
      const one = sharedScore(table, { score: 100, counts: { ...zero, [status]: 1 } });
      expect(one, status).to.not.equal(base);
      expect(one.counts[status], status).to.equal(1);
    }
    expect(table.size).to.equal(STATUSES.length + 1);
  });

  it("shares exactly the equal scores, tenths or not, counts in 8 bits or not", () => {
    const count = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 250, max: 300 }));
    const score = fc.record({
      score: fc.oneof(
        fc.integer({ min: 0, max: 1000 }).map((tenths) => tenths / 10),
        fc.constantFrom(0.05, 84.25, 100.5, -1, 1000),
      ),
      counts: fc.record({
        pass: count,
        fail: count,
        waived: count,
        "not-applicable": count,
        error: count,
      }),
    });
    // A count of 256 would carry into the next status's bits: 1 pass and 256 failures apart.
    const table = new InternTable<Score, number | string>(100);
    const zero = { pass: 0, fail: 0, waived: 0, "not-applicable": 0, error: 0 };
    expect(sharedScore(table, { score: 50, counts: { ...zero, pass: 1 } })).to.not.equal(
      sharedScore(table, { score: 50, counts: { ...zero, fail: 256 } }),
    );
    fc.assert(
      fc.property(fc.array(score, { minLength: 2, maxLength: 6 }), (scores) => {
        const table = new InternTable<Score, number | string>(100);
        const shared = scores.map((s) => sharedScore(table, s));
        scores.forEach((a, i) =>
          scores.forEach((b, j) => {
            const equal = JSON.stringify(a) === JSON.stringify(b);
            expect(shared[i] === shared[j], `${JSON.stringify(a)} ${JSON.stringify(b)}`).to.equal(
              equal,
            );
            expect(shared[i]).to.deep.equal(a);
          }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
