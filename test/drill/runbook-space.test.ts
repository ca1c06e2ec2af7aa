/**
 * Room for the restore, with real restic, real sshd and a real small file system: the lab's share
 * on an 8 MiB tmpfs is refused by the restore-space preflight with the numbers, over SSH and
 * locally, before anything changes, and so is every other drill (site-loss and restore-test on
 * the DR host's sandbox on a 1 MiB tmpfs). On a larger tmpfs that a restic wrapper fills just before
 * restic restores (as another process would, after the preflight), the restore fails naming "no
 * space left on device" and quoting restic's own first lines, and cleanup puts the share back.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rename,
  writeFile,
} from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { startSshd, type Sshd } from "../fixtures/sshd.js";
import { drillCli, labArgs, labEnv, lastRun, localInventory, reportOf } from "./runbook-helpers.js";

const run = promisify(execFile);

/**
 * Every entry below `root` (the root too): type, mode, size, mtime, and sha256 or link target —
 * what "the share as it was" means here.
 */
async function shareState(root: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const visit = async (path: string): Promise<void> => {
    const s = await lstat(path);
    const key = relative(root, path) || ".";
    const common = `${(s.mode & 0o7777).toString(8)} ${s.mtimeMs}`;
    if (s.isDirectory()) {
      state[key] = `dir ${common}`;
      for (const name of await readdir(path)) await visit(join(path, name));
    } else if (s.isSymbolicLink()) state[key] = `symlink ${common} → ${await readlink(path)}`;
    else {
      const sha = createHash("sha256")
        .update(await readFile(path))
        .digest("hex");
      state[key] = `file ${common} ${s.size} ${sha}`;
    }
  };
  await visit(root);
  return state;
}

/** The lab's inventory with fs01 reached through another sshd (same keys, same machine). */
async function inventoryVia(lab: DrillLab, fs01: Sshd): Promise<string> {
  const file = join(lab.dir, "hosts-wrapped.yaml");
  const host = (name: string, sshd: Sshd, role: string, sandbox: string) => ({
    name,
    address: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.identityFile,
    knownHostsFile: sshd.knownHostsFile,
    connectTimeoutSeconds: 5,
    roles: [role],
    drill: { target: true, sandbox: [sandbox] },
  });
  await writeFile(
    file,
    stringify({
      version: 1,
      hosts: [
        host("fs01", fs01, "file-server", lab.fs01Sandbox),
        host("dr01", lab.hosts.dr01, "dr-host", lab.drRestoreDir),
      ],
    }),
  );
  return file;
}

/** Bytes the wrapper leaves free: less than the lab's largest file (1.5 MiB). */
const LEAVE_FREE = 256 * 1024;

/**
 * restic, except that before a restore it fills the file system of the restore's --target up to
 * LEAVE_FREE bytes, with a file beside the target (inside the drill's scratch folder): the space
 * taken by something else between the preflight and the restore.
 */
function fillingWrapper(realRestic: string): string {
  return [
    "#!/bin/sh",
    'target=""; prev=""; restore=""',
    'for a in "$@"; do',
    '  [ "$a" = restore ] && restore=1',
    '  [ "$prev" = --target ] && target=$a',
    "  prev=$a",
    "done",
    'if [ -n "$restore" ] && [ -n "$target" ]; then',
    '  dir=$(dirname -- "$target"); mkdir -p -- "$dir"',
    '  avail=$(df -B1 --output=avail -- "$dir" | tail -n 1)',
    `  fill=$((avail - ${LEAVE_FREE}))`,
    '  if [ "$fill" -gt 0 ]; then head -c "$fill" /dev/zero > "$dir/filler"; fi',
    "fi",
    `exec ${realRestic} "$@"`,
    "",
  ].join("\n");
}

describe("drills on a share on a small file system (real tmpfs, sshd, restic)", function () {
  this.timeout(180_000);
  let lab: DrillLab;
  let runs: string;
  let mounted = false;
  let drMounted = false;
  let notPermitted: string | undefined;
  let wrapperDir: string;
  const skipUnlessMounted = (ctx: Mocha.Context) => {
    if (notPermitted === undefined) return;
    console.warn(`      skipped: ${notPermitted}`);
    ctx.skip();
  };

  before(async () => {
    lab = await startDrillLab({ initialBackup: false });
    runs = join(lab.dir, "runs");
    wrapperDir = join(lab.dir, "wrapper-bin");
    // The share moves onto a tmpfs mounted over fs01's sandbox, then is backed up from there.
    const aside = join(lab.dir, "share-aside");
    await rename(lab.dataDir, aside);
    try {
      await run("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", lab.fs01Sandbox]);
      mounted = true;
    } catch (error) {
      notPermitted = `mount -t tmpfs is not permitted here (${(error as { stderr?: string }).stderr?.trim() || (error as Error).message})`;
      await rename(aside, lab.dataDir);
      return;
    }
    await run("cp", ["-a", aside, lab.dataDir]);
    await lab.backup();
    // dr01's sandbox, where site-loss and restore-test restore, on a tmpfs of 1 MiB.
    await run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", lab.drRestoreDir]);
    drMounted = true;
  });

  after(async () => {
    if (drMounted) await run("umount", [lab.drRestoreDir]);
    if (mounted) await run("umount", [lab.fs01Sandbox]);
    await lab?.stop();
  });

  for (const transport of ["ssh", "local"] as const)
    it(`file-deletion over ${transport} is refused by the preflight with the numbers; the share is untouched`, async function () {
      skipUnlessMounted(this);
      const before = await shareState(lab.dataDir);
      const args = labArgs(lab, runs);
      if (transport === "local") args[args.indexOf("--hosts") + 1] = await localInventory(lab);
      const result = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
      const report = await reportOf(await lastRun(runs));
      const context = `${result.stderr}\n${report}`;
      expect(result.code, context).to.equal(1);
      expect(/failing step: `([^`]+)`/.exec(report)?.[1], context).to.equal("restore-space");
      const refusal = new RegExp(
        `needs \\d+\\.\\d MiB \\(\\d{2},\\d{3},\\d{3} bytes\\) for the restore on fs01:${lab.fs01Sandbox.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, \\d+\\.\\d MiB \\([\\d,]+ bytes\\) free`,
      );
      expect(result.stderr, context).to.match(refusal);
      expect(report, context).to.match(refusal);
      expect(report).to.match(/the restore of \/\S+ from snapshot [0-9a-f]{8}: \d+\.\d MiB/);
      expect(report).to.include("margin: 5% + 64.0 MiB of space");
      // Refused before any change: the safeguard never ran, nothing was left beside the share.
      expect(report).not.to.match(/safeguard-share.*passed/);
      expect(await shareState(lab.dataDir)).to.deep.equal(before);
      expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    });

  const others: [string, string[], "fs01" | "dr01"][] = [
    ["ransomware", ["--dwell", "1s"], "fs01"],
    ["backup-integrity", ["--sample", "100"], "fs01"],
    ["site-loss", ["--health-check", "test -s finance/budget-2026.csv"], "dr01"],
    ["restore-test", [], "dr01"],
  ];
  for (const [drill, extra, host] of others)
    it(`${drill} over ssh is refused by the preflight on ${host}; nothing changes`, async function () {
      skipUnlessMounted(this);
      const before = await shareState(lab.dataDir);
      const result = await drillCli(["run", drill, ...labArgs(lab, runs), ...extra], labEnv(lab));
      const report = await reportOf(await lastRun(runs));
      const context = `${result.stderr}\n${report}`;
      expect(result.code, context).to.equal(1);
      expect(/failing step: `([^`]+)`/.exec(report)?.[1], context).to.equal("restore-space");
      const mount = host === "fs01" ? lab.fs01Sandbox : lab.drRestoreDir;
      expect(result.stderr, context).to.include(`bytes) for the restore on ${host}:${mount}, `);
      // Every step that changes anything comes after the preflight: none ran.
      const ran = [...report.matchAll(/\| `([a-z-]+)` \| (\w+) \| ✅ passed/g)].map((m) => m[2]!);
      expect(ran, context).to.include("check");
      expect(ran.filter((k) => ["safeguard", "inject", "restore"].includes(k))).to.deep.equal([]);
      expect(await shareState(lab.dataDir)).to.deep.equal(before);
      expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
      expect(await readdir(lab.drRestoreDir)).to.deep.equal([]);
    });

  describe("when the file system fills after the preflight", () => {
    before(async function () {
      skipUnlessMounted(this);
      // Room for the preflight (the share and 64 MiB of margin), then the wrapper takes it.
      await run("mount", ["-o", "remount,size=96m", lab.fs01Sandbox]);
      const { stdout } = await run("sh", ["-c", "command -v restic"]);
      await mkdir(wrapperDir, { recursive: true });
      await writeFile(join(wrapperDir, "restic"), fillingWrapper(stdout.trim()));
      await chmod(join(wrapperDir, "restic"), 0o755);
    });

    async function expectNoSpace(hostsFile: string | undefined): Promise<void> {
      const before = await shareState(lab.dataDir);
      const args = labArgs(lab, runs);
      if (hostsFile !== undefined) args[args.indexOf("--hosts") + 1] = hostsFile;
      const result = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
      const report = await reportOf(await lastRun(runs));
      const context = `${result.stderr}\n${report}`;
      expect(result.code, context).to.equal(1);
      expect(/failing step: `([^`]+)`/.exec(report)?.[1], context).to.equal("restore-snapshot");
      expect(report, context).to.match(/restore-space.*passed/);
      expect(result.stderr, context).to.match(
        new RegExp(
          `restic restore on fs01 ran out of space in ${lab.fs01Sandbox}/\\.stronghold-drill-[^/]+-file-deletion/from-snapshot: no space left on device \\(ENOSPC\\)`,
        ),
      );
      expect(report, context).to.include("restic failure: no-space");
      // restic's own first lines, and its closing line after them.
      const quoted = report.split("\n").filter((l) => l.startsWith("- restic: "));
      expect(quoted.length, context).to.be.within(2, 6);
      expect(quoted[0], context).to.match(/no space left on device/);
      expect(quoted.at(-1), context).to.match(/^- restic: Fatal: There were \d+ errors$/);
      // Cleanup put the share back as it was and removed the scratch folder, filler included.
      expect(report, context).to.match(/put-back-original.*passed/);
      expect(await shareState(lab.dataDir)).to.deep.equal(before);
      expect(await readdir(lab.fs01Sandbox)).to.deep.equal(["share"]);
    }

    it("file-deletion over local fails at the restore naming the full disk; the share is put back", async function () {
      skipUnlessMounted(this);
      const path = process.env.PATH;
      process.env.PATH = `${wrapperDir}:${path ?? ""}`;
      try {
        await expectNoSpace(await localInventory(lab));
      } finally {
        process.env.PATH = path;
      }
    });

    it("file-deletion over ssh fails at the restore naming the full disk; the share is put back", async function () {
      skipUnlessMounted(this);
      // fs01 through an sshd that puts the wrapper first on the PATH of its sessions.
      const fs01 = await startSshd({
        identityFile: lab.hosts.fs01.identityFile,
        extraConfig: [`SetEnv PATH=${wrapperDir}:/usr/local/bin:/usr/bin:/bin`],
      });
      try {
        await expectNoSpace(await inventoryVia(lab, fs01));
      } finally {
        await fs01.stop();
      }
    });
  });
});
