/** Scores and the CI gate. */
import type { InternTable } from "../../support/intern-table.js";
import type { FailOn, Gate, Score } from "./report-model.js";
import { SEVERITIES, SEVERITY_WEIGHT, STATUSES, type Severity, type Status } from "./result.js";

/** Accumulates severity-weighted results; pass and waived count for, fail and error against. */
export class ScoreTally {
  // A literal, not built from STATUSES: a tally is made per machine, and the type still names
  // every status.
  private readonly counts: Record<Status, number> = {
    pass: 0,
    fail: 0,
    waived: 0,
    "not-applicable": 0,
    error: 0,
  };
  private good = 0;
  private total = 0;

  add(status: Status, severity: Severity): void {
    this.count(status, severity, 1);
  }

  /** Takes back one `add`: a result the plan gave that the machine's own result replaces. */
  remove(status: Status, severity: Severity): void {
    this.count(status, severity, -1);
  }

  private count(status: Status, severity: Severity, times: 1 | -1): void {
    this.counts[status] += times;
    const weight = SEVERITY_WEIGHT[severity] * times;
    if (status === "pass" || status === "waived") {
      this.good += weight;
      this.total += weight;
    } else if (status === "fail" || status === "error") {
      this.total += weight;
    }
  }

  /** A tally with this one's counts, to go on counting apart. */
  copy(): ScoreTally {
    const copy = new ScoreTally();
    copy.merge(this);
    return copy;
  }

  /** Adds everything another tally counted: a machine is tallied once, then merged upwards. */
  merge(other: ScoreTally): void {
    for (const status of STATUSES) this.counts[status] += other.counts[status];
    this.good += other.good;
    this.total += other.total;
  }

  /** 0–100 with one decimal; 100 when nothing counted (nothing applicable failed). */
  result(): Score {
    const score = this.total === 0 ? 100 : Math.floor((1000 * this.good) / this.total) / 10;
    return { score, counts: { ...this.counts } };
  }
}

/**
 * One frozen object per distinct score: a fleet has a few hundred distinct machine scores, and
 * the report keeps one per machine until it is written.
 */
export function sharedScore(table: InternTable<Score, number | string>, score: Score): Score {
  return table.get(scoreKey(score), () =>
    Object.freeze({ score: score.score, counts: Object.freeze({ ...score.counts }) }),
  );
}

/** Below 256 each count packs into 8 bits, beside the score in tenths (0–1000, 10 bits). */
const packable = (count: number) => Number.isInteger(count) && count >= 0 && count < 256;

/**
 * A key equal exactly when the scores are: a number built from the score and every status's
 * count (a test adds each in turn), without a text per machine; a text when the score is not in
 * tenths or a count does not fit.
 */
function scoreKey(score: Score): number | string {
  const { counts } = score;
  const tenths = Math.round(score.score * 10);
  const { pass, fail, waived, error } = counts;
  const notApplicable = counts["not-applicable"];
  if (
    tenths / 10 === score.score &&
    tenths >= 0 &&
    tenths <= 1000 &&
    packable(pass) &&
    packable(fail) &&
    packable(waived) &&
    packable(notApplicable) &&
    packable(error)
  )
    return (
      ((((tenths * 256 + pass) * 256 + fail) * 256 + waived) * 256 + notApplicable) * 256 + error
    );
  return `${score.score} ${pass} ${fail} ${waived} ${notApplicable} ${error}`;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * The gate fails on any fail or error at or above `failOn`, or a fleet score below `minScore`.
 * Errors count as failures: a control that could not be evaluated has not been shown to pass.
 */
/** What the gate must know of the input: a run that left machines out never passes. */
export interface GateInput {
  /** Input files with problems: some of their machines were not evaluated. */
  readonly filesWithProblems: number;
  readonly machinesEvaluated: number;
}

export function decideGate(
  failOn: FailOn,
  minScore: number,
  fleet: Score,
  worstBySeverity: Readonly<Partial<Record<Severity, number>>>,
  input: GateInput,
): Gate {
  const reasons: string[] = [];
  if (failOn !== "never") {
    for (const severity of SEVERITIES) {
      const n = worstBySeverity[severity] ?? 0;
      if (n > 0 && rank(severity) <= rank(failOn)) {
        reasons.push(
          `${n} ${severity} result(s) failed or could not be evaluated (--fail-on ${failOn})`,
        );
      }
    }
  }
  if (fleet.score < minScore)
    reasons.push(`fleet score ${fleet.score} is below --min-score ${minScore}`);
  // A CI summary must not be green on a job that exits 2, or on a fleet nobody looked at.
  if (input.filesWithProblems > 0)
    reasons.push(
      `${input.filesWithProblems} input file(s) with problems: the machines they hold were not all evaluated`,
    );
  if (input.machinesEvaluated === 0) reasons.push("no machine was evaluated");
  return { failOn, minScore, passed: reasons.length === 0, reasons };
}
