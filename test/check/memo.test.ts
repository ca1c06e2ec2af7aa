import { expect } from "chai";
import { Answers, UNASKED } from "../../src/check/answers.js";
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

  it("lets an owner's answers go when they reach the bound, and makes them again as asked", () => {
    const memo = new Memo<object, object>(2);
    const table = {};
    const first = memo.get(table, "a", () => ({}));
    memo.get(table, "b", () => ({}));
    expect(memo.get(table, "a", () => ({}))).to.equal(first);
    memo.set(table, "b", {}); // a key it holds: nothing let go
    expect(memo.get(table, "a", () => ({}))).to.equal(first);
    memo.get(table, "c", () => ({}));
    const again = memo.get(table, "a", () => ({}));
    expect(again).to.not.equal(first);
    expect(memo.get(table, "a", () => ({}))).to.equal(again);
  });
});

describe("Answers", () => {
  it("keeps an undefined answer apart from a key never asked about", () => {
    const answers = new Answers<string | undefined, number | undefined>();
    let computed = 0;
    const answer = (value: number | undefined) => () => {
      computed++;
      return value;
    };
    expect(answers.get(undefined, answer(undefined))).to.equal(undefined);
    expect(answers.get(undefined, answer(1))).to.equal(undefined);
    expect(answers.get("", answer(0))).to.equal(0);
    expect(answers.get("", answer(2))).to.equal(0);
    expect(computed).to.equal(2);
    expect(answers.peek("never")).to.equal(undefined);
    expect(answers.lookup("never")).to.equal(UNASKED);
    expect(answers.lookup(undefined)).to.equal(undefined);
    expect(answers.lookup("")).to.equal(0);
    answers.set("later", 3);
    expect(answers.get("later", answer(4))).to.equal(3);
    expect(computed).to.equal(2);
  });
});
