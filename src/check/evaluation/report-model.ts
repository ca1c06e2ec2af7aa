/** Everything one `stronghold check` run concluded: what every reporter renders. */
import type { Applicability, ControlReferences } from "../policy/baseline-schema.js";
import type { Coverage } from "../policy/coverage.js";
import type { InputProblem, Severity, Status, SubjectResults } from "./result.js";

/** A control as evaluated: baseline metadata with the overlay's severity and parameters applied. */
export interface ResolvedControl {
  readonly id: string;
  readonly baseline: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  readonly references: ControlReferences;
  readonly appliesTo: Applicability;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly checkKind: "schema" | "function" | "fleet";
}

export interface Score {
  /** 0–100, severity-weighted share of passed (or waived) results among those that count. */
  readonly score: number;
  readonly counts: Readonly<Record<Status, number>>;
}

export type FailOn = Severity | "never";

export interface Gate {
  readonly failOn: FailOn;
  readonly minScore: number;
  readonly passed: boolean;
  /** Why the gate failed, in words; empty when it passed. */
  readonly reasons: readonly string[];
}

export interface CheckReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: "stronghold"; readonly version: string };
  /** Evaluation time (ISO 8601): all ages are measured from it. */
  readonly at: string;
  readonly baselines: readonly {
    readonly id: string;
    readonly title: string;
    readonly version: string;
  }[];
  readonly overlay?: { readonly name: string; readonly file: string };
  readonly controls: readonly ResolvedControl[];
  /** Which CIS Controls v8 IG1 and IG2 safeguards the evaluated controls cover, and which not. */
  readonly coverage: Coverage;
  /** Machines and unreported register assets, each with one result per control. */
  readonly subjects: readonly SubjectResults[];
  /** Input files (or parts of them) that could not be evaluated. */
  readonly problems: readonly InputProblem[];
  /** Things the reader must know that are not results, e.g. a control skipped for lack of a register. */
  readonly warnings: readonly string[];
  readonly scores: {
    readonly fleet: Score;
    readonly byDepartment: Readonly<Record<string, Score>>;
    readonly bySite: Readonly<Record<string, Score>>;
    readonly bySubject: readonly Score[];
  };
  readonly gate: Gate;
}
