/**
 * Failures that many machines share (the same over-seat title, the same missing setting) as one
 * frozen result object: the result table then holds one copy of the evidence instead of one per
 * machine, and the reporters serialise each shared result's text once. One table per run, so
 * nothing it holds outlives the run in a long process.
 */
import { InternTable } from "../../support/intern-table.js";
import type { Evidence, FailResult } from "./result.js";

// Outcomes unique to one machine (its own asset tag, its own address) would fill the table
// without ever being shared: it is emptied when it reaches this size, and refills with the
// outcomes that recur.
const MAX_DISTINCT = 20_000;

export class SharedFailures {
  private readonly byText = new InternTable<FailResult>(MAX_DISTINCT);
  private readonly byList = new InternTable<FailResult, readonly Evidence[]>(MAX_DISTINCT);

  /**
   * The failure of `control` with this evidence, shared with every identical failure. A frozen
   * evidence list is its control's promise that it hands that same list to every machine failing
   * alike (see `sharedEvidence`): it is known by identity, and its text is read once.
   */
  failure(control: string, evidence: readonly Evidence[]): FailResult {
    if (Object.isFrozen(evidence)) {
      const known = this.byList.get(evidence, () => this.byTextOf(control, evidence));
      if (known.control === control) return known;
    }
    return this.byTextOf(control, evidence);
  }

  private byTextOf(control: string, evidence: readonly Evidence[]): FailResult {
    const key = keyOf(control, evidence);
    if (key === undefined) return { control, status: "fail", evidence };
    return this.byText.get(key, () =>
      Object.freeze({ control, status: "fail" as const, evidence: sharedEvidence(evidence) }),
    );
  }
}

/**
 * The evidence frozen, list and pieces (the list itself when it is already): for a control to
 * build once per distinct finding and hand to every machine that fails so.
 */
export function sharedEvidence(evidence: readonly Evidence[]): readonly Evidence[] {
  if (Object.isFrozen(evidence) && evidence.every((e) => Object.isFrozen(e))) return evidence;
  return Object.freeze(evidence.map((e) => Object.freeze(e)));
}

// Each pair of shared lists joined once; weak, so a pair's join lives only as long as its lists.
const joins = new WeakMap<readonly Evidence[], WeakMap<readonly Evidence[], readonly Evidence[]>>();

/**
 * Two shared evidence lists (from `sharedEvidence` or this) one after the other, shared too: a
 * machine failing with two findings gets the one list every machine failing alike gets, which the
 * run's failures know by identity rather than by a text key of both findings.
 */
export function joinShared(
  first: readonly Evidence[],
  second: readonly Evidence[],
): readonly Evidence[] {
  if (first.length === 0) return second;
  if (!Object.isFrozen(first) || !Object.isFrozen(second)) return [...first, ...second];
  let after = joins.get(first);
  if (after === undefined) joins.set(first, (after = new WeakMap()));
  let both = after.get(second);
  if (both === undefined) after.set(second, (both = Object.freeze([...first, ...second])));
  return both;
}

/**
 * A key that is equal exactly when the failures serialise to the same text; undefined when some
 * evidence's value is an object or array (rare, and not worth comparing).
 */
function keyOf(control: string, evidence: readonly Evidence[]): string | undefined {
  let key = control;
  for (const e of evidence) {
    const actual = e.actual;
    let value: string;
    switch (typeof actual) {
      case "string":
        value = `s${actual}`;
        break;
      case "number":
      case "boolean":
        value = `${typeof actual === "number" ? "n" : "b"}${String(actual)}`;
        break;
      case "undefined":
        value = "u";
        break;
      default:
        if (actual !== null) return undefined;
        value = "z";
    }
    key += `\u0000${e.pointer}\u0000${value}\u0000${e.expected}\u0000${e.line ?? ""}`;
  }
  return key;
}
