/**
 * A realistic evidence ledger for a 500-machine town: one night per day for `years` years
 * (365 nights a year), each night a `collect`, a `check` and a `run` entry, and a `drill` entry
 * every Sunday. Figures and artifact sizes follow the sample town scaled to 500 machines: the
 * check report is the sample's (382,047 bytes for 56 machines) scaled to 3.4 MB, each night's
 * different so nothing dedupes. Deterministic: the ledger of N years is the first N years of a
 * longer one, so shorter ledgers are cut from a longer cached one with hard-linked objects.
 *
 * Other benchmarks (queries, dashboard) time themselves on the same ledger with
 * `cachedLedger(years)`.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GENESIS, type EntryArtifact, type EntryDraft } from "../src/evidence/entry.js";
import { entryHash, ledgerFiles, objectPath } from "../src/evidence/ledger.js";
import type {
  CheckEntryMetrics,
  CollectEntryMetrics,
  DrillEntryMetrics,
  FailingMachine,
  GroupScore,
  RunEntryMetrics,
} from "../src/evidence/metrics.js";

const root = fileURLToPath(new URL("../", import.meta.url));
/** Where generated ledgers are cached. */
export const LEDGER_CACHE = path.join(root, "bench", "out");
const GENERATOR = "evidence-ledger-v1";

export const MACHINES = 500;
/** The first night: nights run from here, one a day. */
export const FIRST_NIGHT = Date.UTC(2026, 0, 1, 2, 0, 0);
const DAY = 86_400_000;

const SAMPLE_REPORT_BYTES = 382_047;
const SAMPLE_MACHINES = 56;
/** The sample's check report scaled to the fleet. */
export const CHECK_REPORT_BYTES = Math.round((SAMPLE_REPORT_BYTES / SAMPLE_MACHINES) * MACHINES);
/** A collection report: a line of outcome and timings per host (estimated, ~250 bytes each). */
export const COLLECT_REPORT_BYTES = 250 * MACHINES;
export const RUN_SUMMARY_BYTES = 6_000;
export const DRILL_JOURNAL_BYTES = 40_000;
export const DRILL_REPORT_BYTES = 9_000;

const DEPARTMENTS = [
  ["Police", 90],
  ["Fire", 45],
  ["Public Works", 60],
  ["Town Clerk", 25],
  ["Finance", 35],
  ["Library", 40],
  ["Parks and Recreation", 30],
  ["Water and Sewer", 40],
  ["Town Manager", 20],
  ["Information Technology", 35],
  ["Schools Liaison", 80],
] as const;
const SITES = [
  "Town Hall",
  "Police HQ",
  "Fire Station 1",
  "Fire Station 2",
  "DPW Garage",
  "Library",
];
const CONTROLS = [
  "sec-password-min-length",
  "sec-disk-encryption",
  "sec-firewall-enabled",
  "sec-os-supported",
  "sec-patches-recent",
  "sec-av-signatures-current",
  "sec-screen-lock",
  "sec-local-admin-count",
  "sec-smbv1-disabled",
  "aup-unapproved-software",
  "lcm-warranty-current",
  "lcm-asset-registered",
];
const RUNBOOKS = [
  ["file-deletion", ["fs-police-01"]],
  ["ransomware", ["fs-clerk-01", "fs-finance-01"]],
  ["site-loss", ["fs-police-01", "fs-dpw-01", "app-water-01"]],
  ["backup-integrity", ["fs-library-01"]],
] as const;

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Machine {
  readonly name: string;
  readonly department: string;
  readonly site: string;
}

function fleet(): Machine[] {
  const machines: Machine[] = [];
  for (const [department, count] of DEPARTMENTS)
    for (let i = 1; i <= count; i++) {
      const prefix = department.replace(/[^A-Z]/g, "").toLowerCase();
      machines.push({
        name: `${prefix}-ws-${String(i).padStart(3, "0")}`,
        department,
        site: SITES[(machines.length * 7) % SITES.length]!,
      });
    }
  return machines;
}

/** Bytes of JSON-ish text the size of a real artifact, built once and stamped per night. */
function templateOf(bytes: number, seed: number): Buffer {
  const next = random(seed);
  const out = Buffer.allocUnsafe(bytes);
  const chunk = Buffer.from(
    CONTROLS.map(
      (c, i) =>
        `{"control":"${c}","machine":"m-${i}","result":"pass","observed":${Math.floor(next() * 1e6)}},\n`,
    ).join(""),
  );
  for (let at = 0; at < bytes; at += chunk.length)
    chunk.copy(out, at, 0, Math.min(chunk.length, bytes - at));
  return out;
}

/** Writes `template` stamped with `stamp` (every 64 KiB, so no two nights' bytes are equal) into objects/. */
function writeArtifact(dir: string, name: string, template: Buffer, stamp: string): EntryArtifact {
  const label = Buffer.from(`"${stamp}"`);
  for (let at = 0; at < template.length; at += 65_536) label.copy(template, at);
  const sha256 = createHash("sha256").update(template).digest("hex");
  const file = objectPath(dir, sha256);
  if (!existsSync(file)) writeFileSync(file, template, { mode: 0o444 });
  return { name, sha256, bytes: template.length };
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex");

function score(machines: number, failures: number): GroupScore {
  return {
    score:
      machines === 0 ? 100 : Math.round((1 - failures / (machines * CONTROLS.length)) * 1000) / 10,
    machines,
    failures,
  };
}

export interface GeneratedLedger {
  readonly dir: string;
  readonly years: number;
  readonly nights: number;
  readonly entries: number;
  readonly objects: number;
  readonly objectBytes: number;
}

/**
 * Writes a ledger of `years` × 365 nights into `dir` (which must not hold one), straight to the
 * files (entries chained exactly as appendEntry writes them), without fsync.
 */
export function generateLedger(dir: string, years: number): GeneratedLedger {
  const nights = Math.round(years * 365);
  const files = ledgerFiles(dir);
  if (existsSync(files.entries)) throw new Error(`${dir} already holds a ledger`);
  for (let i = 0; i < 256; i++)
    mkdirSync(path.join(files.objects, i.toString(16).padStart(2, "0")), { recursive: true });
  const machines = fleet();
  const next = random(16);
  const templates = {
    check: templateOf(CHECK_REPORT_BYTES, 1),
    collect: templateOf(COLLECT_REPORT_BYTES, 2),
    run: templateOf(RUN_SUMMARY_BYTES, 3),
    journal: templateOf(DRILL_JOURNAL_BYTES, 4),
    drill: templateOf(DRILL_REPORT_BYTES, 5),
  };
  // Failing machines change slowly: a few recover and a few start failing each night, around a
  // share that drifts between 3% and 8% over the years.
  const failing = new Map<string, string[]>();
  let seq = 0;
  let prev = GENESIS;
  let objects = 0;
  let objectBytes = 0;
  const fd = openSync(files.entries, "w", 0o644);
  let pending: string[] = [];
  const flush = () => {
    writeSync(fd, pending.join(""));
    pending = [];
  };
  const append = (draft: EntryDraft, recordedAt: number) => {
    seq++;
    const unhashed = {
      seq,
      prev,
      recordedAt: new Date(recordedAt).toISOString(),
      tool: { name: "stronghold" as const, version: "0.1.0" },
      ...draft,
    };
    const hash = entryHash(unhashed);
    pending.push(`${JSON.stringify({ ...unhashed, hash })}\n`);
    prev = hash;
    for (const a of draft.artifacts) {
      objects++;
      objectBytes += a.bytes;
    }
    if (pending.length >= 256) flush();
  };
  const inputs = [
    { role: "baseline", name: "security", sha256: digest("security 1.0.0") },
    { role: "baseline", name: "acceptable-use", sha256: digest("acceptable-use 1.0.0") },
    { role: "baseline", name: "lifecycle", sha256: digest("lifecycle 1.0.0") },
    { role: "overlay", name: "overlay.yaml", sha256: digest("overlay") },
  ];
  try {
    for (let night = 0; night < nights; night++) {
      const start = FIRST_NIGHT + night * DAY;
      const day = new Date(start).toISOString().slice(0, 10);
      const run = `${day}T02-00-00Z`;
      const stamp = `night ${night} ${day}`;

      const unreachable = Math.floor(next() * 6);
      const failed: Record<string, string> = {};
      for (let i = 0; i < unreachable; i++)
        failed[machines[Math.floor(next() * machines.length)]!.name] =
          next() < 0.8 ? "unreachable" : "auth-failed";
      const collect: CollectEntryMetrics = {
        hosts: MACHINES,
        ok: MACHINES - Object.keys(failed).length,
        failed,
      };
      append(
        {
          kind: "collect",
          at: new Date(start).toISOString(),
          subject: "Town of Millbrook",
          verdict: "passed",
          inputs: [
            {
              role: "hosts",
              name: "hosts.yaml",
              sha256: digest(`hosts ${Math.floor(night / 30)}`),
            },
          ],
          metrics: { ...collect },
          frameworks: { cis: ["1.1", "2.1"], csf: ["ID.AM-01", "ID.AM-02"] },
          artifacts: [writeArtifact(dir, "collection-report.json", templates.collect, stamp)],
          run,
        },
        start + 18 * 60_000,
      );

      const target = 0.055 + 0.025 * Math.sin((2 * Math.PI * night) / 700);
      for (const name of [...failing.keys()]) if (next() < 0.08) failing.delete(name);
      while (failing.size < target * MACHINES) {
        const m = machines[Math.floor(next() * machines.length)]!;
        const controls = new Set<string>();
        const n = 1 + Math.floor(next() * 3);
        while (controls.size < n) controls.add(CONTROLS[Math.floor(next() * CONTROLS.length)]!);
        failing.set(m.name, [...controls].sort());
      }
      const byName = new Map(machines.map((m) => [m.name, m]));
      const failingMachines: Record<string, FailingMachine> = {};
      let failures = 0;
      for (const [name, controls] of [...failing].sort(([a], [b]) => a.localeCompare(b))) {
        const m = byName.get(name)!;
        failingMachines[name] = { department: m.department, site: m.site, controls };
        failures += controls.length;
      }
      const group = (key: "department" | "site") => {
        const out: Record<string, GroupScore> = {};
        for (const value of [...new Set(machines.map((m) => m[key]))].sort()) {
          const members = machines.filter((m) => m[key] === value);
          const f = members.reduce((s, m) => s + (failing.get(m.name)?.length ?? 0), 0);
          out[value] = score(members.length, f);
        }
        return out;
      };
      const results = MACHINES * CONTROLS.length;
      const check: CheckEntryMetrics = {
        score: score(MACHINES, failures).score,
        gatePassed: failures / results < 0.01,
        machines: MACHINES,
        counts: {
          pass: results - failures - 40 - 120,
          fail: failures,
          waived: 40,
          "not-applicable": 120,
          error: 0,
        },
        byDepartment: group("department"),
        bySite: group("site"),
        failingMachines,
        waiversExpiring:
          night % 90 < 30
            ? [
                {
                  control: "sec-os-supported",
                  scope: "host:pd-ws-017",
                  expires: new Date(start + (30 - (night % 90)) * DAY).toISOString().slice(0, 10),
                },
              ]
            : [],
      };
      append(
        {
          kind: "check",
          at: new Date(start + 20 * 60_000).toISOString(),
          subject: "Town of Millbrook",
          verdict: check.gatePassed ? "passed" : "failed",
          inputs: [
            { role: "machines", name: "machines/", sha256: digest(`machines ${night}`) },
            ...inputs,
          ],
          metrics: { ...check },
          frameworks: {
            cis: ["4.1", "4.7", "5.2", "7.3", "10.1"],
            csf: ["PR.PS-01", "PR.AA-01", "ID.RA-01"],
          },
          artifacts: [writeArtifact(dir, "stronghold-report.json", templates.check, stamp)],
          run,
        },
        start + 25 * 60_000,
      );

      if (new Date(start).getUTCDay() === 0) {
        const week = Math.floor(night / 7);
        const [runbook, systems] = RUNBOOKS[week % RUNBOOKS.length]!;
        const passed = next() > 0.06;
        const rtoTarget = 4 * 3600;
        const achieved = Math.round(rtoTarget * (0.3 + next() * (passed ? 0.6 : 0.9)));
        const drill: DrillEntryMetrics = {
          runId: `${day}T03-00-00Z-${runbook}`,
          scenario: runbook,
          systems,
          rto: { targetSeconds: rtoTarget, achievedSeconds: achieved, met: achieved <= rtoTarget },
          rpo: {
            targetSeconds: 86_400,
            achievedSeconds: 3_600 + Math.floor(next() * 20_000),
            met: true,
          },
          verified: { files: 20_000 + Math.floor(next() * 5_000), bytes: 9_800_000_000 },
          ...(passed
            ? {}
            : { failedAt: "verify-restore", reasons: ["3 files differ from the manifest"] }),
        };
        append(
          {
            kind: "drill",
            at: new Date(start + 60 * 60_000).toISOString(),
            subject: runbook,
            verdict: passed ? "passed" : "failed",
            inputs: [{ role: "runbook", name: runbook, sha256: digest(`${runbook} 1`) }],
            metrics: { ...drill },
            frameworks: { cis: ["11.5"], csf: ["PR.DS-11", "RC.RP-03"] },
            artifacts: [
              writeArtifact(dir, "journal.jsonl", templates.journal, `${stamp} drill`),
              writeArtifact(dir, "report.md", templates.drill, `${stamp} drill`),
            ],
            run,
          },
          start + 3 * 3600_000,
        );
      }

      const runMetrics: RunEntryMetrics = {
        day,
        exitCode: check.gatePassed ? 0 : 1,
        stages: {
          collect: "passed",
          check: check.gatePassed ? "passed" : "failed",
          drill: "passed",
        },
        regressions: Math.floor(next() * 3),
        recoveries: Math.floor(next() * 3),
      };
      append(
        {
          kind: "run",
          at: new Date(start).toISOString(),
          subject: "Town of Millbrook",
          verdict: runMetrics.exitCode === 0 ? "passed" : "failed",
          inputs: [
            { role: "workspace", name: "stronghold.yaml", sha256: digest("stronghold.yaml") },
          ],
          metrics: { ...runMetrics },
          frameworks: { cis: [], csf: [] },
          artifacts: [writeArtifact(dir, "run-summary.json", templates.run, stamp)],
          run,
        },
        start + 3.5 * 3600_000,
      );
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { dir, years, nights, entries: seq, objects, objectBytes };
}

/** A ledger's first `nights` nights, cut from a longer generated one; objects are hard links. */
function cutLedger(from: string, dir: string, nights: number): void {
  const last = new Date(FIRST_NIGHT + nights * DAY).toISOString().slice(0, 10);
  const lines = readFileSync(ledgerFiles(from).entries, "utf8").split("\n");
  const kept: string[] = [];
  for (const line of lines) {
    if (line === "") continue;
    const entry = JSON.parse(line) as { at: string; artifacts: EntryArtifact[] };
    if (entry.at.slice(0, 10) >= last) break;
    kept.push(line);
    for (const a of entry.artifacts) {
      const target = objectPath(dir, a.sha256);
      mkdirSync(path.dirname(target), { recursive: true });
      if (!existsSync(target)) linkSync(objectPath(from, a.sha256), target);
    }
  }
  writeFileSync(ledgerFiles(dir).entries, kept.map((l) => `${l}\n`).join(""));
}

interface Marker {
  readonly generator: string;
  readonly ledger: GeneratedLedger;
}

const markerOf = (dir: string) => path.join(dir, "generated.json");

function readMarker(dir: string): Marker | undefined {
  try {
    const marker = JSON.parse(readFileSync(markerOf(dir), "utf8")) as Marker;
    return marker.generator === GENERATOR ? marker : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cached generated ledger of `years` years (under bench/out/), made when missing: cut from a
 * longer cached one when there is one, generated otherwise. Its folder also holds generated.json.
 */
export function cachedLedger(
  years: number,
  cache = LEDGER_CACHE,
): GeneratedLedger & { cached: boolean } {
  const folder = path.join(cache, `evidence-ledger-${years}y`);
  const dir = path.join(folder, "ledger");
  const marker = readMarker(folder);
  if (marker !== undefined) return { ...marker.ledger, dir, cached: true };
  rmSync(folder, { recursive: true, force: true });
  const building = `${folder}.building`;
  rmSync(building, { recursive: true, force: true });
  const buildDir = path.join(building, "ledger");
  mkdirSync(buildDir, { recursive: true });
  const longer = [10, 5, 3, 2]
    .filter((y) => y > years)
    .map((y) => ({ y, marker: readMarker(path.join(cache, `evidence-ledger-${y}y`)) }))
    .find((l) => l.marker !== undefined);
  let ledger: GeneratedLedger;
  if (longer !== undefined) {
    const nights = Math.round(years * 365);
    cutLedger(path.join(cache, `evidence-ledger-${longer.y}y`, "ledger"), buildDir, nights);
    const lines = readFileSync(ledgerFiles(buildDir).entries, "utf8").trimEnd().split("\n");
    let objects = 0;
    let objectBytes = 0;
    for (const line of lines)
      for (const a of (JSON.parse(line) as { artifacts: EntryArtifact[] }).artifacts) {
        objects++;
        objectBytes += a.bytes;
      }
    ledger = { dir: buildDir, years, nights, entries: lines.length, objects, objectBytes };
  } else ledger = generateLedger(buildDir, years);
  writeFileSync(
    markerOf(building),
    `${JSON.stringify({ generator: GENERATOR, ledger }, null, 2)}\n`,
  );
  renameSync(building, folder);
  return { ...ledger, dir, cached: false };
}
