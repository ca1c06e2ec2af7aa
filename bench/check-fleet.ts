/**
 * Benchmark: `stronghold check` end to end on a synthetic fleet (fixed seed) against the floor of
 * reading and parsing the same files, measured in the same run, for a directory of one JSON file
 * per machine and for one JSON Lines file, with the town's registers, IP plan and overlay given so
 * that every fleet control runs. Prints a Markdown table for BENCHMARKS.md and the growth factor
 * of each measure between consecutive sizes.
 *
 *   npm run bench -- [sizes=10000,100000] [runs=3] [formats=json] [dir=bench/out] [layouts=folder,jsonl] [software=judged]
 *
 * runs=0 only generates the fleets and their registers (for timing processes by hand).
 * layouts=jsonl writes and measures only the JSON Lines file: a million machine files cost more
 * to write than the run they feed. software=installed gives every machine the long tail of
 * programs a real one lists beside the titles the baselines judge (about 100 more, see
 * installed-programs.ts); judged keeps the six or so of the earlier rounds' figures.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../test/fixtures/seeded.js";
import { syntheticMachine } from "./generate-fleet.js";
import { TownRegisters, townArgs, townFiles } from "./generate-registers.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const sizes = (process.argv[2] ?? "10000,100000").split(",").map(Number);
const runs = Number(process.argv[3] ?? 3);
const formats = process.argv[4] ?? "json";
const outDir = path.resolve(process.argv[5] ?? path.join(root, "bench", "out"));
const layouts = new Set((process.argv[6] ?? "folder,jsonl").split(","));
for (const layout of layouts) {
  if (layout !== "folder" && layout !== "jsonl") {
    console.error(`check-fleet: layouts must be "folder", "jsonl" or both, got "${layout}"`);
    process.exit(2);
  }
}
const withFolder = layouts.has("folder");
const software = process.argv[7] ?? "judged";
if (software !== "judged" && software !== "installed") {
  console.error(`check-fleet: software must be "judged" or "installed", got "${software}"`);
  process.exit(2);
}
const programs = software === "installed";
const fleetName = programs ? "v2-programs" : "v2";
const at = new Date("2026-11-20T12:00:00Z");
const SEED = 20261120;

/**
 * The fleet as a JSON Lines file and (unless only that layout is asked for) a folder of machine
 * files, and beside them the town's registers (v2: with registers).
 */
async function generate(n: number): Promise<{ dir: string; jsonl: string; town: string }> {
  const dir = path.join(outDir, `fleet-${fleetName}-${n}`);
  const jsonl = path.join(outDir, `fleet-${fleetName}-${n}.jsonl`);
  const town = path.join(outDir, `town-${fleetName}-${n}`);
  const complete = path.join(town, withFolder ? ".complete" : ".complete-jsonl");
  const done = withFolder
    ? existsSync(path.join(dir, ".complete")) && existsSync(complete)
    : existsSync(complete) || existsSync(path.join(town, ".complete"));
  if (done) return { dir, jsonl, town };
  rmSync(dir, { recursive: true, force: true });
  rmSync(town, { recursive: true, force: true });
  if (withFolder) mkdirSync(dir, { recursive: true });
  mkdirSync(town, { recursive: true });
  const random = seededRandom(SEED);
  const registers = new TownRegisters(town, seededRandom(SEED + 1));
  const lines = createWriteStream(jsonl);
  for (let i = 0; i < n; i++) {
    const machine = await registers.add(i, syntheticMachine(i, random, at, { programs }));
    const text = JSON.stringify(machine);
    if (withFolder) {
      // Spread over 100 folders, as a collector writing per department or site would.
      const sub = path.join(dir, String(i % 100).padStart(2, "0"));
      if (i < 100) mkdirSync(sub, { recursive: true });
      writeFileSync(path.join(sub, `${machine.hostname}.json`), text);
    }
    if (!lines.write(text + "\n")) await new Promise<void>((r) => lines.once("drain", () => r()));
  }
  await new Promise<void>((r) => lines.end(() => r()));
  await registers.finish(n);
  if (withFolder) writeFileSync(path.join(dir, ".complete"), "");
  writeFileSync(complete, "");
  return { dir, jsonl, town };
}

interface Sample {
  seconds: number;
  /** User + system CPU time of the process. */
  cpuSeconds: number;
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
  const cpu = /BENCH_CPU_US=(\d+)/.exec(child.stderr)?.[1];
  return { seconds, cpuSeconds: Number(cpu) / 1e6, maxRssMb: Number(rss) / 1024 };
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
const measured = new Map<string, { n: number; floor: Sample; check: Sample }[]>();
for (const n of sizes) {
  const { dir, jsonl, town } = await generate(n);
  if (runs === 0) {
    const written = withFolder ? [dir, jsonl, town] : [jsonl, town];
    console.log(`generated ${n.toLocaleString("en-US")} machines: ${written.join(", ")}`);
    continue;
  }
  const files = townFiles(town);
  const inputs = [
    ["one JSON file per machine", dir, "folder"],
    ["JSON Lines fleet file", jsonl, "jsonl"],
  ] as const;
  for (const [layout, input] of inputs.filter(([, , key]) => layouts.has(key))) {
    const report = path.join(outDir, `report-${n}`);
    const { floor, check } = compare(
      ["bench/floor-read-parse.mjs", input],
      [
        "bin/stronghold.js",
        "check",
        input,
        "--at",
        at.toISOString(),
        ...townArgs(files),
        "--format",
        formats,
        "--out",
        report,
        "--quiet",
      ],
    );
    const line = `| ${n.toLocaleString("en-US")} | ${layout} | ${floor.seconds.toFixed(2)} s | ${check.seconds.toFixed(2)} s | ${(check.seconds / floor.seconds).toFixed(2)}× | ${floor.cpuSeconds.toFixed(2)} s | ${check.cpuSeconds.toFixed(2)} s | ${(check.cpuSeconds / floor.cpuSeconds).toFixed(2)}× | ${Math.round(n / check.seconds).toLocaleString("en-US")} | ${floor.maxRssMb.toFixed(0)} MB | ${check.maxRssMb.toFixed(0)} MB | ${os.loadavg()[0]!.toFixed(1)} |`;
    console.log(line);
    rows.push(line);
    const series = measured.get(layout) ?? [];
    series.push({ n, floor, check });
    measured.set(layout, series);
  }
}
if (runs === 0) process.exit(0);
// Growth between consecutive sizes: linear work grows as the machines do.
const growth: string[] = [
  "| layout | machines | × machines | floor grew | check grew | check CPU grew | check peak RSS grew |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
];
for (const [layout, series] of measured) {
  for (let k = 1; k < series.length; k++) {
    const [a, b] = [series[k - 1]!, series[k]!];
    growth.push(
      `| ${layout} | ${a.n.toLocaleString("en-US")} → ${b.n.toLocaleString("en-US")} | ${(b.n / a.n).toFixed(1)}× | ${(b.floor.seconds / a.floor.seconds).toFixed(2)}× | ${(b.check.seconds / a.check.seconds).toFixed(2)}× | ${(b.check.cpuSeconds / a.check.cpuSeconds).toFixed(2)}× | ${(b.check.maxRssMb / a.check.maxRssMb).toFixed(2)}× |`,
    );
  }
}
const header = [
  `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; median of ${runs} runs; --format ${formats}; ${new Date().toISOString().slice(0, 10)}; load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}.`,
  "",
  "| machines | layout | floor (read + parse) | stronghold check | check / floor | floor CPU | check CPU | CPU check / floor | machines/s | floor peak RSS | check peak RSS | load |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
console.log("\n" + [...header, ...rows].join("\n"));
console.log("\n" + growth.join("\n"));
