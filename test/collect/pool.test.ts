/** The bounded pool: never more in flight than the limit, results in input order. */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { mapBounded } from "../../src/collect/pool.js";

describe("mapBounded", () => {
  for (const limit of [1, 3, 16]) {
    it(`keeps at most ${limit} in flight and the input order`, async () => {
      let inFlight = 0;
      let peak = 0;
      const items = Array.from({ length: 20 }, (_, i) => i);
      const results = await mapBounded(items, limit, async (item) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep((20 - item) % 7); // finish out of order
        inFlight--;
        return item * 2;
      });
      expect(results).to.deep.equal(items.map((i) => i * 2));
      expect(peak).to.equal(Math.min(limit, items.length));
    });
  }

  it("handles no items and refuses a limit below 1", async () => {
    expect(await mapBounded([], 4, () => Promise.resolve(1))).to.deep.equal([]);
    let error: unknown;
    try {
      await mapBounded([1], 0, () => Promise.resolve(1));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RangeError);
  });
});
