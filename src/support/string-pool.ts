/**
 * One copy of each of a few recurring strings (departments, sites, titles): a parsed machine
 * brings its own copy of each, and a value kept per machine should not keep that copy alive.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  /** Emptied at this size, so that values unique to each machine cannot make it grow without end. */
  constructor(private readonly maxSize = 10_000) {}

  /** The pool's copy of `value`: the first equal string it was given. */
  get(value: string): string {
    const pooled = this.strings.get(value);
    if (pooled !== undefined) return pooled;
    if (this.strings.size >= this.maxSize) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }
}
