/**
 * One subject's results, one per control in policy order, kept as a shared plan plus the few
 * results that differ from it. Most of a machine's results are the pass and not-applicable
 * results of its applicability plan, which every machine of the same OS family, role and
 * lifecycle status shares; a row then costs its handful of failures, not a slot per control.
 */
import { isFinding, type ControlResult, type Finding } from "./result.js";

/** Whether each plan holds only passes and not-applicable results, as a machine's does. */
const settled = new WeakMap<readonly ControlResult[], boolean>();

export class ResultRow implements Iterable<ControlResult> {
  /** Index and result of each slot that differs from the plan, by index: [i, r, j, s, …]. */
  private own: (number | ControlResult)[] | undefined;

  /** `plan` is shared between rows and must not change: it is frozen here. */
  private constructor(private readonly plan: readonly ControlResult[]) {
    Object.freeze(plan);
  }

  /** A row that starts as `plan`, which other rows may share. */
  static over(plan: readonly ControlResult[]): ResultRow {
    return new ResultRow(plan);
  }

  /** A row of these results, sharing nothing. */
  static of(results: readonly ControlResult[]): ResultRow {
    return new ResultRow(results.slice());
  }

  /** One result per control. */
  get length(): number {
    return this.plan.length;
  }

  /** The result of control `index`. */
  at(index: number): ControlResult {
    const own = this.own;
    if (own !== undefined)
      for (let k = 0; k < own.length; k += 2)
        if (own[k] === index) return own[k + 1] as ControlResult;
    return this.plan[index]!;
  }

  /** Replaces the result of control `index`; the plan stays as it is. */
  set(index: number, result: ControlResult): void {
    if (index < 0 || index >= this.plan.length)
      throw new RangeError(`no control ${index} in a row of ${this.plan.length}`);
    const own = this.own ?? [];
    // Results are set in control order almost always: look from the end.
    let k = own.length;
    while (k > 0 && (own[k - 2] as number) > index) k -= 2;
    const found = k > 0 && own[k - 2] === index;
    if (result === this.plan[index]) {
      if (found) this.own = withoutPair(own, k - 2);
    } else if (found) own[k - 1] = result;
    else this.own = withPair(own, k, index, result);
  }

  /** The shared plan this row starts from: rows with the same plan share this very array. */
  get planned(): readonly ControlResult[] {
    return this.plan;
  }

  /**
   * True when every result of the plan passed or does not apply (a machine's applicability plan):
   * only the row's own results can then have failed, been waived or errored.
   */
  get planSettled(): boolean {
    let yes = settled.get(this.plan);
    if (yes === undefined) {
      yes = !this.plan.some(isFinding);
      settled.set(this.plan, yes);
    }
    return yes;
  }

  /** Calls `visit` with each result that differs from the plan and its index, in control order. */
  forEachOwn(visit: (result: ControlResult, index: number) => void): void {
    const own = this.own;
    if (own === undefined) return;
    for (let k = 0; k < own.length; k += 2) visit(own[k + 1] as ControlResult, own[k] as number);
  }

  /**
   * Calls `visit` with each finding (failed, waived or errored) and its index, in control order;
   * `visit` may `set`. Over a settled plan only the row's own results are looked at.
   */
  forEachFinding(visit: (result: Finding, index: number) => void): void {
    const each = (r: ControlResult, i: number) => {
      if (isFinding(r)) visit(r, i);
    };
    if (this.planSettled) this.forEachOwn(each);
    else this.forEach(each);
  }

  /** The findings (failed, waived or errored results), in control order. */
  findings(): Finding[] {
    const found: Finding[] = [];
    this.forEachFinding((r) => found.push(r));
    return found;
  }

  /** Calls `visit` with every result and its control index, in control order; `visit` may `set`. */
  forEach(visit: (result: ControlResult, index: number) => void): void {
    const { plan, own } = this;
    let k = 0;
    let next = own === undefined || own.length === 0 ? -1 : (own[0] as number);
    for (let i = 0; i < plan.length; i++) {
      if (i === next) {
        visit(own![k + 1] as ControlResult, i);
        k += 2;
        next = k < own!.length ? (own![k] as number) : -1;
      } else visit(plan[i]!, i);
    }
  }

  *[Symbol.iterator](): Iterator<ControlResult> {
    const { plan, own } = this;
    let k = 0;
    let next = own === undefined || own.length === 0 ? -1 : (own[0] as number);
    for (let i = 0; i < plan.length; i++) {
      if (i === next) {
        yield own![k + 1] as ControlResult;
        k += 2;
        next = k < own!.length ? (own![k] as number) : -1;
      } else yield plan[i]!;
    }
  }

  /** The results `keep` is true of, in control order. */
  filter<R extends ControlResult>(keep: (result: ControlResult) => result is R): R[];
  filter(keep: (result: ControlResult) => boolean): ControlResult[];
  filter(keep: (result: ControlResult) => boolean): ControlResult[] {
    const kept: ControlResult[] = [];
    for (const r of this) if (keep(r)) kept.push(r);
    return kept;
  }

  /** The first result, in control order, `match` is true of. */
  find(match: (result: ControlResult) => boolean): ControlResult | undefined {
    for (const r of this) if (match(r)) return r;
    return undefined;
  }

  /** True when `match` is true of some result. */
  some(match: (result: ControlResult) => boolean): boolean {
    return this.find(match) !== undefined;
  }

  /** Every result, in control order, as a new array. */
  toArray(): ControlResult[] {
    return [...this];
  }

  /** A copy of this row with `change` applied to every result; it shares the plan. */
  changed(change: (result: ControlResult, index: number) => ControlResult): ResultRow {
    const row = new ResultRow(this.plan);
    this.forEach((r, i) => {
      const changed = change(r, i);
      if (changed !== this.plan[i]) row.set(i, changed);
    });
    return row;
  }
}

// A row's own results change by copying into a new array of the exact size: one grown in place
// keeps room for 17 more slots per row, and `slice` and `concat` with loose values took ten
// times as long as these loops.

/** `own` with `index` and `result` inserted at `k`. */
function withPair(
  own: readonly (number | ControlResult)[],
  k: number,
  index: number,
  result: ControlResult,
): (number | ControlResult)[] {
  const copy = new Array<number | ControlResult>(own.length + 2);
  for (let i = 0; i < k; i++) copy[i] = own[i]!;
  copy[k] = index;
  copy[k + 1] = result;
  for (let i = k; i < own.length; i++) copy[i + 2] = own[i]!;
  return copy;
}

/** `own` without the pair at `k`. */
function withoutPair(
  own: readonly (number | ControlResult)[],
  k: number,
): (number | ControlResult)[] {
  const copy = new Array<number | ControlResult>(own.length - 2);
  for (let i = 0; i < k; i++) copy[i] = own[i]!;
  for (let i = k + 2; i < own.length; i++) copy[i - 2] = own[i]!;
  return copy;
}
