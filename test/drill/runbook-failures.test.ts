/**
 * The drills fail when they should — exit 1, the failing step named in the report and on one
 * stderr line, the share put back and the sandboxes emptied all the same — when the repository
 * has a corrupted pack, when a restored file is missing or altered, and when the newest snapshot
 * is older than the RPO. A verification that cannot fail would pass these; none does.
 */
import { expect } from "chai";
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import {
  drillCli,
  labArgs,
  labEnv,
  lastRun,
  reportOf,
  treeState,
  type CliResult,
} from "./runbook-helpers.js";

const HEALTH_CHECK = ["--health-check", "test -s finance/budget-2026.csv"];

interface Expectation {
  readonly drill: string;
  readonly extra?: readonly string[];
  /** The step (or target) the drill must fail at; several when the fault may surface in either. */
  readonly failsAt: readonly string[];
  /** Text the report must show about the failure. */
  readonly says: readonly (string | RegExp)[];
}

async function expectFailure(lab: DrillLab, runs: string, e: Expectation): Promise<void> {
  const before = await treeState(lab.dataDir);
  const result: CliResult = await drillCli(
    ["run", e.drill, ...labArgs(lab, runs), ...(e.extra ?? [])],
    labEnv(lab),
  );
  const context = `${result.stdout}\n${result.stderr}`;
  expect(result.code, context).to.equal(1);
  const stderrLines = result.stderr.trim().split("\n");
  expect(stderrLines, context).to.have.length(1);
  expect(stderrLines[0]).to.match(new RegExp(`^stronghold: drill ${e.drill} failed: `));
  const report = await reportOf(await lastRun(runs));
  const failedAt = /failing step: `([^`]+)`/.exec(report)?.[1];
  expect(e.failsAt, context).to.include(failedAt);
  for (const text of e.says) {
    if (typeof text === "string") expect(report, context).to.include(text);
    else expect(report, context).to.match(text);
  }
  // Cleanup ran: the share is as it was before the drill, nothing is left in the sandboxes.
  expect(await treeState(lab.dataDir)).to.deep.equal(before);
  expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
  expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
}

describe("drill runbooks fail on a broken lab", function () {
  this.timeout(120_000);
  let runs: string;
  before(async () => (runs = await mkdtemp(join(tmpdir(), "stronghold-failing-runs-"))));
  after(() => rm(runs, { recursive: true, force: true }));

  describe("a corrupted pack in the repository", () => {
    let lab: DrillLab;
    before(async () => {
      lab = await startDrillLab();
      await lab.corruptPack();
    });
    after(() => lab?.stop());

    const cases: Expectation[] = [
      { drill: "file-deletion", failsAt: ["restore-snapshot"], says: ["corrupt data"] },
      {
        drill: "ransomware",
        // The lab's one snapshot was taken moments ago: a dwell time of a second puts it before.
        extra: ["--check-subset", "100%", "--dwell", "1s"],
        failsAt: ["restore-clean-snapshot"],
        says: ["corrupt data"],
      },
      {
        drill: "site-loss",
        extra: HEALTH_CHECK,
        failsAt: ["restore-on-dr"],
        says: ["corrupt data"],
      },
      {
        drill: "backup-integrity",
        extra: ["--check-subset", "100%", "--sample", "100"],
        // The sampled restore reads the damaged pack first, unless it missed it; the check never does.
        failsAt: ["restore-sample", "check-repository"],
        says: [/corrupt data|found errors in the repository/],
      },
    ];
    for (const e of cases) it(`${e.drill} fails`, () => expectFailure(lab, runs, e));
  });

  describe("a file changed or added after the newest snapshot", () => {
    let lab: DrillLab;
    before(async () => {
      lab = await startDrillLab();
      // Altered in place with an old time set (as `cp -p` of an old copy would), and a file never
      // backed up: size and time differ from the snapshot's record, so every drill lists them as
      // changed since the snapshot and none fails on them.
      const budget = join(lab.dataDir, "finance", "budget-2026.csv");
      await writeFile(budget, "dept,amount\nroads,999999\nparks,45000\n");
      await utimes(budget, new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));
      await writeFile(join(lab.dataDir, "hr", "new-hire.txt"), "not in any snapshot\n");
    });
    after(() => lab?.stop());

    for (const [drill, extra] of [
      ["file-deletion", []],
      ["site-loss", HEALTH_CHECK],
    ] as const)
      it(`${drill} passes, listing both as changed after the recovery point`, async () => {
        const result = await drillCli(["run", drill, ...labArgs(lab, runs), ...extra], labEnv(lab));
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const report = await reportOf(await lastRun(runs));
        expect(report).to.match(
          /2 file\(s\) changed on the (share|primary) after the recovery point/,
        );
        expect(report).to.include("finance/budget-2026.csv");
        expect(report).to.include("hr/new-hire.txt");
      });

    it("backup-integrity passes, listing the altered file as changed after the recovery point", async () => {
      const result = await drillCli(
        ["run", "backup-integrity", ...labArgs(lab, runs), "--sample", "100"],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const report = await reportOf(await lastRun(runs));
      expect(report).to.match(/1 file\(s\) changed on the share after the recovery point/);
      expect(report).to.include("finance/budget-2026.csv");
    });

    it("a wrong repository password fails the drill with one clear line", async () => {
      const wrong = join(lab.dir, "wrong-password");
      await writeFile(wrong, "not-the-password\n");
      const args = labArgs(lab, runs);
      args[args.indexOf("--password-file") + 1] = wrong;
      const result = await drillCli(["run", "backup-integrity", ...args], labEnv(lab));
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(
        /^stronghold: drill backup-integrity failed: preflight step newest-snapshot-within-rpo: wrong password for the restic repository \S+ \(no key matches it\)\n$/,
      );
    });
  });

  describe("a file damaged on the share without its size or time changing", () => {
    let lab: DrillLab;
    before(async () => {
      lab = await startDrillLab();
      // Same length, modification time set back: only the sha256 tells the share's copy apart.
      const budget = join(lab.dataDir, "finance", "budget-2026.csv");
      const was = await stat(budget);
      await writeFile(budget, "dept,amount\nroads,920000\nparks,45000\n");
      await utimes(budget, was.atime, was.mtime);
    });
    after(() => lab?.stop());

    const cases: Expectation[] = [
      {
        drill: "backup-integrity",
        extra: ["--sample", "100"],
        failsAt: ["verify-sample"],
        says: [
          "1 unchanged since the snapshot yet different from the share now (sha256)",
          "- differs from the share now: finance/budget-2026.csv",
        ],
      },
    ];
    for (const e of cases) it(`${e.drill} fails`, () => expectFailure(lab, runs, e));
  });

  describe("the newest snapshot is older than the RPO", () => {
    let lab: DrillLab;
    before(async () => {
      lab = await startDrillLab({ initialBackup: false });
      await lab.backup({ time: new Date(Date.now() - 3 * 86_400_000) });
    });
    after(() => lab?.stop());

    const missed = /\| RPO \| 24 h 00 min \| 72 h 0\d min \| ❌ missed \|/;
    const cases: Expectation[] = [
      {
        drill: "backup-integrity",
        failsAt: ["newest-snapshot-within-rpo"],
        says: [/is 72 h 0\d min old, older than the RPO of 24 h 00 min/, missed],
      },
      { drill: "file-deletion", failsAt: ["RPO target"], says: [missed, "RPO target missed"] },
      {
        drill: "site-loss",
        extra: HEALTH_CHECK,
        failsAt: ["RPO target"],
        says: [missed, "RPO target missed"],
      },
    ];
    for (const e of cases) it(`${e.drill} fails`, () => expectFailure(lab, runs, e));
  });
});
