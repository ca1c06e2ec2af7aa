/**
 * Each drill end to end on a healthy lab — two real sshd hosts, restic, a local repository — and
 * the lab exactly as before afterwards; backup-integrity also runs against s3rver over TLS. The
 * ransomware drill fails on a plain local repository by design (its canary can be destroyed): it
 * has its own tests in runbook-ransomware.test.ts, on a local, an append-only REST and an s3
 * repository.
 */
import { expect } from "chai";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, reportOf, treeState } from "./runbook-helpers.js";

describe("drill runbooks on a healthy lab (real sshd, restic)", function () {
  this.timeout(120_000);
  let lab: DrillLab;
  let runs: string;
  let seeded: Record<string, string>;
  before(async () => {
    lab = await startDrillLab();
    runs = await mkdtemp(join(tmpdir(), "stronghold-healthy-runs-"));
    seeded = await treeState(lab.dataDir);
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Whatever a drill did, the share is as seeded and the sandboxes hold nothing else.
    expect(await treeState(lab.dataDir)).to.deep.equal(seeded);
    expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
  });

  it("file-deletion passes: deleted files come back identical, within RTO and RPO", async () => {
    const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stderr).to.equal("");
    expect(result.stdout).to.include("drill file-deletion PASSED");
    const dir = await lastRun(runs);
    const report = await reportOf(dir);
    expect(report).to.include("✅ **Drill passed**");
    expect(report).to.match(/\| RTO \| 4 h 00 min \| [\d.]+ s \| ✅ met \|/);
    expect(report).to.match(/\| 11 \| 3\.\d MiB \| 11 \| 3\.\d MiB \|/);
    const journal = await journalOf(dir);
    const deleted = journal.find(
      (l) => l.event === "step-end" && (l as { step: string }).step === "delete-files",
    ) as { output: string };
    expect((JSON.parse(deleted.output) as { files: number }).files).to.be.greaterThan(2);
    expect(await readFile(join(dir, "junit.xml"), "utf8")).to.include('failures="0"');
  });

  it("site-loss passes (from a fresh snapshot): the DR host restores without the lost primary and the health check runs there", async () => {
    const result = await drillCli(
      [
        "run",
        "site-loss",
        ...labArgs(lab, runs),
        "--fresh-snapshot",
        "--health-check",
        'grep -q roads finance/budget-2026.csv && test "$(pwd)" = "$1"',
      ],
      labEnv(lab),
    );
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const journal = await journalOf(await lastRun(runs));
    const first = journal.find((l) => l.event === "command") as { command: string };
    expect(first.command).to.match(/restic --quiet backup \. --json --tag stronghold-drill$/);
    const lostAt = journal.findIndex(
      (l) => l.event === "step-end" && (l as { step: string }).step === "declare-primary-lost",
    );
    const afterLoss = journal
      .slice(lostAt)
      .filter((l) => l.event === "command")
      .map((l) => (l as { host: string }).host);
    expect(afterLoss.length).to.be.greaterThan(0);
    expect([...new Set(afterLoss)]).to.deep.equal(["dr01"]);
  });

  it("backup-integrity passes with today's rotating check subset and a sample of the files", async () => {
    const result = await drillCli(
      ["run", "backup-integrity", ...labArgs(lab, runs), "--sample", "5"],
      labEnv(lab),
    );
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include("RTO: not applicable");
    const journal = await journalOf(await lastRun(runs));
    const commands = journal
      .filter((l) => l.event === "command")
      .map((l) => (l as { command: string }).command);
    expect(commands.some((c) => /check --read-data-subset [1-7]\/7/.test(c))).to.equal(true);
    expect(commands.filter((c) => c.includes("--include")).length).to.equal(1);
  });

  it("history lists the runs with their RTO and RPO", async () => {
    const result = await drillCli(["history", "--dir", runs]);
    expect(result.code).to.equal(0);
    for (const id of ["file-deletion", "site-loss", "backup-integrity"])
      expect(result.stdout).to.match(new RegExp(`${id}\\s+passed`));
  });
});

describe("drill runbooks on other repositories", function () {
  this.timeout(120_000);
  let runs: string;
  before(async () => (runs = await mkdtemp(join(tmpdir(), "stronghold-remote-runs-"))));
  after(() => rm(runs, { recursive: true, force: true }));

  it("backup-integrity on S3 (s3rver over TLS, keys from the environment, --cacert)", async () => {
    const lab = await startDrillLab({ remote: "s3" });
    try {
      const result = await drillCli(
        ["run", "backup-integrity", ...labArgs(lab, runs), "--check-subset", "100%"],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const dir = await lastRun(runs);
      for (const file of ["journal.jsonl", "report.md", "junit.xml"]) {
        const text = await readFile(join(dir, file), "utf8");
        for (const secret of [lab.password, ...Object.values(lab.env)])
          expect(text, file).not.to.include(secret);
      }
    } finally {
      await lab.stop();
    }
  });
});
