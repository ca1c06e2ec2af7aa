/**
 * Benchmark: the evidence index and queries over ten years of a 500-machine town — one nightly
 * check (3–8% of machines failing, failures lasting days to months), one nightly run entry, a
 * weekly drill (one in ten failing) and a monthly infra plan. Measures reindex from scratch,
 * opening with nothing new, catching up one night, each query (median of 5), and one query
 * through bin/stronghold.js (process start included). Prints a Markdown table for BENCHMARKS.md.
 *
 *   npx tsx bench/evidence-query.ts [years=10] [machines=500]
 *
 * The ledger is written straight to entries.jsonl with the ledger's own entryHash (appendEntry
 * fsyncs every line, which would time the disk, not the index); it is cached in bench/out/.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GENESIS, type EntryDraft, type LedgerEntry } from "../src/evidence/entry.js";
import { appendEntry, entryHash, lastEntry, ledgerFiles } from "../src/evidence/ledger.js";
import { openIndex, type EvidenceIndex } from "../src/evidence/index-db.js";
import { complianceOn } from "../src/evidence/queries/compliance.js";
import { drillsIn } from "../src/evidence/queries/drills.js";
import { failingFor } from "../src/evidence/queries/failing-for.js";
import { lastRestore } from "../src/evidence/queries/last-restore.js";
import { expectedSafeguards } from "../src/evidence/queries/safeguards.js";
import { uncovered } from "../src/evidence/queries/uncovered.js";
import { addDays } from "../src/evidence/days.js";
import type { RunEntryMetrics } from "../src/evidence/metrics.js";
import {
  checkDraft,
  drillDraft,
  planDraft,
  type FleetMachine,
} from "../test/fixtures/evidence-drafts.js";
import { seededRandom } from "../test/fixtures/seeded.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const years = Number(process.argv[2] ?? 10);
const machineCount = Number(process.argv[3] ?? 500);
const days = years * 365;
const FIRST = "2016-12-01";
const LAST = addDays(FIRST, days - 1);
const dir = path.join(root, "bench", "out", `evidence-${years}y-${machineCount}`);

const DEPARTMENTS = [
  "police",
  "fire",
  "clerk",
  "finance",
  "library",
  "public-works",
  "schools",
  "parks",
];
const SITES = ["town-hall", "main-st", "station-1", "library", "depot"];
const CONTROLS = Array.from({ length: 20 }, (_, i) => `ctl-${String(i + 1).padStart(2, "0")}`);
const RUNBOOKS = ["police-fileserver", "clerk-db", "finance-erp", "library-nas"];

function fleet(): FleetMachine[] {
  return Array.from({ length: machineCount }, (_, i) => ({
    name: `m-${String(i).padStart(4, "0")}`,
    department: DEPARTMENTS[i % DEPARTMENTS.length]!,
    site: SITES[(i * 7) % SITES.length]!,
  }));
}

/** The drafts of every night, in order. */
function* nights(): Generator<EntryDraft> {
  const random = seededRandom(20261205);
  const machines = fleet();
  // Machine → control → the day its failure ends (exclusive).
  const failing = new Map<string, Map<string, number>>();
  for (let d = 0; d < days; d++) {
    const day = addDays(FIRST, d);
    for (const m of machines) {
      const open = failing.get(m.name);
      if (open) for (const [c, end] of open) if (end <= d) open.delete(c);
      if (open?.size === 0) failing.delete(m.name);
      // About 5% of machines failing at any time: episodes of 2–40 days, one in 20 lasting months.
      if (random() < 0.0025) {
        const length =
          random() < 0.05 ? 60 + Math.floor(random() * 200) : 2 + Math.floor(random() * 38);
        const set = failing.get(m.name) ?? new Map<string, number>();
        set.set(CONTROLS[Math.floor(random() * CONTROLS.length)]!, d + length);
        failing.set(m.name, set);
      }
    }
    const today = Object.fromEntries([...failing].map(([name, set]) => [name, [...set.keys()]]));
    yield checkDraft(`${day}T06:20:00.000Z`, machines, today, {
      cis: [
        "1.1",
        "2.1",
        "2.2",
        "3.6",
        "4.1",
        "4.4",
        "4.5",
        "4.7",
        "5.2",
        "5.3",
        "5.4",
        "7.3",
        "8.2",
        "10.1",
        "10.2",
      ],
      csf: ["ID.AM-01", "ID.AM-02", "PR.AA-01", "PR.PS-01", "PR.PS-02", "PR.DS-01", "DE.CM-09"],
    });
    if (d % 7 === 3) {
      const runbook = RUNBOOKS[Math.floor(d / 7) % RUNBOOKS.length]!;
      const passed = random() >= 0.1;
      yield drillDraft({
        at: `${day}T06:40:00.000Z`,
        runbook,
        runId: `${day.replaceAll("-", "")}T064000Z-${runbook}`,
        systems: [`${runbook}-01`],
        passed,
        ...(passed
          ? { rto: 600 + Math.floor(random() * 6000), rpo: 3600 + Math.floor(random() * 60_000) }
          : { failedAt: "verify" }),
      });
    }
    if (day.endsWith("-01")) yield planDraft(`${day}T06:50:00.000Z`, random() < 0.1 ? 1 : 0);
    const run: RunEntryMetrics = {
      day,
      exitCode: Object.keys(today).length > 0 ? 1 : 0,
      stages: { collect: "ok", check: "ok" },
      regressions: 0,
      recoveries: 0,
    };
    yield {
      kind: "run",
      at: `${day}T07:00:00.000Z`,
      subject: "Bench Town",
      verdict: run.exitCode === 0 ? "passed" : "failed",
      inputs: [],
      metrics: { ...run },
      frameworks: { cis: [], csf: [] },
      artifacts: [],
      run: `${day}T061500Z`,
    };
  }
}

function generate(): void {
  if (existsSync(ledgerFiles(dir).entries)) return;
  mkdirSync(dir, { recursive: true });
  const fd = openSync(ledgerFiles(dir).entries, "w");
  let prev = GENESIS;
  let seq = 0;
  for (const draft of nights()) {
    const unhashed: Omit<LedgerEntry, "hash"> = {
      seq: ++seq,
      prev,
      recordedAt: draft.at,
      tool: { name: "stronghold", version: "bench" },
      ...draft,
    };
    const hash = entryHash(unhashed);
    writeSync(fd, `${JSON.stringify({ ...unhashed, hash })}\n`);
    prev = hash;
  }
  closeSync(fd);
}

const ms = (t: number) => `${t < 10 ? t.toFixed(1) : Math.round(t)} ms`;
function median(fn: () => unknown, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const t0 = performance.now();
generate();
const generated = performance.now() - t0;
const entries = lastEntry(dir)!.seq;
const bytes = statSync(ledgerFiles(dir).entries).size;

const rows: [string, string][] = [];
/** Wall and CPU (user + system) time of `fn`. */
function timed(fn: () => void): string {
  const cpu = process.cpuUsage();
  const t = performance.now();
  fn();
  const used = process.cpuUsage(cpu);
  return `${ms(performance.now() - t)} (CPU ${ms((used.user + used.system) / 1000)})`;
}
// The floor: reading and JSON.parse-ing every line, which any index of the ledger must do.
rows.push([
  "floor: read entries.jsonl and JSON.parse every line",
  timed(() => {
    for (const line of readFileSync(ledgerFiles(dir).entries, "utf8").split("\n"))
      if (line !== "") JSON.parse(line);
  }),
]);
rows.push([
  `reindex from scratch (${entries} entries)`,
  timed(() => openIndex(dir, { rebuild: true }).close()),
]);
rows.push(["open, nothing new", ms(median(() => openIndex(dir).close()))]);

// One more check appended (each run of the benchmark adds one to the cached ledger) (really appended, locked and fsynced), then caught up.
const tomorrow = addDays(LAST, 1);
appendEntry(
  dir,
  drillDraft({
    at: `${tomorrow}T06:40:00.000Z`,
    runbook: "clerk-db",
    runId: `${tomorrow.replaceAll("-", "")}T064000Z-clerk-db`,
    systems: ["clerk-db-01"],
    passed: true,
    rto: 900,
    rpo: 3600,
  }),
);
const caught = openIndex(dir);
rows.push([`open, one new entry (caught up: ${caught.report.added})`, ms(caught.report.elapsedMs)]);

const index: EvidenceIndex = caught;
const safeguards = expectedSafeguards();
const queries: [string, () => unknown][] = [
  ["last-restore police-fileserver-01", () => lastRestore(index, "police-fileserver-01")],
  [`compliance ${addDays(LAST, -400)}`, () => complianceOn(index, addDays(LAST, -400))],
  ["failing-for 30", () => failingFor(index, 30)],
  [`drills over the last year`, () => drillsIn(index, addDays(LAST, -364), LAST)],
  ["uncovered --days 90", () => uncovered(index, safeguards, 90, LAST)],
];
for (const [name, fn] of queries) rows.push([`query ${name}`, ms(median(fn))]);
const failing = failingFor(index, 30);
index.close();

// The CLI end to end: process start, catching up, one query, the answer printed.
const bin = path.join(root, "bin", "stronghold.js");
const cliStart = performance.now();
const cli = spawnSync(
  process.execPath,
  [bin, "evidence", "query", "failing-for", "30", "--ledger", dir],
  {
    encoding: "utf8",
  },
);
const cliMs = performance.now() - cliStart;
if (cli.status !== 0) throw new Error(cli.stderr);
rows.push(["`node bin/stronghold.js evidence query failing-for 30` (whole process)", ms(cliMs)]);

console.log(
  `${years} years, ${machineCount} machines: ${entries} entries, entries.jsonl ${(bytes / 2 ** 20).toFixed(1)} MiB, index.sqlite ${(statSync(path.join(dir, "index.sqlite")).size / 2 ** 20).toFixed(1)} MiB (generated in ${ms(generated)}); ${failing.controls.length} controls failing > 30 days; load ${os.loadavg()[0]!.toFixed(1)}\n`,
);
console.log("| measure | wall time |\n| --- | ---: |");
for (const [name, time] of rows) console.log(`| ${name} | ${time} |`);
