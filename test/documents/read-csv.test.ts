import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { csvRecords } from "../../src/documents/read-csv.js";
import { Gen, PROPERTY_CASES, PROPERTY_SEED, seededRandom } from "../fixtures/seeded.js";

/** What every register was read with before: csv-parse's `info` for each record's line. */
function withInfo(text: string): { records: string[][]; lines: number[] } | string {
  try {
    const parsed = parse(text, {
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return { records: parsed.map((r) => r.record), lines: parsed.map((r) => r.info.lines) };
  } catch (error) {
    return (error as Error).message;
  }
}

function ours(text: string): { records: string[][]; lines: number[] } | string {
  try {
    const { records, lines } = csvRecords(text);
    return { records: [...records], lines: Array.from(lines) };
  } catch (error) {
    return (error as Error).message;
  }
}

// Pieces of a register: cells, separators, blank space of several kinds and every line break.
const CELLS = ["MB-1", "In Service", "a b", "", "1,5", "é"];
// \u0085 and \u200b are not white space to String.prototype.trim, the others are.
const BLANKS = [
  " ",
  "\t",
  "\u00a0",
  "\u2003",
  "\v",
  "\f",
  "\u3000",
  "\ufeff",
  "\u2028",
  "\u0085",
  "\u200b",
];
const QUOTED = ['"x"', '"a\nb"', '"a\r\nb"', '""', '"q""q"', 'x"y', '"open'];

/** A text of `rows` lines from the pieces, with the line break `eol` picks each time. */
function register(gen: Gen, eol: () => string, quotes: boolean): string {
  let text = "";
  for (let r = gen.int(0, 6); r > 0; r--) {
    for (let c = gen.int(0, 4); c > 0; c--) {
      if (gen.chance(0.2)) text += gen.pick(BLANKS);
      text += quotes && gen.chance(0.15) ? gen.pick(QUOTED) : gen.pick(CELLS);
      if (gen.chance(0.2)) text += gen.pick(BLANKS);
      if (c > 1) text += ",";
    }
    if (r > 1 || gen.chance(0.5)) text += eol();
  }
  return text;
}

describe("CSV records and their lines", () => {
  const kinds: [string, (gen: Gen) => string][] = [
    ["line feeds", (gen) => register(gen, () => "\n", false)],
    ["CR LF", (gen) => register(gen, () => "\r\n", false)],
    ["mixed line breaks", (gen) => register(gen, () => gen.pick(["\n", "\r\n", "\r"]), false)],
    ["quoted cells", (gen) => register(gen, () => gen.pick(["\n", "\r\n"]), true)],
  ];
  for (const [kind, make] of kinds) {
    it(`numbers records as csv-parse's info does, with ${kind} (seed ${PROPERTY_SEED})`, () => {
      const gen = new Gen(seededRandom(PROPERTY_SEED));
      let withRecords = 0;
      for (let i = 0; i < PROPERTY_CASES; i++) {
        const text = make(gen);
        const expected = withInfo(text);
        expect(ours(text), JSON.stringify(text)).to.deep.equal(expected);
        if (typeof expected !== "string" && expected.records.length > 1) withRecords += 1;
      }
      // Most texts must parse to rows (quoted ones are often refused), or the comparison proves little.
      expect(withRecords).to.be.above(PROPERTY_CASES / 4);
    });
  }

  it("reads blank and whitespace-only lines as csv-parse skips them", () => {
    const text = "\nTag,Status\n  \nMB-1,Spare\n\t\u00a0\n\nMB-2,Lost\n \n";
    expect(ours(text)).to.deep.equal({
      records: [
        ["Tag", "Status"],
        ["MB-1", "Spare"],
        ["MB-2", "Lost"],
      ],
      lines: [2, 4, 7],
    });
    expect(withInfo(text)).to.deep.equal(ours(text));
  });
});
