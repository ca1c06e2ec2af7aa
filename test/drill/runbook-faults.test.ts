/**
 * Faults around the drills: the file server's sshd killed in the middle of the restore (the drill
 * fails cleanly, cleanup is attempted and reported, nothing outside the sandbox is touched and the
 * original share is kept safe in scratch space), and restic missing from the host (one clear line).
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../../src/support/secret.js";
import { loadInventory } from "../../src/hosts/load-inventory.js";
import { planDrill } from "../../src/drill/planning/plan.js";
import { executeDrill } from "../../src/drill/running/run-drill.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { findRunbook } from "../../runbooks/index.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf, statuses } from "./engine-helpers.js";
import { processTree, treeState } from "./runbook-helpers.js";

/**
 * Kills fs01's sshd — the listener and its per-connection processes, with SIGKILL — once restic's
 * restore runs there. The commands themselves are left to end as their connection is gone: a
 * login shell killed in its start-up files can leave their locks behind (pyenv's rehash lock on
 * this machine), and every later login would wait for it.
 */
async function killDuringRestore(lab: DrillLab): Promise<void> {
  const root = lab.hosts.fs01.process.pid;
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (processTree(root).some((p) => /\brestic\b.*\brestore\b/.test(p.args))) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const sshd = processTree(root).filter((p) => /^sshd[: ]|\/usr\/sbin\/sshd/.test(p.args));
  for (const pid of [...sshd.map((p) => p.pid), root])
    try {
      if (pid !== undefined) process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
}

describe("drill runbooks under faults", function () {
  this.timeout(120_000);

  describe("the file server's sshd is killed during the restore", () => {
    let lab: DrillLab;
    let runs: string;
    before(async () => {
      lab = await startDrillLab();
      runs = await mkdtemp(join(tmpdir(), "stronghold-fault-runs-"));
    });
    after(async () => {
      await lab?.stop();
      await rm(runs, { recursive: true, force: true });
    });

    it("fails cleanly at restore-snapshot; cleanup runs and reports; the original is kept in the sandbox", async () => {
      const outside = join(lab.dir, "outside-the-sandbox");
      await mkdir(outside);
      await writeFile(join(outside, "keep.txt"), "untouched\n");
      const seeded = await treeState(lab.dataDir);
      const labBefore = (await readdir(lab.dir)).sort();
      const reposBefore = await treeState(
        lab.repository.kind === "local" ? lab.repository.path : "",
      );

      const inventory = await loadInventory(lab.inventoryFile);
      if (!inventory.ok) throw new Error("lab inventory");
      const planned = planDrill({
        runbook: findRunbook("file-deletion")!,
        inventory: inventory.inventory,
        options: { freshSnapshot: false, data: lab.dataDir },
        repository: lab.repository,
        runId: "sshd-killed",
      });
      if (!planned.ok) throw new Error(JSON.stringify(planned));
      const dir = join(runs, "sshd-killed");
      let killed = false;
      const run = await executeDrill(planned.plan, {
        evidenceDir: dir,
        password: new Secret(lab.password),
        observer: {
          stepStart: (s) => {
            if (s.step.name === "restore-snapshot" && !killed) {
              killed = true;
              void killDuringRestore(lab);
            }
          },
        },
      });
      expect(killed).to.equal(true);
      expect(statuses(run)).to.deep.equal({
        "recovery-snapshot": "passed",
        "pre-disaster-manifest": "passed",
        "share-intact": "passed",
        "restore-space": "passed",
        "safeguard-share": "passed",
        "delete-files": "passed",
        "restore-snapshot": "failed",
        "swap-in-restored": "skipped",
        "verify-share": "skipped",
        "put-back-original": "failed",
        "verify-put-back": "failed",
        "remove-scratch": "failed",
      });
      expect(run.verdict).to.deep.include({ status: "failed", failedAt: "restore-snapshot" });
      const reasons = run.verdict.status === "passed" ? "" : run.verdict.reasons.join("\n");
      expect(reasons).to.match(/recover step restore-snapshot: fs01: /);
      expect(reasons).to.include("cleanup step put-back-original: fs01:");

      // Cleanup was attempted (and retried), and the journal says so.
      const journal = await journalOf(dir);
      const cleanupStarts = journal.filter(
        (l) => l.event === "step-start" && (l as { phase: string }).phase === "cleanup",
      );
      expect(cleanupStarts.length).to.be.greaterThan(2);
      const report = await readFile(join(dir, "report.md"), "utf8");
      expect(report).to.include("failing step: `restore-snapshot`");
      expect(report).to.include("### `put-back-original` failed");
      expect(report).to.include(
        `- the original share is kept at ${join(lab.fs01Sandbox, ".stronghold-drill-sshd-killed", "original")} on fs01`,
      );

      // Nothing outside the sandbox changed; the original share is safe in scratch space.
      expect(await readFile(join(outside, "keep.txt"), "utf8")).to.equal("untouched\n");
      expect((await readdir(lab.dir)).sort()).to.deep.equal(labBefore);
      // The repository lost nothing (the killed restore may have left its lock).
      const reposAfter = await treeState(
        lab.repository.kind === "local" ? lab.repository.path : "",
      );
      for (const [file, hash] of Object.entries(reposBefore))
        expect(reposAfter[file], file).to.equal(hash);
      const scratch = join(lab.fs01Sandbox, ".stronghold-drill-sshd-killed");
      expect(await treeState(join(scratch, "original"))).to.deep.equal(seeded);
      // The intent journal stays: the next drill on fs01 is refused until drill recover ran.
      expect((await readdir(lab.fs01Sandbox)).sort()).to.deep.equal([
        ".stronghold-drill-sshd-killed",
        ".stronghold-journal",
        "share",
      ]);
      expect(await readdir(join(lab.fs01Sandbox, ".stronghold-journal"))).to.deep.equal([
        "sshd-killed.json",
      ]);
    });
  });

  describe("restic is not installed where the drill runs", () => {
    let work: string;
    before(async () => (work = await mkdtemp(join(tmpdir(), "stronghold-no-restic-"))));
    after(() => rm(work, { recursive: true, force: true }));

    it("fails at the first restic step with one clear line, and cleans up", async () => {
      // A PATH with every tool of /usr/bin except restic.
      const bin = join(work, "bin");
      await mkdir(bin);
      for (const tool of await readdir("/usr/bin"))
        if (tool !== "restic") await symlink(join("/usr/bin", tool), join(bin, tool));
      const sandbox = join(work, "sandbox");
      await mkdir(join(sandbox, "share"), { recursive: true });
      await writeFile(join(sandbox, "share", "a.txt"), "alpha\n");
      await writeFile(join(work, "password"), "secret\n");
      const hosts = join(work, "hosts.yaml");
      await writeFile(
        hosts,
        `version: 1\nhosts:\n  - name: fs01\n    transport: local\n    roles: [file-server]\n    drill: { target: true, sandbox: [${sandbox}] }\n`,
      );
      const child = spawn(
        process.execPath,
        [
          join(PROJECT_ROOT, "bin", "stronghold.js"),
          "drill",
          "run",
          "file-deletion",
          "--hosts",
          hosts,
          "--repo",
          join(work, "repo"),
          "--password-file",
          join(work, "password"),
          "--data",
          join(sandbox, "share"),
          "--runs-dir",
          join(work, "runs"),
        ],
        { cwd: work, env: { ...process.env, PATH: bin }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code, stdout + stderr).to.equal(1);
      expect(stderr).to.equal(
        "stronghold: drill file-deletion failed: preflight step recovery-snapshot: restic is not installed on fs01 (install the restic package there)\n",
      );
      expect(stdout).to.include("✔ cleanup/remove-scratch ok");
      expect(await readdir(sandbox)).to.deep.equal(["share"]);
      expect(existsSync(join(sandbox, "share", "a.txt"))).to.equal(true);
    });
  });
});
