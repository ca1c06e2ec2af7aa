/**
 * The share drills on snapshots taken the ways towns take them, and on a share in use: real sshd
 * and restic. The lab's own backups name the share by its absolute path (as restic's docs and
 * every cron job do); here also from inside the share and with `--files-from`, and with files
 * changed on the live share after the snapshot.
 */
import { expect } from "chai";
import { appendFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, treeState } from "./runbook-helpers.js";

describe("share drills on every snapshot layout and on a share in use (real sshd, restic)", function () {
  this.timeout(180_000);
  let lab: DrillLab;
  let runs: string;
  before(async () => {
    lab = await startDrillLab({ initialBackup: false });
    runs = await mkdtemp(join(tmpdir(), "stronghold-layout-runs-"));
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });
  afterEach(async () => {
    expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
  });

  const notesOf = async (step: string): Promise<string[]> =>
    (await journalOf(await lastRun(runs)))
      .filter(
        (l) =>
          (l.event === "note" || l.event === "warning") && (l as { step?: string }).step === step,
      )
      .map((l) => (l as { message: string }).message);

  for (const layout of ["absolute", "contents", "files-from"] as const) {
    it(`file-deletion passes on a snapshot taken ${layout === "absolute" ? "with the absolute path" : layout === "contents" ? "from inside the share (restic backup .)" : "with --files-from"}`, async () => {
      await lab.backup({ layout });
      const before = await treeState(lab.dataDir);
      const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include("drill file-deletion PASSED");
      expect(await treeState(lab.dataDir)).to.deep.equal(before);
      const located = (await notesOf("restore-snapshot")).join("\n");
      const expected = {
        absolute: `is at ${lab.dataDir} in snapshot`,
        "files-from": `is at ${lab.dataDir} in snapshot`,
        contents: "is at / in snapshot",
      }[layout];
      expect(located).to.include(expected);
      if (layout === "files-from") expect(located).to.include("holds only part of");
    });
  }

  it("backup-integrity and site-loss pass on an absolute-path snapshot", async () => {
    await lab.backup();
    // The health check runs in the restored folder: the share's own files are right there.
    const health = ["--health-check", `test -s '${lab.seededFiles[0]!}'`];
    for (const [drill, extra] of [
      ["backup-integrity", []],
      ["site-loss", health],
    ] as const) {
      const result = await drillCli(["run", drill, ...labArgs(lab, runs), ...extra], labEnv(lab));
      expect(result.code, `${drill}: ${result.stdout}${result.stderr}`).to.equal(0);
    }
  });

  it("a share in use: files changed after the snapshot are listed, never failed", async () => {
    await lab.backup();
    const before = await treeState(lab.dataDir);
    const [first] = lab.seededFiles;
    await appendFile(join(lab.dataDir, first!), "edited after the backup\n");
    await writeFile(join(lab.dataDir, "created-after-the-backup.txt"), "new\n");
    try {
      const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const warnings = (await notesOf("verify-share")).join("\n");
      expect(warnings).to.match(/2 file\(s\) changed on the share after the recovery point/);
      expect(warnings).to.include(first!);
      expect(warnings).to.include("created-after-the-backup.txt");
      expect(warnings).to.match(/against the share before the disaster: \d+ files unchanged/);
    } finally {
      // The drill puts the share back as it was when the drill started, edits included.
      const now = await treeState(lab.dataDir);
      expect(Object.keys(now).length).to.equal(Object.keys(before).length + 1);
    }
  });
});
