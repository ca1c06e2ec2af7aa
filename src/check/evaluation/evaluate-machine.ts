/** Evaluates the machine-level controls on one machine: applicability, then the check. */
import type { ErrorObject } from "ajv";
import type { MachineConfig } from "../../machine-config/schema.js";
import type { CheckContext, Outcome, PolicyData } from "../controls/types.js";
import type { CompiledControl } from "../policy/resolve.js";
import { Memo } from "../memo.js";
import { valueAt } from "../../documents/locate.js";
import { errorPointer, isSummaryError } from "../../documents/validation-problems.js";
import type {
  ControlResult,
  Evidence,
  FailResult,
  NotApplicableResult,
  PassResult,
} from "./result.js";
import type { SharedFailures } from "./shared-failures.js";

/** Pass results carry nothing machine-specific: one shared object per control keeps 100k machines cheap. */
const passes = new Map<string, PassResult>();
export function passResult(control: string): PassResult {
  let result = passes.get(control);
  if (!result) {
    result = Object.freeze({ control, status: "pass" as const });
    passes.set(control, result);
  }
  return result;
}

const notApplicables = new Map<string, NotApplicableResult>();
export function notApplicable(control: string, reason: string): NotApplicableResult {
  const key = `${control}\u0000${reason}`;
  let result = notApplicables.get(key);
  if (!result) {
    result = Object.freeze({ control, status: "not-applicable" as const, reason });
    notApplicables.set(key, result);
  }
  return result;
}

/** Why a control does not apply to a machine, or undefined when it does. */
export function inapplicability(
  control: CompiledControl,
  machine: MachineConfig,
): string | undefined {
  const { osFamily, role, lifecycleStatus } = control.meta.appliesTo;
  if (osFamily && !osFamily.includes(machine.os.family))
    return `applies to ${osFamily.join("/")} only; this machine runs ${machine.os.family}`;
  if (role && !role.includes(machine.role))
    return `applies to role ${role.join("/")} only; this machine is a ${machine.role}`;
  if (lifecycleStatus && !lifecycleStatus.includes(machine.lifecycle.status))
    return `applies to ${lifecycleStatus.join("/")} machines only; this one is ${machine.lifecycle.status}`;
  return undefined;
}

function expectedFrom(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return "present";
    case "const":
      return JSON.stringify(p.allowedValue);
    case "enum":
      return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${String(p.comparison)} ${String(p.limit)}`;
    case "maxAgeDays":
      return `no more than ${String(error.schema)} days old`;
    case "minDaysRemaining":
      return `at least ${String(error.schema)} days ahead`;
    default:
      return (error.message ?? error.keyword).replace(/^must /, "");
  }
}

/** Evidence from a failed schema check: each failing field with its value and what was expected. */
export function evidenceFromErrors(
  errors: readonly ErrorObject[],
  machine: MachineConfig,
): Evidence[] {
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (isSummaryError(error)) continue;
    const pointer = errorPointer(error);
    const expected = expectedFrom(error);
    const key = `${pointer}\u0000${expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const actual = valueAt(machine, pointer);
    evidence.push(actual === undefined ? { pointer, expected } : { pointer, actual, expected });
  }
  return evidence.length > 0 ? evidence : [{ pointer: "", expected: "the control's conditions" }];
}

/** A failure, shared through the run's table when there is one. */
function failure(
  control: string,
  evidence: readonly Evidence[],
  failures: SharedFailures | undefined,
): FailResult {
  return failures?.failure(control, evidence) ?? { control, status: "fail", evidence };
}

function fromOutcome(
  control: string,
  outcome: Outcome,
  failures: SharedFailures | undefined,
): ControlResult {
  switch (outcome.status) {
    case "pass":
      return passResult(control);
    case "fail":
      return failure(control, outcome.evidence, failures);
    case "not-applicable":
      return notApplicable(control, outcome.reason);
  }
}

/**
 * Applicability depends only on OS family, role and lifecycle status: decide it once per
 * combination and control, not once per machine.
 */
const applicability = new Memo<CompiledControl, NotApplicableResult | undefined>();

export function applicabilityKey(machine: MachineConfig): string {
  return `${machine.os.family}\u0000${machine.role}\u0000${machine.lifecycle.status}`;
}

/**
 * One control on one machine. Fleet controls return undefined: they conclude later, for all
 * machines at once. A check that throws becomes an `error` result, never a crashed run.
 */
export function evaluateControl(
  control: CompiledControl,
  machine: MachineConfig,
  at: Date,
  data: PolicyData,
  key = applicabilityKey(machine),
): ControlResult | undefined {
  const id = control.meta.id;
  const inapplicable = applicability.get(control, key, () => {
    const reason = inapplicability(control, machine);
    return reason === undefined ? undefined : notApplicable(id, reason);
  });
  if (inapplicable !== undefined) return inapplicable;
  return checkApplicable(control, machine, at, data);
}

/**
 * One control on a machine it applies to; undefined for fleet controls, as evaluateControl.
 * A run passes its table of shared failures; without one, each failure is an object of its own.
 */
export function checkApplicable(
  control: CompiledControl,
  machine: MachineConfig,
  at: Date,
  data: PolicyData,
  failures?: SharedFailures,
): ControlResult | undefined {
  const id = control.meta.id;
  const evaluator = control.evaluator;
  try {
    switch (evaluator.kind) {
      case "schema":
        return evaluator.validate.isValid(machine)
          ? passResult(id)
          : failure(id, evidenceFromErrors(evaluator.validate.explain(machine), machine), failures);
      case "function": {
        const ctx: CheckContext = { at, params: control.meta.parameters, data };
        return fromOutcome(id, evaluator.check(machine, ctx), failures);
      }
      case "fleet":
        return undefined;
    }
  } catch (error) {
    return {
      control: id,
      status: "error",
      message: `the check failed to run: ${(error as Error).message}`,
    };
  }
}
