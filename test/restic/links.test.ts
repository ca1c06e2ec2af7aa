/**
 * readSnapshotLinks with real restic 0.14: symlink targets and hard links from the trees on the
 * paths to folders holding symlinks, a bound on the trees read, and names that are not UTF-8.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { link, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readSnapshotLinks } from "../../src/restic/links.js";
import { localManifest } from "../../src/drill/manifest/local-manifest.js";
import { checkRecovery } from "../../src/drill/manifest/recovery-check.js";
import { Restic, type Snapshot, type SnapshotNode } from "../../src/restic/restic.js";
import { Secret } from "../../src/support/secret.js";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";

const run = promisify(execFile);

const host: InventoryHost = {
  name: "links-test",
  transport: { kind: "local" },
  roles: [],
  drill: { target: false, sandbox: [] },
  pointer: "/hosts/0",
};

describe("readSnapshotLinks: link targets and hard links from the snapshot's trees (real restic)", function () {
  this.timeout(60_000);
  let dir: string;
  let share: string;
  let restic: Restic;
  let snapshot: Snapshot;
  let nodes: SnapshotNode[];
  const reads: string[] = [];
  /** Trees from the snapshot's root down to the share: /, tmp, stronghold-links-…, srv, share. */
  const toShare = () => share.split("/").length;
  const readTree = (id: string) => {
    reads.push(id);
    return restic.tree(id);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-links-"));
    share = join(dir, "srv", "share");
    for (const folder of ["docs/2026", "photos/big/deeper", "plain/a/b"])
      await mkdir(join(share, folder), { recursive: true });
    await writeFile(join(share, "docs", "minutes.txt"), "minutes\n");
    await link(join(share, "docs", "minutes.txt"), join(share, "docs", "minutes (copy).txt"));
    await writeFile(join(share, "plain", "a", "b", "far.txt"), "far\n");
    await link(join(share, "plain", "a", "b", "far.txt"), join(share, "far again.txt"));
    await symlink("docs/minutes.txt", join(share, "latest"));
    await symlink("../minutes.txt", join(share, "docs", "2026", "minutes"));
    await symlink("/nowhere/at all", join(share, "photos", "big", "deeper", "dangling"));
    // Two names that read the same once their byte that is not UTF-8 becomes U+FFFD.
    const odd = Buffer.from(join(share, "odd"));
    await mkdir(odd);
    for (const byte of [0xe9, 0xe8])
      await symlink("t", Buffer.concat([odd, Buffer.from("/caf"), Buffer.from([byte])]));
    await run("restic", ["init", "--quiet"], { env: env() });
    await run("restic", ["backup", "--quiet", share], { env: env() });
    restic = new Restic({
      session: localSession(host),
      repository: { kind: "local", path: join(dir, "repo") },
      password: new Secret("pw"),
    });
    snapshot = (await restic.snapshots()).at(-1)!;
    nodes = await restic.ls(snapshot.id);
  });
  after(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => reads.splice(0));
  function env() {
    return {
      ...process.env,
      RESTIC_REPOSITORY: join(dir, "repo"),
      RESTIC_PASSWORD: "pw",
      RESTIC_CACHE_DIR: join(dir, "cache"),
    };
  }

  it("reads every symlink's target from the trees on the paths to its folder, each tree once", async () => {
    const links = await readSnapshotLinks(readTree, snapshot.tree, share, nodes);
    expect(links.symlinks).to.deep.equal([
      { path: "latest", target: "docs/minutes.txt" },
      { path: "docs/2026/minutes", target: "../minutes.txt" },
      { path: "photos/big/deeper/dangling", target: "/nowhere/at all" },
    ]);
    // Down to the share, then docs, 2026, photos, big, deeper, odd: never plain/, a/ or b/.
    expect(links.treesRead).to.equal(toShare() + 6);
    expect(new Set(reads).size).to.equal(reads.length);
    expect(links.hardLinkGroups).to.deep.equal([["docs/minutes (copy).txt", "docs/minutes.txt"]]);
  });

  it("stops at the bound and lists the symlinks it left to the share before", async () => {
    // Enough for the share's own folder, odd/, docs/ and docs/2026/: not for photos/big/deeper/.
    const links = await readSnapshotLinks(readTree, snapshot.tree, share, nodes, toShare() + 3);
    expect(links.treesRead).to.equal(toShare() + 3);
    expect(links.symlinks.map((l) => l.path)).to.deep.equal(["latest", "docs/2026/minutes"]);
    expect(links.unread).to.deep.equal([
      "odd/caf\uFFFD",
      "odd/caf\uFFFD",
      "photos/big/deeper/dangling",
    ]);
    expect(links.listed).to.have.length(5);
  });

  it("names a folder where names that are not UTF-8 collide, and leaves its symlinks unread", async () => {
    const links = await readSnapshotLinks(readTree, snapshot.tree, share, nodes);
    expect(links.listed.filter((p) => p.startsWith("odd/"))).to.deep.equal([
      "odd/caf\uFFFD",
      "odd/caf\uFFFD",
    ]);
    expect(links.collisions).to.deep.equal(["odd"]);
    expect(links.unread).to.deep.equal(["odd/caf\uFFFD", "odd/caf\uFFFD"]);
  });

  it("a restore whose symlink points elsewhere, or whose hard links came apart, fails checkRecovery", async () => {
    const target = join(dir, "restored");
    await run("restic", ["restore", "--quiet", snapshot.id, "--target", target], { env: env() });
    const restored = join(target, share);
    const prefix = `${share}/`;
    const files = nodes
      .filter((n) => n.type === "file" && n.path.startsWith(prefix))
      .map((n) => ({
        path: n.path.slice(prefix.length),
        size: n.size,
        mode: n.mode,
        mtime: Math.floor(n.mtime.getTime() / 1000),
      }));
    const links = await readSnapshotLinks(readTree, snapshot.tree, share, nodes);
    // Names that are not UTF-8 cannot be named back through node:fs strings: leave odd/ out.
    await run("rm", ["-rf", join(restored, "odd")]);
    const intact = checkRecovery(files, await localManifest(restored), undefined, links);
    expect(intact.links).to.deep.include({ hardLinks: { groups: 1, split: [] } });
    expect(intact.links!.symlinks).to.deep.include({
      againstTree: 3,
      missing: ["odd/caf\uFFFD", "odd/caf\uFFFD"],
      retargeted: [],
    });

    await unlink(join(restored, "docs", "2026", "minutes"));
    await symlink("/etc/passwd", join(restored, "docs", "2026", "minutes"));
    const copy = join(restored, "docs", "minutes (copy).txt");
    await unlink(copy);
    await writeFile(copy, "minutes\n");
    const check = checkRecovery(files, await localManifest(restored), undefined, links);
    expect(check.ok).to.equal(false);
    expect(check.links!.symlinks.retargeted).to.deep.equal([
      "docs/2026/minutes: /etc/passwd → ../minutes.txt",
    ]);
    expect(check.links!.hardLinks.split).to.deep.equal([
      "docs/minutes (copy).txt = docs/minutes.txt",
    ]);
  });
});
