/**
 * The share drills on a town-sized share over SSH: 20,000 files nested five levels deep with odd
 * names, links, a sparse file and empty folders, backed up by its absolute path (`restic backup
 * /abs/share`), as towns do. file-deletion, backup-integrity (--sample 7000), restore-test and
 * site-loss must each pass, ransomware must recover and verify the share (it fails only at its
 * attack on the backups, since the lab's local repository lets its canary be destroyed), and the
 * share must be exactly as before afterwards. Run with `npm run test:scale`.
 */
import { expect } from "chai";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "../drill/engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, reportOf } from "../drill/runbook-helpers.js";
import { generateShare, shareState } from "./share-tree.js";

const FILES = 20_000;

describe(`share drills on ${FILES.toLocaleString("en")} files over SSH`, function () {
  this.timeout(600_000);
  let lab: DrillLab;
  let runs: string;
  let initial: Record<string, string>;
  let made: number;
  before(async () => {
    lab = await startDrillLab({ initialBackup: false });
    runs = await mkdtemp(join(tmpdir(), "stronghold-scale-runs-"));
    made = await generateShare(lab.dataDir, FILES);
    await lab.backup();
    initial = await shareState(lab.dataDir);
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Content, modes, symbolic links, hard links and empty folders exactly as before.
    const now = await shareState(lab.dataDir);
    const changed = Object.keys({ ...initial, ...now }).filter((k) => initial[k] !== now[k]);
    expect(changed.slice(0, 10), `${changed.length} entries changed`).to.deep.equal([]);
    expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
  });

  // Step outputs are truncated in the journal at this size: read the steps' notes instead.
  const noteOf = async (step: string, startsWith = ""): Promise<string> => {
    const journal = await journalOf(await lastRun(runs));
    const note = journal.find(
      (l) =>
        l.event === "note" &&
        (l as { step: string }).step === step &&
        (l as { message: string }).message.startsWith(startsWith),
    ) as { message: string } | undefined;
    if (!note) throw new Error(`no note from ${step}`);
    return note.message;
  };

  it("the generated share holds the files, odd names and links it should", () => {
    expect(made).to.be.at.least(FILES);
    const keys = Object.keys(initial);
    expect(keys.filter((k) => initial[k]!.startsWith("file")).length).to.be.at.least(FILES);
    expect(keys.some((k) => k.includes("\n"))).to.equal(true);
    expect(keys.some((k) => k.endsWith("/-rf"))).to.equal(true);
    expect(keys.some((k) => k.includes("caf\xe9"))).to.equal(true);
    expect(keys.filter((k) => initial[k]!.startsWith("link")).length).to.equal(4);
    expect(keys.filter((k) => initial[k]!.includes("linked-with")).length).to.equal(4);
    expect(keys.filter((k) => k.split("/").length >= 6).length).to.be.at.least(FILES);
  });

  it("file-deletion passes", async () => {
    const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include("drill file-deletion PASSED");
    const deleted = /^deleted (\d+) files$/.exec(await noteOf("delete-files"));
    expect(Number(deleted?.[1])).to.be.greaterThan(FILES / 4);
  });

  it("ransomware recovers the share, shortening names too long to take .locked", async () => {
    // The lab's one snapshot was taken before file-deletion ran: a second of dwell time puts it
    // before the infection.
    const result = await drillCli(
      ["run", "ransomware", ...labArgs(lab, runs), "--check-subset", "1/20", "--dwell", "1s"],
      labEnv(lab),
    );
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    expect(result.stdout).to.include("the backups can be destroyed with the restic credentials");
    const report = await reportOf(await lastRun(runs));
    expect(/failing step: `([^`]+)`/.exec(report)?.[1]).to.equal("backups-withstood-attack");
    expect(report).to.match(/verify-share.*passed/);
    const note = /^encrypted (\d+) files \((\d+) renamed to a shortened name\)$/.exec(
      await noteOf("encrypt-files"),
    );
    expect(Number(note?.[1])).to.be.greaterThan(FILES / 2 - 100);
    expect(Number(note?.[2])).to.be.at.least(1);
  });

  it("backup-integrity --sample 7000 passes", async () => {
    const result = await drillCli(
      [
        "run",
        "backup-integrity",
        ...labArgs(lab, runs),
        "--sample",
        "7000",
        "--check-subset",
        "1/20",
      ],
      labEnv(lab),
    );
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include("drill backup-integrity PASSED");
    expect(await noteOf("choose-sample", "sampled")).to.match(/^sampled 7000 of \d+ files$/);
  });

  it("restore-test restores every file on the drill host and verifies it against the snapshot", async () => {
    const result = await drillCli(["run", "restore-test", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include("drill restore-test PASSED");
    const verified = /^(\d+) files with the snapshot's size/.exec(
      await noteOf("verify-against-snapshot"),
    );
    expect(Number(verified?.[1])).to.be.at.least(FILES);
  });

  it("site-loss restores the share on the DR host and verifies it twice", async () => {
    const result = await drillCli(
      ["run", "site-loss", ...labArgs(lab, runs), "--health-check", 'test -n "$(ls -A)"'],
      labEnv(lab),
    );
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include("drill site-loss PASSED");
    const note =
      /^verified against the snapshot: (\d+) files .*pre-loss manifest: (\d+) files/.exec(
        await noteOf("verify-dr-copy"),
      );
    expect(Number(note?.[1])).to.be.at.least(FILES);
    expect(Number(note?.[2])).to.be.at.least(FILES);
  });
});
