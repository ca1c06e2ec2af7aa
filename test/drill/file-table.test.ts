/** FileTable: file records on disk, read back in path order whatever order they came in. */
import { expect } from "chai";
import { readdirSync, readlinkSync } from "node:fs";
import { FileTable, fileDatabase } from "../../src/drill/manifest/file-table.js";

const rec = (path: string, size = 1, sha256?: string) => ({
  path,
  size,
  mode: 0o644,
  mtime: 1_767_323_045,
  ...(sha256 ? { sha256 } : {}),
});

describe("FileTable", () => {
  it("reads records back in path order, across pages and buffered writes", () => {
    const table = new FileTable();
    // More than one flush (4096) and one page (2048), added in reverse order.
    const paths = Array.from(
      { length: 9000 },
      (_, i) => `d${i % 7}/f${String(i).padStart(5, "0")}`,
    );
    for (const p of [...paths].reverse()) table.add(rec(p, 3));
    expect(table.files).to.equal(9000);
    expect(table.bytes).to.equal(27000);
    expect([...table.paths()]).to.deep.equal([...paths].sort());
  });

  it("keeps several records under one path (names restic ls shows alike) in the order they came", () => {
    const table = FileTable.of([rec("M\uFFFDller", 1), rec("a", 2), rec("M\uFFFDller", 3)]);
    expect([...table].map((r) => [r.path, r.size])).to.deep.equal([
      ["M\uFFFDller", 1],
      ["M\uFFFDller", 3],
      ["a", 2],
    ]);
    expect(table.get("M\uFFFDller")?.size).to.equal(1);
    expect(table.get("nothing")).to.equal(undefined);
  });

  it("hashes records added unhashed, and says which were left without or hashed unlisted", () => {
    const table = new FileTable();
    table.addUnhashed(rec("a"));
    table.addUnhashed(rec("b"));
    table.setHash("a", "1".repeat(64));
    table.setHash("ghost", "2".repeat(64));
    expect(table.unhashed()).to.deep.equal({ count: 1, first: "b", stray: "ghost" });
    expect(table.get("a")?.sha256).to.equal("1".repeat(64));
    expect(table.get("b")).to.not.have.property("sha256");
  });

  it("shows in a journal as its totals, not its records", () => {
    const table = FileTable.of([rec("a", 5), rec("b", 6)]);
    expect(JSON.parse(JSON.stringify({ files: table }))).to.deep.equal({
      files: { files: 2, bytes: 11 },
    });
  });

  it("lets the caller use another table between records while it is read", () => {
    const one = FileTable.of(Array.from({ length: 5000 }, (_, i) => rec(`f${i}`)));
    const two = new FileTable();
    for (const r of one) two.add(r);
    expect(two.files).to.equal(5000);
    expect([...two.paths()]).to.deep.equal([...one.paths()]);
  });

  it("keeps its records in SQLite's anonymous temporary database, unlinked once it reaches the disk", () => {
    FileTable.of([rec("a")]).flush();
    expect(fileDatabase().name).to.equal("");
    // The share's file names are in it; a killed run leaves nothing behind.
    const open = readdirSync("/proc/self/fd").map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return "";
      }
    });
    expect(open.filter((f) => /etilqs_/.test(f))).to.satisfy((files: string[]) =>
      files.every((f) => f.endsWith(" (deleted)")),
    );
  });
});
