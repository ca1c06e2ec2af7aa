/** checkRecovery: a restored share against the snapshot's record and against the share before. */
import { expect } from "chai";
import { manifestOf, type ManifestEntry } from "../../src/drill/manifest/entries.js";
import { checkRecovery, type SnapshotFile } from "../../src/drill/manifest/recovery-check.js";

const T = 1_767_323_045;
const hash = (c: string) => c.repeat(64);

const snapshot: SnapshotFile[] = [
  { path: "docs/a.txt", size: 5, mode: 0o644, mtime: T },
  { path: "docs/b.txt", size: 7, mode: 0o600, mtime: T + 1 },
  { path: "c.bin", size: 9, mode: 0o644, mtime: T + 2 },
];
const entry = (f: SnapshotFile, sha: string): ManifestEntry => ({ ...f, sha256: hash(sha) });
const restoredOk = () =>
  manifestOf("/r", [entry(snapshot[0]!, "a"), entry(snapshot[1]!, "b"), entry(snapshot[2]!, "c")]);
const beforeOk = () => manifestOf("/s", restoredOk().entries);

describe("checkRecovery", () => {
  it("passes a restore equal to the snapshot and to the share before", () => {
    const check = checkRecovery(snapshot, restoredOk(), beforeOk());
    expect(check.ok).to.equal(true);
    expect(check.againstSnapshot.matched).to.equal(3);
    expect(check.againstShare.compared).to.equal(3);
    expect(check.verifiedBytes).to.equal(21);
    expect(check.changedSinceRecoveryPoint).to.deep.equal([]);
  });

  const failing: [string, (r: ManifestEntry[]) => ManifestEntry[], string][] = [
    ["a missing file", (r) => r.slice(1), "missing"],
    ["another size", (r) => r.map((e, i) => (i === 0 ? { ...e, size: 6 } : e)), "differing"],
    ["another mode", (r) => r.map((e, i) => (i === 0 ? { ...e, mode: 0o666 } : e)), "differing"],
    ["another mtime", (r) => r.map((e, i) => (i === 0 ? { ...e, mtime: T + 60 } : e)), "differing"],
    [
      "a file not in the snapshot",
      (r) => [...r, entry({ ...snapshot[0]!, path: "x" }, "x")],
      "unexpected",
    ],
  ];
  for (const [name, change, field] of failing)
    it(`fails ${name} against the snapshot`, () => {
      const check = checkRecovery(snapshot, manifestOf("/r", change([...restoredOk().entries])));
      expect(check.ok).to.equal(false);
      expect(check.againstSnapshot[field as "missing"]).to.have.length(1);
    });

  it("fails a file unchanged since the snapshot whose restored bytes differ from the share before", () => {
    const restored = manifestOf(
      "/r",
      [...restoredOk().entries].map((e) => (e.path === "c.bin" ? { ...e, sha256: hash("f") } : e)),
    );
    const check = checkRecovery(snapshot, restored, beforeOk());
    expect(check.ok).to.equal(false);
    expect(check.againstShare.altered).to.deep.equal(["c.bin"]);
  });

  it("lists files changed, added or removed on the share after the snapshot without failing", () => {
    const before = manifestOf("/s", [
      { ...entry(snapshot[0]!, "z"), size: 8, mtime: T + 3600 }, // edited later
      { ...entry(snapshot[1]!, "b"), mode: 0o644 }, // chmod later: mode differs, mtime same
      entry({ path: "new.txt", size: 1, mode: 0o644, mtime: T + 7200 }, "n"), // created later
      // c.bin removed later
    ]);
    const check = checkRecovery(snapshot, restoredOk(), before);
    expect(check.ok).to.equal(true);
    expect(check.changedSinceRecoveryPoint).to.deep.equal([
      "c.bin",
      "docs/a.txt",
      "docs/b.txt",
      "new.txt",
    ]);
    expect(check.againstShare.compared).to.equal(0);
  });

  it("without a manifest from before, judges against the snapshot alone", () => {
    const check = checkRecovery(snapshot, restoredOk());
    expect(check.ok).to.equal(true);
    expect(check.againstShare.compared).to.equal(0);
  });

  describe("names that are not UTF-8 (Latin-1 Müller and Möller: one name in restic ls)", () => {
    // The manifests keep each name exactly ("\\xNN"); restic ls shows both as "M\uFFFDller".
    const ls = "M\uFFFDller.txt";
    const record: SnapshotFile[] = [
      { path: ls, size: 4, mode: 0o644, mtime: T },
      { path: ls, size: 4, mode: 0o644, mtime: T + 5 },
    ];
    const u = { path: "M\\xfcller.txt", size: 4, mode: 0o644, mtime: T, sha256: hash("u") };
    const o = { path: "M\\xf6ller.txt", size: 4, mode: 0o644, mtime: T + 5, sha256: hash("o") };

    it("passes both restored, each matched by its size, mode and mtime and by sha256 before", () => {
      const check = checkRecovery(record, manifestOf("/r", [o, u]), manifestOf("/s", [u, o]));
      expect(check.ok).to.equal(true);
      expect(check.againstSnapshot.matched).to.equal(2);
      expect(check.againstShare.compared).to.equal(2);
    });

    it("fails when one of the two is missing, or its content differs from before", () => {
      expect(checkRecovery(record, manifestOf("/r", [u])).againstSnapshot.missing).to.deep.equal([
        ls,
      ]);
      const swapped = manifestOf("/r", [u, { ...o, sha256: hash("u") }]);
      const check = checkRecovery(record, swapped, manifestOf("/s", [u, o]));
      expect(check.ok).to.equal(false);
      expect(check.againstShare.altered).to.deep.equal(["M\\xf6ller.txt"]);
    });
  });
});
