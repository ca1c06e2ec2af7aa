/**
 * Benchmark: `evidence verify` on the ledger of a 500-machine town after 1, 3 and 10 years of
 * nightly runs (bench/evidence-fixture.ts, cached in bench/out/). For each size:
 *
 * - `--full` (in process) against `sha256sum` and `openssl dgst -sha256` over the same object
 *   files, alternating, best of `runs`: the floor is measured in the same run;
 * - incremental after one more night is appended (collect, check and run entries with their
 *   artifacts, through appendEntry), in process and through `node bin/stronghold.js`; the night
 *   is removed again afterwards so the cache stays as generated.
 *
 *   npm run bench:evidence                 # 1, 3 and 10 years, best of 2
 *   npx tsx bench/evidence-ledger.ts 1,3 3 # sizes in years, runs
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { LedgerEntry } from "../src/evidence/entry.js";
import { appendEntry, lastEntry, ledgerFiles, storeContent } from "../src/evidence/ledger.js";
import { verifyLedger } from "../src/evidence/verify.js";
import {
  CHECK_REPORT_BYTES,
  COLLECT_REPORT_BYTES,
  RUN_SUMMARY_BYTES,
  cachedLedger,
} from "./evidence-fixture.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const sizes = (process.argv[2] ?? "1,3,10").split(",").map(Number);
const runs = Number(process.argv[3] ?? 2);

const objectFiles = (dir: string) => {
  const objects = ledgerFiles(dir).objects;
  return readdirSync(objects).flatMap((d) =>
    readdirSync(path.join(objects, d)).map((f) => path.join(objects, d, f)),
  );
};

/** Seconds for `command` over the files (given on stdin to xargs, output discarded). */
function floor(files: readonly string[], command: string): number {
  const started = performance.now();
  const r = spawnSync("sh", ["-c", `xargs -0 ${command} > /dev/null`], {
    input: files.join("\0"),
    stdio: ["pipe", "ignore", "inherit"],
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}`);
  return (performance.now() - started) / 1000;
}

/** Appends one night through appendEntry, as the producers will: collect, check and run. */
function appendNight(dir: string): { added: string[] } {
  const last = lastEntry(dir)!;
  const lines = readFileSync(ledgerFiles(dir).entries, "utf8").trimEnd().split("\n");
  const lastOf = (kind: string) =>
    JSON.parse(lines.findLast((l) => l.includes(`"kind":"${kind}"`))!) as LedgerEntry;
  const stamp = `appended after seq ${last.seq} at ${Date.now()}`;
  const content = (bytes: number) => {
    const b = Buffer.alloc(bytes, `{"bench":"${stamp}"}\n`);
    return b;
  };
  const added: string[] = [];
  for (const [kind, name, bytes] of [
    ["collect", "collection-report.json", COLLECT_REPORT_BYTES],
    ["check", "stronghold-report.json", CHECK_REPORT_BYTES],
    ["run", "run-summary.json", RUN_SUMMARY_BYTES],
  ] as const) {
    const model = lastOf(kind);
    const artifact = storeContent(dir, name, content(bytes));
    added.push(artifact.sha256);
    appendEntry(dir, {
      kind,
      at: new Date().toISOString(),
      subject: model.subject,
      verdict: model.verdict,
      inputs: model.inputs,
      metrics: model.metrics,
      frameworks: model.frameworks,
      artifacts: [artifact],
      ...(model.run === undefined ? {} : { run: model.run }),
    });
  }
  return { added };
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Row {
  years: number;
  entries: number;
  entryMB: number;
  objects: number;
  objectGB: number;
  generatedSeconds?: number;
  full: number;
  fullMBs: number;
  sha256sum: number;
  openssl: number;
  incremental: number;
  incrementalHashedMB: number;
  cli: number;
  start: number;
}

const rows: Row[] = [];
console.error(
  `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
// Longest first, so shorter ledgers are cut from it.
for (const years of [...sizes].sort((a, b) => b - a)) {
  const started = performance.now();
  const ledger = cachedLedger(years);
  console.error(
    `${years} y: ${ledger.cached ? "cached" : `generated in ${((performance.now() - started) / 1000).toFixed(1)} s`}: ${ledger.entries} entries, ${fmt(ledger.objectBytes / 1e9, 1)} GB of artifacts`,
  );
}

for (const years of [...sizes].sort((a, b) => a - b)) {
  const ledger = cachedLedger(years);
  const dir = ledger.dir;
  const files = objectFiles(dir);
  const objectBytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const entryBytes = statSync(ledgerFiles(dir).entries).size;
  let full = Infinity;
  let fullMBs = 0;
  let sha = Infinity;
  let ssl = Infinity;
  for (let run = 0; run < runs; run++) {
    sha = Math.min(sha, floor(files, "sha256sum"));
    ssl = Math.min(ssl, floor(files, "openssl dgst -sha256"));
    const result = verifyLedger(dir, { full: true });
    if (result.break !== undefined)
      throw new Error(`the generated ledger is broken: ${JSON.stringify(result.break)}`);
    if (result.seconds < full) {
      full = result.seconds;
      fullMBs = result.mbPerSecond;
    }
    console.error(
      `${years} y run ${run + 1}: sha256sum ${sha.toFixed(1)} s, openssl ${ssl.toFixed(1)} s, verify --full ${result.seconds.toFixed(1)} s (${fmt(result.mbPerSecond)} MB/s)`,
    );
  }

  // One more night, then incremental from the checkpoint the full verify just wrote.
  const entriesFile = ledgerFiles(dir).entries;
  const checkpoint = readFileSync(ledgerFiles(dir).checkpoint);
  const { added } = appendNight(dir);
  let incremental = Infinity;
  let incrementalHashed = 0;
  let cli = Infinity;
  let start = Infinity;
  try {
    for (let run = 0; run < runs; run++) {
      writeFileSync(ledgerFiles(dir).checkpoint, checkpoint);
      const result = verifyLedger(dir);
      if (result.break !== undefined || result.newEntries !== 3)
        throw new Error(`incremental verify: ${JSON.stringify(result)}`);
      incremental = Math.min(incremental, result.seconds);
      incrementalHashed = result.bytesHashed + result.entryBytes;
      writeFileSync(ledgerFiles(dir).checkpoint, checkpoint);
      const t = performance.now();
      const r = spawnSync(
        process.execPath,
        [path.join(root, "bin", "stronghold.js"), "evidence", "verify", "--ledger", dir],
        { encoding: "utf8" },
      );
      if (r.status !== 0)
        throw new Error(`stronghold evidence verify exited ${r.status}: ${r.stdout}${r.stderr}`);
      cli = Math.min(cli, (performance.now() - t) / 1000);
      // The floor of any command: the CLI starting and printing its version.
      const v = performance.now();
      spawnSync(process.execPath, [path.join(root, "bin", "stronghold.js"), "--version"]);
      start = Math.min(start, (performance.now() - v) / 1000);
    }
  } finally {
    // Put the cached ledger back as generated.
    truncateSync(entriesFile, entryBytes);
    for (const sha of added) {
      const file = path.join(ledgerFiles(dir).objects, sha.slice(0, 2), sha);
      if (existsSync(file)) rmSync(file);
    }
    writeFileSync(ledgerFiles(dir).checkpoint, checkpoint);
  }
  console.error(
    `${years} y: incremental ${(incremental * 1000).toFixed(0)} ms in process, ${(cli * 1000).toFixed(0)} ms through the CLI`,
  );
  rows.push({
    years,
    entries: ledger.entries,
    entryMB: mb(entryBytes),
    objects: files.length,
    objectGB: objectBytes / 1e9,
    full,
    fullMBs,
    sha256sum: sha,
    openssl: ssl,
    incremental,
    incrementalHashedMB: mb(incrementalHashed),
    cli,
    start,
  });
}

const objMBs = (r: Row, s: number) => fmt(mb(r.objectGB * 1e9) / s);
console.log(
  [
    "| ledger | entries | entries.jsonl | artifacts | `sha256sum` | `openssl dgst` | `verify --full` | × sha256sum | incremental (+1 night) | through the CLI | CLI `--version` |",
    "| ------ | ------: | ------------: | --------: | ----------: | -------------: | --------------: | ----------: | ---------------------: | --------------: | --------------: |",
    ...rows.map(
      (r) =>
        `| ${r.years} y | ${fmt(r.entries)} | ${fmt(r.entryMB, 1)} MB | ${fmt(r.objects)}, ${fmt(r.objectGB, 2)} GB | ${fmt(r.sha256sum, 1)} s (${objMBs(r, r.sha256sum)} MB/s) | ${fmt(r.openssl, 1)} s (${objMBs(r, r.openssl)} MB/s) | ${fmt(r.full, 1)} s (${fmt(r.fullMBs)} MB/s) | ${(r.sha256sum / r.full).toFixed(2)}× | ${fmt(r.incremental * 1000)} ms (${fmt(r.incrementalHashedMB, 1)} MB hashed) | ${fmt(r.cli * 1000)} ms | ${fmt(r.start * 1000)} ms |`,
    ),
  ].join("\n"),
);
