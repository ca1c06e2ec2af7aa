/**
 * One compliance run: stream machines from the inputs, evaluate every control, let the fleet
 * controls conclude, apply waivers, score, and decide the gate. Machines are not kept: only
 * their results (shared objects for passes) and the few facts fleet controls accumulate.
 */
import type { Readable } from "node:stream";
import type { FleetAccumulator, PolicyData } from "../controls/types.js";
import { visitRecords, workItems } from "../input/machines.js";
import { locateFailures } from "../input/locate-evidence.js";
import type { Waiver } from "../policy/baseline-schema.js";
import type { Policy } from "../policy/resolve.js";
import { evaluateMachine, type EvaluatedMachine } from "./evaluate-batch.js";
import { notApplicable } from "./evaluate-machine.js";
import type { CheckReport, FailOn, Score } from "./report-model.js";
import type { ControlResult, InputProblem, Severity, SubjectResults } from "./result.js";
import { decideGate, ScoreTally, sharedScore } from "./score.js";
import { RunSharing } from "./run-sharing.js";
import { ResultRow } from "./result-row.js";
import type { SharedFailures } from "./shared-failures.js";
import { InternTable } from "../../support/intern-table.js";
import { WaiverBook, type WaiverSubject } from "./waivers.js";
import { VERSION } from "../../support/version.js";
import { coverageOf } from "../policy/coverage.js";
import { browsersCurrent, staleBrowserTable } from "../controls/machine/browsers.js";

export interface CheckRun {
  readonly inputs: readonly string[];
  readonly policy: Policy;
  readonly data: PolicyData;
  readonly waivers: readonly Waiver[];
  readonly at: Date;
  readonly failOn: FailOn;
  readonly minScore: number;
  /** Problems already found in side inputs (registers, waivers): reported with the rest. */
  readonly problems?: readonly InputProblem[];
  readonly warnings?: readonly string[];
  readonly stdin?: Readable;
  /** Find the line of each failing field while its file is read (for SARIF). */
  readonly locateEvidence?: boolean;
}

const REGISTER_OPTION = {
  licenses: "--licenses",
  assets: "--assets",
  disposals: "--disposals",
  ipPlan: "--ip-plan",
} as const;

interface FleetSlot {
  readonly index: number;
  readonly accumulator?: FleetAccumulator;
  /** The fixed result when a register the check needs was not given. */
  readonly missing?: ControlResult;
}

/** An accumulator per fleet control, or a fixed not-applicable (and a warning) without its register. */
function startFleetChecks(
  run: Omit<CheckRun, "inputs" | "stdin">,
  warnings: string[],
): FleetSlot[] {
  const { data, at } = run;
  return run.policy.controls.flatMap((control, index): FleetSlot[] => {
    if (control.evaluator.kind !== "fleet") return [];
    const missing = control.evaluator.check.requires.filter((r) => data[r] === undefined);
    if (missing.length === 0) {
      const params = control.meta.parameters;
      return [{ index, accumulator: control.evaluator.check.create({ at, params, data }) }];
    }
    const options = missing.map((m) => REGISTER_OPTION[m]).join(" and ");
    warnings.push(`${control.meta.id} was not evaluated: it needs ${options}`);
    return [{ index, missing: notApplicable(control.meta.id, `not evaluated: needs ${options}`) }];
  });
}

/** Reference data too old for a control in this run to trust, each said once. */
function dataWarnings(run: Omit<CheckRun, "inputs" | "stdin">): string[] {
  const warnings = new Set<string>();
  for (const control of run.policy.controls) {
    if (control.evaluator.kind !== "function" || control.evaluator.check !== browsersCurrent)
      continue;
    const staleDays = control.meta.parameters["staleDays"] as number;
    const warning = staleBrowserTable(run.data.appLifecycle, run.at, staleDays);
    if (warning !== undefined) warnings.add(`${control.meta.id}: ${warning}`);
  }
  return [...warnings];
}

const failedToRun = (control: string, error: unknown): ControlResult => ({
  control,
  status: "error",
  message: `the check failed to run: ${(error as Error).message}`,
});

/** Lets each fleet control conclude: failures onto observed machines, unreported assets as rows. */
function concludeFleetChecks(
  fleet: readonly FleetSlot[],
  controls: Policy["controls"],
  subjects: SubjectResults[],
  failures: SharedFailures,
): void {
  const neverReported = controls.map((c) =>
    notApplicable(c.meta.id, "asset never reported: nothing to evaluate"),
  );
  for (const f of fleet) {
    if (!f.accumulator) continue;
    const id = controls[f.index]!.meta.id;
    let outcome;
    try {
      outcome = f.accumulator.finish();
    } catch (error) {
      for (const s of subjects)
        if (s.results.at(f.index).status === "pass") s.results.set(f.index, failedToRun(id, error));
      continue;
    }
    // forEach, not for…of: up to a failure per machine, and for…of made an entry array for each.
    outcome.failures.forEach((evidence, handle) => {
      const subject = subjects[handle];
      if (subject) subject.results.set(f.index, failures.failure(id, evidence));
    });
    for (const asset of outcome.unreported ?? []) {
      const results = ResultRow.over(neverReported);
      results.set(f.index, { control: id, status: "fail", evidence: asset.evidence });
      subjects.push({
        subject: asset.hostname || asset.assetTag,
        kind: "unreported-asset",
        department: asset.department,
        site: asset.site,
        role: "unknown",
        results,
      });
    }
  }
}

// Scores unique to one subject must not grow the table without end.
const MAX_DISTINCT_SCORES = 10_000;

/** Applies waivers to every result, then scores machines, departments, sites and the fleet. */
function waiveAndScore(
  run: Omit<CheckRun, "inputs" | "stdin">,
  subjects: SubjectResults[],
  warnings: string[],
  problems: readonly InputProblem[],
) {
  const controls = run.policy.controls;
  const book = new WaiverBook(run.waivers, run.at);
  const evaluated = new Set(controls.map((c) => c.meta.id));
  for (const w of run.waivers) {
    if (!evaluated.has(w.control))
      warnings.push(`waiver ${w.id} names control ${w.control}, which this run does not evaluate`);
  }
  const fleet = new ScoreTally();
  const byDepartment = new Map<string, ScoreTally>();
  const bySite = new Map<string, ScoreTally>();
  const bySubject: Score[] = [];
  // A fleet has a few hundred distinct machine scores; each subject keeps one until the report.
  const scores = new InternTable<Score, number | string>(MAX_DISTINCT_SCORES);
  const failing: Partial<Record<Severity, number>> = {};
  const tallyFor = (map: Map<string, ScoreTally>, key: string): ScoreTally => {
    let tally = map.get(key);
    if (!tally) map.set(key, (tally = new ScoreTally()));
    return tally;
  };
  // A plan's tally is counted once: its machines differ from it by their own few results.
  const planTallies = new Map<readonly ControlResult[], ScoreTally>();
  const planTally = (plan: readonly ControlResult[]): ScoreTally => {
    let tally = planTallies.get(plan);
    if (tally === undefined) {
      tally = new ScoreTally();
      plan.forEach((r, i) => tally!.add(r.status, controls[i]!.meta.severity));
      planTallies.set(plan, tally);
    }
    return tally;
  };
  for (const subject of subjects) {
    const row = subject.results;
    let scope: WaiverSubject | undefined;
    const waived = (raw: ControlResult, i: number): ControlResult => {
      // Only a failure of a control some waiver names can be waived: the subject's scope is made
      // for those alone.
      if (raw.status !== "fail" || !book.names(raw.control)) return raw;
      const result = book.apply(raw, (scope ??= { ...subject, hostname: subject.subject }));
      if (result !== raw) row.set(i, result);
      return result;
    };
    // Passes and not-applicables, all a settled plan holds, are never waived nor failing: such
    // a row starts from its plan's tally, and its own results replace the plan's.
    const plan = row.planSettled ? row.planned : undefined;
    const own = plan === undefined ? new ScoreTally() : planTally(plan).copy();
    const count = (raw: ControlResult, i: number) => {
      const result = waived(raw, i);
      const severity = controls[i]!.meta.severity;
      if (plan !== undefined) own.remove(plan[i]!.status, severity);
      own.add(result.status, severity);
      if (result.status === "fail" || result.status === "error")
        failing[severity] = (failing[severity] ?? 0) + 1;
    };
    if (plan === undefined) row.forEach(count);
    else row.forEachOwn(count);
    tallyFor(byDepartment, subject.department).merge(own);
    tallyFor(bySite, subject.site).merge(own);
    fleet.merge(own);
    bySubject.push(sharedScore(scores, own.result()));
  }
  for (const w of run.waivers) {
    if (evaluated.has(w.control) && !book.used.has(w.id))
      warnings.push(`waiver ${w.id} matched no failing result and can be retired`);
  }
  // Plain code-unit order, not the locale's: the same report on every machine.
  const sorted = (map: Map<string, ScoreTally>) =>
    Object.fromEntries(
      [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, t]) => [k, t.result()]),
    );
  const fleetScore = fleet.result();
  return {
    scores: {
      fleet: fleetScore,
      byDepartment: sorted(byDepartment),
      bySite: sorted(bySite),
      bySubject,
    },
    gate: decideGate(run.failOn, run.minScore, fleetScore, failing, {
      filesWithProblems: new Set(problems.map((p) => p.file)).size,
      machinesEvaluated: subjects.filter((s) => s.kind === "machine").length,
    }),
  };
}

/**
 * The fleet half of a run: admits evaluated machines in input order (each is observed by the
 * fleet controls that apply to it), then concludes, waives and scores. A single run feeds it from
 * the inputs; `stronghold report merge` feeds it the machines of every shard, in the same order.
 */
export class RunAssembly {
  private readonly problems: InputProblem[];
  private readonly warnings: string[];
  private readonly fleet: FleetSlot[];
  private readonly subjects: SubjectResults[] = [];

  /**
   * `sharing` holds the failures and names the run's machines share: a single run passes the
   * tables its machines were evaluated with; a merge gets tables of its own.
   */
  constructor(
    private readonly run: Omit<CheckRun, "inputs" | "stdin">,
    private readonly sharing = new RunSharing(),
  ) {
    this.problems = [...(run.problems ?? [])];
    this.warnings = [...(run.warnings ?? []), ...dataWarnings(run)];
    this.fleet = startFleetChecks(run, this.warnings);
  }

  addProblems(problems: readonly InputProblem[]): void {
    this.problems.push(...problems);
  }

  admit(machine: EvaluatedMachine): void {
    const controls = this.run.policy.controls;
    const handle = this.subjects.length;
    const results = machine.results;
    for (const f of this.fleet) {
      if (f.missing) results.set(f.index, f.missing);
      else if (results.at(f.index).status === "pass") {
        try {
          f.accumulator!.observe(machine.fleet, handle);
        } catch (error) {
          results.set(f.index, failedToRun(controls[f.index]!.meta.id, error));
        }
      }
    }
    const { subject, department, site, role, source } = machine;
    this.subjects.push({ subject, kind: "machine", department, site, role, source, results });
  }

  report(): CheckReport {
    const { run, subjects, problems, warnings } = this;
    const { policy, data, at } = run;
    const controls = policy.controls;
    concludeFleetChecks(this.fleet, controls, subjects, this.sharing.failures);
    const { scores, gate } = waiveAndScore(run, subjects, warnings, problems);
    return {
      schemaVersion: 1,
      tool: { name: "stronghold", version: VERSION },
      at: at.toISOString(),
      baselines: policy.baselines.map(({ id, title, version }) => ({ id, title, version })),
      ...(policy.overlay ? { overlay: policy.overlay } : {}),
      controls: controls.map((c) => c.meta),
      coverage: coverageOf(
        controls.map((c) => c.meta),
        data.cisSafeguards,
      ),
      subjects,
      problems,
      warnings,
      scores,
      gate,
    };
  }
}

export async function runCheck(run: CheckRun): Promise<CheckReport> {
  const sharing = new RunSharing();
  const assembly = new RunAssembly(run, sharing);
  const { policy, data, at } = run;
  for await (const item of workItems(run.inputs, run.stdin)) {
    // One machine at a time from parse to admission: its parsed document dies young.
    visitRecords(item, (record) => {
      if (record.kind === "problem") {
        assembly.addProblems([record.problem]);
        return;
      }
      const machine = evaluateMachine(record, policy.controls, at, data, sharing);
      if (run.locateEvidence) locateFailures(machine.results, record.locate);
      assembly.admit(machine);
    });
  }
  return assembly.report();
}
