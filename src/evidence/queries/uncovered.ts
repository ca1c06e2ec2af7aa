/** "Which safeguards have no evidence in the last N days?" */
import { addDays } from "../days.js";
import type { EvidenceIndex } from "../index-db.js";
import type { Framework, Safeguard } from "./safeguards.js";

export interface UncoveredRow {
  readonly framework: Framework;
  readonly id: string;
  readonly title: string;
  /** The newest evidence before the window, when there is any. */
  readonly lastEvidence?: { readonly day: string; readonly seq: number };
}

export interface UncoveredAnswer {
  readonly question: "uncovered";
  readonly days: number;
  /** The window: `days` days ending with `to`, both included. */
  readonly from: string;
  readonly to: string;
  readonly zone: string;
  /** How many safeguards were expected, and how many had evidence in the window. */
  readonly expected: number;
  readonly covered: number;
  readonly uncovered: readonly UncoveredRow[];
}

/**
 * Whether an entry is evidence for its safeguards: a check that ran evaluated its controls
 * whatever the gate said (only a check in error did not); any other work counts only when it
 * passed (a failed drill proves no restore).
 */
export const EVIDENCE_CONDITION =
  "(e.kind = 'check' AND e.verdict <> 'error') OR e.verdict = 'passed'";

/** The expected safeguards that no evidencing entry names in the `days` days ending `today`. */
export function uncovered(
  index: EvidenceIndex,
  expected: readonly Safeguard[],
  days: number,
  today: string,
): UncoveredAnswer {
  const from = addDays(today, -(days - 1));
  const last = index.db.prepare(
    `SELECT e.day, e.seq FROM entry_frameworks f JOIN entries e ON e.seq = f.seq
     WHERE f.framework = ? AND f.safeguard = ? AND e.day <= ? AND (${EVIDENCE_CONDITION})
     ORDER BY e.day DESC, e.seq DESC LIMIT 1`,
  );
  const rows: UncoveredRow[] = [];
  for (const s of expected) {
    const newest = last.get(s.framework, s.id, today) as { day: string; seq: number } | undefined;
    if (newest !== undefined && newest.day >= from) continue;
    rows.push({
      framework: s.framework,
      id: s.id,
      title: s.title,
      ...(newest === undefined ? {} : { lastEvidence: newest }),
    });
  }
  return {
    question: "uncovered",
    days,
    from,
    to: today,
    zone: index.zone,
    expected: expected.length,
    covered: expected.length - rows.length,
    uncovered: rows,
  };
}
