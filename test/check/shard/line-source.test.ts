import { expect } from "chai";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LineSource } from "../../../src/check/shard/line-source.js";

/** Every line a LineSource with chunks of `chunk` bytes reads from `text`. */
function linesOf(text: string, chunk: number): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "stronghold-lines-"));
  const file = path.join(dir, "lines.jsonl");
  writeFileSync(file, text);
  const fd = openSync(file, "r");
  try {
    const source = new LineSource(fd, chunk);
    const lines: string[] = [];
    for (let line = source.read(); line !== undefined; line = source.read()) lines.push(line);
    return lines;
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("LineSource: a shard file's lines", () => {
  // Three-byte characters at every offset against an 8-byte chunk: some are cut by each read.
  const lines = ["図書館", "", "a図b", `{"x":"${"館".repeat(9)}"}`, "tail"];

  for (const chunk of [8, 9, 16, 1 << 16])
    it(`reads lines whose characters and lines cross ${chunk}-byte reads, and a last line without newline`, () => {
      expect(linesOf(lines.join("\n"), chunk)).to.deep.equal(lines);
      expect(linesOf(`${lines.join("\n")}\n`, chunk)).to.deep.equal(lines);
    });

  it("grows its buffer for a line longer than a read, as often as it takes", () => {
    const long = "x".repeat(100) + "館".repeat(50);
    expect(linesOf(`a\n${long}\nb\n`, 8)).to.deep.equal(["a", long, "b"]);
  });

  it("reads nothing from an empty file", () => {
    expect(linesOf("", 8)).to.deep.equal([]);
  });
});
