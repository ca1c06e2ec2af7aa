import { expect } from "chai";
import { ScoreTally, sharedScore } from "../../../src/check/evaluation/score.js";
import { InternTable } from "../../../src/support/intern-table.js";
import type { Score } from "../../../src/check/evaluation/report-model.js";

const tally = (results: ["pass" | "fail", "high" | "low"][]) => {
  const t = new ScoreTally();
  for (const [status, severity] of results) t.add(status, severity);
  return t.result();
};

describe("sharedScore", () => {
  it("gives equal scores one frozen object and keeps different counts apart", () => {
    const table = new InternTable<Score>(100);
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
});
