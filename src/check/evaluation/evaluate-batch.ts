/**
 * Evaluates the machine-level controls on a batch of machines: the per-machine half of a run.
 * Only the results and the fleet view of each machine outlive the batch.
 */
import type { FleetView, PolicyData } from "../controls/types.js";
import type { MachineRecord } from "../input/machines.js";
import type { CompiledControl } from "../policy/resolve.js";
import type { MachineConfig } from "../../machine-config/schema.js";
import { Memo } from "../memo.js";
import { StringPool } from "../../support/string-pool.js";
import {
  applicabilityKey,
  checkApplicable,
  inapplicability,
  notApplicable,
  passResult,
} from "./evaluate-machine.js";
import type { ControlResult, InputProblem, Source } from "./result.js";

export interface EvaluatedMachine {
  readonly subject: string;
  readonly department: string;
  readonly site: string;
  readonly role: string;
  readonly source: Source;
  /** One per control, in policy order; fleet controls hold a pass until the fleet concludes. */
  readonly results: ControlResult[];
  /** What the fleet controls get to see of the machine. */
  readonly fleet: FleetView;
}

export interface EvaluatedBatch {
  readonly problems: readonly InputProblem[];
  readonly machines: readonly EvaluatedMachine[];
}

/**
 * What every machine of one OS family, role and lifecycle status gets before its own checks run:
 * a result per control (not-applicable where it does not apply, a pass where it does), and the
 * controls left to check on the machine itself.
 */
interface ApplicabilityPlan {
  readonly template: readonly ControlResult[];
  readonly checked: readonly number[];
}

// Fleets repeat a handful of combinations: each machine then costs one lookup, not one per control.
const plans = new Memo<readonly CompiledControl[], ApplicabilityPlan>();

function planFor(controls: readonly CompiledControl[], machine: MachineConfig): ApplicabilityPlan {
  const key = applicabilityKey(machine);
  let plan = plans.peek(controls, key);
  if (plan === undefined) {
    const checked: number[] = [];
    const template = controls.map((control, i) => {
      const reason = inapplicability(control, machine);
      if (reason !== undefined) return notApplicable(control.meta.id, reason);
      if (control.evaluator.kind !== "fleet") checked.push(i);
      // Fleet controls hold a pass until the fleet concludes.
      return passResult(control.meta.id);
    });
    plan = { template, checked };
    plans.set(controls, key, plan);
  }
  return plan;
}

// Every machine's subject row keeps these: one copy per department, not one per machine.
const labels = new StringPool();

/** The machine-level controls on one validated machine. */
export function evaluateMachine(
  record: Extract<MachineRecord, { kind: "machine" }>,
  controls: readonly CompiledControl[],
  at: Date,
  data: PolicyData,
): EvaluatedMachine {
  const { machine, source } = record;
  const plan = planFor(controls, machine);
  const results = plan.template.slice();
  for (const i of plan.checked) {
    const control = controls[i]!;
    results[i] = checkApplicable(control, machine, at, data) ?? passResult(control.meta.id);
  }
  return {
    subject: machine.hostname,
    department: labels.get(machine.department),
    site: labels.get(machine.site),
    role: labels.get(machine.role),
    source,
    results,
    fleet: machine,
  };
}

export function evaluateRecords(
  records: readonly MachineRecord[],
  controls: readonly CompiledControl[],
  at: Date,
  data: PolicyData,
): EvaluatedBatch {
  const problems: InputProblem[] = [];
  const machines: EvaluatedMachine[] = [];
  for (const record of records) {
    if (record.kind === "problem") problems.push(record.problem);
    else machines.push(evaluateMachine(record, controls, at, data));
  }
  return { problems, machines };
}
