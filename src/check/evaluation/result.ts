/** Results of evaluating controls: one per (subject, control), plus input errors that stopped a file. */

import type { ResultRow } from "./result-row.js";

export const STATUSES = ["pass", "fail", "waived", "not-applicable", "error"] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Score weight of each severity: a critical failure costs ten times a low one. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
};

/** What was found against what the control expects, at one place in the machine config. */
export interface Evidence {
  /** JSON pointer (RFC 6901) of the field in the machine config; "" for the whole machine. */
  readonly pointer: string;
  /** The value found; "unknown" when the collector could not establish it, undefined when absent. */
  readonly actual?: unknown;
  /** What the control expects, in words. */
  readonly expected: string;
  /** 1-based line of the field in the machine's source file, when located (see locate-evidence). */
  readonly line?: number;
}

export interface WaiverRef {
  readonly id: string;
  readonly justification: string;
  readonly approver: string;
  readonly expires: string;
}

interface Base {
  readonly control: string;
}
export interface PassResult extends Base {
  readonly status: "pass";
}
export interface FailResult extends Base {
  readonly status: "fail";
  readonly evidence: readonly Evidence[];
  /** A waiver matched but had expired: the failure stands and the report says so. */
  readonly expiredWaiver?: WaiverRef;
}
export interface WaivedResult extends Base {
  readonly status: "waived";
  readonly evidence: readonly Evidence[];
  readonly waiver: WaiverRef;
}
export interface NotApplicableResult extends Base {
  readonly status: "not-applicable";
  readonly reason: string;
}
export interface ErrorResult extends Base {
  readonly status: "error";
  readonly message: string;
}
export type ControlResult =
  PassResult | FailResult | WaivedResult | NotApplicableResult | ErrorResult;

/** A result the reports show a subject for: failed, waived or errored. */
export type Finding = FailResult | WaivedResult | ErrorResult;

export function isFinding(r: ControlResult): r is Finding {
  return r.status === "fail" || r.status === "waived" || r.status === "error";
}

/** Where a machine's facts came from: a file, and for fleet files the entry in it. */
export interface Source {
  readonly file: string;
  /** Index of the machine in a fleet file; absent for one-machine files. */
  readonly index?: number;
  /** 1-based line where the machine (or the JSON Lines record) starts. */
  readonly line?: number;
  /** The file's text is on one line (as collectors may write it): every field is on line 1. */
  readonly oneLine?: true;
}

/** A machine (or a register entry that never reported) with its results, in baseline order. */
export interface SubjectResults {
  readonly subject: string;
  readonly kind: "machine" | "unreported-asset";
  readonly department: string;
  readonly site: string;
  readonly role: string;
  readonly source?: Source;
  readonly results: ResultRow;
}

// Input problems are shared plumbing; check reports carry them too.
export type { InputProblem } from "../../documents/input-problem.js";
