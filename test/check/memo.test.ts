import { expect } from "chai";
import { Memo } from "../../src/check/memo.js";

describe("Memo", () => {
  it("computes a key once per owner, an undefined answer included", () => {
    const memo = new Memo<object, string | undefined>();
    const table = {};
    const other = {};
    let computed = 0;
    const answer = (value: string | undefined) => () => {
      computed++;
      return value;
    };
    expect(memo.get(table, "Steam", answer(undefined))).to.equal(undefined);
    expect(memo.get(table, "Steam", answer("again"))).to.equal(undefined);
    expect(memo.get(table, "AutoCAD", answer("commercial"))).to.equal("commercial");
    expect(memo.get(table, "AutoCAD", answer("again"))).to.equal("commercial");
    expect(memo.get(other, "Steam", answer("game"))).to.equal("game");
    expect(computed).to.equal(3);
  });

  it("peeks undefined for a key never asked about and for an undefined answer", () => {
    const memo = new Memo<object, number | undefined>();
    const table = {};
    memo.set(table, "none", undefined);
    memo.set(table, "zero", 0);
    expect(memo.peek(table, "none")).to.equal(undefined);
    expect(memo.peek(table, "never")).to.equal(undefined);
    expect(memo.peek(table, "zero")).to.equal(0);
    expect(memo.get(table, "none", () => 1)).to.equal(undefined);
  });
});
