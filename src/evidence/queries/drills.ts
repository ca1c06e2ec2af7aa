/** "Which drills ran between <from> and <to>, and how did they do?" */
import type { EvidenceIndex } from "../index-db.js";
import { DRILL_SELECT, PASSED, drillRows, type DrillRow } from "./drill-rows.js";

export interface DrillsAnswer {
  readonly question: "drills";
  /** First and last day, both included. */
  readonly from: string;
  readonly to: string;
  readonly zone: string;
  readonly drills: readonly DrillRow[];
  readonly passed: number;
  readonly failed: number;
}

/** Every drill whose day falls in [from, to], oldest first. */
export function drillsIn(index: EvidenceIndex, from: string, to: string): DrillsAnswer {
  const drills = drillRows(
    index.db,
    `${DRILL_SELECT} WHERE d.day BETWEEN ? AND ? ORDER BY d.seq`,
    from,
    to,
  );
  const passed = drills.filter((d) => d.verdict === PASSED).length;
  return {
    question: "drills",
    from,
    to,
    zone: index.zone,
    drills,
    passed,
    failed: drills.length - passed,
  };
}
