/** checkRecovery with links: symbolic-link targets and hard-link groups of a restored share. */
import { expect } from "chai";
import {
  manifestOf,
  type ManifestEntry,
  type ManifestLinks,
} from "../../src/drill/manifest/entries.js";
import type { SnapshotLinkRecord } from "../../src/drill/manifest/link-check.js";
import { checkRecovery, type SnapshotFile } from "../../src/drill/manifest/recovery-check.js";

const T = 1_767_323_045;
const snapshot: SnapshotFile[] = [
  { path: "docs/a.txt", size: 5, mode: 0o644, mtime: T },
  { path: "docs/a-again.txt", size: 5, mode: 0o644, mtime: T },
  { path: "b.bin", size: 9, mode: 0o644, mtime: T },
  { path: "b-again.bin", size: 9, mode: 0o644, mtime: T },
];
const entries = (): ManifestEntry[] => snapshot.map((f) => ({ ...f, sha256: "a".repeat(64) }));
const recordOk = (): SnapshotLinkRecord => ({
  listed: ["docs/latest", "top"],
  symlinks: [
    { path: "docs/latest", target: "a.txt" },
    { path: "top", target: "docs" },
  ],
  unread: [],
  hardLinkGroups: [["docs/a-again.txt", "docs/a.txt"]],
  treesRead: 2,
  collisions: [],
});
const linksOk = (): ManifestLinks => ({
  symlinks: [
    { path: "docs/latest", target: "a.txt" },
    { path: "top", target: "docs" },
  ],
  hardLinkGroups: [
    ["b-again.bin", "b.bin"],
    ["docs/a-again.txt", "docs/a.txt"],
  ],
});
const before = () => manifestOf("/s", entries(), linksOk());

describe("checkRecovery: links", () => {
  it("passes links restored as the snapshot's tree and the share before had them", () => {
    const check = checkRecovery(
      snapshot,
      manifestOf("/r", entries(), linksOk()),
      before(),
      recordOk(),
    );
    expect(check.ok).to.equal(true);
    expect(check.links).to.deep.include({
      symlinks: {
        againstTree: 2,
        againstShareOnly: 0,
        missing: [],
        retargeted: [],
        unexpected: [],
        unverified: [],
      },
      hardLinks: { groups: 2, split: [] },
    });
  });

  const failing: [string, (l: ManifestLinks) => ManifestLinks, string, string[]][] = [
    [
      "a symlink missing",
      (l) => ({ ...l, symlinks: l.symlinks.slice(1) }),
      "symlinks.missing",
      ["docs/latest"],
    ],
    [
      "a symlink with another target than the tree recorded",
      (l) => ({ ...l, symlinks: [l.symlinks[0]!, { path: "top", target: "/etc" }] }),
      "symlinks.retargeted",
      ["top: /etc → docs"],
    ],
    [
      "a symlink the snapshot does not list",
      (l) => ({ ...l, symlinks: [...l.symlinks, { path: "x", target: "y" }] }),
      "symlinks.unexpected",
      ["x"],
    ],
    [
      "a hard-link group of the tree restored as separate files",
      (l) => ({ ...l, hardLinkGroups: [l.hardLinkGroups[0]!] }),
      "hardLinks.split",
      ["docs/a-again.txt = docs/a.txt"],
    ],
    [
      "a hard-link group of the share before restored as separate files",
      (l) => ({ ...l, hardLinkGroups: [l.hardLinkGroups[1]!] }),
      "hardLinks.split",
      ["b-again.bin = b.bin"],
    ],
  ];
  for (const [name, change, field, want] of failing)
    it(`fails ${name}`, () => {
      const restored = manifestOf("/r", entries(), change(linksOk()));
      const check = checkRecovery(snapshot, restored, before(), recordOk());
      expect(check.ok).to.equal(false);
      const [group, key] = field.split(".") as ["symlinks", "missing"];
      expect(check.links![group][key]).to.deep.equal(want);
    });

  it("does not hold a hard-link group of the share before to a file changed after the snapshot", () => {
    const later = manifestOf(
      "/s",
      entries().map((e) =>
        e.path === "b.bin" || e.path === "b-again.bin" ? { ...e, mtime: T + 60 } : e,
      ),
      linksOk(),
    );
    const restored = manifestOf("/r", entries(), {
      ...linksOk(),
      hardLinkGroups: [linksOk().hardLinkGroups[1]!],
    });
    const check = checkRecovery(snapshot, restored, later, recordOk());
    expect(check.links!.hardLinks).to.deep.equal({ groups: 1, split: [] });
  });

  it("checks symlinks whose tree was not read against the share before, and lists the rest", () => {
    const record = { ...recordOk(), symlinks: [], unread: ["docs/latest", "top"] };
    const restored = manifestOf("/r", entries(), linksOk());
    const was = manifestOf("/s", entries(), {
      ...linksOk(),
      symlinks: [{ path: "docs/latest", target: "a.txt" }],
    });
    const check = checkRecovery(snapshot, restored, was, record);
    expect(check.ok).to.equal(true);
    expect(check.links!.symlinks).to.deep.include({
      againstTree: 0,
      againstShareOnly: 1,
      unverified: ["top"],
    });
  });

  it("without the snapshot's link record, judges files alone", () => {
    const restored = manifestOf("/r", entries(), { symlinks: [], hardLinkGroups: [] });
    const check = checkRecovery(snapshot, restored, before());
    expect(check.ok).to.equal(true);
    expect(check.links).to.equal(undefined);
  });
});
