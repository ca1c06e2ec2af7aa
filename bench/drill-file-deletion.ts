/**
 * Benchmark: the file-deletion drill on a 1 GiB share, through the bundled CLI, against the same
 * work done by hand (`restic restore` of the newest snapshot, then `sha256sum -c` of the restored
 * files against checksums taken before), measured in the same run. Goal: drill ≤ 1.2× by hand.
 * Also timed: the hand doing the drill's whole proof, with `restic restore --verify` (every
 * restored byte read back against the snapshot's blob hashes), as the drill restores.
 * Prints a Markdown table for BENCHMARKS.md.
 *
 *   npm run build && npx tsx bench/drill-file-deletion.ts [MiB=1024] [files=200] [runs=3] [local|ssh]
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { startSshd, type Sshd } from "../test/fixtures/sshd.js";
import { benchAccount } from "./bench-account.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const totalMiB = Number(process.argv[2] ?? 1024);
const fileCount = Number(process.argv[3] ?? 200);
const runs = Number(process.argv[4] ?? 3);
const transport = process.argv[5] === "ssh" ? "ssh" : "local";
const MiB = 1024 * 1024;
const lab = path.join(root, "bench", "out", `drill-${totalMiB}MiB-${fileCount}`);
const sandbox = path.join(lab, "fs01");
const share = path.join(sandbox, "share");
const repo = path.join(lab, "repo");
const passwordFile = path.join(lab, "password");
const cacheDir = path.join(lab, "restic-cache");
const resticEnv = {
  ...process.env,
  RESTIC_REPOSITORY: repo,
  RESTIC_PASSWORD_FILE: passwordFile,
  RESTIC_CACHE_DIR: cacheDir,
};

function sh(command: string, args: string[], options: { cwd?: string; stdout?: string } = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: resticEnv,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout.slice(-2000)}`,
    );
  if (options.stdout) writeFileSync(options.stdout, result.stdout);
  return result.stdout;
}

function timed(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The share (mixed sizes in nested folders, random content) and one snapshot of it, made once. */
function prepare(): void {
  if (existsSync(path.join(lab, ".complete"))) return;
  rmSync(lab, { recursive: true, force: true });
  mkdirSync(share, { recursive: true });
  const weights = Array.from({ length: fileCount }, (_, i) => 0.2 + ((i * 37) % 100) / 62.5);
  const sum = weights.reduce((a, b) => a + b, 0);
  weights.forEach((w, i) => {
    const file = path.join(share, `dept-${i % 8}`, `year-${2020 + (i % 5)}`, `doc-${i}.bin`);
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(file, "w");
    for (let left = Math.round((w / sum) * totalMiB * MiB); left > 0; left -= MiB)
      writeSync(fd, randomBytes(Math.min(MiB, left)));
    closeSync(fd);
  });
  writeFileSync(passwordFile, `${randomBytes(16).toString("hex")}\n`, { mode: 0o600 });
  sh("restic", ["init", "-q"]);
  sh("restic", ["backup", ".", "-q"], { cwd: share });
  writeFileSync(path.join(lab, ".complete"), "");
}

function inventory(dir: string, sshd: Sshd | undefined): string {
  const host =
    sshd === undefined
      ? { name: "fs01", transport: "local" }
      : {
          name: "fs01",
          address: sshd.host,
          port: sshd.port,
          user: login ?? sshd.user,
          identityFile: sshd.identityFile,
          knownHostsFile: sshd.knownHostsFile,
        };
  const file = path.join(dir, "hosts.yaml");
  writeFileSync(
    file,
    stringify({
      version: 1,
      hosts: [{ ...host, roles: ["file-server"], drill: { target: true, sandbox: [sandbox] } }],
    }),
  );
  return file;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Whether bin/stronghold.js runs the bundle: it must be newer than every source file. */
function bundleFresh(): boolean {
  const bundle = path.join(root, "dist", "stronghold.mjs");
  if (!existsSync(bundle)) return false;
  let newest = statSync(path.join(root, "package.json")).mtimeMs;
  for (const entry of readdirSync(path.join(root, "src"), { recursive: true, withFileTypes: true }))
    if (entry.isFile())
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  return statSync(bundle).mtimeMs >= newest;
}

let bundled = bundleFresh();
if (!bundled)
  console.warn(
    "dist/stronghold.mjs is missing or stale (npm run build): the CLI runs from its sources",
  );
prepare();
const work = mkdtempSync(path.join(os.tmpdir(), "stronghold-bench-drill-"));
const sshd = transport === "ssh" ? await startSshd() : undefined;
const login = sshd === undefined ? undefined : benchAccount();
if (sshd !== undefined && login !== undefined) {
  // sshd reads the authorized keys as the user logging in; the drill works on the share as it.
  const sshdDir = path.dirname(sshd.identityFile);
  sh("chmod", ["a+rx", sshdDir]);
  sh("chmod", ["a+r", path.join(sshdDir, "authorized_keys")]);
  sh("chown", ["-R", login, lab]);
}
try {
  const hosts = inventory(work, sshd);
  // Warm the page cache and restic's cache the same way for both sides.
  sh("sh", ["-c", `find "$1" "$2" -type f -exec cat {} + > /dev/null`, "sh", share, repo]);
  sh("restic", ["snapshots", "-q"]);

  const checksums = path.join(work, "SHA256SUMS");
  const samples = {
    drill: [] as number[],
    checksum: [] as number[],
    restore: [] as number[],
    verify: [] as number[],
    restoreVerified: [] as number[],
  };
  for (let i = 0; i < runs; i++) {
    const report = path.join(work, `report-${i}`);
    if (!bundleFresh()) bundled = false;
    samples.drill.push(
      timed(() =>
        sh(process.execPath, [
          "bin/stronghold.js",
          "drill",
          "run",
          "file-deletion",
          "--hosts",
          hosts,
          "--repo",
          repo,
          "--password-file",
          passwordFile,
          "--data",
          share,
          "--report-dir",
          report,
          "--plain",
        ]),
      ),
    );

    // By hand: checksums before the disaster, then restore the newest snapshot and check them.
    samples.checksum.push(
      timed(() =>
        sh("sh", [
          "-c",
          `cd "$1" && find . -type f -print0 | xargs -0 sha256sum > "$2"`,
          "sh",
          share,
          checksums,
        ]),
      ),
    );
    const target = path.join(sandbox, `by-hand-${i}`);
    samples.restore.push(
      timed(() => sh("restic", ["restore", "latest", "--target", target, "-q"])),
    );
    samples.verify.push(
      timed(() => sh("sha256sum", ["-c", "--quiet", checksums], { cwd: target })),
    );
    rmSync(target, { recursive: true, force: true });
    // The same proof as the drill's: restic reads every restored byte back against the blob
    // hashes (--verify), then the sha256 comparison with the checksums taken before.
    samples.restoreVerified.push(
      timed(() => sh("restic", ["restore", "latest", "--target", target, "--verify", "-q"])),
    );
    rmSync(target, { recursive: true, force: true });
  }
  if (!bundleFresh()) bundled = false;
  const drill = median(samples.drill);
  const restoreVerify = median(samples.restore) + median(samples.verify);
  const full = restoreVerify + median(samples.checksum);
  const sameProof =
    median(samples.restoreVerified) + median(samples.verify) + median(samples.checksum);
  console.log(
    `${totalMiB} MiB in ${fileCount} files, ${transport} transport${login === undefined ? "" : ` as ${login}`}, ${os.availableParallelism()} cores, Node ${process.version}, median of ${runs}, load average before: ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  console.log("| work | seconds | drill ÷ this |");
  console.log("| --- | ---: | ---: |");
  console.log(`| by hand: \`restic restore latest\` | ${median(samples.restore).toFixed(2)} | |`);
  console.log(
    `| by hand: \`sha256sum -c\` of the restored files | ${median(samples.verify).toFixed(2)} | |`,
  );
  console.log(
    `| by hand: restore + \`sha256sum -c\` | ${restoreVerify.toFixed(2)} | ${(drill / restoreVerify).toFixed(2)}× |`,
  );
  console.log(
    `| by hand: + \`sha256sum\` of the share before (the drill's pre-disaster manifest) | ${full.toFixed(2)} | ${(drill / full).toFixed(2)}× |`,
  );
  console.log(
    `| by hand, the drill's proof: \`sha256sum\` before + \`restic restore --verify\` (${median(samples.restoreVerified).toFixed(2)} s) + \`sha256sum -c\` | ${sameProof.toFixed(2)} | ${(drill / sameProof).toFixed(2)}× |`,
  );
  console.log(
    `| \`stronghold drill run file-deletion\` (${bundled ? "bundled CLI" : "CLI from sources"}, end to end) | ${drill.toFixed(2)} | 1.00× |`,
  );
} finally {
  await sshd?.stop();
  // BENCH_KEEP=1 keeps the drills' evidence (journal.jsonl, report.md) for a closer look.
  if (process.env.BENCH_KEEP === "1") console.warn(`evidence kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
