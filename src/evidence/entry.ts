/**
 * One entry of the evidence ledger: what was done (kind, subject), when, by which tool version,
 * from which inputs (their hashes), with which verdict and figures, the content-addressed
 * artifacts it produced, and the framework safeguards it is evidence for. Entries are chained:
 * each names the hash of the one before it.
 */

/** What appended the entry. */
export const ENTRY_KINDS = ["check", "collect", "drill", "infra-plan", "run"] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The `prev` of the first entry. */
export const GENESIS = "0".repeat(64);

/** An input the work read, by role (machines, baseline, overlay, waivers, register, runbook, stack-outputs…). */
export interface EntryInput {
  readonly role: string;
  /** A path relative to the workspace, or a name (baseline id, runbook name). */
  readonly name: string;
  /** SHA-256 of the input's bytes, lowercase hex. */
  readonly sha256: string;
}

/** A file the work produced, stored in the ledger's objects/ by its SHA-256. */
export interface EntryArtifact {
  /** The file's name where the work wrote it (stronghold-report.json, journal.jsonl). */
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** The safeguards an entry is evidence for: CIS Controls v8 (e.g. "11.5") and NIST CSF 2.0 (e.g. "PR.DS-11"). */
export interface EntryFrameworks {
  readonly cis: readonly string[];
  readonly csf: readonly string[];
}

/** The entry as its producer describes it; the ledger adds seq, prev, recordedAt and hash. */
export interface EntryDraft {
  readonly kind: EntryKind;
  /** When the work happened (its --at when it was given one), ISO 8601 UTC. */
  readonly at: string;
  /** What the work was about: the town for check/collect/run, the runbook for a drill, the stack for a plan. */
  readonly subject: string;
  /** passed, failed, error, interrupted… in the producer's own words. */
  readonly verdict: string;
  readonly inputs: readonly EntryInput[];
  /** Kind-specific figures (see metrics.ts); plain JSON. */
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly frameworks: EntryFrameworks;
  readonly artifacts: readonly EntryArtifact[];
  /** The nightly run this work was part of (its folder name), when it was. */
  readonly run?: string;
}

/** An entry as the ledger holds it, one JSON line. */
export interface LedgerEntry extends EntryDraft {
  /** 1, 2, 3… without gaps. */
  readonly seq: number;
  /** The hash of entry seq − 1, or GENESIS. */
  readonly prev: string;
  /** When the ledger appended it. */
  readonly recordedAt: string;
  readonly tool: { readonly name: "stronghold"; readonly version: string };
  /** SHA-256 (hex) of this line's JSON without the hash field, which is last. */
  readonly hash: string;
}
