// The answers' formats: durations, an empty table, a pipe inside a Markdown cell, JSON as data.
import { expect } from "chai";
import type { FailingForAnswer } from "../../src/evidence/queries/failing-for.js";
import { duration, formatAnswer } from "../../src/evidence/queries/format.js";

const answer: FailingForAnswer = {
  question: "failing-for",
  moreThanDays: 3,
  zone: "UTC",
  latest: { day: "2026-06-20", seq: 25, hash: "ab".repeat(32) },
  controls: [{ control: "ctl|pipe", since: "2026-06-11", days: 10, machines: ["a", "b"] }],
};

describe("evidence query formats", () => {
  const cases: [number | undefined, string][] = [
    [undefined, "—"],
    [35, "35s"],
    [250, "4m 10s"],
    [7500, "2h 05m"],
    [90_000, "1d 01h"],
  ];
  for (const [seconds, text] of cases)
    it(`duration ${String(seconds)} → ${text}`, () => expect(duration(seconds)).to.equal(text));

  it("table: columns padded to the widest cell, (none) for no rows", () => {
    expect(formatAnswer(answer, "table")).to.equal(
      [
        "Controls failing for more than 3 days",
        `1 control(s), up to the latest check of 2026-06-20 (ledger entry #25 ${"ab".repeat(6)}).`,
        "Days are UTC days (no workspace time zone).",
        "",
        "control   since       days  machines  failing on",
        "--------  ----------  ----  --------  ----------",
        "ctl|pipe  2026-06-11  10    2         a, b",
        "",
      ].join("\n"),
    );
    expect(
      formatAnswer({ ...answer, controls: [] }, "table")
        .split("\n")
        .slice(-3),
    ).to.deep.equal(["-------  -----  ----  --------  ----------", "(none)", ""]);
  });

  it("markdown: a pipe in a cell is escaped", () => {
    expect(formatAnswer(answer, "markdown")).to.include(
      "| ctl\\|pipe | 2026-06-11 | 10 | 2 | a, b |\n",
    );
  });

  it("json: the answer itself", () => {
    expect(JSON.parse(formatAnswer(answer, "json"))).to.deep.equal(answer);
  });
});
