/**
 * A cache for values that depend only on an object (a control's parameters, a reference table)
 * and a string key: fleets repeat the same few OS releases, titles and roles many thousand times.
 * The object is held weakly (all but the last one asked about), so a cache does not outlive what
 * it was computed from.
 */
/**
 * What a key's value is stored as: undefined (a title no pattern matches, the usual answer) as a
 * marker, so that one lookup tells a cached undefined from a key never asked about.
 */
const NONE: unique symbol = Symbol("no value");
type Stored<Value> = Value | typeof NONE;

export class Memo<Owner extends object, Value> {
  private readonly byOwner = new WeakMap<Owner, Map<string, Stored<Value>>>();

  // A run asks about one owner (its catalog, its table) over and over: skip the weak map then.
  private lastOwner: Owner | undefined;
  private lastByKey: Map<string, Stored<Value>> | undefined;

  get(owner: Owner, key: string, compute: () => Value): Value {
    const byKey = this.mapOf(owner);
    const cached = byKey.get(key);
    if (cached !== undefined) return cached === NONE ? (undefined as Value) : cached;
    const value = compute();
    byKey.set(key, value === undefined ? NONE : value);
    return value;
  }

  /** The cached value, or undefined: for hot paths where even a closure per call counts. */
  peek(owner: Owner, key: string): Value | undefined {
    const cached = this.mapOf(owner).get(key);
    return cached === NONE ? undefined : cached;
  }

  set(owner: Owner, key: string, value: Value): void {
    this.mapOf(owner).set(key, value === undefined ? NONE : value);
  }

  private mapOf(owner: Owner): Map<string, Stored<Value>> {
    if (owner === this.lastOwner) return this.lastByKey!;
    let byKey = this.byOwner.get(owner);
    if (byKey === undefined) {
      byKey = new Map<string, Stored<Value>>();
      this.byOwner.set(owner, byKey);
    }
    this.lastOwner = owner;
    this.lastByKey = byKey;
    return byKey;
  }
}
