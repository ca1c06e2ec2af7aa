/**
 * The ransomware drill's dwell time and its attack on the backups, end to end with real sshd and
 * restic: against an append-only REST repository (rclone serve restic --append-only) every attempt
 * on the canary is refused and the drill passes; against a plain local repository the canary is
 * destroyed and the drill fails, naming the backups as destroyable, while every town snapshot and
 * the share stay as they were. Snapshots are back-dated with restic's --time to put one before the
 * infection and one inside the dwell time.
 */
import { expect } from "chai";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CANARY_TAG } from "../../runbooks/lib/canary.js";
import { DRILL_TAG } from "../../runbooks/lib/share.js";
import type { DrillMetrics } from "../../src/drill/results/run-record.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, reportOf, treeState } from "./runbook-helpers.js";

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

async function stepOutput<T>(dir: string, step: string): Promise<T> {
  const line = (await journalOf(dir)).find(
    (l) => l.event === "step-end" && (l as { step: string }).step === step,
  ) as { output: string } | undefined;
  if (!line) throw new Error(`step ${step} did not end in the journal`);
  return JSON.parse(line.output) as T;
}

async function metricsOf(dir: string): Promise<DrillMetrics> {
  const end = (await journalOf(dir)).find((l) => l.event === "run-end") as
    { metrics: DrillMetrics } | undefined;
  if (!end) throw new Error("no run-end line in the journal");
  return end.metrics;
}

describe("ransomware drill: dwell time and the attack on a canary (real sshd, restic)", function () {
  this.timeout(120_000);
  let runs: string;
  before(async () => (runs = await mkdtemp(join(tmpdir(), "stronghold-ransom-runs-"))));
  after(() => rm(runs, { recursive: true, force: true }));

  describe("an append-only REST repository (rclone serve restic --append-only)", () => {
    let lab: DrillLab;
    let seeded: Record<string, string>;
    before(async () => {
      lab = await startDrillLab({ remote: "rest-append-only" });
      seeded = await treeState(lab.dataDir);
    });
    after(() => lab?.stop());
    afterEach(async () => {
      expect(await treeState(lab.dataDir)).to.deep.equal(seeded);
      expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    });

    it("refuses every attempt on the canary: reported, the drill passes, the canary stays tagged", async () => {
      // Default dwell (5 days): the town snapshot of 5½ days ago is the last before the infection.
      const old = await lab.backup({ time: daysAgo(5.5) });
      const result = await drillCli(
        ["run", "ransomware", ...labArgs(lab, runs), "--check-subset", "1/7"],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const dir = await lastRun(runs);
      const attack = await stepOutput<{
        attempts: { attack: string; result: string; detail: string; canary: string }[];
        remaining: string[];
      }>(dir, "attack-backups");
      expect(attack.attempts.map((a) => `${a.attack} ${a.result}`)).to.deep.equal([
        "forget refused",
        "forget-prune refused",
        "delete-file refused",
        "overwrite-file refused",
      ]);
      expect(attack.attempts.find((a) => a.attack === "delete-file")!.detail).to.include("403");
      // One canary took all four attempts and is still there, tagged, for drill prune.
      expect(new Set(attack.attempts.map((a) => a.canary)).size).to.equal(1);
      const listed = await lab.snapshots();
      const canaries = listed.filter((s) => s.tags?.includes(CANARY_TAG));
      expect(canaries.map((s) => s.id)).to.deep.equal(attack.remaining);
      expect(canaries[0]!.tags).to.include(DRILL_TAG);
      expect(canaries[0]!.tags).to.include(`stronghold-drill-run=${dir.split("/").at(-1)}`);
      const picked = await stepOutput<{ id: string }>(dir, "pick-clean-snapshot");
      expect(picked.id.startsWith(old)).to.equal(true);
      const report = await reportOf(dir);
      expect(report).to.match(/backups-withstood-attack.*passed/);
      expect(result.stdout).to.include("the backups withstood every attempt");
      expect(report).to.include("## Attack on the backups");
      expect(report).to.include("**The backups withstood the attack**: every attempt was refused");
      expect(report).to.match(
        /- restic forget --prune [0-9a-f]{8}: refused \(the repository .* refused/,
      );
      expect(report).to.include("infection started at");
      // The infected snapshot cannot be forgotten either: it stays, tagged, and the report says so.
      expect(result.stdout).to.match(
        /warning \(forget-infected-snapshot\): the repository refused to forget the infected snapshot [0-9a-f]{8} \(append-only\)/,
      );
    });

    it("restores the last town snapshot before the dwell, reports those during it, RPO = infection start − snapshot", async () => {
      const before = await lab.backup({ time: daysAgo(2.5) });
      const during = await lab.backup({ time: daysAgo(1) });
      const result = await drillCli(
        ["run", "ransomware", ...labArgs(lab, runs), "--dwell", "2d", "--check-subset", "1/7"],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const dir = await lastRun(runs);
      const picked = await stepOutput<{
        id: string;
        time: string;
        possiblyInfected: { id: string }[];
      }>(dir, "pick-clean-snapshot");
      expect(picked.id.startsWith(before)).to.equal(true);
      // The one of a day ago and the lab's first (taken at its start) fall inside the dwell time.
      expect(picked.possiblyInfected.some((s) => s.id.startsWith(during))).to.equal(true);
      expect(picked.possiblyInfected.some((s) => s.id.startsWith(before))).to.equal(false);
      expect(result.stdout).to.match(
        new RegExp(`possibly infected and were not restored: .*${during}`),
      );
      const infected = await stepOutput<{ detectedAt: string; infectionStartedAt: string }>(
        dir,
        "post-infection-snapshot",
      );
      const start = Date.parse(infected.infectionStartedAt);
      expect(Date.parse(infected.detectedAt) - start).to.equal(2 * DAY);
      const m = await metricsOf(dir);
      expect(m.infectionStartedAt).to.equal(infected.infectionStartedAt);
      expect(m.disasterAt).to.equal(infected.detectedAt);
      expect(m.recoveryPoint?.snapshot.startsWith(before)).to.equal(true);
      expect(m.rpo?.achievedSeconds).to.equal((start - Date.parse(picked.time)) / 1000);
      expect(m.rpo?.basis).to.equal(
        "infection start − time of the last snapshot before it, restored",
      );
      expect(m.rpo?.met).to.equal(true); // about 12 h, within the 24 h target
      const report = await reportOf(dir);
      expect(report).to.include(`infection started at ${infected.infectionStartedAt}`);
      expect(report).to.include(`detected (disaster) at ${infected.detectedAt}`);
    });

    it("fails before touching anything when no town snapshot is older than the dwell time", async () => {
      const result = await drillCli(
        ["run", "ransomware", ...labArgs(lab, runs), "--dwell", "30d"],
        labEnv(lab),
      );
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(
        /no snapshot of .* from the town's backup job is older than the dwell time of 30d/,
      );
      const journal = await journalOf(await lastRun(runs));
      const started = journal
        .filter((l) => l.event === "step-start")
        .map((l) => (l as { step: string }).step);
      expect(started).not.to.include("attack-backups");
      expect(started).not.to.include("encrypt-files");
    });
  });

  describe("an S3 bucket without versioning (s3rver over TLS)", () => {
    let lab: DrillLab;
    before(async () => (lab = await startDrillLab({ remote: "s3" })));
    after(() => lab?.stop());

    it("deletes and overwrites the canary's object with curl --aws-sigv4: destroyable, only canaries gone, keys in no argv or journal", async () => {
      await lab.backup({ time: daysAgo(5.5) });
      const seeded = await treeState(lab.dataDir);
      const town = (await lab.snapshots()).map((s) => s.id).sort();
      const result = await drillCli(
        ["run", "ransomware", ...labArgs(lab, runs), "--check-subset", "1/7"],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      expect(result.stdout).to.match(
        /the backups can be destroyed with the restic credentials on the infected host fs01: .*delete snapshots\/[0-9a-f]{8} .*; overwrite snapshots\/[0-9a-f]{8} .* destroyed the canary/,
      );
      const dir = await lastRun(runs);
      const attack = await stepOutput<{
        attempts: { attack: string; result: string; canary: string; detail: string }[];
      }>(dir, "attack-backups");
      expect(attack.attempts.map((a) => `${a.attack} ${a.result}`)).to.deep.equal([
        "forget destroyed",
        "forget-prune destroyed",
        "delete-file destroyed",
        "overwrite-file destroyed",
      ]);
      for (const forgot of attack.attempts.slice(0, 2))
        expect(forgot.detail).to.equal(
          "restic reported success; ListObjectVersions answered HTTP 405 MethodNotAllowed: the storage keeps no versions, restic's deletes are final",
        );
      expect(attack.attempts[2]!.detail).to.equal(
        "S3 answered 204 and keeps no versions of the object: it was deleted",
      );
      expect(attack.attempts[3]!.detail).to.equal(
        "S3 answered 200 and keeps no versions of the object: it was overwritten",
      );
      // Each request went to exactly the canary's object, path-style (a custom endpoint).
      const journal = await journalOf(dir);
      const curls = journal
        .filter((l) => l.event === "command")
        .map((l) => (l as { command: string }).command)
        .filter((c) => c.startsWith("curl "));
      const deleted = journal.find(
        (l) =>
          l.event === "command" &&
          (l as { command: string }).command.startsWith("curl") &&
          (l as { command: string }).command.includes("-X DELETE"),
      ) as { command: string; stdout: string } | undefined;
      expect(deleted?.stdout).to.match(/^HTTP\/1\.1 204/);
      const urls = new Set(
        curls.map((c) =>
          c
            .split(" ")
            .at(-1)!
            .replace(/[0-9a-f]{64}$/, "<id>"),
        ),
      );
      // After forget and after prune: ListObjectVersions under the repository, which s3rver
      // (no versioning) refuses, so nothing is brought back.
      expect([...urls]).to.deep.equal([
        `${lab.repositorySpec.slice(3).replace(/\/restic$/, "/")}?prefix=restic%2F&versions=`,
        `${lab.repositorySpec.slice(3)}/snapshots/<id>`,
      ]);
      expect(curls.map((c) => c.split(" -X ")[1]!.split(" ")[0])).to.deep.equal([
        "GET",
        "GET",
        "HEAD",
        "DELETE",
        "HEAD",
        "PUT",
        "HEAD",
        "DELETE",
      ]);
      // The keys went to curl on stdin: neither the journal nor the report holds them.
      const secret = `${lab.env.AWS_ACCESS_KEY_ID}:${lab.env.AWS_SECRET_ACCESS_KEY}`;
      expect(JSON.stringify(journal)).not.to.include(secret);
      const report = await reportOf(dir);
      expect(report).not.to.include(secret);
      expect(report).to.match(
        /- delete snapshots\/[0-9a-f]{8} .*: destroyed \(S3 answered 204 and keeps no versions of the object: it was deleted\)/,
      );
      expect(report).to.match(/verify-share.*passed/);
      const after = await lab.snapshots();
      expect(after.filter((s) => s.tags?.includes(CANARY_TAG))).to.deep.equal([]);
      expect(
        after
          .filter((s) => !s.tags?.includes(DRILL_TAG))
          .map((s) => s.id)
          .sort(),
      ).to.deep.equal(town);
      expect(await treeState(lab.dataDir)).to.deep.equal(seeded);
      expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    });
  });

  describe("a plain local repository", () => {
    let lab: DrillLab;
    before(async () => (lab = await startDrillLab()));
    after(() => lab?.stop());

    it("destroys the canary: the drill fails naming the backups as destroyable; only canaries are gone", async () => {
      await lab.backup({ time: daysAgo(5.5) });
      const seeded = await treeState(lab.dataDir);
      const town = (await lab.snapshots()).map((s) => s.id).sort();
      const result = await drillCli(
        ["run", "ransomware", ...labArgs(lab, runs), "--check-subset", "1/7"],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      expect(result.stdout).to.match(
        /the backups can be destroyed with the restic credentials on the infected host fs01: restic forget [0-9a-f]{8}; restic forget --prune [0-9a-f]{8}; delete snapshots\/[0-9a-f]{8} .*; overwrite snapshots\/[0-9a-f]{8} .* destroyed the canary/,
      );
      const dir = await lastRun(runs);
      const attack = await stepOutput<{ attempts: { result: string; canary: string }[] }>(
        dir,
        "attack-backups",
      );
      expect(attack.attempts.map((a) => a.result)).to.deep.equal([
        "destroyed",
        "destroyed",
        "destroyed",
        "destroyed",
      ]);
      // A new canary for each attempt, since each one destroyed the last.
      expect(new Set(attack.attempts.map((a) => a.canary)).size).to.equal(4);
      const report = await reportOf(dir);
      expect(report).to.match(/backups-withstood-attack.*failed/);
      expect(report).to.include("**The backups can be destroyed** from the infected host");
      expect(report).to.match(
        /- overwrite snapshots\/[0-9a-f]{8} .*: destroyed \(the file was overwritten\)/,
      );
      // The recovery itself still ran and was verified.
      expect(report).to.match(/verify-share.*passed/);
      // Every town snapshot is still there and readable; no canary is left; the share is as before.
      const after = await lab.snapshots();
      expect(after.filter((s) => s.tags?.includes(CANARY_TAG))).to.deep.equal([]);
      expect(
        after
          .filter((s) => !s.tags?.includes(DRILL_TAG))
          .map((s) => s.id)
          .sort(),
      ).to.deep.equal(town);
      expect(await treeState(lab.dataDir)).to.deep.equal(seeded);
      expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    });
  });
});
