import { expect } from "chai";
import { StringPool } from "../../src/support/string-pool.js";

// Equal strings built apart are distinct objects; the pool hands back the first one it saw.
const built = (s: string) => [...s].join("");

describe("StringPool", () => {
  it("returns the first equal string and keeps values apart", () => {
    const pool = new StringPool();
    const first = pool.get(built("public-works"));
    expect(pool.get(built("public-works"))).to.equal("public-works");
    expect(pool.get(built("police"))).to.equal("police");
    expect(pool.get("public-works")).to.equal(first);
  });

  it("stays within its size by starting over", () => {
    const pool = new StringPool(3);
    for (let i = 0; i < 10; i++) expect(pool.get(`host-${i}`)).to.equal(`host-${i}`);
    expect((pool as unknown as { strings: Map<string, string> }).strings.size).to.be.at.most(3);
  });
});
