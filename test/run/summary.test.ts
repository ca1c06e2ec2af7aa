// The parts of `stronghold run` that decide without running anything: which drills are due on a
// day in the town's time zone, regressions and recoveries against the previous summary, the exit
// code, the alert digest, and the run lock against a real live and a real dead process.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { digestOf } from "../../src/run/alerts.js";
import { drillsDue, isDue, localDay } from "../../src/run/due.js";
import { acquireLock } from "../../src/support/lock.js";
import {
  compareRuns,
  exitCodeOf,
  type RunSummary,
  type StageResult,
} from "../../src/run/summary.js";
import type { ScheduledDrill } from "../../src/workspace/workspace-file.js";

const stage = (s: StageResult["stage"], status: StageResult["status"]): StageResult => ({
  stage: s,
  status,
  durationMs: 10,
  detail: `${s} said so`,
});

/** A run where everything passed: change one field per case. */
function passing(): RunSummary {
  return {
    schemaVersion: 1,
    town: "Town of Ashford",
    startedAt: "2026-12-05T02:15:00.000Z",
    endedAt: "2026-12-05T02:20:00.000Z",
    day: "2026-12-05",
    dryRun: false,
    stages: (["recover", "collect", "windows", "check", "drills"] as const).map((s) =>
      stage(s, "passed"),
    ),
    check: {
      score: 92.5,
      gatePassed: true,
      gateReasons: [],
      failingControls: ["lcm-config-fresh"],
      failures: 3,
    },
    drills: [
      {
        runbook: "restore-test",
        verdict: "passed",
        exitCode: 0,
        rto: { targetSeconds: 3600, achievedSeconds: 40, met: true },
        rpo: { targetSeconds: 86400, achievedSeconds: 3000, met: true },
      },
    ],
    comparison: { regressions: [], recoveries: [] },
    exitCode: 0,
  };
}

describe("stronghold run: what is due, what changed, what is said", () => {
  describe("drills due", () => {
    const drill = (every: ScheduledDrill["every"], day: ScheduledDrill["day"] = "sun") => ({
      runbook: `r-${every}`,
      every,
      day,
      at: "03:00",
    });
    const cases: [string, string, string, ScheduledDrill, boolean][] = [
      ["daily", "2026-12-05T08:00:00Z", "UTC", drill("daily"), true],
      ["weekly on its day", "2026-12-06T08:00:00Z", "UTC", drill("weekly", "sun"), true],
      ["weekly on another day", "2026-12-05T08:00:00Z", "UTC", drill("weekly", "sun"), false],
      // 02:00 UTC on Sunday is still Saturday evening in New York.
      [
        "weekly, by the town's clock",
        "2026-12-06T02:00:00Z",
        "America/New_York",
        drill("weekly", "sun"),
        false,
      ],
      ["monthly on the 1st", "2026-12-01T12:00:00Z", "UTC", drill("monthly"), true],
      ["monthly on the 2nd", "2026-12-02T12:00:00Z", "UTC", drill("monthly"), false],
      ["quarterly on 1 October", "2026-10-01T12:00:00Z", "UTC", drill("quarterly"), true],
      ["quarterly on 1 November", "2026-11-01T12:00:00Z", "UTC", drill("quarterly"), false],
    ];
    for (const [name, at, zone, d, due] of cases)
      it(`${name}: ${due ? "due" : "not due"}`, () => {
        expect(isDue(d, localDay(new Date(at), zone))).to.equal(due);
      });

    it("lists each runbook once, in the schedule's order", () => {
      const today = localDay(new Date("2026-10-01T12:00:00Z"), "UTC");
      expect(
        drillsDue(
          [
            { runbook: "backup-integrity", every: "daily", day: "sun" },
            { runbook: "site-loss", every: "quarterly", day: "sun" },
            { runbook: "backup-integrity", every: "monthly", day: "sun" },
            { runbook: "restore-test", every: "weekly", day: "fri" },
          ],
          today,
        ),
      ).to.deep.equal(["backup-integrity", "site-loss"]);
    });
  });

  describe("against the previous run", () => {
    const previous = { name: "2026-12-04T02-15-00Z", summary: passing() };
    const cases: [string, (r: RunSummary) => RunSummary, string[], string[]][] = [
      ["nothing changed", (r) => r, [], []],
      [
        "a stage newly failing",
        (r) => ({
          ...r,
          stages: r.stages.map((s) => (s.stage === "collect" ? stage("collect", "failed") : s)),
        }),
        ["stage collect failed (passed last run): collect said so"],
        [],
      ],
      [
        "a score drop and a control newly failing",
        (r) => ({
          ...r,
          check: {
            ...r.check!,
            score: 90,
            failingControls: ["lcm-config-fresh", "sec-firewall-enabled"],
          },
        }),
        ["compliance score dropped from 92.5 to 90", "control sec-firewall-enabled newly failing"],
        [],
      ],
      [
        "a control passing again",
        (r) => ({ ...r, check: { ...r.check!, score: 95, failingControls: [] } }),
        [],
        ["control lcm-config-fresh passes again"],
      ],
      [
        "an RTO missed",
        (r) => ({
          ...r,
          drills: [
            { ...r.drills[0]!, rto: { targetSeconds: 3600, achievedSeconds: 5400, met: false } },
          ],
        }),
        ["drill restore-test: RTO missed: 90.0 min against a target of 60.0 min"],
        [],
      ],
      [
        "a drill failing",
        (r) => ({ ...r, drills: [{ ...r.drills[0]!, verdict: "failed", exitCode: 1 }] }),
        ["drill restore-test failed (passed last time)"],
        [],
      ],
    ];
    for (const [name, change, regressions, recoveries] of cases)
      it(name, () => {
        const c = compareRuns(change(passing()), previous);
        expect(c.previous).to.equal(previous.name);
        expect(c.regressions).to.deep.equal(regressions);
        expect(c.recoveries).to.deep.equal(recoveries);
      });

    it("a failed stage that passes again is a recovery", () => {
      const before = {
        ...passing(),
        stages: passing().stages.map((s) => (s.stage === "drills" ? stage("drills", "failed") : s)),
      };
      const c = compareRuns(passing(), { name: "before", summary: before });
      expect(c.recoveries).to.deep.equal(["stage drills passed again (failed last run)"]);
    });

    it("the first run has nothing to compare with", () => {
      expect(compareRuns(passing(), undefined)).to.deep.equal({ regressions: [], recoveries: [] });
    });

    it("exit code: 0 all passed, 1 failed or regressed, 2 input errors", () => {
      const none = { regressions: [], recoveries: [] };
      expect(exitCodeOf(passing().stages, none)).to.equal(0);
      expect(exitCodeOf(passing().stages, { regressions: ["x"], recoveries: [] })).to.equal(1);
      expect(exitCodeOf([stage("check", "failed")], none)).to.equal(1);
      expect(exitCodeOf([stage("check", "failed"), stage("drills", "error")], none)).to.equal(2);
      expect(exitCodeOf([stage("windows", "skipped")], none)).to.equal(0);
    });
  });

  describe("the digest", () => {
    const troubled: RunSummary = {
      ...passing(),
      stages: passing().stages.map((s) => (s.stage === "drills" ? stage("drills", "failed") : s)),
      comparison: {
        previous: "before",
        regressions: ["control sec-firewall-enabled newly failing"],
        recoveries: ["control lcm-config-fresh passes again"],
      },
      exitCode: 1,
    };

    it("says every failure, regression and recovery once", () => {
      const d = digestOf(troubled, ["failure", "regression", "recovery"], "/ws/summary.json")!;
      expect(d.subject).to.equal(
        "Stronghold Town of Ashford 2026-12-05: 1 failure(s), 1 regression(s), 1 recovery(ies)",
      );
      expect(d.text).to.include("Failures:\n- drills failed: drills said so\n");
      expect(d.text).to.include("Regressions:\n- control sec-firewall-enabled newly failing\n");
      expect(d.text).to.include("Recoveries:\n- control lcm-config-fresh passes again\n");
      expect(d.text).to.include("Summary: /ws/summary.json");
    });

    it("only what notifications.on selects; nothing selected, nothing sent", () => {
      const d = digestOf(troubled, ["recovery"], "/ws/summary.json")!;
      expect(d.failures).to.deep.equal([]);
      expect(d.regressions).to.deep.equal([]);
      expect(d.subject).to.match(/: 1 recovery\(ies\)$/);
      expect(digestOf(passing(), ["failure", "regression", "recovery"], "x")).to.equal(undefined);
    });
  });

  describe("the run lock", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-lock-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    it("is refused while a live process holds it, taken over when its process is gone", async () => {
      const file = path.join(dir, "held.lock");
      const holder = spawn("sleep", ["30"], { stdio: "ignore" });
      try {
        await writeFile(file, `${holder.pid}\n`);
        expect(acquireLock(file)).to.deep.equal({ ok: false, holder: holder.pid });
      } finally {
        holder.kill();
        await new Promise((r) => holder.once("exit", r));
      }
      // The same pid, now dead: a stale lock.
      const taken = acquireLock(file);
      expect(taken.ok).to.equal(true);
      expect(await readFile(file, "utf8")).to.equal(`${process.pid}\n`);
      if (taken.ok) taken.lock.release();
      expect(existsSync(file)).to.equal(false);
    });

    it("a garbled lock file is stale too", async () => {
      const file = path.join(dir, "garbled.lock");
      await writeFile(file, "not a pid");
      const taken = acquireLock(file);
      expect(taken.ok).to.equal(true);
      if (taken.ok) taken.lock.release();
    });
  });
});
