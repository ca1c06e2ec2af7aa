import { expect } from "chai";
import fc from "fast-check";
import { FreshStringMap, placeOf } from "../../src/support/fresh-string-map.js";
import { PROPERTY_CASES } from "../fixtures/seeded.js";

/** Each key's value as the map gives it, and how often it made one. */
function lookUp(keys: readonly string[]) {
  const map = new FreshStringMap<{ key: string; made: number }>();
  let made = 0;
  const values = keys.map((key) => map.get(key, (k) => ({ key: k, made: made++ })));
  return { map, values, made };
}

/** A string equal to `key` that is not the same string: as each machine's parse gives it. */
const fresh = (key: string): string => JSON.parse(JSON.stringify(key)) as string;

describe("FreshStringMap", () => {
  it("gives every equal key the one value made the first time, as a Map would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("", "a", "b", "ab", "ba", "a b", "é", "KB5034441", "KB5034442")),
        (keys) => {
          const { map, values, made } = lookUp(keys.map(fresh));
          const firsts = [...new Set(keys)];
          expect(made).to.equal(firsts.length);
          expect(map.size).to.equal(firsts.length);
          keys.forEach((key, i) => {
            expect(values[i]!.key).to.equal(key);
            expect(values[i]).to.equal(values[keys.indexOf(key)]);
          });
        },
      ),
      { numRuns: PROPERTY_CASES },
    );
  });

  it("stays exact when many keys share one place, each key looked up again and again", () => {
    // Same length, same first, quarter, middle, three-quarter and last characters: one place.
    const crowd = Array.from(
      { length: 40 },
      (_, i) => `Update KB50${String(i).padStart(2, "0")}xx (x64)`,
    );
    expect(new Set(crowd.map(placeOf)).size).to.equal(1);
    const keys = Array.from({ length: 1000 }, (_, i) => crowd[(i * 7) % crowd.length]!);
    const { values, made } = lookUp(keys.map(fresh));
    expect(made).to.equal(crowd.length);
    keys.forEach((key, i) => expect(values[i]!.key).to.equal(key));
  });

  it("finds each key a place keeps, and stays exact once more keys crowd it", () => {
    const crowd = Array.from({ length: 6 }, (_, i) => `Runtime 8.0.${i}0 (x64)`);
    expect(new Set(crowd.map(placeOf)).size).to.equal(1);
    const kept = crowd.slice(0, 4);
    // Four keys kept at their place, asked for again in other orders; then two more crowd it.
    const keys = [
      ...kept,
      ...kept.toReversed(),
      kept[2]!,
      kept[0]!,
      ...crowd,
      ...crowd.toReversed(),
    ];
    const { values, made } = lookUp(keys.map(fresh));
    expect(made).to.equal(crowd.length);
    keys.forEach((key, i) => {
      expect(values[i]!.key).to.equal(key);
      expect(values[i]).to.equal(values[keys.indexOf(key)]);
    });
  });
});
