// buildDashboardModel over a ledger written by the real appendEntry: what each section holds as of
// a time, the check report read from objects/ (or its absence said), and damaged ledgers refused
// with their line.
import { expect } from "chai";
import { appendFileSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildDashboardModel } from "../../src/evidence/dashboard/build-model.js";
import type { DashboardModel } from "../../src/evidence/dashboard/model.js";
import { appendEntry, ledgerFiles, objectPath } from "../../src/evidence/ledger.js";
import { InputError } from "../../src/support/errors.js";
import {
  FAILED_DRILL_DAY,
  HOSTILE_MACHINE,
  LEDGER_LAST_DAY,
  buildSampleLedger,
} from "../fixtures/dashboard-ledger.js";

const SAFEGUARDS = [
  { id: "1.1", ig: 1, title: "Establish and Maintain Detailed Enterprise Asset Inventory" },
  { id: "11.2", ig: 1, title: "Perform Automated Backups" },
  { id: "11.5", ig: 2, title: "Test Data Recovery" },
  { id: "12.4", ig: 2, title: "Establish and Maintain Architecture Diagram(s)" },
  { id: "18.4", ig: 3, title: "Validate Security Measures" },
];

describe("buildDashboardModel", function () {
  this.timeout(60_000);
  let root: string;
  let ledger: string;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "dashboard-model-"));
    ledger = path.join(root, "ledger");
    buildSampleLedger(ledger);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const model = (at: string, extra = {}) =>
    buildDashboardModel(ledger, {
      at: new Date(at),
      now: new Date("2026-07-01T00:00:00Z"),
      safeguards: SAFEGUARDS,
      ...extra,
    });
  const endOfLastDay = `${LEDGER_LAST_DAY}T23:00:00Z`;

  const cases: {
    name: string;
    at: string;
    expect: (m: DashboardModel) => void;
  }[] = [
    {
      name: "the last verified restore per system is the last passed drill naming it",
      at: endOfLastDay,
      expect: (m) => {
        expect(m.backups.systems.map((s) => s.system)).to.deep.equal(["clerk-fs01", "police-fs01"]);
        const [clerk, police] = m.backups.systems;
        expect(clerk!.lastVerified!.entry.at).to.equal(`${LEDGER_LAST_DAY}T04:00:00.000Z`);
        expect(clerk!.daysSinceVerified).to.equal(0);
        expect(police!.lastVerified!.entry.at).to.equal("2026-06-29T04:00:00.000Z");
        expect(police!.lastVerified!.rto).to.deep.equal({
          targetSeconds: 3600,
          achievedSeconds: 1480,
          met: true,
        });
        expect(m.backups.drills).to.have.length(12);
      },
    },
    {
      name: "on the day of the failed drill, the last drill failed and the last verified one is the day before",
      at: `${FAILED_DRILL_DAY}T23:00:00Z`,
      expect: (m) => {
        const clerk = m.backups.systems.find((s) => s.system === "clerk-fs01")!;
        expect(clerk.lastDrill.passed).to.equal(false);
        expect(clerk.lastDrill.failedAt).to.equal("objective rto");
        expect(clerk.lastDrill.rto?.met).to.equal(false);
        expect(clerk.lastVerified!.entry.at).to.equal("2026-06-24T04:00:00.000Z");
        expect(clerk.daysSinceVerified).to.equal(1);
      },
    },
    {
      name: "entries after --at are left out",
      at: `${FAILED_DRILL_DAY}T03:30:00Z`,
      expect: (m) => {
        expect(m.compliance.latest!.entry.at).to.equal(`${FAILED_DRILL_DAY}T03:00:00.000Z`);
        expect(m.compliance.trend).to.have.length(7);
        expect(m.backups.drills.at(-1)!.entry.at).to.equal("2026-06-24T04:00:00.000Z");
        expect(m.ledger.lastAt).to.equal(`${FAILED_DRILL_DAY}T03:00:00.000Z`);
      },
    },
    {
      name: "the failing machines carry the report's evidence, severity and remediation",
      at: endOfLastDay,
      expect: (m) => {
        const c = m.compliance;
        expect(c.latest!.evidenceFrom).to.equal("report");
        expect(c.failingMachines.map((f) => f.machine)).to.have.members([
          HOSTILE_MACHINE,
          "pc-01",
          "LAPTOP-0042",
        ]);
        const hostile = c.failingMachines.find((f) => f.machine === HOSTILE_MACHINE)!;
        expect(hostile.department).to.equal("library");
        expect(hostile.controls[0]).to.deep.include({
          control: "disk-encryption-enabled",
          severity: "critical",
          remediation: "Remediation of disk-encryption-enabled.",
        });
        expect(hostile.controls[0]!.evidence).to.deep.equal([
          { pointer: "/security/diskEncryption", actual: "unknown", expected: "true" },
          { pointer: "/security/tpm", expected: "a TPM 2.0 chip" },
        ]);
        expect(c.worstControls.map((w) => [w.control, w.machines])).to.deep.equal([
          ["disk-encryption-enabled", 2],
          ["asset-registered", 1],
        ]);
      },
    },
    {
      name: "scores by department and site come from the latest check, worst first",
      at: endOfLastDay,
      expect: (m) => {
        expect(m.compliance.byDepartment.map((g) => [g.name, g.score])).to.deep.equal([
          ["library", 10],
          ["police", 44.4],
          ["it", 100],
        ]);
        expect(m.compliance.bySite[0]).to.deep.equal({
          name: "police-station",
          score: 0,
          machines: 1,
          failures: 1,
        });
        expect(m.compliance.trend.map((p) => p.score).slice(-2)).to.deep.equal([60.3, 61.3]);
      },
    },
    {
      name: "waivers expiring carry their days left from --at",
      at: endOfLastDay,
      expect: (m) => {
        expect(m.compliance.waiversExpiring.map((w) => [w.control, w.daysLeft])).to.deep.equal([
          ["antivirus-running", 9],
          ["screen-lock-timeout", 24],
        ]);
      },
    },
    {
      name: "infrastructure shows the last plan per stack and every plan's cost",
      at: endOfLastDay,
      expect: (m) => {
        expect(m.infrastructure.plans).to.have.length(1);
        expect(m.infrastructure.plans[0]).to.deep.include({
          stack: "prod",
          mandatory: 0,
          advisory: 0,
          monthlyCostUsd: 49.75,
        });
        expect(m.infrastructure.costTrend).to.have.length(12);
      },
    },
    {
      name: "coverage: IG1 and IG2 safeguards with their latest entry in 90 days, IG3 left out",
      at: endOfLastDay,
      expect: (m) => {
        expect(m.coverage.cis.map((r) => r.id)).to.deep.equal(["1.1", "11.2", "11.5", "12.4"]);
        const byId = new Map(m.coverage.cis.map((r) => [r.id, r]));
        expect(byId.get("11.5")!.evidencedBy).to.deep.include({
          kind: "drill",
          at: `${LEDGER_LAST_DAY}T04:00:00.000Z`,
        });
        expect(byId.get("12.4")!.evidencedBy).to.equal(undefined);
        expect(byId.get("12.4")!.lastEverBy).to.equal(undefined);
        expect(m.coverage.csf.map((r) => r.id)).to.include.members(["PR.DS-11", "RC.RP-03"]);
      },
    },
    {
      name: "coverage: evidence older than 90 days is named as the last ever, not as evidence",
      at: "2026-12-01T00:00:00Z",
      expect: (m) => {
        const inventory = m.coverage.cis.find((r) => r.id === "1.1")!;
        expect(inventory.evidencedBy).to.equal(undefined);
        expect(inventory.lastEverBy!.at).to.equal(`${LEDGER_LAST_DAY}T02:00:00.000Z`);
      },
    },
    {
      name: "before the first entry the sections are empty",
      at: "2020-01-01T00:00:00Z",
      expect: (m) => {
        expect(m.ledger.entries).to.equal(0);
        expect(m.compliance.latest).to.equal(undefined);
        expect(m.backups.systems).to.deep.equal([]);
        expect(m.coverage.cis.every((r) => r.evidencedBy === undefined)).to.equal(true);
      },
    },
  ];

  for (const c of cases) it(c.name, () => c.expect(model(c.at)));

  it("counts days left from the local day of --at in the workspace's zone", () => {
    // 23:00 UTC is 11:00 the next morning in Auckland: one day fewer is left there.
    const local = model(endOfLastDay, { timeZone: "Pacific/Auckland" });
    expect(local.timeZone).to.equal("Pacific/Auckland");
    expect(local.compliance.waiversExpiring.map((w) => w.daysLeft)).to.deep.equal([8, 23]);
    expect(model(endOfLastDay).timeZone).to.equal("UTC");
  });

  it("takes the lifecycle's replacements as given, soonest first, and says when there are none", () => {
    const row = (subject: string, due: string) => ({
      subject,
      department: "police",
      item: "workstation",
      due,
      reason: "refresh-age",
      detail: "5-year refresh cycle",
      late: false,
    });
    const given = model(endOfLastDay, {
      replacements: [row("pc-02", "2027-03-01"), row("pc-01", "2026-09-01")],
    });
    expect(given.lifecycle.replacements!.map((r) => r.subject)).to.deep.equal(["pc-01", "pc-02"]);
    expect(given.lifecycle.note).to.equal(undefined);
    expect(model(endOfLastDay).lifecycle.note).to.match(/without a workspace/);
    expect(model(endOfLastDay, { replacements: [] }).lifecycle.note).to.match(/no replacement/);
  });

  it("falls back to the entry's figures, saying why, when the check report is gone", () => {
    const copy = path.join(root, "no-report");
    buildSampleLedger(copy, { machine: "lib-kiosk" });
    const m1 = buildDashboardModel(copy, { at: new Date(endOfLastDay) });
    const report = m1.compliance.latest!.artifacts[0]!;
    rmSync(objectPath(copy, report.sha256), { force: true });
    const m2 = buildDashboardModel(copy, { at: new Date(endOfLastDay) });
    expect(m2.compliance.latest!.evidenceFrom).to.equal("metrics");
    expect(m2.compliance.latest!.reportProblem).to.match(/cannot be read \(ENOENT\)/);
    expect(m2.compliance.failingMachines.map((f) => f.machine)).to.have.members([
      "lib-kiosk",
      "pc-01",
      "LAPTOP-0042",
    ]);
    expect(m2.compliance.failingMachines[0]!.controls[0]!.evidence).to.deep.equal([]);
  });

  it("reads only the latest check's failing machines, whatever braces and quotes their names hold", () => {
    const dir = mkdtempSync(path.join(root, "braces-"));
    const odd = 'pc-{"}\\\\[x]-é';
    const check = (day: string, score: number, machine: string) =>
      appendEntry(dir, {
        kind: "check",
        at: `${day}T03:00:00Z`,
        subject: "t",
        verdict: "failed",
        inputs: [],
        metrics: {
          score,
          gatePassed: false,
          machines: 2,
          counts: { pass: 1, fail: 1, waived: 0, "not-applicable": 0, error: 0 },
          byDepartment: {},
          bySite: {},
          failingMachines: { [machine]: { department: "d{", site: 's"', controls: ["c-1"] } },
          waiversExpiring: [],
        },
        frameworks: { cis: ["4.1"], csf: [] },
        artifacts: [],
      });
    check("2026-06-01", 50, odd);
    check("2026-06-02", 60, `${odd}-2`);
    const m = buildDashboardModel(dir, { at: new Date("2026-06-03T00:00:00Z") });
    expect(m.compliance.trend.map((p) => p.score)).to.deep.equal([50, 60]);
    expect(m.compliance.failingMachines).to.deep.equal([
      {
        machine: `${odd}-2`,
        department: "d{",
        site: 's"',
        controls: [{ control: "c-1", evidence: [] }],
      },
    ]);
    const earlier = buildDashboardModel(dir, { at: new Date("2026-06-01T12:00:00Z") });
    expect(earlier.compliance.failingMachines.map((f) => f.machine)).to.deep.equal([odd]);
  });

  const broken: { name: string; damage: (dir: string) => void; message: RegExp }[] = [
    {
      name: "no ledger",
      damage: (dir) => unlinkSync(ledgerFiles(dir).entries),
      message: /entries\.jsonl: no evidence ledger here: give --ledger/,
    },
    {
      name: "a cut-off last line",
      damage: (dir) => appendFileSync(ledgerFiles(dir).entries, '{"seq":3,"kind":"ch'),
      message: /entries\.jsonl:3: is not a JSON entry .*stronghold evidence verify/,
    },
    {
      name: "a line that is JSON but no entry",
      damage: (dir) => appendFileSync(ledgerFiles(dir).entries, '{"hello":"world"}\n'),
      message: /entries\.jsonl:3: is not a ledger entry/,
    },
  ];
  for (const b of broken)
    it(`refuses ${b.name} with a located message`, () => {
      const dir = mkdtempSync(path.join(root, "broken-"));
      for (const verdict of ["passed", "failed"])
        appendEntry(dir, {
          kind: "collect",
          at: "2026-06-01T00:00:00Z",
          subject: "t",
          verdict,
          inputs: [],
          metrics: { hosts: 1, ok: 1, failed: {} },
          frameworks: { cis: [], csf: [] },
          artifacts: [],
        });
      b.damage(dir);
      expect(() => buildDashboardModel(dir))
        .to.throw(InputError)
        .with.property("message")
        .that.matches(b.message);
    });
});
