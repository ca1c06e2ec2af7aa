/**
 * site-loss on the drill lab (real sshd ×2, restic, a local repository): the DR host opens the
 * repository with the DR site's own password file — a second restic key the runner never sees —
 * runs the health check of docs/drills.md, fails clearly without its file, and passes with the
 * primary's sshd stopped before the drill starts. One test records, below the engine, everything
 * sent to dr01 (argv and stdin of each command over its real SSH session) to prove that no
 * password travels there.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { findRunbook } from "../../runbooks/index.js";
import { executeDrill } from "../../src/drill/running/run-drill.js";
import type { SessionOpener } from "../../src/drill/running/target-sessions.js";
import { loadInventory } from "../../src/hosts/load-inventory.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import { Secret } from "../../src/support/secret.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { journalOf, mustPlan } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun, reportOf } from "./runbook-helpers.js";

const run = promisify(execFile);

/** The site-loss health check of the drill config example in docs/drills.md. */
async function documentedHealthCheck(): Promise<string> {
  const doc = await readFile(join(PROJECT_ROOT, "docs/drills.md"), "utf8");
  const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => /^runbooks:/m.test(b));
  const config = parse(block ?? "") as { runbooks?: Record<string, { healthCheck?: string }> };
  const check = config.runbooks?.["site-loss"]?.healthCheck;
  if (check === undefined) throw new Error("docs/drills.md has no site-loss healthCheck example");
  return check;
}

/** The lab's flags with the DR site's own password file instead of the runner's. */
function siteLossArgs(lab: DrillLab, runs: string, drPasswordFile: string): string[] {
  const args = labArgs(lab, runs);
  args[args.indexOf("--dr-password-file") + 1] = drPasswordFile;
  return args;
}

interface Line {
  event: string;
  step?: string;
  host?: string;
  command?: string;
  code?: number | null;
  output?: string;
}

describe("site-loss: the DR site's own credentials, with or without the primary (real sshd, restic)", function () {
  this.timeout(120_000);
  let lab: DrillLab;
  let runs: string;
  let drPasswordFile: string;
  let drPassword: string;
  let healthCheck: string;
  before(async () => {
    lab = await startDrillLab();
    runs = await mkdtemp(join(tmpdir(), "stronghold-site-loss-runs-"));
    healthCheck = await documentedHealthCheck();
    // The page the documented health check looks for, in the share and in its newest snapshot.
    await writeFile(join(lab.dataDir, "index.html"), "<h1>Millbrook town hall</h1>\n");
    await lab.backup();
    // The DR site's own key: another password of the same repository, kept on dr01 only.
    drPassword = "dr-site-own-key-7f3a91c2";
    await mkdir(join(lab.dir, "dr01", "etc"), { recursive: true });
    drPasswordFile = join(lab.dir, "dr01", "etc", "restic.pass");
    await writeFile(drPasswordFile, `${drPassword}\n`, { mode: 0o600 });
    await run("restic", ["key", "add", "--new-password-file", drPasswordFile], {
      env: {
        ...process.env,
        RESTIC_REPOSITORY: lab.repositorySpec,
        RESTIC_PASSWORD_FILE: lab.passwordFile,
        RESTIC_CACHE_DIR: lab.cacheDir,
      },
    });
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });
  afterEach(async () => {
    expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
  });

  it("passes with the DR host's own password file, runs the documented health check, and sends dr01 no password", async () => {
    const sent: { host: string; text: string }[] = [];
    const recording: SessionOpener = async (host) => {
      const session = await openSession(host);
      return {
        host: session.host,
        exec: (argv, options) => {
          sent.push({ host: host.name, text: [...argv, options?.stdin ?? ""].join("\n") });
          return session.exec(argv, options);
        },
        close: () => session.close(),
      };
    };
    const inventory = await loadInventory(lab.inventoryFile);
    if (!inventory.ok) throw new Error(JSON.stringify(inventory.problems));
    const plan = mustPlan({
      runbook: findRunbook("site-loss")!,
      inventory: inventory.inventory,
      options: { freshSnapshot: false, data: lab.dataDir, drPasswordFile, healthCheck },
      repository: lab.repository,
    });
    // Beside the CLI's runs folder, not in it: lastRun() picks the newest folder there.
    const evidence = join(lab.dir, "own-credentials-run");
    const result = await executeDrill(plan, {
      evidenceDir: evidence,
      password: new Secret(lab.password),
      openSession: recording,
    });
    expect(result.verdict.status, JSON.stringify(result.verdict)).to.equal("passed");

    const toDr = sent.filter((s) => s.host === "dr01");
    expect(toDr.length).to.be.greaterThan(3);
    for (const s of sent) expect(s.text).not.to.include(drPassword);
    for (const s of toDr) expect(s.text).not.to.include(lab.password);
    for (const s of sent) expect(s.text).not.to.include(lab.password);

    const journal = (await journalOf(evidence)) as unknown as Line[];
    const resticOnDr = journal.filter(
      (l) => l.event === "command" && l.host === "dr01" && / restic /.test(l.command ?? ""),
    );
    expect(resticOnDr.length).to.be.greaterThan(2);
    for (const l of resticOnDr)
      expect(l.command).to.include(`RESTIC_PASSWORD_FILE=${drPasswordFile} restic`);
    const health = journal.find((l) => l.event === "step-end" && l.step === "health-check") as Line;
    expect(health, "health-check step").to.not.equal(undefined);
    const verified = journal.find((l) => l.event === "step-end" && l.step === "verify-dr-copy");
    expect((JSON.parse(verified?.output ?? "{}") as { comparison: string }).comparison).to.match(
      /^against the snapshot: \d+ files with the same size, mode and modification time \(content by restic restore --verify\); against the primary's pre-loss manifest: \d+ files unchanged since the snapshot, same sha256$/,
    );
  });

  const broken: [string, (dir: string) => Promise<string>, RegExp][] = [
    [
      "has no password file",
      (dir) => Promise.resolve(join(dir, "missing", "restic.pass")),
      /the password file \S+missing\/restic\.pass on dr01 gives no password: \S+ does not exist/,
    ],
    [
      "holds a wrong password",
      async (dir) => {
        const file = join(dir, "wrong.pass");
        await writeFile(file, "not-the-dr-password\n");
        return file;
      },
      /dr01 with password file \S+wrong\.pass: wrong password for the restic repository/,
    ],
  ];
  for (const [what, make, says] of broken)
    it(`fails with one clear line when the DR host ${what}`, async () => {
      const file = await make(await mkdtemp(join(lab.dir, "dr-creds-")));
      const result = await drillCli(
        ["run", "site-loss", ...siteLossArgs(lab, runs, file), "--health-check", healthCheck],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        /^stronghold: drill site-loss failed: preflight step recovery-snapshot: the DR site cannot open the offsite repository with its own credentials: /,
      );
      expect(lines[0]).to.match(says);
      expect(result.stderr).not.to.match(/\n\s+at /);
      const report = await reportOf(await lastRun(runs));
      expect(report, report).to.include(`put the repository password in ${file} on dr01`);
    });

  describe("with the primary already gone (fs01's sshd stopped before the drill)", () => {
    before(async () => {
      // A real site loss: the file server is down before the drill starts.
      const fs01 = lab.hosts.fs01.process;
      if (fs01.exitCode !== null || fs01.signalCode !== null) return;
      const exited = new Promise((resolve) => fs01.once("exit", resolve));
      fs01.kill("SIGTERM");
      await exited;
    });

    it("passes: restored on dr01 and verified against the snapshot's record", async () => {
      // Nor does the runner hold the password: no --password-file, no RESTIC_PASSWORD*.
      const args = siteLossArgs(lab, runs, drPasswordFile);
      args.splice(args.indexOf("--password-file"), 2);
      const env = labEnv(lab);
      delete env.RESTIC_PASSWORD;
      delete env.RESTIC_PASSWORD_FILE;
      const result = await drillCli(
        ["run", "site-loss", ...args, "--health-check", healthCheck],
        env,
      );
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const dir = await lastRun(runs);
      const report = await reportOf(dir);
      expect(report).to.include("✅ **Drill passed**");
      expect(report, report).to.match(
        /the primary fs01 does not answer \(.+\): the restore is verified against the snapshot's own record/,
      );
      const journal = (await journalOf(dir)) as unknown as Line[];
      const restore = journal.find(
        (l) =>
          l.event === "command" && l.step === "restore-on-dr" && / restore /.test(l.command ?? ""),
      );
      expect(restore?.command).to.match(
        / restore [0-9a-f]{64} --target \S+ --include \S+ --verify$/,
      );
      expect(restore?.code).to.equal(0);
      const verified = journal.find((l) => l.event === "step-end" && l.step === "verify-dr-copy");
      expect(JSON.parse(verified?.output ?? "{}")).to.deep.include({
        files: lab.seededFiles.length + 1,
        comparison: `against the snapshot's own record only (the primary was gone): ${lab.seededFiles.length + 1} files with the same size, mode and modification time, content by restic restore --verify`,
      });
      // Nothing ever ran on the primary.
      const onPrimary = journal.filter((l) => l.event === "command" && l.host === "fs01");
      expect(onPrimary.every((l) => l.code === null)).to.equal(true);
    });
    it("--fresh-snapshot fails in one line saying why", async () => {
      const result = await drillCli(
        [
          "run",
          "site-loss",
          ...siteLossArgs(lab, runs, drPasswordFile),
          "--health-check",
          healthCheck,
          "--fresh-snapshot",
        ],
        labEnv(lab),
      );
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      expect(result.stderr).to.match(
        /^stronghold: drill site-loss failed: preflight step recovery-snapshot: --fresh-snapshot takes a snapshot on the primary, and fs01 does not answer \(.+\): run the drill without --fresh-snapshot to recover from the newest snapshot\n$/,
      );
    });
  });
});
