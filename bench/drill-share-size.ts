/**
 * Benchmark: the file-deletion drill over SSH on town-sized shares (many small documents, some
 * odd names), at several sizes, against the same work done by hand in the same run: `restic
 * restore <snapshot> --target … --include <share>` and `sha256sum -c` of checksums taken before.
 * Also the drill's peak RSS at each size, to show whether memory grows with the number of files.
 * Goal (issue #10): drill restore + verify ≤ 1.3× by hand at 100,000 files. Prints a Markdown table.
 *
 *   npm run build && npx tsx bench/drill-share-size.ts [files=1000,10000] [avgKiB=20] [runs=1]
 *   npm run build && npx tsx bench/drill-share-size.ts 10000,100000      # ≈ 200 MB and ≈ 2 GB
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { startSshd, type Sshd } from "../test/fixtures/sshd.js";
import { ODD_NAMES } from "../test/scale/share-tree.js";
import { benchAccount } from "./bench-account.js";

const root = fileURLToPath(new URL("../", import.meta.url));

function positiveIntegers(arg: string | undefined, fallback: string, what: string): number[] {
  const values = (arg ?? fallback).split(",").map(Number);
  if (values.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`bench/drill-share-size.ts: ${what} must be positive integers, got "${arg}"`);
    process.exit(2);
  }
  return values;
}
const sizes = positiveIntegers(process.argv[2], "1000,10000", "file counts (comma-separated)");
const avgKiB = positiveIntegers(process.argv[3], "20", "the average file size in KiB")[0]!;
const runs = positiveIntegers(process.argv[4], "1", "the number of runs")[0]!;
const FILES_PER_FOLDER = 40;

interface Lab {
  readonly files: number;
  readonly dir: string;
  readonly sandbox: string;
  readonly share: string;
  readonly repo: string;
  readonly passwordFile: string;
  readonly bytes: number;
}

function labFor(files: number): Lab {
  const dir = path.join(root, "bench", "out", `share-${files}-${avgKiB}KiB`);
  const sandbox = path.join(dir, "fs01");
  const bytesFile = path.join(dir, ".complete");
  return {
    files,
    dir,
    sandbox,
    share: path.join(sandbox, "share"),
    repo: path.join(dir, "repo"),
    passwordFile: path.join(dir, "password"),
    bytes: existsSync(bytesFile) ? Number(readFileSync(bytesFile, "utf8")) : 0,
  };
}

const envOf = (lab: Lab) => ({
  ...process.env,
  RESTIC_REPOSITORY: lab.repo,
  RESTIC_PASSWORD_FILE: lab.passwordFile,
  RESTIC_CACHE_DIR: path.join(lab.dir, "restic-cache"),
});

function sh(lab: Lab, command: string, args: string[], cwd = root): string {
  const result = spawnSync(command, args, {
    cwd,
    env: envOf(lab),
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}: ${result.stderr.slice(-2000)}${result.stdout.slice(-2000)}`,
    );
  return result.stdout;
}

function timed<T>(run: () => T): [number, T] {
  const started = process.hrtime.bigint();
  const value = run();
  return [Number(process.hrtime.bigint() - started) / 1e9, value];
}

/**
 * A town-like share: folders five levels deep with 40 documents each, sizes spread exponentially
 * around the average (most files small, a few large), random content (restic cannot compress
 * it), the odd names of the scale tests in the first folders. Backed up once with its absolute
 * path, as the town does. Cached in bench/out/ across runs.
 */
function prepare(files: number): Lab {
  const lab = labFor(files);
  if (lab.bytes > 0) return lab;
  rmSync(lab.dir, { recursive: true, force: true });
  let bytes = 0;
  const write = (file: Buffer | string, size: number) => {
    writeFileSync(file, randomBytes(size));
    bytes += size;
  };
  const folders = Math.ceil(files / FILES_PER_FOLDER);
  let made = 0;
  for (let f = 0; f < folders; f++) {
    const parts = [f % 4, Math.floor(f / 4) % 4, Math.floor(f / 16) % 4, Math.floor(f / 64) % 4];
    const folder = path.join(lab.share, ...parts.map((n, l) => `level${l + 1}-${n}`), `dept-${f}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < FILES_PER_FOLDER && made < files; i++, made++) {
      // A fixed spread with mean 1: -ln(u) for u evenly spread over (0, 1).
      const u = (((made * 7919) % 1000) + 0.5) / 1000;
      write(path.join(folder, `doc-${f}-${i}.txt`), Math.round(-Math.log(u) * avgKiB * 1024));
    }
    if (f < 3)
      for (const name of ODD_NAMES)
        write(Buffer.concat([Buffer.from(`${folder}/`), name]), 100 + f);
  }
  writeFileSync(lab.passwordFile, `${randomBytes(16).toString("hex")}\n`, { mode: 0o600 });
  sh(lab, "restic", ["init", "-q"]);
  sh(lab, "restic", ["backup", lab.share, "-q"]);
  writeFileSync(path.join(lab.dir, ".complete"), String(bytes));
  return { ...lab, bytes };
}

function inventory(dir: string, lab: Lab, sshd: Sshd, user: string): string {
  const file = path.join(dir, `hosts-${lab.files}.yaml`);
  writeFileSync(
    file,
    stringify({
      version: 1,
      hosts: [
        {
          name: "fs01",
          address: sshd.host,
          port: sshd.port,
          user,
          identityFile: sshd.identityFile,
          knownHostsFile: sshd.knownHostsFile,
          roles: ["file-server"],
          drill: { target: true, sandbox: [lab.sandbox] },
        },
      ],
    }),
  );
  return file;
}

/** Whether bin/stronghold.js runs the bundle: newer than every source it holds (as bin/ checks). */
function bundleFresh(): boolean {
  const bundle = path.join(root, "dist", "stronghold.mjs");
  if (!existsSync(bundle)) return false;
  let newest = statSync(path.join(root, "package.json")).mtimeMs;
  for (const folder of ["src", "runbooks", path.join("policies", "crossguard")])
    for (const entry of readdirSync(path.join(root, folder), {
      recursive: true,
      withFileTypes: true,
    }))
      if (entry.isFile())
        newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  return statSync(bundle).mtimeMs >= newest;
}

interface Sample {
  readonly restore: number;
  readonly check: number;
  readonly checksums: number;
  readonly drill: number;
  /** Step name → seconds, from the drill's journal. */
  readonly steps: Record<string, number>;
  readonly rssMb: number;
}

/** The drill's restore and verify: restore into scratch, swap in, verify every file. */
const RESTORE_VERIFY = ["restore-snapshot", "swap-in-restored", "verify-share"];

function runOnce(lab: Lab, hosts: string, work: string, run: number): Sample {
  // By hand, before the disaster: checksums of the share, as an admin would keep them.
  const sums = path.join(work, `SHA256SUMS-${lab.files}`);
  const [checksums] = timed(() =>
    sh(lab, "sh", [
      "-c",
      `cd "$1" && find . -type f -print0 | xargs -0 sha256sum > "$2"`,
      "sh",
      lab.share,
      sums,
    ]),
  );
  const report = path.join(work, `report-${lab.files}-${run}`);
  const [drill, out] = timed(() =>
    spawnSync(
      process.execPath,
      [
        "--import",
        path.join(root, "bench", "peak-memory.mjs"),
        "bin/stronghold.js",
        "drill",
        "run",
        "file-deletion",
        "--hosts",
        hosts,
        "--repo",
        lab.repo,
        "--password-file",
        lab.passwordFile,
        "--data",
        lab.share,
        "--report-dir",
        report,
        "--plain",
      ],
      { cwd: root, env: envOf(lab), encoding: "utf8", maxBuffer: 1 << 30 },
    ),
  );
  if (out.status !== 0)
    throw new Error(
      `drill at ${lab.files} files exited ${out.status}: ${out.stderr.slice(-2000)}${out.stdout.slice(-3000)}`,
    );
  const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(out.stderr)?.[1];
  if (rss === undefined) throw new Error("the drill printed no BENCH_MAX_RSS_KB");
  const steps: Record<string, number> = {};
  for (const line of readFileSync(path.join(report, "journal.jsonl"), "utf8").split("\n")) {
    if (line === "") continue;
    const event = JSON.parse(line) as { event?: string; step?: string; durationMs?: number };
    if (event.event === "step-end" && event.step !== undefined)
      steps[event.step] = (event.durationMs ?? 0) / 1000;
  }
  for (const step of RESTORE_VERIFY)
    if (steps[step] === undefined) throw new Error(`the journal has no step-end for ${step}`);

  // By hand, after the disaster: restore the share from the snapshot, check it.
  const snapshot = JSON.parse(sh(lab, "restic", ["snapshots", "--json", "latest"])) as {
    id: string;
  }[];
  const target = path.join(lab.sandbox, `by-hand-${run}`);
  const [restore] = timed(() =>
    sh(lab, "restic", [
      "restore",
      snapshot[0]!.id,
      "--target",
      target,
      "--include",
      lab.share,
      "-q",
    ]),
  );
  const [check] = timed(() =>
    sh(lab, "sha256sum", ["-c", "--quiet", sums], path.join(target, lab.share)),
  );
  rmSync(target, { recursive: true, force: true });
  return { restore, check, checksums, drill, steps, rssMb: Number(rss) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (x: number) => `${x.toFixed(1)} s`;
const times = (x: number) => `${x.toFixed(2)}×`;

if (!bundleFresh())
  console.warn(
    "dist/stronghold.mjs is missing or stale (npm run build): the CLI runs from sources",
  );
const work = path.join(os.tmpdir(), `stronghold-bench-share-${process.pid}`);
mkdirSync(work, { recursive: true });
const sshd = await startSshd();
const user = benchAccount() ?? os.userInfo().username;
if (user !== sshd.user) {
  // sshd reads the authorized keys as the user logging in.
  const sshdDir = path.dirname(sshd.identityFile);
  sh(labFor(0), "chmod", ["a+rx", sshdDir]);
  sh(labFor(0), "chmod", ["a+r", path.join(sshdDir, "authorized_keys")]);
}
const rows: string[] = [];
const detail: string[] = [];
let previous: { files: number; floor: number; drill: number; rss: number } | undefined;
try {
  for (const files of sizes) {
    const [prepared, lab] = timed(() => prepare(files));
    if (prepared > 1) console.warn(`${files} files: share and snapshot made in ${s(prepared)}`);
    // The drill works on the share as the account it logs in as, as on a real file server.
    if (user !== os.userInfo().username) sh(lab, "chown", ["-R", user, lab.dir]);
    const hosts = inventory(work, lab, sshd, user);
    // Warm the page cache and restic's cache the same way for both sides.
    sh(lab, "sh", [
      "-c",
      `find "$1" "$2" -type f -exec cat {} + > /dev/null`,
      "sh",
      lab.share,
      lab.repo,
    ]);
    sh(lab, "restic", ["snapshots", "-q"]);
    const load = os.loadavg()[0]!;
    const samples = Array.from({ length: runs }, (_, i) => runOnce(lab, hosts, work, i));
    const pick = (f: (x: Sample) => number) => median(samples.map(f));
    const restore = pick((x) => x.restore);
    const check = pick((x) => x.check);
    const floor = pick((x) => x.restore + x.check);
    const drillRv = pick((x) => RESTORE_VERIFY.reduce((t, step) => t + x.steps[step]!, 0));
    const whole = pick((x) => x.drill);
    const rss = pick((x) => x.rssMb);
    const growth =
      previous === undefined
        ? "—"
        : `files ${times(files / previous.files)}, floor ${times(floor / previous.floor)}, drill ${times(drillRv / previous.drill)}, RSS ${times(rss / previous.rss)}`;
    rows.push(
      `| ${files.toLocaleString("en-US")} | ${(lab.bytes / 1e9).toFixed(2)} GB | ${s(restore)} + ${s(check)} = ${s(floor)} | ${s(drillRv)} | **${times(drillRv / floor)}** | ${s(whole)} | ${rss.toFixed(0)} MB | ${growth} | ${load.toFixed(1)} |`,
    );
    const steps = samples[Math.floor(runs / 2)]!.steps;
    detail.push(
      `- ${files.toLocaleString("en-US")} files, one run's steps: ${Object.entries(steps)
        .map(([step, t]) => `${step} ${t.toFixed(1)} s`)
        .join(", ")}; checksums before by hand ${s(pick((x) => x.checksums))}`,
    );
    previous = { files, floor, drill: drillRv, rss };
    console.warn(`${files} files done: ${rows.at(-1)}`);
  }
  console.log(
    `Over SSH to a real sshd on 127.0.0.1 as ${user}, average file ${avgKiB} KiB, ${os.availableParallelism()} cores, Node ${process.version}, ${bundleFresh() ? "bundled CLI" : "CLI from sources"}, median of ${runs}, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(
    "| files | data | by hand: `restic restore --include` + `sha256sum -c` | drill: restore + swap + verify | ratio | whole drill | drill peak RSS | growth from the size before | load before |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
  for (const row of rows) console.log(row);
  console.log("");
  for (const line of detail) console.log(line);
} finally {
  await sshd.stop();
  // BENCH_KEEP=1 keeps the drills' evidence (journal.jsonl, report.md) for a closer look.
  if (process.env.BENCH_KEEP === "1") console.warn(`evidence kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
