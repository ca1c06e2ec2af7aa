import { expect } from "chai";
import { stringify } from "yaml";
import { entryLines, lineAtOffset, lineOf, lineStarts } from "../../src/documents/locate.js";
import { Gen, seededRandom } from "../fixtures/seeded.js";

/** Line of an offset counted the plain way: one plus the line breaks before it. */
const countedLine = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

describe("line of an offset", () => {
  it("the line-start index agrees with counting line breaks, on every offset of seeded texts", () => {
    const gen = new Gen(seededRandom(20261205));
    for (let n = 0; n < 200; n++) {
      const text = Array.from({ length: gen.int(0, 40) }, () =>
        gen.pick(["a", "\n", "{}", "\n\n"]),
      ).join("");
      const starts = lineStarts(text);
      expect(starts.length).to.equal(text.split("\n").length);
      for (let offset = 0; offset <= text.length; offset++)
        expect(lineAtOffset(starts, offset), JSON.stringify({ text, offset })).to.equal(
          countedLine(text, offset),
        );
    }
  });

  it("finds the line of every machine of a JSON fleet file", () => {
    const machines = Array.from({ length: 500 }, (_, i) => ({
      hostname: `ws-${i}`,
      smbv1Enabled: true,
    }));
    const text = JSON.stringify({ machines }, null, 2);
    const lines = text.split("\n");
    for (const i of [0, 1, 250, 499]) {
      const line = lineOf(text, `/machines/${i}/smbv1Enabled`);
      expect(lines[line! - 1]).to.contain('"smbv1Enabled": true');
      expect(lines[line! - 2]).to.contain(`"ws-${i}"`);
    }
  });
});

describe("lines of a list's entries", () => {
  const fleet = {
    machines: [
      { hostname: "a", software: [{ name: "x" }, "y", [1, 2], null, { name: "z", v: { w: 1 } }] },
      { hostname: "b", software: [] },
    ],
  };

  it("are the lines lineOf gives each entry, in one walk", () => {
    for (const text of [JSON.stringify(fleet, null, 2), JSON.stringify(fleet, null, 4)]) {
      const lines = entryLines(text, "/machines/0/software");
      expect(lines).to.have.length(5);
      expect(lines).to.deep.equal(
        [0, 1, 2, 3, 4].map((i) => lineOf(text, `/machines/0/software/${i}`)),
      );
      expect(entryLines(text, "/machines/1/software")).to.deep.equal([]);
    }
  });

  it("leave YAML, a missing list and a field that is no list to lineOf", () => {
    const text = JSON.stringify(fleet, null, 2);
    expect(entryLines(stringify(fleet), "/machines/0/software")).to.equal(undefined);
    expect(entryLines(text, "/machines/2/software")).to.equal(undefined);
    expect(entryLines(text, "/machines/0/hostname")).to.equal(undefined);
  });
});
