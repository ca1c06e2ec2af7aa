/**
 * restore-test, the non-destructive weekly restore of the production backup, end to end with real
 * sshd and restic: the share backed up by its absolute path and with `--files-from`, restored on
 * the DR host only, verified against the snapshot, and a copy altered in the repository caught.
 */
import { expect } from "chai";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DRILL_TAG } from "../../runbooks/lib/share.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, treeState } from "./runbook-helpers.js";

describe("restore-test: the production backup restored on a drill host (real sshd, restic)", function () {
  this.timeout(180_000);
  let lab: DrillLab;
  let runs: string;
  before(async () => {
    lab = await startDrillLab({ initialBackup: false });
    runs = await mkdtemp(join(tmpdir(), "stronghold-restore-test-runs-"));
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });

  const run = (...extra: string[]) =>
    drillCli(["run", "restore-test", ...labArgs(lab, runs), ...extra], labEnv(lab));

  for (const layout of ["absolute", "files-from"] as const)
    it(`passes on a snapshot taken ${layout === "absolute" ? "by absolute path" : "with --files-from"}, never touching the file server`, async () => {
      await lab.backup({ layout });
      const share = await treeState(lab.dataDir);
      const result = await run("--health-check", `test -s '${lab.seededFiles[0]!}'`);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include("drill restore-test PASSED");
      const journal = await journalOf(await lastRun(runs));
      // Every command ran on the drill host: the production file server was never contacted.
      const hosts = new Set(
        journal.filter((l) => l.event === "command").map((l) => (l as { host: string }).host),
      );
      expect([...hosts]).to.deep.equal(["dr01"]);
      expect(await treeState(lab.dataDir)).to.deep.equal(share);
      expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
      const notes = journal
        .filter((l) => l.event === "note")
        .map((l) => (l as { message: string }).message)
        .join("\n");
      expect(notes).to.match(/content checked by restic restore --verify/);
      expect(notes).to.match(
        /a full restore of the newest snapshots of \d+ source\(s\) \(\d+ files, [\d.]+ MiB\) would take about/,
      );
    });

  it("--pick random:2 restores one of the two newest town snapshots; the RPO stays the newest's", async () => {
    // Three snapshots by now: an old one (never among the two newest) and the two above.
    await lab.backup({ time: new Date(Date.now() - 6 * 3_600_000) });
    const town = (await lab.snapshots()).filter((s) => !s.tags?.includes(DRILL_TAG));
    const newest = [...town].sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).slice(-2);
    const result = await run("--pick", "random:2");
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const journal = await journalOf(await lastRun(runs));
    const notes = journal
      .filter((l) => l.event === "note")
      .map((l) => (l as { message: string }).message)
      .join("\n");
    expect(notes).to.match(
      new RegExp(
        `chosen at random among the 2 newest of 3; the RPO is measured to the newest, ${newest[1]!.id.slice(0, 8)}`,
      ),
    );
    const restored = /snapshot ([0-9a-f]{8}) of \S+, .* chosen at random/.exec(notes)?.[1];
    expect(newest.map((s) => s.id.slice(0, 8))).to.include(restored);
    expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
  });

  it("refuses a --pick it cannot read, before running anything", async () => {
    const result = await run("--pick", "random:0");
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('--pick "random:0" is not "newest" or "random:N"');
  });

  it("fails when the repository's data no longer matches the snapshot, and cleans up", async () => {
    await lab.backup();
    await lab.corruptPack();
    const result = await run();
    expect(result.code).to.equal(1);
    expect(result.stdout).to.include("drill restore-test FAILED");
    expect(result.stdout + result.stderr).to.match(/restore-copy/);
    expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
  });
});
