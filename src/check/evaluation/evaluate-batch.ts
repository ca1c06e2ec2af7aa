/**
 * Evaluates the machine-level controls on one machine at a time: the per-machine half of a run.
 * Only the results and the fleet view of each machine outlive its evaluation.
 */
import type { FleetView, PolicyData } from "../controls/types.js";
import type { MachineRecord } from "../input/machines.js";
import type { CompiledControl } from "../policy/resolve.js";
import type { MachineConfig } from "../../machine-config/schema.js";
import { Memo } from "../memo.js";
import { itself } from "../../support/intern-table.js";
import {
  applicabilityKey,
  checkApplicable,
  inapplicability,
  notApplicable,
  passResult,
} from "./evaluate-machine.js";
import type { ControlResult, Source } from "./result.js";
import { ResultRow } from "./result-row.js";
import type { RunSharing } from "./run-sharing.js";

export interface EvaluatedMachine {
  readonly subject: string;
  readonly department: string;
  readonly site: string;
  readonly role: string;
  readonly source: Source;
  /** One per control, in policy order; fleet controls hold a pass until the fleet concludes. */
  readonly results: ResultRow;
  /** What the fleet controls get to see of the machine. */
  readonly fleet: FleetView;
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

/**
 * The machine-level controls on one validated machine. Its failures and the names its subject
 * row keeps come from the run's shared tables.
 */
export function evaluateMachine(
  record: Extract<MachineRecord, { kind: "machine" }>,
  controls: readonly CompiledControl[],
  at: Date,
  data: PolicyData,
  sharing: RunSharing,
): EvaluatedMachine {
  const { machine, source } = record;
  const plan = planFor(controls, machine);
  const results = ResultRow.over(plan.template);
  for (const i of plan.checked) {
    const control = controls[i]!;
    const failed = checkApplicable(control, machine, at, data, sharing.failures);
    if (failed !== undefined) results.set(i, failed);
  }
  const labels = sharing.labels;
  return {
    subject: machine.hostname,
    department: labels.get(machine.department, itself),
    site: labels.get(machine.site, itself),
    role: labels.get(machine.role, itself),
    source,
    results,
    fleet: machine,
  };
}
