/**
 * A map for string keys that arrive as new strings every time, such as the names in each
 * machine's inventory. V8 hashes a string, reading all of it, the first time the string is used
 * as a map key: with a new string per lookup that hashing is half of a `Map` lookup's cost (1.1
 * million names from 10,000 machines: 100 ms, 48 ms with strings already hashed).
 *
 * So the first keys to reach a place, which is chosen by the key's length and five of its
 * characters, are kept there too, and a key is first compared with `===` to the few kept at its
 * place. Names that differ only in a version number often share a place: once more keys reach a
 * place than it keeps, its keys go to the `Map` alone, so they cost one reading of five characters
 * more than without the places, never a run of failed comparisons.
 */

const PLACES = 1 << 14; // a fleet's few thousand distinct names mostly get a place of their own
const WAYS = 4; // keys kept at one place
const CROWDED = WAYS + 1; // the count of a place more keys reached than it keeps

export class FreshStringMap<V extends object> {
  private readonly values = new Map<string, V>();
  private readonly keptKeys: (string | undefined)[] = new Array<undefined>(PLACES * WAYS).fill(
    undefined,
  );
  private readonly keptValues: (V | undefined)[] = new Array<undefined>(PLACES * WAYS).fill(
    undefined,
  );
  // How many keys each place keeps (0 to WAYS), or CROWDED.
  private readonly kept = new Uint8Array(PLACES);

  /** The value for `key`, made by `make(key)` (and kept) the first time it is asked for. */
  get(key: string, make: (key: string) => V): V {
    const place = placeOf(key);
    const count = this.kept[place]!;
    const first = place * WAYS;
    if (count !== CROWDED) {
      for (let slot = first; slot < first + count; slot++) {
        if (this.keptKeys[slot] === key) return this.keptValues[slot] as V;
      }
    }
    let value = this.values.get(key);
    if (value === undefined) {
      this.values.set(key, (value = make(key)));
      // Every key a place saw before it crowded is kept there: a new key is the only kind to add.
      if (count < WAYS) {
        this.keptKeys[first + count] = key;
        this.keptValues[first + count] = value;
        this.kept[place] = count + 1;
      } else this.kept[place] = CROWDED;
    }
    return value;
  }

  /** How many keys the map holds. */
  get size(): number {
    return this.values.size;
  }
}

/** The place for a key: its length and five of its characters, mixed (multiplicative hashing). */
export function placeOf(key: string): number {
  const length = key.length;
  if (length === 0) return 0;
  let h = Math.imul(length, 0x9e3779b1);
  h = Math.imul(h ^ key.charCodeAt(0), 0x9e3779b1);
  h = Math.imul(h ^ key.charCodeAt(length >> 2), 0x9e3779b1);
  h = Math.imul(h ^ key.charCodeAt(length >> 1), 0x9e3779b1);
  h = Math.imul(h ^ key.charCodeAt((3 * length) >> 2), 0x9e3779b1);
  h = Math.imul(h ^ key.charCodeAt(length - 1), 0x9e3779b1);
  return (h ^ (h >>> 16)) & (PLACES - 1);
}
