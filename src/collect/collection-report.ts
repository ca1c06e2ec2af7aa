/**
 * The collection report: one entry per host with its outcome, duration and the facts it could not
 * establish. Published as policies/schemas/collection-report.schema.json.
 */
import { Type, type Static } from "@sinclair/typebox";
import { HostResultSchema, OUTCOMES, type HostResult, type Outcome } from "./host-outcome.js";

/** The report `stronghold collect` writes (published as collection-report.schema.json). */
export const CollectionReportSchema = Type.Object(
  {
    version: Type.Literal(1),
    collector: Type.Object(
      { name: Type.String(), version: Type.String() },
      { additionalProperties: false },
    ),
    inventory: Type.String({ description: "The hosts inventory file." }),
    outDir: Type.String({ description: "Where the machine files were written." }),
    startedAt: Type.String({ format: "date-time" }),
    finishedAt: Type.String({ format: "date-time" }),
    durationMs: Type.Integer({ minimum: 0 }),
    options: Type.Object(
      {
        concurrency: Type.Integer({ minimum: 1 }),
        timeoutSeconds: Type.Number({ exclusiveMinimum: 0 }),
        sudo: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    summary: Type.Object(
      {
        hosts: Type.Integer({ minimum: 0 }),
        ok: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0 }),
        byOutcome: Type.Record(Type.String(), Type.Integer({ minimum: 1 }), {
          description: "Hosts per outcome, only outcomes that occurred.",
        }),
      },
      { additionalProperties: false },
    ),
    hosts: Type.Array(HostResultSchema),
  },
  {
    $id: "urn:stronghold:schema:collection-report:v1",
    title: "Stronghold collection report",
    description: "What `stronghold collect` did for each host of the inventory.",
    additionalProperties: false,
  },
);

/** A collection report as written to --report. */
export type CollectionReport = Static<typeof CollectionReportSchema>;

/** Default file name of the collection report. */
export const REPORT_FILE = "collection-report.json";

/** Counts per outcome, in the fixed order of OUTCOMES. */
export function summarise(hosts: readonly HostResult[]): CollectionReport["summary"] {
  const byOutcome: Partial<Record<Outcome, number>> = {};
  for (const h of hosts) byOutcome[h.outcome] = (byOutcome[h.outcome] ?? 0) + 1;
  const failed = hosts.filter((h) => h.outcome !== "ok").length;
  const ordered = Object.fromEntries(
    OUTCOMES.filter((o) => byOutcome[o]).map((o) => [o, byOutcome[o]!]),
  );
  return { hosts: hosts.length, ok: hosts.length - failed, failed, byOutcome: ordered };
}
