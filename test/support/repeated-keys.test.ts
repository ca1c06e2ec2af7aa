import { expect } from "chai";
import fc from "fast-check";
import { RepeatedKeys, hashKey } from "../../src/support/repeated-keys.js";
import { PROPERTY_CASES } from "../fixtures/seeded.js";

/** Keys from a small alphabet, so that many repeat, each with an owner that never decreases. */
const givenKeys = fc
  .array(fc.tuple(fc.constantFrom("a", "b", "A", "ab", "b a", "é", ""), fc.boolean()), {
    maxLength: 30,
  })
  .map((steps) => {
    let owner = 0;
    return steps.map(([key, next]) => ({ key, owner: next ? ++owner : owner }));
  });

/** The owners that gave a key some other owner gave too, each once, in order. */
function ownersOfSharedKeys(given: readonly { key: string; owner: number }[]): number[] {
  const ownersOf = new Map<string, Set<number>>();
  for (const { key, owner } of given)
    ownersOf.set(key, (ownersOf.get(key) ?? new Set()).add(owner));
  const shared = given.filter(({ key }) => ownersOf.get(key)!.size > 1).map(({ owner }) => owner);
  return [...new Set(shared)];
}

function run(given: readonly { key: string; owner: number }[], hash?: (key: string) => number) {
  const keys = new RepeatedKeys(hash);
  for (const { key, owner } of given) keys.add(key, owner);
  return keys.finish();
}

describe("RepeatedKeys", () => {
  it("returns every owner of a key another owner gave, each once and in order", () => {
    fc.assert(
      fc.property(givenKeys, (given) => {
        const { owners, mayRepeat } = run(given);
        const shared = ownersOfSharedKeys(given);
        expect(owners.filter((o) => shared.includes(o))).to.deep.equal(shared);
        expect(owners).to.deep.equal([...new Set(owners)].sort((a, b) => a - b));
        // Whatever else it returns has a key that repeats, if only within its owner.
        for (const owner of owners) {
          const own = given.filter((g) => g.owner === owner).map((g) => g.key);
          expect(own.some((key) => mayRepeat(key))).to.equal(true);
        }
      }),
      { numRuns: PROPERTY_CASES },
    );
  });

  it("returns the owners to compare when different keys share a hash", () => {
    fc.assert(
      fc.property(givenKeys, (given) => {
        const { owners, mayRepeat } = run(given, () => 42);
        const everyOwner = [...new Set(given.map((g) => g.owner))];
        expect(owners).to.deep.equal(given.length > 1 ? everyOwner : []);
        if (given.length > 1) expect(mayRepeat("anything")).to.equal(true);
      }),
      { numRuns: PROPERTY_CASES },
    );
  });

  it("grows past its first arrays and returns nothing when every key is distinct", () => {
    const keys = new RepeatedKeys();
    for (let i = 0; i < 5000; i++) keys.add(`th-ws-${i}`, i);
    expect(keys.finish().owners).to.deep.equal([]);
    keys.add("th-ws-17", 5000);
    expect(keys.finish().owners).to.deep.equal([17, 5000]);
  });

  it("gives distinct hashes to a million similar keys: host names, addresses, serials", () => {
    const hashes = new Set<number>();
    let count = 0;
    const add = (key: string) => {
      hashes.add(hashKey(key));
      count++;
    };
    for (let i = 0; i < 400_000; i++) add(`sen-ws-${String(i).padStart(6, "0")}`);
    for (let i = 0; i < 400_000; i++) add(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    for (let i = 0; i < 200_000; i++) add(`SN${i}`);
    expect(hashes.size).to.equal(count);
    expect([...hashes].every((h) => Number.isSafeInteger(h) && h >= 0)).to.equal(true);
  });
});
