/** "How compliant was the fleet on <date>?" — the last check on or before that day. */
import type { EvidenceIndex } from "../index-db.js";
import type { ResultCounts } from "../metrics.js";

export interface GroupRow {
  readonly name: string;
  readonly score: number;
  readonly machines: number;
  readonly failures: number;
}

export interface ComplianceAnswer {
  readonly question: "compliance";
  /** The day asked about, YYYY-MM-DD. */
  readonly asked: string;
  readonly zone: string;
  /** The day of the check used: the asked day, an earlier one, or none at all. */
  readonly day?: string;
  /** How the day was chosen, in one sentence. */
  readonly note: string;
  readonly check?: {
    readonly seq: number;
    readonly hash: string;
    readonly at: string;
    readonly score: number;
    readonly machines: number;
    readonly gatePassed: boolean;
    readonly counts: ResultCounts;
  };
  /** Controls failing on some machine, most machines first. */
  readonly failingControls: readonly { readonly control: string; readonly machines: number }[];
  readonly byDepartment: readonly GroupRow[];
  readonly bySite: readonly GroupRow[];
}

interface CheckRow {
  seq: number;
  hash: string;
  at: string;
  day: string;
  score: number;
  machines: number;
  pass: number;
  fail: number;
  waived: number;
  not_applicable: number;
  error: number;
  gate_passed: number;
}

/** The fleet's compliance on `day` (a local day in the index's zone). */
export function complianceOn(index: EvidenceIndex, day: string): ComplianceAnswer {
  const { db } = index;
  const row = db
    .prepare(
      `SELECT c.*, e.hash, e.at FROM check_days c JOIN entries e ON e.seq = c.seq
       WHERE c.day <= ? ORDER BY c.day DESC, c.seq DESC LIMIT 1`,
    )
    .get(day) as CheckRow | undefined;
  const base = { question: "compliance", asked: day, zone: index.zone } as const;
  if (row === undefined)
    return {
      ...base,
      note: `no check was recorded on or before ${day}`,
      failingControls: [],
      byDepartment: [],
      bySite: [],
    };
  const failingControls = db
    .prepare(
      `SELECT control, count(*) AS machines FROM failing WHERE seq = ?
       GROUP BY control ORDER BY machines DESC, control`,
    )
    .all(row.seq) as { control: string; machines: number }[];
  const groups = (dimension: string) =>
    db
      .prepare(
        `SELECT name, score, machines, failures FROM check_groups
         WHERE seq = ? AND dimension = ? ORDER BY score, name`,
      )
      .all(row.seq, dimension) as GroupRow[];
  return {
    ...base,
    day: row.day,
    note:
      row.day === day
        ? `the last check of ${day}`
        : `no check on ${day}; the last check before it, of ${row.day}, is used`,
    check: {
      seq: row.seq,
      hash: row.hash,
      at: row.at,
      score: row.score,
      machines: row.machines,
      gatePassed: row.gate_passed === 1,
      counts: {
        pass: row.pass,
        fail: row.fail,
        waived: row.waived,
        "not-applicable": row.not_applicable,
        error: row.error,
      },
    },
    failingControls,
    byDepartment: groups("department"),
    bySite: groups("site"),
  };
}
