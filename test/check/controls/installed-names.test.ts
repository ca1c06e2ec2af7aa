import { expect } from "chai";
import { NameRecord, Slot, nameRecords } from "../../../src/check/controls/installed-names.js";
import { UNASKED } from "../../../src/check/answers.js";
import { prohibitedSoftware } from "../../../src/check/controls/machine/prohibited-software.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { compliantMachine } from "../../fixtures/machine-factory.js";

describe("installed names", () => {
  it("gives one record per distinct name of a run, the same for every machine, in inventory order", () => {
    const run = {};
    const first = nameRecords([{ name: "Zoom" }, { name: "7-Zip" }, { name: "Zoom" }], run);
    expect(first.map((r) => r.name)).to.deep.equal(["Zoom", "7-Zip", "Zoom"]);
    expect(first[0]).to.equal(first[2]);
    const second = nameRecords([{ name: "7-Zip" }], run);
    expect(second[0]).to.equal(first[1]);
    // Another run starts from nothing: no answer outlives its run.
    expect(nameRecords([{ name: "7-Zip" }], {})[0]).to.not.equal(first[1]);
  });

  it("keeps a slot's answer for its owner only: another owner's answer takes its place", () => {
    const slot = new Slot<string | undefined>();
    const other = new Slot<number>();
    const record = new NameRecord("Zoom");
    const [a, b] = [{}, {}];
    expect(record.answer(slot, a)).to.equal(UNASKED);
    expect(record.keep(slot, a, undefined)).to.equal(undefined);
    expect(record.answer(slot, a)).to.equal(undefined);
    expect(record.answer(slot, b)).to.equal(UNASKED);
    record.keep(slot, b, "b's");
    expect(record.answer(slot, b)).to.equal("b's");
    expect(record.answer(slot, a)).to.equal(UNASKED);
    expect(record.answer(other, b)).to.equal(UNASKED);
  });

  it("judges each title by the parameters asked with, however they alternate in one run", async () => {
    const data = await loadReferenceData();
    const byName = { prohibited: [{ category: "game", name: "^Steam$" }], approved: [] };
    const byPublisher = { prohibited: [{ category: "game", publisher: "^Valve$" }], approved: [] };
    const machine = (publisher: string) =>
      compliantMachine({ software: [{ name: "Steam", version: "1", publisher }] });
    const status = (publisher: string, params: Record<string, unknown>) =>
      prohibitedSoftware(machine(publisher), { at: new Date(), params, data }).status;
    const asked: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (const publisher of ["Valve", "Other", "Valve"]) {
        asked.push(`${publisher} ${status(publisher, byName)} ${status(publisher, byPublisher)}`);
      }
    }
    // One set of parameters, a name with two publishers in turn.
    const inTurn = ["Valve", "Other", "Other", "Valve", "Other"].map((publisher) =>
      status(publisher, byPublisher),
    );
    expect(inTurn).to.deep.equal(["fail", "pass", "pass", "fail", "pass"]);
    expect(asked).to.deep.equal([
      "Valve fail fail",
      "Other fail pass",
      "Valve fail fail",
      "Valve fail fail",
      "Other fail pass",
      "Valve fail fail",
    ]);
  });
});
