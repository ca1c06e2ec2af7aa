import { expect } from "chai";
import { LastAnswer } from "../../src/check/last-answer.js";

describe("LastAnswer", () => {
  it("answers the same inventory and table once, and anew when either changes", () => {
    const asked: string[] = [];
    const last = new LastAnswer((items: string[], table: { name: string }) => {
      asked.push(`${items.join("+")}@${table.name}`);
      return items.length;
    });
    const machineA = ["Steam", "7-Zip"];
    const machineB = ["7-Zip"];
    const table = { name: "t1" };
    const other = { name: "t2" };
    expect(last.get(machineA, table)).to.equal(2);
    expect(last.get(machineA, table)).to.equal(2);
    expect(last.get(machineA, other)).to.equal(2);
    expect(last.get(machineB, other)).to.equal(1);
    // An equal list is another machine's: asked again.
    expect(last.get([...machineB], other)).to.equal(1);
    expect(asked).to.deep.equal(["Steam+7-Zip@t1", "Steam+7-Zip@t2", "7-Zip@t2", "7-Zip@t2"]);
  });
});
