// The tree shows the product: one folder per pillar under src/, and no name used twice, so a
// folder's name alone says which one is meant.
import { expect } from "chai";
import { readdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../src/support/project-root.js";

const SRC = path.join(PROJECT_ROOT, "src");

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      return [full, ...folders(full)];
    });
}

describe("Source layout", () => {
  it("has a folder per pillar and named plumbing at the top of src/", () => {
    const top = readdirSync(SRC, { withFileTypes: true });
    expect(top.filter((e) => e.isFile()).map((e) => e.name)).to.deep.equal([]);
    expect(top.map((e) => e.name).sort()).to.include.members([
      "check",
      "collect",
      "drill",
      "infra",
      "cli",
    ]);
  });

  it("uses no folder name twice", () => {
    const byName = new Map<string, string[]>();
    for (const f of folders(SRC))
      byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
    const repeated = [...byName.values()].filter((paths) => paths.length > 1);
    expect(repeated).to.deep.equal([]);
  });
});
