// The five questions over a three-week ledger of a six-machine town (test/fixtures/
// evidence-ledger.ts), built with appendEntry from drafts typed by src/evidence/metrics.ts.
import { expect } from "chai";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { openIndex, type EvidenceIndex } from "../../src/evidence/index-db.js";
import { complianceOn } from "../../src/evidence/queries/compliance.js";
import { drillsIn } from "../../src/evidence/queries/drills.js";
import { failingFor } from "../../src/evidence/queries/failing-for.js";
import { lastRestore } from "../../src/evidence/queries/last-restore.js";
import { expectedSafeguards } from "../../src/evidence/queries/safeguards.js";
import { uncovered } from "../../src/evidence/queries/uncovered.js";
import { InputError, UsageError } from "../../src/support/errors.js";
import { DATA_DIR } from "../../src/support/project-root.js";
import { RPO_TARGET, RTO_TARGET } from "../fixtures/evidence-drafts.js";
import { buildSampleLedger } from "../fixtures/evidence-ledger.js";

describe("evidence queries", function () {
  this.timeout(20_000);
  let dir: string;
  let seqs: Map<string, number>;
  let index: EvidenceIndex;
  const seq = (name: string) => seqs.get(name)!;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-evq-"));
    seqs = buildSampleLedger(dir);
    index = openIndex(dir);
  });
  after(async () => {
    index.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe("last-restore", () => {
    it("names the last passing drill of a target host, and the failed one after it", () => {
      const a = lastRestore(index, "pd-fs-01");
      expect(a.matchedBy).to.equal("system");
      expect(a.zone).to.equal("UTC");
      expect(a.lastVerified).to.deep.include({
        seq: seq("drill-2026-06-10"),
        day: "2026-06-10",
        runbook: "police-fileserver",
        runId: "20260610T070000Z-police-fileserver",
        verdict: "passed",
        systems: ["pd-fs-01"],
        rto: { targetSeconds: RTO_TARGET, achievedSeconds: 2000, met: true },
        rpo: { targetSeconds: RPO_TARGET, achievedSeconds: 50_000, met: true },
        verified: { files: 1500, bytes: 1500 * 4096 },
      });
      expect(a.lastVerified!.hash).to.match(/^[0-9a-f]{64}$/);
      expect(a.lastAttempt).to.deep.include({
        seq: seq("drill-2026-06-17"),
        verdict: "failed",
        failedAt: "restore",
        rto: { targetSeconds: RTO_TARGET },
      });
      expect(a.failedSince).to.equal(1);
    });

    it("answers the same for the runbook id", () => {
      const a = lastRestore(index, "police-fileserver");
      expect(a.matchedBy).to.equal("runbook");
      expect(a.lastVerified!.seq).to.equal(seq("drill-2026-06-10"));
      expect(a.lastAttempt!.seq).to.equal(seq("drill-2026-06-17"));
    });

    it("has no last attempt when the last drill passed", () => {
      const a = lastRestore(index, "clerk-db-01");
      expect(a.lastVerified!.seq).to.equal(seq("drill-2026-06-05"));
      expect(a).to.not.have.property("lastAttempt");
      expect(a.failedSince).to.equal(0);
    });

    it("refuses a system never drilled, guessing the one meant", () => {
      expect(() => lastRestore(index, "pd-fs-1"))
        .to.throw(UsageError)
        .with.property("message")
        .that.matches(/"pd-fs-1" is neither a runbook nor a system.*did you mean "pd-fs-01"\?/);
    });
  });

  describe("compliance", () => {
    it("gives the day's check: score, failing controls, departments and sites", () => {
      const a = complianceOn(index, "2026-06-20");
      expect(a).to.deep.include({ asked: "2026-06-20", day: "2026-06-20", zone: "UTC" });
      expect(a.note).to.equal("the last check of 2026-06-20");
      expect(a.check).to.deep.include({
        seq: seq("check-2026-06-20"),
        score: 96.7,
        machines: 6,
        gatePassed: false,
        counts: { pass: 116, fail: 4, waived: 0, "not-applicable": 0, error: 0 },
      });
      expect(a.failingControls).to.deep.equal([
        { control: "sec-disk-encryption", machines: 1 },
        { control: "sec-firewall", machines: 1 },
        { control: "sec-password", machines: 1 },
        { control: "sec-screen-lock", machines: 1 },
      ]);
      expect(a.byDepartment).to.deep.equal([
        { name: "clerk", score: 95, machines: 2, failures: 2 },
        { name: "fire", score: 97.5, machines: 2, failures: 1 },
        { name: "police", score: 97.5, machines: 2, failures: 1 },
      ]);
      expect(a.bySite.map((s) => s.name)).to.deep.equal(["town-hall", "main-st", "station-1"]);
    });

    it("says when there was no check that day and which day it used", () => {
      const a = complianceOn(index, "2026-06-12");
      expect(a.day).to.equal("2026-06-11");
      expect(a.note).to.equal(
        "no check on 2026-06-12; the last check before it, of 2026-06-11, is used",
      );
      expect(a.check!.seq).to.equal(seq("check-2026-06-11"));
      expect(a.failingControls).to.deep.equal([{ control: "sec-disk-encryption", machines: 1 }]);
    });

    it("says when there was no check at all", () => {
      const a = complianceOn(index, "2026-05-31");
      expect(a).to.deep.equal({
        question: "compliance",
        asked: "2026-05-31",
        zone: "UTC",
        note: "no check was recorded on or before 2026-05-31",
        failingControls: [],
        byDepartment: [],
        bySite: [],
      });
    });
  });

  describe("failing-for", () => {
    const cases: [number, string[]][] = [
      [0, ["sec-disk-encryption", "sec-password", "sec-firewall", "sec-screen-lock"]],
      [5, ["sec-disk-encryption", "sec-password"]],
      [9, ["sec-disk-encryption"]],
      [10, []],
    ];
    for (const [days, controls] of cases)
      it(`more than ${days} days: ${controls.join(", ") || "none"}`, () => {
        const a = failingFor(index, days);
        expect(a.controls.map((c) => c.control)).to.deep.equal(controls);
      });

    it("counts a run across the day without a check, and starts it after the last passing day", () => {
      const a = failingFor(index, 0);
      expect(a.latest).to.deep.include({ day: "2026-06-20", seq: seq("check-2026-06-20") });
      expect(a.controls).to.deep.equal([
        { control: "sec-disk-encryption", since: "2026-06-11", days: 10, machines: ["pd-ws-01"] },
        { control: "sec-password", since: "2026-06-14", days: 7, machines: ["ch-ws-01"] },
        // It failed from 06-01 to 06-05 too; the passing days between end that run.
        { control: "sec-firewall", since: "2026-06-18", days: 3, machines: ["fd-ws-02"] },
        { control: "sec-screen-lock", since: "2026-06-20", days: 1, machines: ["ch-ws-01"] },
      ]);
    });
  });

  describe("drills", () => {
    it("lists the period's drills oldest first, both ends included", () => {
      const a = drillsIn(index, "2026-06-03", "2026-06-10");
      expect(
        a.drills.map((d) => [d.day, d.runbook, d.verdict, d.rto?.achievedSeconds]),
      ).to.deep.equal([
        ["2026-06-03", "police-fileserver", "passed", 1800],
        ["2026-06-05", "clerk-db", "passed", 900],
        ["2026-06-10", "police-fileserver", "passed", 2000],
      ]);
      expect(a.drills[1]!.systems).to.deep.equal(["clerk-db-01"]);
      expect([a.passed, a.failed]).to.deep.equal([3, 0]);
    });

    it("includes the failed drill, and nothing outside the period", () => {
      const a = drillsIn(index, "2026-06-11", "2026-06-30");
      expect(a.drills.map((d) => [d.seq, d.verdict, d.failedAt, d.reasons])).to.deep.equal([
        [seq("drill-2026-06-17"), "failed", "restore", ["restore failed"]],
      ]);
      expect(
        drillsIn(index, "2026-06-01", "2026-06-10").drills.map((d) => d.reasons),
      ).to.deep.equal([[], [], []]);
      expect(drillsIn(index, "2026-07-01", "2026-07-31").drills).to.deep.equal([]);
    });
  });

  describe("uncovered", () => {
    let cisIg12: string[];
    before(async () => {
      const table = parse(await readFile(path.join(DATA_DIR, "cis-controls-v8.yaml"), "utf8")) as {
        safeguards: { id: string; ig: number }[];
      };
      cisIg12 = table.safeguards.filter((s) => s.ig <= 2).map((s) => s.id);
    });
    const cisRows = (a: ReturnType<typeof uncovered>) =>
      a.uncovered.filter((u) => u.framework === "cis");

    it("expects every CIS v8 IG1 and IG2 safeguard", () => {
      const expected = expectedSafeguards().filter((s) => s.framework === "cis");
      expect(expected.map((s) => s.id)).to.deep.equal(cisIg12);
      expect(expected.find((s) => s.id === "11.5")!.title).to.equal("Test Data Recovery");
    });

    it("90 days: evidence only 100 days old does not count, and says when it was", () => {
      const a = uncovered(index, expectedSafeguards(), 90, "2026-06-20");
      expect([a.from, a.to]).to.deep.equal(["2026-03-23", "2026-06-20"]);
      const covered = ["3.6", "4.1", "4.4", "5.2", "11.5", "4.2"];
      expect(cisRows(a).map((u) => u.id)).to.deep.equal(
        cisIg12.filter((id) => !covered.includes(id)),
      );
      expect(cisRows(a).find((u) => u.id === "1.1")).to.deep.equal({
        framework: "cis",
        id: "1.1",
        title: "Establish and Maintain Detailed Enterprise Asset Inventory",
        lastEvidence: { day: "2026-03-12", seq: seq("collect-0312") },
      });
      expect(cisRows(a).find((u) => u.id === "1.2")).to.not.have.property("lastEvidence");
    });

    it("a failed drill is not evidence; a check whose gate failed still is", () => {
      const a = uncovered(index, expectedSafeguards(), 7, "2026-06-20");
      expect(a.from).to.equal("2026-06-14");
      expect(cisRows(a).find((u) => u.id === "11.5")).to.deep.include({
        lastEvidence: { day: "2026-06-10", seq: seq("drill-2026-06-10") },
      });
      const ids = cisRows(a).map((u) => u.id);
      for (const id of ["3.6", "4.1", "4.2"]) expect(ids).to.not.include(id);
    });

    it("adds NIST CSF 2.0 subcategories when their table is there", async () => {
      const data = await mkdtemp(path.join(tmpdir(), "stronghold-evq-data-"));
      try {
        await copyFile(
          path.join(DATA_DIR, "cis-controls-v8.yaml"),
          path.join(data, "cis-controls-v8.yaml"),
        );
        await writeFile(
          path.join(data, "nist-csf-2.0.yaml"),
          [
            "source: https://doi.org/10.6028/NIST.CSWP.29",
            "subcategories:",
            '  - { id: "ID.AM-01", title: "Inventories of hardware managed by the organization are maintained" }',
            '  - { id: "PR.DS-11", title: "Backups of data are created, protected, maintained, and tested" }',
            '  - { id: "RC.RP-03", title: "The integrity of backups and other restoration assets is verified before using them for restoration" }',
            "",
          ].join("\n"),
        );
        const expected = expectedSafeguards(data);
        expect(expected.filter((s) => s.framework === "csf").map((s) => s.id)).to.deep.equal([
          "ID.AM-01",
          "PR.DS-11",
          "RC.RP-03",
        ]);
        const a = uncovered(index, expected, 7, "2026-06-20");
        expect(a.uncovered.filter((u) => u.framework === "csf")).to.deep.equal([
          {
            framework: "csf",
            id: "ID.AM-01",
            title: "Inventories of hardware managed by the organization are maintained",
            lastEvidence: { day: "2026-03-12", seq: seq("collect-0312") },
          },
          {
            framework: "csf",
            id: "PR.DS-11",
            title: "Backups of data are created, protected, maintained, and tested",
            lastEvidence: { day: "2026-06-10", seq: seq("drill-2026-06-10") },
          },
          {
            framework: "csf",
            id: "RC.RP-03",
            title:
              "The integrity of backups and other restoration assets is verified before using them for restoration",
            lastEvidence: { day: "2026-06-10", seq: seq("drill-2026-06-10") },
          },
        ]);
        await writeFile(path.join(data, "cis-controls-v8.yaml"), "safeguards: {}\n");
        expect(() => expectedSafeguards(data))
          .to.throw(InputError)
          .with.property(
            "message",
            `${path.join(data, "cis-controls-v8.yaml")}: /safeguards: must be a list`,
          );
      } finally {
        await rm(data, { recursive: true, force: true });
      }
    });

    it("101 days reach the old evidence", () => {
      const a = uncovered(index, expectedSafeguards(), 101, "2026-06-20");
      expect(a.from).to.equal("2026-03-12");
      expect(cisRows(a).map((u) => u.id)).to.not.include("1.1");
    });
  });
});
