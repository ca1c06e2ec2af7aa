/**
 * A cache for values that depend only on an object (a control's parameters, a reference table)
 * and a string key: fleets repeat the same few OS releases, titles and roles many thousand times.
 * The object is held weakly (all but the last one asked about), so a cache does not outlive what
 * it was computed from.
 */
import { Answers, type UNASKED } from "./answers.js";

export class Memo<Owner extends object, Value> {
  private readonly byOwner = new WeakMap<Owner, Answers<string, Value>>();

  // A run asks about one owner (its catalog, its table) over and over: skip the weak map then.
  private lastOwner: Owner | undefined;
  private lastAnswers: Answers<string, Value> | undefined;

  /** `maxPerOwner`: see `Answers`; for keys with a day in them. */
  constructor(private readonly maxPerOwner = Infinity) {}

  get(owner: Owner, key: string, compute: () => Value): Value {
    return this.answersOf(owner).get(key, compute);
  }

  /** The cached value, or undefined: for hot paths where even a closure per call counts. */
  peek(owner: Owner, key: string): Value | undefined {
    return this.answersOf(owner).peek(key);
  }

  /**
   * The cached value (undefined included), or UNASKED: for lookups per installed title. Compute
   * a miss in a function apart: a function whose closures use its variables gets a context made
   * on every call, asked or not, and with a closure per call that was 44% of a run's allocations
   * on machines listing about 110 programs.
   */
  lookup(owner: Owner, key: string): Value | typeof UNASKED {
    return this.answersOf(owner).lookup(key);
  }

  set(owner: Owner, key: string, value: Value): void {
    this.answersOf(owner).set(key, value);
  }

  private answersOf(owner: Owner): Answers<string, Value> {
    if (owner === this.lastOwner) return this.lastAnswers!;
    let answers = this.byOwner.get(owner);
    if (answers === undefined) {
      answers = new Answers<string, Value>(this.maxPerOwner);
      this.byOwner.set(owner, answers);
    }
    this.lastOwner = owner;
    this.lastAnswers = answers;
    return answers;
  }
}
