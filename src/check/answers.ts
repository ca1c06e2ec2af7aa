/**
 * Answers kept by key, a missing answer (undefined) included: most keys of a fleet's lookups have
 * none (a title no pattern matches), so one lookup must tell "none" from "never asked".
 */
const NONE: unique symbol = Symbol("no answer");

/** What `lookup` gives for a key never asked about. */
export const UNASKED: unique symbol = Symbol("never asked");

export class Answers<Key, Value> {
  private readonly byKey = new Map<Key, Value | typeof NONE>();

  /**
   * `maxSize` bounds answers whose keys keep coming (a day in the key, asked night after night
   * in one process): the answers are let go when they reach it and made again as asked.
   */
  constructor(private readonly maxSize = Infinity) {}

  /** The answer for `key`, made by `compute` (and kept) the first time it is asked for. */
  get(key: Key, compute: () => Value): Value {
    const kept = this.byKey.get(key);
    if (kept !== undefined) return kept === NONE ? (undefined as Value) : kept;
    const value = compute();
    this.set(key, value);
    return value;
  }

  /** The kept answer (undefined included), or UNASKED: for hot paths without a closure. */
  lookup(key: Key): Value | typeof UNASKED {
    const kept = this.byKey.get(key);
    if (kept === undefined) return UNASKED;
    return kept === NONE ? (undefined as Value) : kept;
  }

  /** The kept answer, or undefined: for hot paths where even a closure per call counts. */
  peek(key: Key): Value | undefined {
    const kept = this.lookup(key);
    return kept === UNASKED ? undefined : kept;
  }

  set(key: Key, value: Value): void {
    if (this.byKey.size >= this.maxSize && !this.byKey.has(key)) this.byKey.clear();
    this.byKey.set(key, value === undefined ? NONE : value);
  }
}
