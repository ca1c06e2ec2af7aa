/**
 * What the dashboard shows, as plain data: built from the ledger by buildDashboardModel, embedded
 * in the page as JSON and rendered by renderDashboard. Nothing here is HTML.
 */
import type { ResultCounts, WaiverExpiring } from "../metrics.js";

/** The ledger entry a figure comes from, so every number on the page can be traced. */
export interface EntryRef {
  readonly seq: number;
  readonly kind: string;
  readonly at: string;
  readonly subject: string;
  readonly verdict: string;
  readonly hash: string;
}

/** A stored artifact, linked by its SHA-256 path under the ledger's objects/. */
export interface ArtifactRef {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** RTO or RPO of one drill, seconds. */
export interface ObjectivePoint {
  readonly targetSeconds: number;
  readonly achievedSeconds?: number;
  readonly met?: boolean;
}

/** One drill run, for the history and the RTO/RPO charts. */
export interface DrillPoint {
  readonly entry: EntryRef;
  readonly runbook: string;
  readonly scenario: string;
  readonly verdict: string;
  readonly passed: boolean;
  readonly systems: readonly string[];
  readonly rto?: ObjectivePoint;
  readonly rpo?: ObjectivePoint;
  readonly verifiedFiles: number;
  readonly verifiedBytes: number;
  readonly failedAt?: string;
  readonly reasons: readonly string[];
  readonly artifacts: readonly ArtifactRef[];
}

/** A system the drills restore: its last verified restore and its last drill, passed or not. */
export interface SystemRestore {
  readonly system: string;
  readonly lastVerified?: DrillPoint;
  readonly lastDrill: DrillPoint;
  /** Days between the last verified restore and the dashboard's time; undefined when never verified. */
  readonly daysSinceVerified?: number;
}

export interface ScorePoint {
  readonly at: string;
  readonly seq: number;
  readonly score: number;
  readonly gatePassed: boolean;
}

export interface GroupRow {
  /** Department or site name. */
  readonly name: string;
  readonly score: number;
  readonly machines: number;
  readonly failures: number;
}

/** One failing control on a machine, with what the check saw and how to fix it. */
export interface FailingControl {
  readonly control: string;
  readonly title?: string;
  readonly severity?: string;
  readonly remediation?: string;
  /** JSON pointer into the machine config, the value found (absent: undefined) and what was expected. */
  readonly evidence: readonly {
    readonly pointer: string;
    readonly actual?: unknown;
    readonly expected: unknown;
  }[];
}

export interface FailingMachineRow {
  readonly machine: string;
  readonly department: string;
  readonly site: string;
  readonly controls: readonly FailingControl[];
}

/** A control by how many machines fail it on the latest check. */
export interface ControlRow {
  readonly control: string;
  readonly title?: string;
  readonly severity?: string;
  readonly machines: number;
}

export interface WaiverRow extends WaiverExpiring {
  readonly daysLeft: number;
}

export interface LatestCheck {
  readonly entry: EntryRef;
  readonly score: number;
  readonly gatePassed: boolean;
  readonly machines: number;
  readonly counts: ResultCounts;
  readonly artifacts: readonly ArtifactRef[];
  /** Where the per-machine evidence came from: the check's JSON report, or only the entry's metrics. */
  readonly evidenceFrom: "report" | "metrics";
  /** Why the report could not be used, when it could not. */
  readonly reportProblem?: string;
}

export interface ComplianceSection {
  readonly latest?: LatestCheck;
  readonly trend: readonly ScorePoint[];
  readonly byDepartment: readonly GroupRow[];
  readonly bySite: readonly GroupRow[];
  readonly worstControls: readonly ControlRow[];
  readonly failingMachines: readonly FailingMachineRow[];
  readonly waiversExpiring: readonly WaiverRow[];
}

export interface PlanRow {
  readonly entry: EntryRef;
  readonly stack: string;
  readonly verdict: string;
  readonly resources: number;
  readonly mandatory: number;
  readonly advisory: number;
  readonly violated: readonly string[];
  readonly monthlyCostUsd?: number;
  readonly artifacts: readonly ArtifactRef[];
}

export interface CostPoint {
  readonly at: string;
  readonly stack: string;
  readonly monthlyCostUsd: number;
}

export interface InfrastructureSection {
  /** The last plan of each stack. */
  readonly plans: readonly PlanRow[];
  readonly costTrend: readonly CostPoint[];
}

/** A hardware replacement that falls due, as the budget forecast computes it. */
export interface ReplacementRow {
  readonly subject: string;
  readonly department: string;
  readonly item: string;
  /** YYYY-MM-DD. */
  readonly due: string;
  readonly reason: string;
  readonly detail: string;
  /** Dollars; undefined when nothing prices it. */
  readonly costUsd?: number;
  readonly late: boolean;
}

export interface LifecycleSection {
  /** Undefined when the dashboard was built without a fleet to forecast (no workspace). */
  readonly replacements?: readonly ReplacementRow[];
  /** Why there are no replacements to show, when there are none. */
  readonly note?: string;
}

/** A CIS v8 safeguard (IG1 or IG2) or a CSF 2.0 subcategory and its latest evidence in the window. */
export interface CoverageRow {
  readonly id: string;
  readonly title?: string;
  /** CIS only: 1 or 2. */
  readonly ig?: number;
  /** The latest entry in the window that evidences it; undefined when none does. */
  readonly evidencedBy?: EntryRef;
  /** The latest entry ever, when it is older than the window. */
  readonly lastEverBy?: EntryRef;
}

export interface CoverageSection {
  readonly windowDays: number;
  readonly cis: readonly CoverageRow[];
  readonly csf: readonly CoverageRow[];
}

/** A CIS v8 safeguard as policies/data/cis-controls-v8.yaml lists it. */
export interface CisSafeguard {
  readonly id: string;
  readonly ig: number;
  readonly title: string;
}

export interface DashboardModel {
  readonly modelVersion: 1;
  /** The time the dashboard describes (entries after it are left out), ISO 8601. */
  readonly at: string;
  readonly generatedAt: string;
  /** The IANA zone days and times are shown in: the workspace's, "UTC" outside one. */
  readonly timeZone: string;
  readonly town: string;
  readonly ledger: {
    readonly entries: number;
    readonly firstAt?: string;
    readonly lastAt?: string;
    readonly lastHash?: string;
  };
  readonly backups: {
    readonly systems: readonly SystemRestore[];
    readonly drills: readonly DrillPoint[];
  };
  readonly compliance: ComplianceSection;
  readonly infrastructure: InfrastructureSection;
  readonly lifecycle: LifecycleSection;
  readonly coverage: CoverageSection;
}
