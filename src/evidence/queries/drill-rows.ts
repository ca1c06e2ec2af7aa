/** Drill entries as the queries return them, read from the index's drills tables. */
import type Database from "better-sqlite3";
import type { ObjectiveFigure } from "../metrics.js";

/** One drill run, with the ledger entry that is its evidence (seq and hash). */
export interface DrillRow {
  readonly seq: number;
  readonly hash: string;
  readonly day: string;
  readonly at: string;
  readonly runbook: string;
  readonly runId: string;
  readonly scenario: string;
  readonly verdict: string;
  readonly systems: readonly string[];
  readonly rto?: ObjectiveFigure;
  readonly rpo?: ObjectiveFigure;
  readonly verified: { readonly files: number; readonly bytes: number };
  readonly failedAt?: string;
  /** Why it did not pass, as the drill said; empty when it passed. */
  readonly reasons: readonly string[];
}

/** A drill's verdict that makes it evidence of a restore. */
export const PASSED = "passed";

interface Raw {
  seq: number;
  hash: string;
  day: string;
  at: string;
  runbook: string;
  run_id: string;
  scenario: string;
  verdict: string;
  systems: string | null;
  rto_target: number | null;
  rto_achieved: number | null;
  rto_met: number | null;
  rpo_target: number | null;
  rpo_achieved: number | null;
  rpo_met: number | null;
  verified_files: number;
  verified_bytes: number;
  failed_at: string | null;
  reasons: string;
}

/** SELECT list and joins for drill rows; add WHERE / ORDER BY after it (table alias d). */
export const DRILL_SELECT = `
SELECT d.seq, e.hash, d.day, d.at, d.runbook, d.run_id, d.scenario, d.verdict,
  (SELECT group_concat(system, char(10)) FROM (SELECT system FROM drill_systems s WHERE s.seq = d.seq ORDER BY system)) AS systems,
  d.rto_target, d.rto_achieved, d.rto_met, d.rpo_target, d.rpo_achieved, d.rpo_met,
  d.verified_files, d.verified_bytes, d.failed_at, d.reasons
FROM drills d JOIN entries e ON e.seq = d.seq`;

function objective(
  target: number | null,
  achieved: number | null,
  met: number | null,
): ObjectiveFigure | undefined {
  if (target === null) return undefined;
  return {
    targetSeconds: target,
    ...(achieved === null ? {} : { achievedSeconds: achieved }),
    ...(met === null ? {} : { met: met === 1 }),
  };
}

/** Runs a DRILL_SELECT statement and shapes its rows. */
export function drillRows(db: Database.Database, sql: string, ...params: unknown[]): DrillRow[] {
  const rows = db.prepare(sql).all(...params) as Raw[];
  return rows.map((r) => {
    const rto = objective(r.rto_target, r.rto_achieved, r.rto_met);
    const rpo = objective(r.rpo_target, r.rpo_achieved, r.rpo_met);
    return {
      seq: r.seq,
      hash: r.hash,
      day: r.day,
      at: r.at,
      runbook: r.runbook,
      runId: r.run_id,
      scenario: r.scenario,
      verdict: r.verdict,
      systems: r.systems === null ? [] : r.systems.split("\n"),
      ...(rto === undefined ? {} : { rto }),
      ...(rpo === undefined ? {} : { rpo }),
      verified: { files: r.verified_files, bytes: r.verified_bytes },
      ...(r.failed_at === null ? {} : { failedAt: r.failed_at }),
      reasons: JSON.parse(r.reasons) as string[],
    };
  });
}
