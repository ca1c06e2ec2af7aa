/**
 * Times the evidence dashboard on a 10-year ledger of a 500-machine town: nightly collect, check
 * (about a third of the machines failing one to four controls), drill, infra plan and run
 * entries, 18,250 in all, and a 500-machine check JSON report for the last night. The entries are
 * written as appendEntry writes them (same fields, chain and hashes), in one pass instead of
 * 18,250 locked and fsynced appends. Prints the time of buildDashboardModel, of renderDashboard,
 * and of `stronghold report html` end to end through bin/stronghold.js (the bundle after
 * `npm run build`).
 *
 *   npx tsx bench/evidence-dashboard.ts [years=10] [machines=500]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDashboardModel } from "../src/evidence/dashboard/build-model.js";
import { renderDashboard } from "../src/evidence/dashboard/render.js";
import { GENESIS, type EntryDraft, type LedgerEntry } from "../src/evidence/entry.js";
import { entryHash, ledgerFiles, storeContent } from "../src/evidence/ledger.js";
import type { CheckEntryMetrics, FailingMachine } from "../src/evidence/metrics.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const years = Number(process.argv[2] ?? 10);
const machines = Number(process.argv[3] ?? 500);
const nights = Math.round(years * 365);
const DEPARTMENTS = [
  "town-hall",
  "police",
  "fire",
  "public-works",
  "library",
  "finance",
  "parks",
  "clerk",
];
const SITES = ["town-hall", "police-station", "fire-station", "dpw-garage", "main-library"];
const CONTROLS = Array.from({ length: 40 }, (_, i) => `ctl-${String(i).padStart(2, "0")}`);
const RUNBOOKS = ["file-deletion", "ransomware", "site-loss", "backup-integrity"];

/** A seeded generator (mulberry32), so every run measures the same ledger. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(16);
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
const host = (i: number) => `ws-${String(i).padStart(4, "0")}`;

function checkMetrics(): CheckEntryMetrics {
  const failing: Record<string, FailingMachine> = {};
  const groups = (names: readonly string[]) =>
    Object.fromEntries(
      names.map((n) => [n, { score: 60 + rand() * 40, machines: 0, failures: 0 }]),
    );
  for (let i = 0; i < machines; i++) {
    if (rand() > 0.35) continue;
    const controls = [
      ...new Set(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(CONTROLS))),
    ].sort();
    failing[host(i)] = { department: DEPARTMENTS[i % 8]!, site: SITES[i % 5]!, controls };
  }
  return {
    score: 70 + rand() * 30,
    gatePassed: rand() > 0.3,
    machines,
    counts: { pass: machines * 30, fail: 400, waived: 12, "not-applicable": 900, error: 0 },
    byDepartment: groups(DEPARTMENTS),
    bySite: groups(SITES),
    failingMachines: failing,
    waiversExpiring: [{ control: "ctl-03", scope: "host ws-0001", expires: "2036-01-10" }],
  };
}

/** A schemaVersion 3 check report for the last night: every failing machine with its evidence. */
function reportJson(metrics: CheckEntryMetrics, at: string): string {
  return JSON.stringify({
    schemaVersion: 3,
    tool: { name: "stronghold", version: "0.1.0" },
    at,
    baselines: [],
    controls: CONTROLS.map((id) => ({
      id,
      baseline: "town",
      title: `Control ${id} holds`,
      severity: pick(["low", "medium", "high", "critical"]),
      rationale: "Because.",
      remediation: `Set the value ${id} checks through the group policy, then collect again.`,
      references: {},
      appliesTo: {},
      parameters: {},
      checkKind: "schema",
    })),
    coverage: {},
    notApplicable: [],
    subjects: Array.from({ length: machines }, (_, i) => {
      const f = metrics.failingMachines[host(i)];
      return {
        subject: host(i),
        kind: "machine",
        department: DEPARTMENTS[i % 8],
        site: SITES[i % 5],
        role: "workstation",
        results: (f?.controls ?? []).map((control) => ({
          control,
          status: "fail",
          evidence: [{ pointer: `/security/${control}`, actual: false, expected: "true" }],
        })),
      };
    }),
    problems: [],
    warnings: [],
    scores: {},
    gate: { failOn: "high", minScore: 80, passed: metrics.gatePassed, reasons: [] },
  });
}

function generate(dir: string): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const start = Date.parse("2016-07-01T00:00:00Z");
  const old = storeContent(dir, "stronghold-report.json", reportJson(checkMetrics(), "2016-07-01"));
  const lines: string[] = [];
  let prev = GENESIS;
  let seq = 0;
  const add = (draft: EntryDraft) => {
    seq += 1;
    const unhashed: Omit<LedgerEntry, "hash"> = {
      seq,
      prev,
      recordedAt: new Date(Date.parse(draft.at) + 1000).toISOString(),
      tool: { name: "stronghold", version: "0.1.0" },
      ...draft,
    };
    const entry: LedgerEntry = { ...unhashed, hash: entryHash(unhashed) };
    lines.push(JSON.stringify(entry));
    prev = entry.hash;
  };
  for (let n = 0; n < nights; n++) {
    const day = new Date(start + n * 86_400_000).toISOString().slice(0, 10);
    const at = (h: number) => `${day}T0${h}:00:00.000Z`;
    const run = `${day}T020000Z`;
    const base = { inputs: [{ role: "machines", name: "machines/", sha256: "b".repeat(64) }], run };
    const unreachable =
      rand() < 0.05 ? { [host(Math.floor(rand() * machines))]: "unreachable" } : {};
    add({
      ...base,
      kind: "collect",
      at: at(2),
      subject: "millbrook",
      verdict: Object.keys(unreachable).length > 0 ? "failed" : "passed",
      metrics: {
        hosts: machines,
        ok: machines - Object.keys(unreachable).length,
        failed: unreachable,
      },
      frameworks: { cis: ["1.1", "2.1"], csf: ["ID.AM-01", "ID.AM-02"] },
      artifacts: [],
    });
    const metrics = checkMetrics();
    const last = n === nights - 1;
    add({
      ...base,
      kind: "check",
      at: at(3),
      subject: "millbrook",
      verdict: metrics.gatePassed ? "passed" : "failed",
      metrics: metrics as unknown as Record<string, unknown>,
      frameworks: { cis: ["3.6", "4.1", "4.3", "5.2", "10.1"], csf: ["PR.DS-01", "PR.PS-01"] },
      artifacts: [
        last ? storeContent(dir, "stronghold-report.json", reportJson(metrics, at(3))) : old,
      ],
    });
    const runbook = RUNBOOKS[n % 4]!;
    const achieved = 900 + rand() * 3600;
    add({
      ...base,
      kind: "drill",
      at: at(4),
      subject: runbook,
      verdict: achieved <= 3600 ? "passed" : "failed",
      metrics: {
        runId: `${day}-${runbook}`,
        scenario: runbook,
        systems: [pick(["clerk-fs01", "police-fs01", "dpw-fs01"])],
        rto: { targetSeconds: 3600, achievedSeconds: achieved, met: achieved <= 3600 },
        rpo: { targetSeconds: 86_400, achievedSeconds: 3600 + rand() * 7200, met: true },
        verified: { files: 20_000, bytes: 2e9 },
      },
      frameworks: { cis: ["11.2", "11.5"], csf: ["PR.DS-11", "RC.RP-03"] },
      artifacts: [{ name: "journal.jsonl", sha256: "f".repeat(64), bytes: 1000 }],
    });
    add({
      ...base,
      kind: "infra-plan",
      at: at(5),
      subject: "prod",
      verdict: "passed",
      metrics: {
        resources: 23,
        violations: { mandatory: 0, advisory: 0 },
        violated: [],
        monthlyCostUsd: 40 + n / 100,
      },
      frameworks: { cis: ["11.4"], csf: ["PR.DS-11"] },
      artifacts: [],
    });
    add({
      ...base,
      kind: "run",
      at: at(6),
      subject: "millbrook",
      verdict: "passed",
      metrics: { day, exitCode: 0, stages: {}, regressions: 0, recoveries: 0 },
      frameworks: { cis: [], csf: [] },
      artifacts: [],
    });
  }
  writeFileSync(ledgerFiles(dir).entries, `${lines.join("\n")}\n`);
  return seq;
}

const dir = path.join(root, "bench", "out", `evidence-dashboard-${years}y-${machines}`);
if (!existsSync(ledgerFiles(dir).entries)) {
  console.log(`writing ${years} years × ${machines} machines to ${dir}`);
  console.log(`${generate(dir)} entries`);
}
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
console.log(`entries.jsonl ${mib(statSync(ledgerFiles(dir).entries).size)}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const model: number[] = [];
const modelCpu: number[] = [];
const render: number[] = [];
const renderCpu: number[] = [];
let html = "";
for (let i = 0; i < 5; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const m = buildDashboardModel(dir, { at: new Date("2027-01-01T00:00:00Z") });
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  html = renderDashboard(m);
  const t2 = performance.now();
  model.push(t1 - t0);
  modelCpu.push(cpuMs(process.cpuUsage(c0)));
  render.push(t2 - t1);
  renderCpu.push(cpuMs(process.cpuUsage(c1)));
}
// Wall time counts waiting for a core on a busy machine; CPU time (all threads) does not.
console.log(
  `buildDashboardModel median of 5: ${median(model).toFixed(0)} ms wall, ${median(modelCpu).toFixed(0)} ms CPU`,
);
console.log(
  `renderDashboard     median of 5: ${median(render).toFixed(0)} ms wall, ${median(renderCpu).toFixed(0)} ms CPU; page ${mib(html.length)}`,
);

const out = path.join(dir, "..", `evidence-dashboard-${years}y-${machines}.html`);
const cli: number[] = [];
const cliCpu: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  // bash's times builtin reports the child's user and system CPU after it exits.
  const ran = spawnSync(
    "bash",
    [
      "-c",
      'node "$@" >/dev/null 2>&1 || exit 1; times',
      "bash",
      path.join(root, "bin", "stronghold.js"),
      "report",
      "html",
      "--ledger",
      dir,
      "--out",
      out,
      "--at",
      "2027-01-01",
    ],
    { encoding: "utf8" },
  );
  cli.push(performance.now() - t0);
  if (ran.status !== 0) throw new Error("stronghold report html failed");
  const children = ran.stdout.trim().split("\n")[1] ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  cliCpu.push((seconds[0]! + seconds[1]!) * 1000);
}
console.log(
  `stronghold report html (whole process) median of 3: ${median(cli).toFixed(0)} ms wall, ${median(cliCpu).toFixed(0)} ms CPU`,
);
