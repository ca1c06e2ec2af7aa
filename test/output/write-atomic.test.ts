// Atomic writes on real files: writeFileAtomic encodes chunks into a reused buffer, so the file
// must hold exactly the UTF-8 of the chunks joined, whatever their sizes and characters;
// writeTextAtomic does the same without blocking. Either leaves nothing on failure.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFileAtomic, writeTextAtomic } from "../../src/output/write-atomic.js";

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

describe("writeTextAtomic", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "stronghold-write-atomic-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a new file and replaces an old one whole, leaving no temp file", async () => {
    const file = path.join(dir, "m.json");
    await writeTextAtomic(file, "first\n");
    expect(readFileSync(file, "utf8")).to.equal("first\n");
    await writeTextAtomic(file, "ü".repeat(100_000));
    expect(readFileSync(file, "utf8")).to.equal("ü".repeat(100_000));
    expect(readdirSync(dir)).to.deep.equal(["m.json"]);
  });

  it("rejects with the cause and leaves the destination and the folder as they were", async () => {
    // A destination that is a non-empty folder: the rename fails after the temp file is written.
    const occupied = path.join(dir, "m.json");
    mkdirSync(occupied);
    writeFileSync(path.join(occupied, "keep"), "kept");
    const failure = await writeTextAtomic(occupied, "new").then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(failure?.code).to.be.oneOf(["EISDIR", "ENOTEMPTY", "EEXIST"]);
    expect(readdirSync(dir)).to.deep.equal(["m.json"]);
    expect(readFileSync(path.join(occupied, "keep"), "utf8")).to.equal("kept");
  });

  it("rejects when the folder is missing, creating nothing", async () => {
    const failure = await writeTextAtomic(path.join(dir, "no", "m.json"), "x").then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(failure?.code).to.equal("ENOENT");
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
