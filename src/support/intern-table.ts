/**
 * One shared copy of each value that recurs across a run (a department name, a failure, a
 * score), looked up by a key that is equal exactly when the values are (a string, or an object
 * by identity): a value kept per machine then costs a reference, not a copy. Bounded: values
 * unique to one machine would fill the table without ever being shared, so it is emptied when it
 * reaches its size and refills with the values that recur.
 */
export class InternTable<T, K = string> {
  private readonly values = new Map<K, T>();

  constructor(private readonly maxSize: number) {}

  /** The table's value for `key`, made by `make(key)` (and kept) the first time it is asked for. */
  get(key: K, make: (key: K) => T): T {
    let value = this.values.get(key);
    if (value === undefined) {
      if (this.values.size >= this.maxSize) this.values.clear();
      value = make(key);
      this.values.set(key, value);
    }
    return value;
  }

  /** How many values the table holds now. */
  get size(): number {
    return this.values.size;
  }
}

/** `make` for a table of strings: the first equal string given is the one kept. */
export const itself = (key: string): string => key;
