/** "When was <system> last restored and verified, and how long did it take?" */
import { UsageError } from "../../support/errors.js";
import { didYouMean } from "../../support/suggest.js";
import type { EvidenceIndex } from "../index-db.js";
import { DRILL_SELECT, PASSED, drillRows, type DrillRow } from "./drill-rows.js";

export interface LastRestoreAnswer {
  readonly question: "last-restore";
  readonly system: string;
  /** Whether `system` named a runbook or a target host of drills. */
  readonly matchedBy: "runbook" | "system";
  /** The zone the days are in. */
  readonly zone: string;
  /** The latest drill that passed: restored and verified, with its objectives. */
  readonly lastVerified?: DrillRow;
  /** The latest drill, when it came after the last verified one and did not pass. */
  readonly lastAttempt?: DrillRow;
  /** Drills of the system that did not pass since the last verified one. */
  readonly failedSince: number;
}

/** The last verified restore of a runbook or target host; an unknown name is a UsageError. */
export function lastRestore(index: EvidenceIndex, system: string): LastRestoreAnswer {
  const { db } = index;
  const byRunbook = db.prepare("SELECT 1 FROM drills WHERE runbook = ? LIMIT 1").get(system);
  const bySystem = db.prepare("SELECT 1 FROM drill_systems WHERE system = ? LIMIT 1").get(system);
  if (byRunbook === undefined && bySystem === undefined) {
    const known = (
      db
        .prepare("SELECT runbook AS name FROM drills UNION SELECT system FROM drill_systems")
        .all() as { name: string }[]
    ).map((r) => r.name);
    throw new UsageError(
      known.length === 0
        ? `no drill has been recorded in the ledger, so "${system}" was never restored`
        : `"${system}" is neither a runbook nor a system any recorded drill restored${didYouMean(system, known)}; drilled: ${known.sort().join(", ")}`,
    );
  }
  const matchedBy = byRunbook !== undefined ? "runbook" : "system";
  const which =
    matchedBy === "runbook"
      ? "d.runbook = ?"
      : "d.seq IN (SELECT seq FROM drill_systems WHERE system = ?)";
  const [lastVerified] = drillRows(
    db,
    `${DRILL_SELECT} WHERE ${which} AND d.verdict = ? ORDER BY d.seq DESC LIMIT 1`,
    system,
    PASSED,
  );
  const after = lastVerified?.seq ?? 0;
  const [latest] = drillRows(
    db,
    `${DRILL_SELECT} WHERE ${which} AND d.seq > ? ORDER BY d.seq DESC LIMIT 1`,
    system,
    after,
  );
  const { failed } = db
    .prepare(
      `SELECT count(*) AS failed FROM drills d WHERE ${which} AND d.seq > ? AND d.verdict <> ?`,
    )
    .get(system, after, PASSED) as { failed: number };
  return {
    question: "last-restore",
    system,
    matchedBy,
    zone: index.zone,
    ...(lastVerified === undefined ? {} : { lastVerified }),
    ...(latest === undefined ? {} : { lastAttempt: latest }),
    failedSince: failed,
  };
}
