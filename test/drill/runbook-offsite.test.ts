/**
 * The drills prove the offsite copy, not the host's restic cache: a damaged index is caught even
 * though a warm cache would hide it, a newest snapshot restic cannot read fails the drill naming
 * it, a permanent error is tried once and quoted, and a drill's own snapshots never count as the
 * town's recovery point.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { chmod, mkdtemp, open, readdir, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JournalLine } from "../../src/drill/results/journal.js";
import { DRILL_TAG } from "../../runbooks/lib/share.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, reportOf } from "./runbook-helpers.js";

/** Flips bytes in the middle of a repository file, as silent damage on the storage would. */
async function damage(file: string): Promise<void> {
  await chmod(file, 0o600); // restic writes its files read-only
  const handle = await open(file, "r+");
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.alloc(8);
    const at = Math.floor(size / 2);
    await handle.read(bytes, 0, bytes.length, at);
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= 0xff;
    await handle.write(bytes, 0, bytes.length, at);
  } finally {
    await handle.close();
  }
}

/** The only file below a folder of the local repository (index/, keys/…), or the one named. */
async function repoFile(lab: DrillLab, folder: string, id?: string): Promise<string> {
  const root = join(lab.dir, "repo", folder);
  const names = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && (id === undefined || e.name.startsWith(id)))
    .map((e) => join(e.parentPath, e.name));
  if (names.length !== 1) throw new Error(`expected one file in ${root}, found ${names.length}`);
  return names[0]!;
}

function restic(lab: DrillLab, args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      "restic",
      ["-r", lab.repositorySpec, "--password-file", lab.passwordFile, ...args],
      { env: labEnv(lab), timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

function stepEnd(journal: readonly JournalLine[], step: string) {
  const end = journal.find((l) => l.event === "step-end" && l.step === step);
  if (end?.event !== "step-end") throw new Error(`no step-end for ${step}`);
  return end;
}

function runEnd(journal: readonly JournalLine[]) {
  const end = journal.find((l) => l.event === "run-end");
  if (end?.event !== "run-end") throw new Error("no run-end");
  return end;
}

describe("drills prove the offsite copy, not the cache", function () {
  this.timeout(180_000);
  let runs: string;
  let lab: DrillLab | undefined;
  beforeEach(async () => (runs = await mkdtemp(join(tmpdir(), "stronghold-offsite-runs-"))));
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
    await rm(runs, { recursive: true, force: true });
  });

  it("a damaged index fails the restore, although a warm cache would hide it", async () => {
    lab = await startDrillLab();
    await damage(await repoFile(lab, "index"));
    // The lab's cache is warm (its backup filled it): restic restores from it without noticing.
    const warm = await restic(lab, [
      "--cache-dir",
      lab.cacheDir,
      "restore",
      "latest",
      "--target",
      join(lab.dir, "warm"),
    ]);
    expect(warm.code, warm.out).to.equal(0);

    const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    const journal = await journalOf(await lastRun(runs));
    const failed = journal.find(
      (l) => l.event === "step-end" && l.status === "failed" && l.phase !== "cleanup",
    );
    if (failed?.event !== "step-end") throw new Error("no failed step");
    expect(failed.error).to.match(/corrupt data/);
    expect(failed.attempts).to.equal(1);
    expect(failed.details?.join("\n")).to.include("restic: Fatal: load <index/");
    const report = await reportOf(await lastRun(runs));
    expect(report).to.include("restic: Fatal: load");
    // Every restic command of the drill ran without the host's cache.
    const commands = journal.filter((l) => l.event === "command" && /\brestic\b/.test(l.command));
    expect(commands.length).to.be.greaterThan(0);
    for (const c of commands) if (c.event === "command") expect(c.command).to.include("--no-cache");
  });

  it("a newest snapshot restic cannot read fails the drill, naming it, tried once", async () => {
    lab = await startDrillLab();
    const newest = await lab.backup();
    await damage(await repoFile(lab, "snapshots", newest));

    const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    expect(result.stderr).to.include(`snapshot ${newest.slice(0, 8)}`);
    const journal = await journalOf(await lastRun(runs));
    const end = stepEnd(journal, "recovery-snapshot");
    expect(end.status).to.equal("failed");
    expect(end.attempts).to.equal(1);
    expect(end.error).to.include("cannot be read");
    expect(end.details?.join("\n")).to.include(`restic: could not load snapshot ${newest}`);
    expect(journal.some((l) => l.event === "step-start" && l.step === "restore-snapshot")).to.equal(
      false,
    );
  });

  it("a damaged key file is a permanent error: one attempt, restic's own line quoted", async () => {
    lab = await startDrillLab();
    await truncate(await repoFile(lab, "keys"), 50);

    const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    const journal = await journalOf(await lastRun(runs));
    const end = stepEnd(journal, "recovery-snapshot");
    expect(end.attempts).to.equal(1);
    expect(journal.filter((l) => l.event === "attempt-failed")).to.have.length(0);
    const snapshots = journal.filter(
      (l) => l.event === "command" && l.step === "recovery-snapshot",
    );
    expect(snapshots).to.have.length(1);
    expect(end.details).to.include("restic: Fatal: Unmarshal: unexpected end of JSON input");
    const report = await reportOf(await lastRun(runs));
    expect(report).to.not.include(lab.password);
  });

  it("a drill's own snapshots never count as the town's recovery point", async () => {
    lab = await startDrillLab({ initialBackup: false });
    const town = await lab.backup({ time: new Date(Date.now() - 2 * 3600_000) });
    const drill = await lab.backup({ tags: [DRILL_TAG] });

    // Recovering from the newest snapshot: the town's, not the newer drill one.
    const plain = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(plain.code, plain.stdout + plain.stderr).to.equal(0);
    const first = runEnd(await journalOf(await lastRun(runs))).metrics;
    // lab.backup gives restic 0.14's short ids; the metrics carry full ones.
    expect(first.recoveryPoint?.snapshot.startsWith(town)).to.equal(true);
    expect(first.drillSnapshot).to.equal(undefined);
    expect(first.rpo?.achievedSeconds).to.be.at.least(2 * 3600);

    // With --fresh-snapshot the drill restores its own snapshot; the RPO is still the town's.
    await rm(runs, { recursive: true, force: true });
    const fresh = await drillCli(
      ["run", "file-deletion", ...labArgs(lab, runs), "--fresh-snapshot"],
      labEnv(lab),
    );
    expect(fresh.code, fresh.stdout + fresh.stderr).to.equal(0);
    const second = runEnd(await journalOf(await lastRun(runs))).metrics;
    expect(second.recoveryPoint?.snapshot.startsWith(town)).to.equal(true);
    const own = second.drillSnapshot?.snapshot ?? "";
    expect(own).to.match(/^[0-9a-f]{64}$/);
    expect(own.startsWith(town) || own.startsWith(drill)).to.equal(false);
    expect(second.rpo?.achievedSeconds).to.be.at.least(2 * 3600);
    const report = await reportOf(await lastRun(runs));
    expect(report).to.include("recovered from the drill's own snapshot");
    expect(report).to.include(`the RPO is measured to the town's newest snapshot \`${town}`);
  });
});
