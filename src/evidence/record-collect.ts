/** The ledger entry of a `stronghold collect`: which hosts answered, from its collection report. */
import type { EntryArtifact, EntryDraft, EntryFrameworks, EntryInput } from "./entry.js";
import type { CollectEntryMetrics } from "./metrics.js";

/** What the recorder reads of a collection report. */
export interface CollectionReportView {
  readonly startedAt: string;
  readonly summary: { readonly hosts: number; readonly ok: number; readonly failed: number };
  readonly hosts: readonly { readonly name: string; readonly outcome: string }[];
}

export interface CollectRecordInput {
  readonly report: CollectionReportView;
  readonly town: string;
  /** When the work counts as done: the run's simulated time, else the report's start. */
  readonly at?: string;
  readonly inputs: readonly EntryInput[];
  readonly artifacts: readonly EntryArtifact[];
  readonly frameworks: EntryFrameworks;
  readonly run?: string;
}

export function collectMetrics(report: CollectionReportView): CollectEntryMetrics {
  return {
    hosts: report.summary.hosts,
    ok: report.summary.ok,
    failed: Object.fromEntries(
      report.hosts.filter((h) => h.outcome !== "ok").map((h) => [h.name, h.outcome]),
    ),
  };
}

/** passed: every host collected; failed: some did not; error: the inventory had no host. */
export function collectVerdict(report: CollectionReportView): "passed" | "failed" | "error" {
  if (report.summary.hosts === 0) return "error";
  return report.summary.failed === 0 ? "passed" : "failed";
}

/** The entry a collection appends. */
export function recordCollect(input: CollectRecordInput): EntryDraft {
  return {
    kind: "collect",
    at: new Date(input.at ?? input.report.startedAt).toISOString(),
    subject: input.town,
    verdict: collectVerdict(input.report),
    inputs: input.inputs,
    metrics: collectMetrics(input.report) as unknown as Record<string, unknown>,
    frameworks: input.frameworks,
    artifacts: input.artifacts,
    ...(input.run === undefined ? {} : { run: input.run }),
  };
}
