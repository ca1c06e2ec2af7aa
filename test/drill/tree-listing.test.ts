/**
 * Tree listings (`find -printf` on this machine, streamed into SQLite) and their comparison by
 * kind: odd names kept exactly, times to the nanosecond, and each kind of difference named once.
 */
import { expect } from "chai";
import { chmod, link, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localSession } from "../../src/hosts/transport/local-session.js";
import {
  compareListings,
  countDifferences,
  describeDifferences,
  ListingParser,
  listTree,
  type TreeListing,
} from "../../src/drill/manifest/tree-listing.js";
import { localHost } from "./engine-helpers.js";

const session = localSession(localHost("fs01", [], { target: false, sandbox: [] }));
const list = (root: string): Promise<TreeListing> =>
  listTree((argv, onStdout) => session.exec(argv, { onStdout }), root);

describe("tree listings and their comparison by kind", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-listing-"));
    await mkdir(join(dir, "docs", "empty"), { recursive: true });
    await writeFile(join(dir, "docs", "a.txt"), "alpha\n");
    await writeFile(Buffer.from(join(dir, "docs", "M\xfcller\nneu.txt"), "latin1"), "b\n");
    await link(join(dir, "docs", "a.txt"), join(dir, "docs", "a-again.txt"));
    await symlink("docs/a.txt", join(dir, "latest"));
    await chmod(join(dir, "docs"), 0o2750);
    await utimes(join(dir, "docs", "a.txt"), 1e9, new Date("1969-12-31T23:59:58.25Z"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("lists every entry with its metadata, names that are not UTF-8 and times before 1970 exactly", async () => {
    const listing = await list(dir);
    expect(listing.entries).to.equal(7); // root, docs, empty, 3 files, the link
    const same = compareListings(listing, await list(dir), {
      root: true,
      owner: true,
      hardLinks: true,
      folderMtime: true,
    });
    expect(same.ok, describeDifferences(same).join("\n")).to.equal(true);
    expect(same.compared).to.equal(7);
  });

  it("names each kind of difference", async () => {
    const before = await list(dir);
    await rm(join(dir, "docs", "empty"), { recursive: true });
    await chmod(join(dir, "docs"), 0o750);
    await utimes(join(dir, "docs", "a.txt"), 1e9, 2e9);
    await rm(join(dir, "latest"));
    await symlink("docs/a-again.txt", join(dir, "latest"));
    await rm(join(dir, "docs", "a-again.txt"));
    await writeFile(join(dir, "docs", "a-again.txt"), "alpha\n"); // same bytes, no longer one file
    await writeFile(join(dir, "new.txt"), "");
    const diff = compareListings(before, await list(dir), {
      root: true,
      owner: true,
      hardLinks: true,
      folderMtime: true,
    });
    expect(diff.byKind.missing).to.deep.equal(["docs/empty/"]);
    expect(diff.byKind.unexpected).to.deep.equal(["new.txt"]);
    expect(diff.byKind.mode).to.deep.equal(["docs/ (2750 → 0750)"]);
    expect(diff.byKind["symlink-target"]).to.deep.equal([
      "latest (symlink) (docs/a.txt → docs/a-again.txt)",
    ]);
    expect(
      diff.byKind.mtime.some((m) =>
        m.startsWith("docs/a.txt (1969-12-31T23:59:58.250000000Z → 2033-05-18T03:33:20Z)"),
      ),
    ).to.equal(true);
    expect(diff.byKind["hard-link"].length).to.be.greaterThan(0);
    expect(countDifferences(diff)).to.match(/^1 missing, 1 not there before, 1 another mode/);
  });

  it("refuses output it cannot read, naming the tree", () => {
    const parser = new ListingParser("/srv/share");
    expect(() => parser.push(Buffer.from("garbage\0\0"))).to.throw(
      /unexpected listing record for \/srv\/share/,
    );
    const torn = new ListingParser("/srv/share");
    torn.push(Buffer.from("f 644 0 0 1 1.5 7 a.txt"));
    expect(() => torn.end()).to.throw(/ends in the middle of a record/);
  });
});
