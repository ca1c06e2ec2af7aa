/**
 * Evaluates a single bundled control, for tests and tooling: the same resolution, compilation and
 * evaluation as a full run, on one machine (or a handful, for fleet controls).
 */
import type { FleetOutcome, PolicyData, UnreportedAsset } from "../controls/types.js";
import type { MachineConfig } from "../../machine-config/schema.js";
import { loadReferenceData } from "../policy/data.js";
import { resolvePolicy, type CompiledControl } from "../policy/resolve.js";
import { evaluateControl, notApplicable, passResult } from "./evaluate-machine.js";
import type { ControlResult } from "./result.js";

export interface EvaluateOptions {
  readonly at?: Date;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly data?: Partial<PolicyData>;
}

const reference = await loadReferenceData();

async function compiled(
  controlId: string,
  options: EvaluateOptions,
): Promise<{ control: CompiledControl; at: Date; data: PolicyData }> {
  const at = options.at ?? new Date();
  const policy = await resolvePolicy({
    at,
    ...(options.params ? { parameterOverrides: { [controlId]: options.params } } : {}),
  });
  const control = policy.controls.find((c) => c.meta.id === controlId);
  if (!control) throw new Error(`no bundled control "${controlId}"`);
  return { control, at, data: { ...reference, ...options.data } };
}

/** The result of one machine-level control on one machine. */
export async function evaluateControlById(
  controlId: string,
  machine: MachineConfig,
  options: EvaluateOptions = {},
): Promise<ControlResult> {
  const { control, at, data } = await compiled(controlId, options);
  if (control.evaluator.kind === "fleet")
    throw new Error(`"${controlId}" is a fleet control: use evaluateFleetControlById`);
  return evaluateControl(control, machine, at, data) ?? passResult(controlId);
}

/** The results of one fleet control over a list of machines, plus unreported register assets. */
export async function evaluateFleetControlById(
  controlId: string,
  machines: readonly MachineConfig[],
  options: EvaluateOptions = {},
): Promise<{ results: ControlResult[]; unreported: readonly UnreportedAsset[] }> {
  const { control, at, data } = await compiled(controlId, options);
  const evaluator = control.evaluator;
  if (evaluator.kind !== "fleet")
    throw new Error(`"${controlId}" is not a fleet control: use evaluateControlById`);
  const missing = evaluator.check.requires.filter((r) => data[r] === undefined);
  if (missing.length > 0) {
    return {
      results: machines.map(() =>
        notApplicable(controlId, `not evaluated: needs ${missing.join(", ")}`),
      ),
      unreported: [],
    };
  }
  const accumulator = evaluator.check.create({ at, params: control.meta.parameters, data });
  const results: ControlResult[] = machines.map((m, handle) => {
    const result = evaluateControl(
      { ...control, evaluator: { kind: "fleet", check: evaluator.check } },
      m,
      at,
      data,
    );
    if (result) return result; // not applicable to this machine
    accumulator.observe(m, handle);
    return passResult(controlId);
  });
  const outcome: FleetOutcome = accumulator.finish();
  for (const [handle, evidence] of outcome.failures)
    results[handle] = { control: controlId, status: "fail", evidence };
  return { results, unreported: outcome.unreported ?? [] };
}
