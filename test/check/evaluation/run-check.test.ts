import { expect } from "chai";
import { Readable } from "node:stream";
import { runCheck } from "../../../src/check/evaluation/run-check.js";
import type { CheckReport, FailOn } from "../../../src/check/evaluation/report-model.js";
import type { Waiver } from "../../../src/check/policy/baseline-schema.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { resolvePolicy, type Policy } from "../../../src/check/policy/resolve.js";
import { AT, compliantMachine, compliantServer } from "../../fixtures/machine-factory.js";
import type { MachineConfig } from "../../../src/machine-config/schema.js";

const reference = await loadReferenceData();
const policy = await resolvePolicy({ at: AT });

/** Runs the bundled baselines over machines given on "stdin", as the CLI would. */
function check(
  machines: MachineConfig[],
  waivers: Waiver[] = [],
  options: { failOn?: FailOn; minScore?: number; policy?: Policy } = {},
): Promise<CheckReport> {
  return runCheck({
    inputs: ["-"],
    stdin: Readable.from([JSON.stringify({ machines })]),
    policy: options.policy ?? policy,
    data: reference,
    waivers,
    at: AT,
    failOn: options.failOn ?? "low",
    minScore: options.minScore ?? 0,
  });
}

const result = (report: CheckReport, host: string, control: string) =>
  report.subjects.find((s) => s.subject === host)?.results.find((r) => r.control === control);

const smb = (
  hostname: string,
  department = "police",
  role: "workstation" | "server" = "workstation",
) => {
  const base =
    role === "server"
      ? compliantServer({ hostname, department })
      : compliantMachine({ hostname, department });
  return { ...base, security: { ...base.security, smbv1Enabled: true } };
};

const waiver = (scope: Waiver["scope"], expires = "2027-03-31", id = "W-1"): Waiver => ({
  id,
  control: "sec-smbv1-disabled",
  scope,
  justification: "Old scanner speaks SMB1 only; replacement ordered.",
  approver: "Town Manager",
  expires,
});

describe("a check run: waivers, scores and the gate", () => {
  it("a compliant fleet passes the gate with a score of 100", async () => {
    const report = await check([compliantMachine({ hostname: "ok-1" })]);
    expect(report.scores.fleet.score).to.equal(100);
    expect(report.scores.fleet.counts.fail).to.equal(0);
    expect(report.gate).to.deep.include({ passed: true, reasons: [] });
  });

  it("input problems fail the gate even with --fail-on never: no green summary on exit 2", async () => {
    const report = await runCheck({
      inputs: ["-"],
      stdin: Readable.from([
        `${JSON.stringify(compliantMachine({ hostname: "ok-1" }))}\n{"hostname": 42}\n`,
      ]),
      policy,
      data: reference,
      waivers: [],
      at: AT,
      failOn: "never",
      minScore: 0,
    });
    expect(report.problems).to.have.length.above(0);
    expect(report.subjects.map((s) => s.subject)).to.deep.equal(["ok-1"]);
    expect(report.gate.passed).to.equal(false);
    expect(report.gate.reasons).to.deep.equal([
      "1 input file(s) with problems: the machines they hold were not all evaluated",
    ]);
  });

  it("a run that evaluated no machine fails the gate", async () => {
    const report = await check([], [], { failOn: "never" });
    expect(report.gate).to.deep.include({ passed: false, reasons: ["no machine was evaluated"] });
  });

  const scopes: [string, Waiver["scope"], string[]][] = [
    ["host (case-insensitive)", { host: "PD-SCAN-01" }, ["pd-scan-01"]],
    ["department", { department: "police" }, ["pd-scan-01", "pd-ws-02"]],
    ["site", { site: "town-hall" }, ["pd-scan-01", "pd-ws-02", "th-fs-01"]],
    ["role", { role: "server" }, ["th-fs-01"]],
  ];
  for (const [name, scope, waived] of scopes) {
    it(`a waiver scoped by ${name} waives exactly the failures in its scope`, async () => {
      const fleet = [smb("pd-scan-01"), smb("pd-ws-02"), smb("th-fs-01", "manager", "server")];
      const report = await check(fleet, [waiver(scope)]);
      for (const host of ["pd-scan-01", "pd-ws-02", "th-fs-01"]) {
        const r = result(report, host, "sec-smbv1-disabled");
        expect(r?.status, host).to.equal(waived.includes(host) ? "waived" : "fail");
        if (r?.status === "waived")
          expect(r.waiver).to.deep.include({ id: "W-1", approver: "Town Manager" });
      }
    });
  }

  it("a waiver is valid through its expiry day and expired the day after, when the failure counts again", async () => {
    const onTheDay = await check(
      [smb("pd-scan-01")],
      [waiver({ host: "pd-scan-01" }, "2026-11-20")],
    );
    expect(result(onTheDay, "pd-scan-01", "sec-smbv1-disabled")?.status).to.equal("waived");
    expect(onTheDay.gate.passed).to.equal(true);

    const expired = await check(
      [smb("pd-scan-01")],
      [waiver({ host: "pd-scan-01" }, "2026-11-19")],
    );
    const r = result(expired, "pd-scan-01", "sec-smbv1-disabled");
    expect(r?.status).to.equal("fail");
    expect(r?.status === "fail" && r.expiredWaiver?.id).to.equal("W-1");
    expect(expired.gate.passed).to.equal(false);
  });

  it("an active waiver wins over an expired one for the same failure", async () => {
    const report = await check(
      [smb("pd-scan-01")],
      [
        waiver({ host: "pd-scan-01" }, "2026-01-01", "OLD"),
        waiver({ department: "police" }, "2027-01-01", "NEW"),
      ],
    );
    const r = result(report, "pd-scan-01", "sec-smbv1-disabled");
    expect(r?.status === "waived" && r.waiver.id).to.equal("NEW");
  });

  it("warns about waivers that waive nothing and waivers for controls the run does not evaluate", async () => {
    const unused = waiver({ host: "nowhere-01" }, "2027-01-01", "UNUSED");
    const unknown = {
      ...waiver({ host: "pd-scan-01" }, "2027-01-01", "TYPO"),
      control: "sec-smb1-disabled",
    };
    const report = await check([compliantMachine({ hostname: "pd-scan-01" })], [unused, unknown]);
    expect(report.warnings).to.include(
      "waiver UNUSED matched no failing result and can be retired",
    );
    expect(report.warnings).to.include(
      "waiver TYPO names control sec-smb1-disabled, which this run does not evaluate",
    );
  });

  it("scores are severity-weighted, and waived results count as passed", async () => {
    // Distinct identifiers, or the uniqueness controls fail both machines.
    const b = smb("b-1");
    const fleet = [
      compliantMachine({ hostname: "a-1" }),
      {
        ...b,
        assetTag: "MB-99999",
        serialNumber: "OTHER-SERIAL",
        macAddresses: ["02:00:00:00:99:99"],
        ipAddresses: ["10.99.0.9"],
      },
    ];
    const failing = await check(fleet);
    const waived = await check(fleet, [waiver({ host: "b-1" })]);
    expect(failing.scores.bySubject[0]?.score).to.equal(100);
    expect(failing.scores.bySubject[1]?.score).to.be.lessThan(100);
    expect(waived.scores.bySubject[1]?.score).to.equal(100);
    expect(Object.keys(failing.scores.byDepartment)).to.deep.equal(["clerk", "police"]);
    expect(failing.scores.byDepartment.police?.score).to.equal(failing.scores.bySubject[1]?.score);
    expect(failing.scores.byDepartment.clerk?.score).to.equal(100);
  });

  it("--fail-on decides which severities fail the gate, --min-score the fleet score", async () => {
    // sec-smbv1-disabled is high: failing at --fail-on high, not at critical or never.
    const fleet = [smb("pd-scan-01")];
    expect((await check(fleet, [], { failOn: "high" })).gate.passed).to.equal(false);
    expect((await check(fleet, [], { failOn: "never" })).gate.passed).to.equal(true);
    const strict = await check([compliantMachine({ hostname: "ok-1" }), ...fleet], [], {
      failOn: "never",
      minScore: 99.9,
    });
    expect(strict.gate.passed).to.equal(false);
    expect(strict.gate.reasons[0]).to.match(/fleet score .* is below --min-score 99.9/);
  });
});

describe("a check that throws", () => {
  const meta = (id: string, checkKind: "function" | "fleet") => ({
    id,
    baseline: "test",
    title: "Throws",
    severity: "high" as const,
    rationale: "r",
    remediation: "r",
    references: {},
    appliesTo: {},
    parameters: {},
    checkKind,
  });
  const machines = [compliantMachine({ hostname: "a-1" }), compliantServer({ hostname: "b-1" })];

  it("is an error result for that machine, and the rest of the run goes on", async () => {
    let calls = 0;
    const throwing: Policy = {
      baselines: [],
      controls: [
        {
          meta: meta("test-throws-sometimes", "function"),
          evaluator: {
            kind: "function",
            check: (machine) => {
              calls += 1;
              if (machine.role === "server") throw new Error("cannot read property of undefined");
              return { status: "pass" };
            },
          },
        },
        ...policy.controls,
      ],
    };
    const report = await check(machines, [], { failOn: "critical", policy: throwing });
    expect(calls).to.equal(2);
    expect(result(report, "a-1", "test-throws-sometimes")?.status).to.equal("pass");
    const r = result(report, "b-1", "test-throws-sometimes");
    expect(r?.status).to.equal("error");
    expect(r?.status === "error" && r.message).to.equal(
      "the check failed to run: cannot read property of undefined",
    );
    // Every other control was still evaluated on the machine whose check threw.
    expect(report.subjects[1]?.results).to.have.length(policy.controls.length + 1);
    // An error counts against the gate at its control's severity (high fails --fail-on high, not critical).
    expect(report.gate.passed).to.equal(true);
    expect(report.scores.fleet.counts.error).to.equal(1);
  });

  it("a fleet check that throws at the end gives every machine it observed an error", async () => {
    const throwing: Policy = {
      baselines: [],
      controls: [
        {
          meta: meta("test-fleet-throws", "fleet"),
          evaluator: {
            kind: "fleet",
            check: {
              requires: [],
              create: () => ({
                observe: () => undefined,
                finish: () => {
                  throw new Error("boom");
                },
              }),
            },
          },
        },
      ],
    };
    const report = await check(machines, [], { failOn: "high", policy: throwing });
    expect(report.subjects.map((s) => s.results.at(0).status)).to.deep.equal(["error", "error"]);
    expect(report.gate.passed).to.equal(false);
  });
});
