// The answers' formats: durations, an empty table, a pipe inside a Markdown cell, JSON as data.
import { expect } from "chai";
import type { DrillsAnswer } from "../../src/evidence/queries/drills.js";
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

describe("evidence query formats: why a drill failed", () => {
  const drill = {
    seq: 22,
    hash: "cd".repeat(32),
    day: "2026-06-17",
    at: "2026-06-17T11:00:00.000Z",
    runbook: "police-fileserver",
    runId: "20260617T070000Z-police-fileserver",
    scenario: "The police file server is lost",
    verdict: "failed",
    systems: ["pd-fs-01"],
    verified: { files: 0, bytes: 0 },
    failedAt: "check-repository",
    reasons: ["restic check found errors in the repository: Pack ID does not match", "no | pipe"],
  } as const;
  const drills: DrillsAnswer = {
    question: "drills",
    from: "2026-06-01",
    to: "2026-06-30",
    zone: "UTC",
    drills: [drill],
    passed: 0,
    failed: 1,
  };

  it("table: each drill that did not pass says where and why, under the count", () => {
    expect(formatAnswer(drills, "table").split("\n").slice(1, 4)).to.deep.equal([
      "1 drill(s): 0 passed, 1 did not.",
      "2026-06-17 police-fileserver failed at check-repository: restic check found errors in the repository: Pack ID does not match; no | pipe",
      "Days are UTC days (no workspace time zone).",
    ]);
  });

  it("last-restore: the failed attempt since the last verified restore says why", () => {
    const text = formatAnswer(
      {
        question: "last-restore",
        system: "pd-fs-01",
        matchedBy: "system",
        zone: "UTC",
        lastAttempt: drill,
        failedSince: 1,
      },
      "markdown",
    );
    expect(text).to.include(
      "failed at check-repository: restic check found errors in the repository: Pack ID does not match; no | pipe.",
    );
  });

  it("json: the reasons as a list", () => {
    const parsed = JSON.parse(formatAnswer(drills, "json")) as DrillsAnswer;
    expect(parsed.drills[0]!.reasons).to.deep.equal(drill.reasons);
  });
});
