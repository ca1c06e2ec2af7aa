import { expect } from "chai";
import { InternTable, itself } from "../../src/support/intern-table.js";

// Equal strings built apart are distinct objects; the table hands back the first one it saw.
const built = (s: string) => [...s].join("");

describe("InternTable", () => {
  it("returns the first equal string and keeps values apart", () => {
    const table = new InternTable<string>(10);
    const first = table.get(built("public-works"), itself);
    expect(table.get(built("public-works"), itself)).to.equal("public-works");
    expect(table.get(built("police"), itself)).to.equal("police");
    expect(table.get("public-works", itself)).to.equal(first);
    expect(table.size).to.equal(2);
  });

  it("makes a value once per key and keeps it", () => {
    const table = new InternTable<{ readonly length: number }>(10);
    let made = 0;
    const make = (key: string) => {
      made += 1;
      return { length: key.length };
    };
    const a = table.get("abc", make);
    expect(table.get("abc", make)).to.equal(a);
    expect(table.get("abcd", make)).to.deep.equal({ length: 4 });
    expect(made).to.equal(2);
  });

  it("stays within its size by starting over", () => {
    const table = new InternTable<string>(3);
    for (let i = 0; i < 10; i++) {
      expect(table.get(`host-${i}`, itself)).to.equal(`host-${i}`);
      expect(table.size).to.be.at.most(3);
    }
    // Emptied at its size: the tenth value went into a table that had just started over.
    expect(table.size).to.equal(1);
  });
});
