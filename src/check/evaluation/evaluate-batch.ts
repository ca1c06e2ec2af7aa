/**
 * Evaluates the machine-level controls on a batch of machines: the per-machine half of a run.
 * Only the results and the fleet view of each machine outlive the batch.
 */
import type { FleetView, PolicyData } from "../controls/types.js";
import type { MachineRecord } from "../input/machines.js";
import type { CompiledControl } from "../policy/resolve.js";
import { applicabilityKey, evaluateControl, passResult } from "./evaluate-machine.js";
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

/** The machine-level controls on one validated machine. */
export function evaluateMachine(
  record: Extract<MachineRecord, { kind: "machine" }>,
  controls: readonly CompiledControl[],
  at: Date,
  data: PolicyData,
): EvaluatedMachine {
  const { machine, source } = record;
  const key = applicabilityKey(machine);
  const results = new Array<ControlResult>(controls.length);
  for (let i = 0; i < controls.length; i++) {
    const control = controls[i]!;
    results[i] = evaluateControl(control, machine, at, data, key) ?? passResult(control.meta.id);
  }
  return {
    subject: machine.hostname,
    department: machine.department,
    site: machine.site,
    role: machine.role,
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
