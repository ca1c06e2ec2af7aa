/**
 * The figures each kind of entry carries, so the index, the queries and the dashboard read them
 * without opening artifacts. An entry's `metrics` is one of these, chosen by its `kind`.
 */
import type { EntryKind } from "./entry.js";

/** Result counts as the check report gives them. */
export interface ResultCounts {
  readonly pass: number;
  readonly fail: number;
  readonly waived: number;
  readonly "not-applicable": number;
  readonly error: number;
}

export interface GroupScore {
  readonly score: number;
  readonly machines: number;
  /** Failing results (control × machine) in the group. */
  readonly failures: number;
}

/** A machine with at least one failing control on the day. */
export interface FailingMachine {
  readonly department: string;
  readonly site: string;
  /** Failing control ids, sorted. */
  readonly controls: readonly string[];
}

export interface WaiverExpiring {
  readonly control: string;
  /** host, department, site or role, as the waiver scopes it. */
  readonly scope: string;
  /** YYYY-MM-DD. */
  readonly expires: string;
}

/** `check`: the fleet's compliance on the day. */
export interface CheckEntryMetrics {
  readonly score: number;
  readonly gatePassed: boolean;
  readonly machines: number;
  readonly counts: ResultCounts;
  readonly byDepartment: Readonly<Record<string, GroupScore>>;
  readonly bySite: Readonly<Record<string, GroupScore>>;
  /** Machine name → its department, site and failing controls; machines without failures are absent. */
  readonly failingMachines: Readonly<Record<string, FailingMachine>>;
  /** Waivers that expire within 30 days of the check. */
  readonly waiversExpiring: readonly WaiverExpiring[];
}

/** `collect`: which hosts answered. */
export interface CollectEntryMetrics {
  readonly hosts: number;
  readonly ok: number;
  /** Host name → its outcome (unreachable, auth-failed, …). */
  readonly failed: Readonly<Record<string, string>>;
}

/** RTO or RPO, seconds. */
export interface ObjectiveFigure {
  readonly targetSeconds: number;
  readonly achievedSeconds?: number;
  readonly met?: boolean;
}

/** `drill`: one drill run (subject = the runbook id). */
export interface DrillEntryMetrics {
  readonly runId: string;
  readonly scenario: string;
  /** The systems restored: the drill's target hosts. */
  readonly systems: readonly string[];
  readonly rto?: ObjectiveFigure;
  readonly rpo?: ObjectiveFigure;
  readonly verified: { readonly files: number; readonly bytes: number };
  /** The step, objective or fence it failed at, when it did not pass. */
  readonly failedAt?: string;
  readonly reasons?: readonly string[];
}

/** `infra-plan`: the stack's offline plan (subject = the stack). */
export interface InfraPlanEntryMetrics {
  readonly resources: number;
  /** Policy pack violations by enforcement level. */
  readonly violations: { readonly mandatory: number; readonly advisory: number };
  readonly violated: readonly string[];
  /** Estimated monthly cost, USD, when the plan estimated one. */
  readonly monthlyCostUsd?: number;
}

/** `run`: the nightly run (subject = the town). */
export interface RunEntryMetrics {
  readonly day: string;
  readonly exitCode: number;
  readonly stages: Readonly<Record<string, string>>;
  readonly regressions: number;
  readonly recoveries: number;
  readonly interrupted?: string;
}

/** Each kind's metrics, so a handler table covers every kind. */
export interface MetricsByKind {
  readonly check: CheckEntryMetrics;
  readonly collect: CollectEntryMetrics;
  readonly drill: DrillEntryMetrics;
  readonly "infra-plan": InfraPlanEntryMetrics;
  readonly run: RunEntryMetrics;
}

export type MetricsOf<K extends EntryKind> = MetricsByKind[K];
