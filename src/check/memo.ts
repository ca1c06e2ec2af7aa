/**
 * A cache for values that depend only on an object (a control's parameters, a reference table)
 * and a string key: fleets repeat the same few OS releases, titles and roles many thousand times.
 * The object is held weakly (all but the last one asked about), so a cache does not outlive what
 * it was computed from.
 */
export class Memo<Owner extends object, Value> {
  private readonly byOwner = new WeakMap<Owner, Map<string, Value>>();

  // A run asks about one owner (its catalog, its table) over and over: skip the weak map then.
  private lastOwner: Owner | undefined;
  private lastByKey: Map<string, Value> | undefined;

  get(owner: Owner, key: string, compute: () => Value): Value {
    const byKey = this.mapOf(owner);
    const cached = byKey.get(key);
    // One lookup for a cached value; undefined may be one too (a name no pattern matches).
    if (cached !== undefined || byKey.has(key)) return cached as Value;
    const value = compute();
    byKey.set(key, value);
    return value;
  }

  /** The cached value, or undefined: for hot paths where even a closure per call counts. */
  peek(owner: Owner, key: string): Value | undefined {
    return this.mapOf(owner).get(key);
  }

  set(owner: Owner, key: string, value: Value): void {
    this.mapOf(owner).set(key, value);
  }

  private mapOf(owner: Owner): Map<string, Value> {
    if (owner === this.lastOwner) return this.lastByKey!;
    let byKey = this.byOwner.get(owner);
    if (byKey === undefined) {
      byKey = new Map<string, Value>();
      this.byOwner.set(owner, byKey);
    }
    this.lastOwner = owner;
    this.lastByKey = byKey;
    return byKey;
  }
}
