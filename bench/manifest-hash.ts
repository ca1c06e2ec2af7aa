/**
 * Benchmark: manifest hashing (worker threads, 1 MiB reads) against `sha256sum` over the same
 * files, in the same run, with the files in the page cache. Goal: ≥ 1.5× sha256sum's throughput.
 * Prints a Markdown table for BENCHMARKS.md.
 *
 *   npx tsx bench/manifest-hash.ts [MiB=1024] [files=200] [runs=3]
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  writeSync,
  writeFileSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildManifest } from "../src/drill/manifest/manifest.js";
import { localSession } from "../src/hosts/transport/local-session.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const totalMiB = Number(process.argv[2] ?? 1024);
const fileCount = Number(process.argv[3] ?? 200);
const runs = Number(process.argv[4] ?? 3);
const MiB = 1024 * 1024;
const dataDir = path.join(root, "bench", "out", `manifest-${totalMiB}MiB-${fileCount}`);

/** Sizes between 0.2× and 1.8× the mean, summing to the total: a share of mixed documents. */
function sizes(): number[] {
  const weights = Array.from({ length: fileCount }, (_, i) => 0.2 + ((i * 37) % 100) / 62.5);
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.round((w / sum) * totalMiB * MiB));
}

function generate(): string[] {
  const files = sizes().map((_, i) =>
    path.join(dataDir, `dept-${i % 8}`, `file-${String(i).padStart(4, "0")}.bin`),
  );
  if (existsSync(path.join(dataDir, ".complete"))) return files;
  rmSync(dataDir, { recursive: true, force: true });
  sizes().forEach((size, i) => {
    mkdirSync(path.dirname(files[i]!), { recursive: true });
    const fd = openSync(files[i]!, "w");
    for (let left = size; left > 0; left -= MiB) writeSync(fd, randomBytes(Math.min(MiB, left)));
    closeSync(fd);
  });
  writeFileSync(path.join(dataDir, ".complete"), "");
  return files;
}

function time(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function sh(command: string, args: string[], input?: string): void {
  const result = spawnSync(command, args, {
    input,
    stdio: [input === undefined ? "ignore" : "pipe", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const files = generate();
const loadBefore = os.loadavg()[0]!;
const bytes = sizes().reduce((a, b) => a + b, 0);
const cores = os.availableParallelism();
const session = localSession({
  name: "bench",
  transport: { kind: "local" },
  roles: [],
  drill: { target: false, sandbox: [] },
  pointer: "",
});
const list = files.map((f) => `${f}\0`).join("");

// Warm the page cache: every measurement below reads from memory, not from the disk.
sh("sh", ["-c", `cat "$@" > /dev/null`, "sh", ...files]);

const samples = { sha256sum: [] as number[], parallel: [] as number[], manifest: [] as number[] };
let manifestBytes = 0;
for (let i = 0; i < runs; i++) {
  samples.sha256sum.push(time(() => sh("sha256sum", files)));
  samples.parallel.push(
    time(() =>
      sh(
        "xargs",
        ["-0", "-P", String(cores), "-n", String(Math.ceil(fileCount / cores)), "sha256sum"],
        list,
      ),
    ),
  );
  const started = process.hrtime.bigint();
  const manifest = await buildManifest(session, dataDir);
  samples.manifest.push(Number(process.hrtime.bigint() - started) / 1e9);
  manifestBytes = manifest.bytes;
}
if (manifestBytes !== bytes) throw new Error(`manifest covered ${manifestBytes} of ${bytes} bytes`);

const mbps = (seconds: number) => bytes / 1e6 / seconds;
const rows = [
  ["`sha256sum` (one process, the floor)", median(samples.sha256sum)],
  [`\`xargs -P ${cores} sha256sum\` (one per core)`, median(samples.parallel)],
  [`manifest: ${cores} worker threads, 1 MiB reads`, median(samples.manifest)],
] as const;
const floor = mbps(median(samples.sha256sum));
console.log(
  `${(bytes / MiB).toFixed(0)} MiB in ${fileCount} files, page cache warm, ${cores} cores, Node ${process.version}, median of ${runs}, load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0]!.toFixed(1)} after\n`,
);
console.log("| hashing | seconds | MB/s | × sha256sum |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, seconds] of rows)
  console.log(
    `| ${name} | ${seconds.toFixed(2)} | ${mbps(seconds).toFixed(0)} | ${(mbps(seconds) / floor).toFixed(2)}× |`,
  );
