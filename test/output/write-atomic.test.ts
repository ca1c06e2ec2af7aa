import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeTextAtomic } from "../../src/output/write-atomic.js";

describe("writeTextAtomic", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "stronghold-write-atomic-"));
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
