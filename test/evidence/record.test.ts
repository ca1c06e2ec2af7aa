// The record-* functions: what each kind of work becomes as a ledger entry. Table-driven: a
// happy-path record per kind, then one field changed per case.
import { expect } from "chai";
import type { EntryDraft } from "../../src/evidence/entry.js";
import {
  recordCheck,
  waiversExpiring,
  type CheckReportView,
} from "../../src/evidence/record-check.js";
import { recordCollect, type CollectionReportView } from "../../src/evidence/record-collect.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { appendEntry, drillEntryOfRun, ledgerFiles } from "../../src/evidence/ledger.js";
import {
  recordDrill,
  recordKilledDrill,
  type DrillRunView,
} from "../../src/evidence/record-drill.js";
import { recordInfraPlan, type StackPlanView } from "../../src/evidence/record-infra-plan.js";
import { recordRun, type RunSummaryView } from "../../src/evidence/record-run.js";
import type {
  CheckEntryMetrics,
  CollectEntryMetrics,
  DrillEntryMetrics,
  InfraPlanEntryMetrics,
  RunEntryMetrics,
} from "../../src/evidence/metrics.js";

const INPUT = { role: "machine", name: "machines/fs01.json", sha256: "a".repeat(64) };
const ARTIFACT = { name: "stronghold-report.json", sha256: "b".repeat(64), bytes: 10 };
const COUNTS = { pass: 5, fail: 2, waived: 1, "not-applicable": 0, error: 0 };

const report = (over: Partial<CheckReportView> = {}): CheckReportView => ({
  at: "2026-06-30T02:15:00.000Z",
  controls: [
    { id: "sec-a", references: { cisControls: ["4.1", "10.1"], csf: ["PR.PS-01"] } },
    { id: "sec-b", references: { cisControls: ["4.1", "3.6"], csf: ["PR.DS-01"] } },
    { id: "life-c", references: {} },
  ],
  subjects: [
    {
      subject: "fs01",
      kind: "machine",
      department: "clerk",
      site: "town-hall",
      results: [
        { control: "sec-a", status: "fail" },
        { control: "sec-b", status: "pass" },
      ],
    },
    {
      subject: "pd-ws-01",
      kind: "machine",
      department: "police",
      site: "station",
      results: [
        { control: "sec-b", status: "fail" },
        { control: "sec-a", status: "fail" },
      ],
    },
    {
      subject: "dpw-ws-02",
      kind: "machine",
      department: "public-works",
      site: "garage",
      results: [{ control: "sec-a", status: "pass" }],
    },
  ],
  problems: [],
  scores: {
    fleet: { score: 71.4, counts: COUNTS },
    byDepartment: { clerk: { score: 50 }, police: { score: 0 }, "public-works": { score: 100 } },
    bySite: { "town-hall": { score: 50 }, station: { score: 0 }, garage: { score: 100 } },
  },
  gate: { passed: false },
  ...over,
});

describe("recordCheck: the fleet's compliance on the day", () => {
  const base = {
    report: report(),
    town: "Town of Millbrook",
    waivers: [
      { control: "sec-smbv1-disabled", scope: { host: "pd-scan-01" }, expires: "2026-07-15" },
      { control: "sec-screen-lock", scope: { department: "police" }, expires: "2027-06-30" },
      { control: "sec-os-supported", scope: { host: "dpw-ws-04" }, expires: "2026-06-29" },
      { control: "sec-x", scope: { role: "kiosk" }, expires: "2026-07-30" },
    ],
    inputs: [INPUT],
    artifacts: [ARTIFACT],
  };
  const entry = recordCheck(base);
  const metrics = entry.metrics as unknown as CheckEntryMetrics;

  it("names the kind, time, town, inputs and artifacts as given", () => {
    expect(entry).to.include({ kind: "check", at: "2026-06-30T02:15:00.000Z" });
    expect(entry.subject).to.equal("Town of Millbrook");
    expect(entry.inputs).to.deep.equal([INPUT]);
    expect(entry.artifacts).to.deep.equal([ARTIFACT]);
    expect(entry).to.not.have.property("run");
  });
  it("takes the score, gate and counts from the report", () => {
    expect(metrics).to.include({ score: 71.4, gatePassed: false, machines: 3 });
    expect(metrics.counts).to.deep.equal(COUNTS);
  });
  it("counts machines and failing results per department and site", () => {
    expect(metrics.byDepartment).to.deep.equal({
      clerk: { score: 50, machines: 1, failures: 1 },
      police: { score: 0, machines: 1, failures: 2 },
      "public-works": { score: 100, machines: 1, failures: 0 },
    });
    expect(metrics.bySite.station).to.deep.equal({ score: 0, machines: 1, failures: 2 });
  });
  it("lists each failing machine with its sorted controls; passing machines are absent", () => {
    expect(metrics.failingMachines).to.deep.equal({
      fs01: { department: "clerk", site: "town-hall", controls: ["sec-a"] },
      "pd-ws-01": { department: "police", site: "station", controls: ["sec-a", "sec-b"] },
    });
  });
  it("lists the waivers expiring within 30 days of the check, not expired or later ones", () => {
    expect(metrics.waiversExpiring).to.deep.equal([
      { control: "sec-smbv1-disabled", scope: "host pd-scan-01", expires: "2026-07-15" },
      { control: "sec-x", scope: "role kiosk", expires: "2026-07-30" },
    ]);
  });
  it("maps to the safeguards of every evaluated control, each once, in order", () => {
    expect(entry.frameworks).to.deep.equal({
      cis: ["3.6", "4.1", "10.1"],
      csf: ["PR.DS-01", "PR.PS-01"],
    });
  });

  const verdicts: [string, Partial<CheckReportView>, string][] = [
    ["gate failed", {}, "failed"],
    ["gate passed", { gate: { passed: true } }, "passed"],
    ["input problems", { problems: [{ file: "x" }], gate: { passed: true } }, "error"],
  ];
  for (const [name, over, verdict] of verdicts)
    it(`verdict ${verdict} when ${name}`, () => {
      expect(recordCheck({ ...base, report: report(over) }).verdict).to.equal(verdict);
    });
  it("carries the run folder name when it ran as a stage", () => {
    expect(recordCheck({ ...base, run: "2026-06-30T02-15-00Z" }).run).to.equal(
      "2026-06-30T02-15-00Z",
    );
  });
  it("a waiver expiring on the check's day is still listed; the day after 30 days is not", () => {
    const at = new Date("2026-06-30T23:00:00Z");
    const w = (expires: string) => ({ control: "c", scope: { host: "h" }, expires });
    expect(
      waiversExpiring([w("2026-06-30"), w("2026-07-30"), w("2026-07-31")], at).map(
        (x) => x.expires,
      ),
    ).to.deep.equal(["2026-06-30", "2026-07-30"]);
  });
});

describe("recordCollect: which hosts answered", () => {
  const collection = (over: Partial<CollectionReportView> = {}): CollectionReportView => ({
    startedAt: "2026-06-30T02:15:03.000Z",
    summary: { hosts: 3, ok: 2, failed: 1 },
    hosts: [
      { name: "fs01", outcome: "ok" },
      { name: "dr01", outcome: "ok" },
      { name: "pw-ws07", outcome: "unreachable" },
    ],
    ...over,
  });
  const frameworks = { cis: ["1.1"], csf: ["ID.AM-01"] };
  const base = {
    report: collection(),
    town: "T",
    inputs: [INPUT],
    artifacts: [ARTIFACT],
    frameworks,
  };
  const cases: [
    string,
    Partial<Parameters<typeof recordCollect>[0]>,
    Partial<EntryDraft>,
    CollectEntryMetrics,
  ][] = [
    [
      "a host failed",
      {},
      { verdict: "failed", at: "2026-06-30T02:15:03.000Z" },
      { hosts: 3, ok: 2, failed: { "pw-ws07": "unreachable" } },
    ],
    [
      "every host collected, in a simulated night",
      {
        report: collection({
          summary: { hosts: 1, ok: 1, failed: 0 },
          hosts: [{ name: "fs01", outcome: "ok" }],
        }),
        at: "2026-06-27T02:15:00Z",
        run: "2026-06-27T02-15-00Z",
      },
      { verdict: "passed", at: "2026-06-27T02:15:00.000Z", run: "2026-06-27T02-15-00Z" },
      { hosts: 1, ok: 1, failed: {} },
    ],
    [
      "an inventory without hosts",
      { report: collection({ summary: { hosts: 0, ok: 0, failed: 0 }, hosts: [] }) },
      { verdict: "error" },
      { hosts: 0, ok: 0, failed: {} },
    ],
  ];
  for (const [name, over, expected, metrics] of cases)
    it(name, () => {
      const entry = recordCollect({ ...base, ...over });
      expect(entry).to.include({ kind: "collect", subject: "T", ...expected });
      expect(entry.metrics).to.deep.equal(metrics);
      expect(entry.frameworks).to.deep.equal(frameworks);
    });
});

describe("recordDrill: one drill run", () => {
  const drill = (over: Partial<DrillRunView> = {}): DrillRunView => ({
    runId: "2026-06-30T02-16-00Z-restore-test",
    runbook: { id: "restore-test", title: "The production backup restores" },
    startedAt: "2026-12-05T20:00:00.000Z",
    targets: [{ host: "dr01" }, { host: "fs01" }, { host: "dr01" }],
    metrics: {
      rto: { targetSeconds: 14400, achievedSeconds: 12.5, met: true },
      rpo: { targetSeconds: 86400, achievedSeconds: 3600, met: true },
      verified: { files: 301, bytes: 190_000_000 },
    },
    verdict: { status: "passed" },
    ...over,
  });
  const frameworks = { cis: ["11.5"], csf: ["PR.DS-11", "RC.RP-03"] };
  const base = { run: drill(), inputs: [INPUT], artifacts: [ARTIFACT], frameworks };
  it("a passing drill: systems, RTO, RPO, verified files, no failure", () => {
    const entry = recordDrill(base);
    expect(entry).to.include({ kind: "drill", subject: "restore-test", verdict: "passed" });
    expect(entry.at).to.equal("2026-12-05T20:00:00.000Z");
    const expected: DrillEntryMetrics = {
      runId: "2026-06-30T02-16-00Z-restore-test",
      scenario: "The production backup restores",
      systems: ["dr01", "fs01"],
      rto: { targetSeconds: 14400, achievedSeconds: 12.5, met: true },
      rpo: { targetSeconds: 86400, achievedSeconds: 3600, met: true },
      verified: { files: 301, bytes: 190_000_000 },
    };
    expect(entry.metrics).to.deep.equal(expected);
    expect(entry.frameworks).to.deep.equal(frameworks);
  });
  it("a failed drill keeps the safeguards it would evidence; its verdict says it does not", () => {
    const entry = recordDrill({
      ...base,
      run: drill({
        metrics: { rto: { targetSeconds: 60 }, verified: { files: 0, bytes: 0 } },
        verdict: { status: "failed", failedAt: "check", reasons: ["Pack ID does not match"] },
      }),
      at: "2026-06-28T02:15:00Z",
      nightly: "2026-06-28T02-15-00Z",
    });
    expect(entry).to.include({
      verdict: "failed",
      at: "2026-06-28T02:15:00.000Z",
      run: "2026-06-28T02-15-00Z",
    });
    expect(entry.metrics).to.deep.include({
      failedAt: "check",
      reasons: ["Pack ID does not match"],
      rto: { targetSeconds: 60 },
    });
    expect(entry.metrics).to.not.have.property("rpo");
    expect(entry.frameworks).to.deep.equal(frameworks);
  });
});

describe("recordKilledDrill: a run killed before its cleanup, recorded by drill recover", () => {
  const frameworks = { cis: ["11.5"], csf: ["PR.DS-11", "RC.RP-03"] };
  const killed = {
    run: {
      runId: "2026-12-05T02-16-00Z-file-deletion",
      runbook: { id: "file-deletion", title: "Deleted files come back from the offsite backup" },
      startedAt: "2026-12-05T02:16:00Z",
      hosts: ["fs01", "dr01", "fs01"],
      rtoMinutes: 240,
      rpoMinutes: 1440,
    },
    foundOn: "fs01",
    recoveredAt: "2026-12-06T02:00:05.000Z",
    inputs: [INPUT],
    artifacts: [ARTIFACT],
    frameworks,
    nightly: "2026-12-06T02-00-00Z",
  };
  it("is an interrupted drill at the run's start: targets without figures, nothing verified", () => {
    const entry = recordKilledDrill(killed);
    expect(entry).to.include({
      kind: "drill",
      subject: "file-deletion",
      verdict: "interrupted",
      at: "2026-12-05T02:16:00.000Z",
      run: "2026-12-06T02-00-00Z",
    });
    const expected: DrillEntryMetrics = {
      runId: "2026-12-05T02-16-00Z-file-deletion",
      scenario: "Deleted files come back from the offsite backup",
      systems: ["dr01", "fs01"],
      rto: { targetSeconds: 14_400 },
      rpo: { targetSeconds: 86_400 },
      verified: { files: 0, bytes: 0 },
      reasons: [
        "the run stopped before its cleanup (killed, or its machine went down); drill recover found its journal on fs01 and put the originals back, verified, at 2026-12-06T02:00:05.000Z",
      ],
    };
    expect(entry.metrics).to.deep.equal(expected);
    expect(entry.frameworks).to.deep.equal(frameworks);
    expect(entry.artifacts).to.deep.equal([ARTIFACT]);
  });

  it("finds a run's own entry in the ledger, past other kinds and damaged lines", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-ledger-"));
    try {
      expect(drillEntryOfRun(dir, killed.run.runId)).to.equal(undefined);
      const own = recordKilledDrill(killed);
      appendEntry(dir, { ...own, kind: "check", metrics: { runId: killed.run.runId } });
      appendEntry(dir, { ...own, metrics: { ...own.metrics, runId: "another-run" } });
      expect(drillEntryOfRun(dir, killed.run.runId)).to.equal(undefined);
      appendEntry(dir, own);
      writeFileSync(ledgerFiles(dir).entries, `{"damaged": "${killed.run.runId}"\n`, {
        flag: "a",
      });
      expect(drillEntryOfRun(dir, killed.run.runId)).to.equal(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("recordInfraPlan: one stack's plan", () => {
  const plan = (over: Partial<StackPlanView> = {}): StackPlanView => ({
    stack: "prod",
    resourceCount: 42,
    verdict: {
      blocked: false,
      violations: [
        { policy: "s3-lifecycle", enforcementLevel: "advisory" },
        { policy: "s3-lifecycle", enforcementLevel: "advisory" },
      ],
    },
    ...over,
  });
  const base = {
    plan: plan(),
    at: "2026-06-30T02:15:00Z",
    inputs: [INPUT],
    artifacts: [ARTIFACT],
    frameworks: { cis: ["11.3"], csf: [] },
  };
  const cases: [string, StackPlanView, string, InfraPlanEntryMetrics][] = [
    [
      "advisory notes only",
      plan(),
      "passed",
      { resources: 42, violations: { mandatory: 0, advisory: 2 }, violated: ["s3-lifecycle"] },
    ],
    [
      "a mandatory violation, with a cost estimate",
      plan({
        cost: { totalUsd: 123.45 },
        verdict: {
          blocked: true,
          violations: [{ policy: "s3-object-lock", enforcementLevel: "mandatory" }],
        },
      }),
      "failed",
      {
        resources: 42,
        violations: { mandatory: 1, advisory: 0 },
        violated: ["s3-object-lock"],
        monthlyCostUsd: 123.45,
      },
    ],
  ];
  for (const [name, p, verdict, metrics] of cases)
    it(name, () => {
      const entry = recordInfraPlan({ ...base, plan: p });
      expect(entry).to.include({ kind: "infra-plan", subject: "prod", verdict });
      expect(entry.metrics).to.deep.equal(metrics);
    });
});

describe("recordRun: the nightly run, last of its entries", () => {
  const summary = (over: Partial<RunSummaryView> = {}): RunSummaryView => ({
    town: "Town of Millbrook",
    startedAt: "2026-06-30T02:15:00.000Z",
    day: "2026-06-29",
    stages: [
      { stage: "recover", status: "passed" },
      { stage: "check", status: "failed" },
    ],
    comparison: { regressions: ["a", "b"], recoveries: ["c"] },
    exitCode: 1,
    ...over,
  });
  const cases: [string, RunSummaryView, string, RunEntryMetrics][] = [
    [
      "a failed stage",
      summary(),
      "failed",
      {
        day: "2026-06-29",
        exitCode: 1,
        stages: { recover: "passed", check: "failed" },
        regressions: 2,
        recoveries: 1,
      },
    ],
    [
      "a clean night",
      summary({ exitCode: 0, comparison: { regressions: [], recoveries: [] } }),
      "passed",
      {
        day: "2026-06-29",
        exitCode: 0,
        stages: { recover: "passed", check: "failed" },
        regressions: 0,
        recoveries: 0,
      },
    ],
    [
      "stopped by SIGTERM",
      summary({ interrupted: "SIGTERM" }),
      "interrupted",
      {
        day: "2026-06-29",
        exitCode: 1,
        stages: { recover: "passed", check: "failed" },
        regressions: 2,
        recoveries: 1,
        interrupted: "SIGTERM",
      },
    ],
  ];
  for (const [name, s, verdict, metrics] of cases)
    it(name, () => {
      const entry = recordRun({
        summary: s,
        name: "2026-06-30T02-15-00Z",
        inputs: [],
        artifacts: [ARTIFACT],
      });
      expect(entry).to.include({
        kind: "run",
        verdict,
        run: "2026-06-30T02-15-00Z",
        subject: "Town of Millbrook",
      });
      expect(entry.metrics).to.deep.equal(metrics);
      expect(entry.frameworks).to.deep.equal({ cis: [], csf: [] });
    });
});
