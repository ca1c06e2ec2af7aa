/** The ledger entry of a `stronghold check`: the fleet's compliance on the day, from its report. */
import type { EntryArtifact, EntryDraft, EntryInput } from "./entry.js";
import type {
  CheckEntryMetrics,
  FailingMachine,
  GroupScore,
  ResultCounts,
  WaiverExpiring,
} from "./metrics.js";

/** What the recorder reads of a check report (its JSON report object). */
export interface CheckReportView {
  readonly at: string;
  readonly controls: readonly {
    readonly id: string;
    readonly references: {
      readonly cisControls?: readonly string[];
      readonly csf?: readonly string[];
    };
  }[];
  readonly subjects: readonly {
    readonly subject: string;
    readonly kind: string;
    readonly department: string;
    readonly site: string;
    readonly results: Iterable<{ readonly control: string; readonly status: string }>;
  }[];
  readonly problems: readonly unknown[];
  readonly scores: {
    readonly fleet: { readonly score: number; readonly counts: ResultCounts };
    readonly byDepartment: Readonly<Record<string, { readonly score: number }>>;
    readonly bySite: Readonly<Record<string, { readonly score: number }>>;
  };
  readonly gate: { readonly passed: boolean };
}

/** A waiver as the check read it. */
export interface WaiverView {
  readonly control: string;
  readonly scope: Readonly<Record<string, string | undefined>>;
  readonly expires: string;
}

export interface CheckRecordInput {
  readonly report: CheckReportView;
  readonly town: string;
  readonly waivers: readonly WaiverView[];
  readonly inputs: readonly EntryInput[];
  readonly artifacts: readonly EntryArtifact[];
  readonly run?: string;
}

/** Days a waiver may have left and still be listed as expiring. */
export const WAIVER_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

/** The controls a subject failed, in baseline order. */
function failedControls(results: CheckReportView["subjects"][number]["results"]): string[] {
  const failed: string[] = [];
  for (const r of results) if (r.status === "fail") failed.push(r.control);
  return failed;
}

/** passed (gate passed), failed (gate failed), error (inputs it could not evaluate). */
export function checkVerdict(report: CheckReportView): "passed" | "failed" | "error" {
  if (report.problems.length > 0) return "error";
  return report.gate.passed ? "passed" : "failed";
}

/** Waivers expiring from the check's time to 30 days after (already expired ones are failures). */
export function waiversExpiring(waivers: readonly WaiverView[], at: Date): WaiverExpiring[] {
  const from = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return waivers
    .filter((w) => {
      const expires = Date.parse(`${w.expires}T00:00:00Z`);
      return expires >= from && expires <= from + WAIVER_WARNING_DAYS * DAY_MS;
    })
    .map((w) => {
      const [kind, value] = Object.entries(w.scope).find(([, v]) => v !== undefined) ?? [
        "fleet",
        "",
      ];
      return { control: w.control, scope: `${kind} ${value}`.trim(), expires: w.expires };
    })
    .sort((a, b) => a.expires.localeCompare(b.expires) || a.control.localeCompare(b.control));
}

function groups(
  scores: Readonly<Record<string, { readonly score: number }>>,
  subjects: CheckReportView["subjects"],
  key: "department" | "site",
): Record<string, GroupScore> {
  const out: Record<string, GroupScore> = {};
  for (const [name, s] of Object.entries(scores)) {
    const members = subjects.filter((m) => m.kind === "machine" && m[key] === name);
    out[name] = {
      score: s.score,
      machines: members.length,
      failures: members.reduce((n, m) => n + failedControls(m.results).length, 0),
    };
  }
  return out;
}

/** The check's metrics, from its report and the waivers it read. */
export function checkMetrics(
  report: CheckReportView,
  waivers: readonly WaiverView[],
): CheckEntryMetrics {
  const failingMachines: Record<string, FailingMachine> = {};
  for (const s of report.subjects) {
    const controls = failedControls(s.results);
    if (controls.length > 0)
      failingMachines[s.subject] = {
        department: s.department,
        site: s.site,
        controls: [...new Set(controls)].sort(),
      };
  }
  return {
    score: report.scores.fleet.score,
    gatePassed: report.gate.passed,
    machines: report.subjects.filter((s) => s.kind === "machine").length,
    counts: report.scores.fleet.counts,
    byDepartment: groups(report.scores.byDepartment, report.subjects, "department"),
    bySite: groups(report.scores.bySite, report.subjects, "site"),
    failingMachines,
    waiversExpiring: waiversExpiring(waivers, new Date(report.at)),
  };
}

/** The safeguards of every control the check evaluated, as its baselines reference them. */
export function checkFrameworks(report: CheckReportView): { cis: string[]; csf: string[] } {
  const cis = new Set<string>();
  const csf = new Set<string>();
  for (const c of report.controls) {
    for (const id of c.references.cisControls ?? []) cis.add(id);
    for (const id of c.references.csf ?? []) csf.add(id);
  }
  const bySafeguard = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
  return { cis: [...cis].sort(bySafeguard), csf: [...csf].sort() };
}

/** The entry a check appends. */
export function recordCheck(input: CheckRecordInput): EntryDraft {
  const { report } = input;
  return {
    kind: "check",
    at: new Date(report.at).toISOString(),
    subject: input.town,
    verdict: checkVerdict(report),
    inputs: input.inputs,
    metrics: checkMetrics(report, input.waivers) as unknown as Record<string, unknown>,
    frameworks: checkFrameworks(report),
    artifacts: input.artifacts,
    ...(input.run === undefined ? {} : { run: input.run }),
  };
}
