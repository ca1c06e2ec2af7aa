/**
 * Which of very many keys were given more than once, without a map of them all. Each key is kept
 * as a 53-bit hash beside a number of the caller's (its owner) in two typed arrays; `finish`
 * sorts the hashes and returns the owners that gave a hash seen more than once, for the caller
 * to compare their actual keys. A hash shared by different keys only adds an owner to compare.
 *
 * Why not a `Map` of keys: a fleet gives one key per machine and identifier, nearly all of them
 * distinct, and a map's entries for 100,000 machines outgrow the processor's cache, so each
 * insertion waited on memory (about 0.1 s of a 100,000-machine check per identifier), and the
 * map kept every key string alive until the fleet concluded.
 */
export class RepeatedKeys {
  private hashes = new Float64Array(1024);
  private owners = new Int32Array(1024);
  private count = 0;

  constructor(private readonly hash: (key: string) => number = hashKey) {}

  /** Notes `key` as given by `owner` (a non-negative number, never decreasing between calls). */
  add(key: string, owner: number): void {
    if (this.count === this.hashes.length) this.grow();
    this.hashes[this.count] = this.hash(key);
    this.owners[this.count++] = owner;
  }

  /**
   * The owners that gave a key whose hash was given more than once, each once and in the order
   * given, and a test that says whether a key's hash was: what to compare the keys of. Empty when
   * every key was distinct.
   */
  finish(): { owners: number[]; mayRepeat: (key: string) => boolean } {
    const given = this.hashes.subarray(0, this.count);
    const sorted = given.slice().sort();
    const repeated = new Set<number>();
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
    const owners: number[] = [];
    if (repeated.size > 0) {
      for (let i = 0; i < this.count; i++) {
        const owner = this.owners[i]!;
        if (repeated.has(given[i]!) && owners.at(-1) !== owner) owners.push(owner);
      }
    }
    return { owners, mayRepeat: (key) => repeated.has(this.hash(key)) };
  }

  private grow(): void {
    const hashes = new Float64Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const owners = new Int32Array(this.owners.length * 2);
    owners.set(this.owners);
    this.owners = owners;
  }
}

/**
 * A 53-bit hash of a string (two 32-bit FNV-style multiplicative hashes, 32 and 21 bits of
 * them), exact in a double: among a million distinct keys two share a hash with a chance of
 * about 1 in 18,000 (n² / 2⁵⁴), and a shared hash only costs a comparison.
 */
export function hashKey(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
}
