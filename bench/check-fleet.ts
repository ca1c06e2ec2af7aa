/**
 * Benchmark: `stronghold check` end to end on a synthetic fleet (fixed seed) against the floor of
 * reading and parsing the same files, measured in the same run, for a directory of one JSON file
 * per machine and for one JSON Lines file. Prints a Markdown table for BENCHMARKS.md.
 *
 *   npm run bench -- [sizes=10000,100000] [runs=3]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../test/fixtures/seeded.js";
import { syntheticMachine } from "./generate-fleet.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const outDir = path.join(root, "bench", "out");
const sizes = (process.argv[2] ?? "10000,100000").split(",").map(Number);
const runs = Number(process.argv[3] ?? 3);
const at = new Date("2026-11-20T12:00:00Z");
const SEED = 20261120;

async function generate(n: number): Promise<{ dir: string; jsonl: string }> {
  const dir = path.join(outDir, `fleet-${n}`);
  const jsonl = path.join(outDir, `fleet-${n}.jsonl`);
  if (existsSync(path.join(dir, ".complete")) && existsSync(jsonl)) return { dir, jsonl };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(SEED);
  const lines = createWriteStream(jsonl);
  for (let i = 0; i < n; i++) {
    const machine = syntheticMachine(i, random, at);
    const text = JSON.stringify(machine);
    // Spread over 100 folders, as a collector writing per department or site would.
    const sub = path.join(dir, String(i % 100).padStart(2, "0"));
    if (i < 100) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `${machine.hostname}.json`), text);
    if (!lines.write(text + "\n")) await new Promise<void>((r) => lines.once("drain", () => r()));
  }
  await new Promise<void>((r) => lines.end(() => r()));
  writeFileSync(path.join(dir, ".complete"), "");
  return { dir, jsonl };
}

interface Sample {
  seconds: number;
  maxRssMb: number;
}

function measure(args: string[]): Sample {
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    ["--import", path.join(root, "bench/peak-memory.mjs"), ...args],
    {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1 << 30,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`${args.join(" ")} exited ${child.status}: ${child.stderr.slice(0, 2000)}`);
  }
  const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1];
  return { seconds, maxRssMb: Number(rss) / 1024 };
}

/** Median of several runs, alternating floor and check so both see the same cache state. */
function compare(floorArgs: string[], checkArgs: string[]): { floor: Sample; check: Sample } {
  const floors: Sample[] = [];
  const checks: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    floors.push(measure(floorArgs));
    checks.push(measure(checkArgs));
  }
  const median = (xs: Sample[]) =>
    xs.sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]!;
  return { floor: median(floors), check: median(checks) };
}

const rows: string[] = [];
for (const n of sizes) {
  const { dir, jsonl } = await generate(n);
  for (const [layout, input] of [
    ["one JSON file per machine", dir],
    ["JSON Lines fleet file", jsonl],
  ] as const) {
    const report = path.join(outDir, `report-${n}`);
    const { floor, check } = compare(
      ["bench/floor-read-parse.mjs", input],
      [
        "bin/stronghold.js",
        "check",
        input,
        "--at",
        at.toISOString(),
        "--format",
        "json",
        "--out",
        report,
        "--quiet",
      ],
    );
    const line = `| ${n.toLocaleString("en-US")} | ${layout} | ${floor.seconds.toFixed(2)} s | ${check.seconds.toFixed(2)} s | ${(check.seconds / floor.seconds).toFixed(2)}× | ${Math.round(n / check.seconds).toLocaleString("en-US")} | ${floor.maxRssMb.toFixed(0)} MB | ${check.maxRssMb.toFixed(0)} MB |`;
    console.log(line);
    rows.push(line);
  }
}
const header = [
  `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; median of ${runs} runs.`,
  "",
  "| machines | layout | floor (read + parse) | stronghold check | check / floor | machines/s | floor peak RSS | check peak RSS |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
];
console.log("\n" + [...header, ...rows].join("\n"));
