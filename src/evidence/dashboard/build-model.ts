/**
 * Builds the dashboard's model from the ledger: the entries up to a time, and the latest check's
 * JSON report (for each failing machine's evidence and remediation).
 */
import { dayInZone } from "../../support/calendar-day.js";
import type { LedgerEntry } from "../entry.js";
import type {
  CheckEntryMetrics,
  DrillEntryMetrics,
  GroupScore,
  InfraPlanEntryMetrics,
} from "../metrics.js";
import { readArtifactJson, readEntries } from "./ledger-reader.js";
import type {
  ArtifactRef,
  CisSafeguard,
  ComplianceSection,
  ControlRow,
  CoverageRow,
  CoverageSection,
  DashboardModel,
  DrillPoint,
  EntryRef,
  FailingControl,
  FailingMachineRow,
  GroupRow,
  InfrastructureSection,
  LatestCheck,
  LifecycleSection,
  ReplacementRow,
  SystemRestore,
} from "./model.js";

/** How far back an entry counts as evidence for a safeguard in the coverage view. */
export const COVERAGE_WINDOW_DAYS = 90;

const DAY_MS = 86_400_000;

export interface DashboardOptions {
  /** The time the dashboard describes; entries after it are left out. Default: now. */
  readonly at?: Date;
  /** The zone whose calendar days the page shows (the workspace's); default UTC. */
  readonly timeZone?: string;
  /** When the page is generated (default: now); shown in its footer. */
  readonly now?: Date;
  /** The CIS v8 safeguards (policies/data/cis-controls-v8.yaml); IG1 and IG2 are shown. */
  readonly safeguards?: readonly CisSafeguard[];
  /** CSF 2.0 subcategories to list even when no entry names them. */
  readonly csf?: readonly { readonly id: string; readonly title?: string }[];
  /** Upcoming hardware replacements from the budget forecast, when a fleet was at hand. */
  readonly replacements?: readonly ReplacementRow[];
  /** Why there are no replacements, when none were given. */
  readonly lifecycleNote?: string;
}

function ref(e: LedgerEntry): EntryRef {
  return {
    seq: e.seq,
    kind: e.kind,
    at: e.at,
    subject: e.subject,
    hash: e.hash,
    verdict: e.verdict,
  };
}

function artifacts(e: LedgerEntry): ArtifactRef[] {
  return (e.artifacts ?? []).map((a) => ({ name: a.name, sha256: a.sha256, bytes: a.bytes }));
}

const time = (iso: string) => Date.parse(iso);

/** Entries of the ledger up to `at`, in time order (ties in ledger order). */
function byTime(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries
    .map((e, i) => ({ e, i, t: time(e.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

function drillPoint(e: LedgerEntry): DrillPoint {
  const m = e.metrics as unknown as DrillEntryMetrics;
  return {
    entry: ref(e),
    runbook: e.subject,
    scenario: m.scenario ?? e.subject,
    verdict: e.verdict,
    passed: e.verdict === "passed",
    systems: m.systems ?? [],
    ...(m.rto === undefined ? {} : { rto: m.rto }),
    ...(m.rpo === undefined ? {} : { rpo: m.rpo }),
    verifiedFiles: m.verified?.files ?? 0,
    verifiedBytes: m.verified?.bytes ?? 0,
    ...(m.failedAt === undefined ? {} : { failedAt: m.failedAt }),
    reasons: m.reasons ?? [],
    artifacts: artifacts(e),
  };
}

function backups(drills: readonly LedgerEntry[], at: Date): DashboardModel["backups"] {
  const points = drills.map(drillPoint);
  const systems = new Map<string, { last: DrillPoint; verified?: DrillPoint }>();
  for (const p of points) {
    for (const system of p.systems) {
      const known = systems.get(system);
      systems.set(system, {
        last: p,
        ...(p.passed ? { verified: p } : known?.verified ? { verified: known.verified } : {}),
      });
    }
  }
  const rows: SystemRestore[] = [...systems.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([system, s]) => ({
      system,
      lastDrill: s.last,
      ...(s.verified === undefined
        ? {}
        : {
            lastVerified: s.verified,
            daysSinceVerified: Math.floor((at.getTime() - time(s.verified.entry.at)) / DAY_MS),
          }),
    }));
  return { systems: rows, drills: points };
}

function groups(scores: Readonly<Record<string, GroupScore>> | undefined): GroupRow[] {
  return Object.entries(scores ?? {})
    .map(([name, g]) => ({ name, score: g.score, machines: g.machines, failures: g.failures }))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
}

/**
 * The check JSON report versions the dashboard reads: in both a subject's failures are in its
 * `results` (version 3 only moved the not-applicable results out of them), and older nights in
 * the ledger keep the version they were written in.
 */
const REPORT_VERSIONS: readonly unknown[] = [2, 3];

/** The parts of a check JSON report the dashboard reads. */
interface ReportControl {
  id: string;
  title?: string;
  severity?: string;
  remediation?: string;
}
interface ReportSubject {
  subject: string;
  kind?: string;
  department?: string;
  site?: string;
  results?: {
    control: string;
    status: string;
    evidence?: { pointer: string; actual?: unknown; expected: unknown }[];
  }[];
}

function isReport(
  value: unknown,
): value is { schemaVersion: number; controls: ReportControl[]; subjects: ReportSubject[] } {
  const v = value as { schemaVersion?: unknown; controls?: unknown; subjects?: unknown };
  return (
    typeof value === "object" &&
    value !== null &&
    REPORT_VERSIONS.includes(v.schemaVersion) &&
    Array.isArray(v.controls) &&
    Array.isArray(v.subjects)
  );
}

/** The check's JSON report among its artifacts: stronghold-report.json, else any .json. */
function reportArtifact(e: LedgerEntry): ArtifactRef | undefined {
  const all = artifacts(e);
  return (
    all.find((a) => a.name.endsWith("stronghold-report.json")) ??
    all.find((a) => a.name.endsWith(".json"))
  );
}

function failingFromReport(
  report: { controls: ReportControl[]; subjects: ReportSubject[] },
  metrics: CheckEntryMetrics,
): { machines: FailingMachineRow[]; controls: Map<string, ReportControl> } {
  const controls = new Map(report.controls.map((c) => [c.id, c]));
  const machines: FailingMachineRow[] = [];
  for (const s of report.subjects) {
    const failing: FailingControl[] = [];
    for (const r of s.results ?? []) {
      if (r.status !== "fail") continue;
      const c = controls.get(r.control);
      failing.push({
        control: r.control,
        ...(c?.title === undefined ? {} : { title: c.title }),
        ...(c?.severity === undefined ? {} : { severity: c.severity }),
        ...(c?.remediation === undefined ? {} : { remediation: c.remediation }),
        evidence: (r.evidence ?? []).map((ev) => ({
          pointer: ev.pointer,
          ...("actual" in ev ? { actual: ev.actual } : {}),
          expected: ev.expected,
        })),
      });
    }
    if (failing.length === 0) continue;
    const known = metrics.failingMachines?.[s.subject];
    machines.push({
      machine: s.subject,
      department: s.department ?? known?.department ?? "",
      site: s.site ?? known?.site ?? "",
      controls: failing.sort((a, b) => a.control.localeCompare(b.control)),
    });
  }
  return { machines, controls };
}

function failingFromMetrics(metrics: CheckEntryMetrics): FailingMachineRow[] {
  return Object.entries(metrics.failingMachines ?? {}).map(([machine, m]) => ({
    machine,
    department: m.department,
    site: m.site,
    controls: m.controls.map((control) => ({ control, evidence: [] })),
  }));
}

const SEVERITY_RANK: Readonly<Record<string, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

function compliance(
  dir: string,
  checks: readonly LedgerEntry[],
  at: Date,
  timeZone: string,
): ComplianceSection {
  const trend = checks.map((e) => {
    const m = e.metrics as unknown as CheckEntryMetrics;
    return { at: e.at, seq: e.seq, score: m.score, gatePassed: m.gatePassed };
  });
  const last = checks[checks.length - 1];
  if (last === undefined)
    return {
      trend,
      byDepartment: [],
      bySite: [],
      worstControls: [],
      failingMachines: [],
      waiversExpiring: [],
    };
  const metrics = last.metrics as unknown as CheckEntryMetrics;
  const artifact = reportArtifact(last);
  let machines: FailingMachineRow[];
  let controlInfo = new Map<string, ReportControl>();
  let reportProblem: string | undefined;
  const read = artifact === undefined ? undefined : readArtifactJson(dir, artifact.sha256);
  if (read?.ok === true && isReport(read.value)) {
    const fromReport = failingFromReport(read.value, metrics);
    machines = fromReport.machines;
    controlInfo = fromReport.controls;
  } else {
    machines = failingFromMetrics(metrics);
    reportProblem =
      read === undefined
        ? `check entry ${last.seq} stores no JSON report`
        : read.ok
          ? `${artifact!.name} (${artifact!.sha256}) is not a check JSON report (schemaVersion ${REPORT_VERSIONS.join(" or ")})`
          : read.problem;
  }
  machines.sort(
    (a, b) =>
      b.controls.length - a.controls.length ||
      a.department.localeCompare(b.department) ||
      a.machine.localeCompare(b.machine),
  );
  const counts = new Map<string, number>();
  for (const m of machines)
    for (const c of m.controls) counts.set(c.control, (counts.get(c.control) ?? 0) + 1);
  const worstControls: ControlRow[] = [...counts.entries()]
    .map(([control, n]) => {
      const c = controlInfo.get(control);
      return {
        control,
        ...(c?.title === undefined ? {} : { title: c.title }),
        ...(c?.severity === undefined ? {} : { severity: c.severity }),
        machines: n,
      };
    })
    .sort(
      (a, b) =>
        b.machines - a.machines ||
        (SEVERITY_RANK[a.severity ?? ""] ?? 9) - (SEVERITY_RANK[b.severity ?? ""] ?? 9) ||
        a.control.localeCompare(b.control),
    );
  const latest: LatestCheck = {
    entry: ref(last),
    score: metrics.score,
    gatePassed: metrics.gatePassed,
    machines: metrics.machines,
    counts: metrics.counts,
    artifacts: artifacts(last),
    evidenceFrom: reportProblem === undefined ? "report" : "metrics",
    ...(reportProblem === undefined ? {} : { reportProblem }),
  };
  // Days left count from the local day of `at`: a waiver expiring "2026-07-01" has one day left
  // on the evening of 30 June in the workspace's zone, whatever the date in UTC.
  const today = time(`${dayInZone(at, timeZone).date}T00:00:00Z`);
  const waiversExpiring = (metrics.waiversExpiring ?? [])
    .map((w) => ({ ...w, daysLeft: Math.round((time(`${w.expires}T00:00:00Z`) - today) / DAY_MS) }))
    .sort((a, b) => a.expires.localeCompare(b.expires) || a.control.localeCompare(b.control));
  return {
    latest,
    trend,
    byDepartment: groups(metrics.byDepartment),
    bySite: groups(metrics.bySite),
    worstControls,
    failingMachines: machines,
    waiversExpiring,
  };
}

function infrastructure(plans: readonly LedgerEntry[]): InfrastructureSection {
  const lastByStack = new Map<string, LedgerEntry>();
  const costTrend: InfrastructureSection["costTrend"][number][] = [];
  for (const e of plans) {
    lastByStack.set(e.subject, e);
    const m = e.metrics as unknown as InfraPlanEntryMetrics;
    if (typeof m.monthlyCostUsd === "number")
      costTrend.push({ at: e.at, stack: e.subject, monthlyCostUsd: m.monthlyCostUsd });
  }
  const rows = [...lastByStack.values()]
    .sort((a, b) => a.subject.localeCompare(b.subject))
    .map((e) => {
      const m = e.metrics as unknown as InfraPlanEntryMetrics;
      return {
        entry: ref(e),
        stack: e.subject,
        verdict: e.verdict,
        resources: m.resources ?? 0,
        mandatory: m.violations?.mandatory ?? 0,
        advisory: m.violations?.advisory ?? 0,
        violated: m.violated ?? [],
        ...(typeof m.monthlyCostUsd === "number" ? { monthlyCostUsd: m.monthlyCostUsd } : {}),
        artifacts: artifacts(e),
      };
    });
  return { plans: rows, costTrend };
}

/** Sorts "11.5" before "11.10" and "PR.DS-02" before "PR.DS-11". */
function idOrder(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function coverage(
  entries: readonly LedgerEntry[],
  at: Date,
  options: DashboardOptions,
): CoverageSection {
  const latestCis = new Map<string, LedgerEntry>();
  const latestCsf = new Map<string, LedgerEntry>();
  for (const e of entries) {
    for (const id of e.frameworks?.cis ?? []) latestCis.set(id, e);
    for (const id of e.frameworks?.csf ?? []) latestCsf.set(id, e);
  }
  const since = at.getTime() - COVERAGE_WINDOW_DAYS * DAY_MS;
  const row = (
    id: string,
    latest: LedgerEntry | undefined,
    extra: Omit<CoverageRow, "id" | "evidencedBy" | "lastEverBy">,
  ): CoverageRow => ({
    id,
    ...extra,
    ...(latest === undefined
      ? {}
      : time(latest.at) >= since
        ? { evidencedBy: ref(latest) }
        : { lastEverBy: ref(latest) }),
  });
  const catalogue = (options.safeguards ?? []).filter((s) => s.ig <= 2);
  const listed = new Set(catalogue.map((s) => s.id));
  const cis = [
    ...catalogue.map((s) => row(s.id, latestCis.get(s.id), { title: s.title, ig: s.ig })),
    // Safeguards an entry names that the catalogue leaves out (IG3, or no catalogue given).
    ...[...latestCis.keys()]
      .filter((id) => !listed.has(id) && options.safeguards === undefined)
      .map((id) => row(id, latestCis.get(id), {})),
  ].sort((a, b) => idOrder(a.id, b.id));
  const csfTitles = new Map((options.csf ?? []).map((c) => [c.id, c.title]));
  const csfIds = new Set([...csfTitles.keys(), ...latestCsf.keys()]);
  const csf = [...csfIds].sort(idOrder).map((id) => {
    const title = csfTitles.get(id);
    return row(id, latestCsf.get(id), title === undefined ? {} : { title });
  });
  return { windowDays: COVERAGE_WINDOW_DAYS, cis, csf };
}

function lifecycle(options: DashboardOptions, at: Date, timeZone: string): LifecycleSection {
  if (options.replacements === undefined)
    return {
      note:
        options.lifecycleNote ??
        "built without a workspace: no machine configs to forecast replacements from",
    };
  const day = dayInZone(at, timeZone).date;
  const rows = [...options.replacements].sort(
    (a, b) => a.due.localeCompare(b.due) || a.subject.localeCompare(b.subject),
  );
  return {
    replacements: rows,
    ...(rows.length === 0
      ? { note: options.lifecycleNote ?? `no replacement falls due after ${day} in the forecast` }
      : {}),
  };
}

/** Reads the ledger in `dir` and gathers everything the dashboard shows as of `options.at`. */
export function buildDashboardModel(dir: string, options: DashboardOptions = {}): DashboardModel {
  const at = options.at ?? new Date();
  const timeZone = options.timeZone ?? "UTC";
  const entries = byTime(readEntries(dir, at));
  const checks: LedgerEntry[] = [];
  const drills: LedgerEntry[] = [];
  const plans: LedgerEntry[] = [];
  let town: string | undefined;
  for (const e of entries) {
    switch (e.kind) {
      case "check":
        checks.push(e);
        town = e.subject;
        break;
      case "drill":
        drills.push(e);
        break;
      case "infra-plan":
        plans.push(e);
        break;
      case "run":
        town = e.subject;
        break;
      case "collect":
        break;
    }
  }
  const first = entries[0];
  const last = entries[entries.length - 1];
  const lastInLedger = entries.reduce<LedgerEntry | undefined>(
    (a, e) => (a === undefined || e.seq > a.seq ? e : a),
    undefined,
  );
  return {
    modelVersion: 1,
    at: at.toISOString(),
    generatedAt: (options.now ?? new Date()).toISOString(),
    timeZone,
    town: town ?? "",
    ledger: {
      entries: entries.length,
      ...(first === undefined ? {} : { firstAt: first.at }),
      ...(last === undefined ? {} : { lastAt: last.at }),
      ...(lastInLedger === undefined ? {} : { lastHash: lastInLedger.hash }),
    },
    backups: backups(drills, at),
    compliance: compliance(dir, checks, at, timeZone),
    infrastructure: infrastructure(plans),
    lifecycle: lifecycle(options, at, timeZone),
    coverage: coverage(entries, at, options),
  };
}
