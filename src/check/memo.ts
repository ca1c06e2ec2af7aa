/**
 * A cache for values that depend only on an object (a control's parameters, a reference table)
 * and a string key: fleets repeat the same few OS releases, titles and roles many thousand times.
 * The object is held weakly, so a cache never outlives what it was computed from.
 */
export class Memo<Owner extends object, Value> {
  private readonly byOwner = new WeakMap<Owner, Map<string, Value>>();

  get(owner: Owner, key: string, compute: () => Value): Value {
    const byKey = this.mapOf(owner);
    if (byKey.has(key)) return byKey.get(key) as Value;
    const value = compute();
    byKey.set(key, value);
    return value;
  }

  /** The cached value, or undefined: for hot paths where even a closure per call counts. */
  peek(owner: Owner, key: string): Value | undefined {
    return this.byOwner.get(owner)?.get(key);
  }

  set(owner: Owner, key: string, value: Value): void {
    this.mapOf(owner).set(key, value);
  }

  private mapOf(owner: Owner): Map<string, Value> {
    let byKey = this.byOwner.get(owner);
    if (byKey === undefined) {
      byKey = new Map<string, Value>();
      this.byOwner.set(owner, byKey);
    }
    return byKey;
  }
}
