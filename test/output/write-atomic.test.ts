// writeFileAtomic encodes chunks into a reused buffer: the file must hold exactly the UTF-8 of
// the chunks joined, whatever their sizes and characters, and nothing on failure. Real files.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../../src/output/write-atomic.js";

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "write-atomic-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [name: string, chunks: string[]][] = [
    ["nothing", []],
    ["one small chunk", ["{}\n"]],
    ["empty chunks between others", ["a", "", "b", ""]],
    // Multi-byte characters (2, 3 and 4 bytes in UTF-8) across the 1 MiB flush point.
    [
      "many chunks past the buffer, multi-byte",
      Array.from({ length: 60_000 }, (_, i) => `ü€😀 ${i}\n`),
    ],
    ["a chunk larger than the buffer", ["x".repeat(100), "é".repeat(1_500_000), "tail"]],
    ["a chunk just under a third of the buffer", ["€".repeat(349_525), "€".repeat(349_525), "."]],
    ["lone surrogates become U+FFFD as Buffer.from makes them", ["a\uD800b", "\uDC00"]],
  ];
  for (const [name, chunks] of cases) {
    it(`writes ${name} byte for byte`, () => {
      const file = path.join(dir, "out.txt");
      writeFileAtomic(file, (write) => chunks.forEach((c) => write(c)));
      expect(readFileSync(file).equals(Buffer.from(chunks.join(""), "utf8"))).to.equal(true);
      expect(readdirSync(dir)).to.deep.equal(["out.txt"]);
    });
  }

  it("leaves the destination untouched and no temp file when producing fails", () => {
    const file = path.join(dir, "out.txt");
    writeFileSync(file, "before");
    expect(() =>
      writeFileAtomic(file, (write) => {
        write("x".repeat(2_000_000));
        throw new Error("renderer broke");
      }),
    ).to.throw("renderer broke");
    expect(readFileSync(file, "utf8")).to.equal("before");
    expect(readdirSync(dir)).to.deep.equal(["out.txt"]);
  });
});
