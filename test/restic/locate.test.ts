/**
 * Finding a share inside snapshots taken the ways towns take them, with real restic 0.14: by
 * absolute path, by a path relative to a parent, from inside the folder, several paths at once,
 * and `--files-from`. Every layout records the same `paths`; only the tree tells them apart.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  candidateFolders,
  holdsFolder,
  listedTrees,
  LISTED_ROOT,
  locateFolder,
} from "../../src/restic/locate.js";
import { Restic, type Snapshot } from "../../src/restic/restic.js";
import { Secret } from "../../src/support/secret.js";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";

const run = promisify(execFile);

const host: InventoryHost = {
  name: "locate-test",
  transport: { kind: "local" },
  roles: [],
  drill: { target: false, sandbox: [] },
  pointer: "/hosts/0",
};

describe("locateFolder: the share inside a snapshot, by its tree (real restic)", function () {
  this.timeout(60_000);
  let dir: string;
  let share: string;
  let restic: Restic;
  const env = () => ({
    ...process.env,
    RESTIC_REPOSITORY: join(dir, "repo"),
    RESTIC_PASSWORD: "pw",
    RESTIC_CACHE_DIR: join(dir, "cache"),
  });
  /** Backs up as a town's cron job would, then returns the new snapshot. */
  const backup = async (cwd: string, ...args: string[]): Promise<Snapshot> => {
    await run("restic", ["backup", "--quiet", ...args], { cwd, env: env() });
    return (await restic.snapshots()).at(-1)!;
  };
  /**
   * Locates the share by reading tree blobs one by one, and again from the one listing the drills
   * use (`restic ls --json <snapshot> / <each place the share may be>`): both must agree.
   */
  const locate = async (snapshot: Snapshot, hint?: string[]) => {
    const byTrees = await locateFolder((id) => restic.tree(id), snapshot, share, hint);
    const listed = await restic.lsFolders(snapshot.id, candidateFolders(share));
    expect(listed.snapshot).to.deep.equal(snapshot);
    const byListing = await locateFolder(
      listedTrees(listed.nodes),
      { paths: listed.snapshot.paths, tree: LISTED_ROOT },
      share,
      hint,
    );
    expect(byListing, "located from one listing").to.deep.equal(byTrees);
    return byTrees;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-locate-"));
    share = join(dir, "srv", "share", "data");
    // A folder inside the share named like the share itself: the case the tree must settle.
    await mkdir(join(share, "data"), { recursive: true });
    await mkdir(join(share, "docs"), { recursive: true });
    await writeFile(join(share, "docs", "minutes.txt"), "minutes\n");
    await writeFile(join(share, "data", "inner.txt"), "inner\n");
    await symlink("docs/minutes.txt", join(share, "latest"));
    await mkdir(join(dir, "etc"));
    await writeFile(join(dir, "etc", "fstab"), "x\n");
    await run("restic", ["init", "--quiet"], { env: env() });
    restic = new Restic({
      session: localSession(host),
      repository: { kind: "local", path: join(dir, "repo") },
      password: new Secret("pw"),
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("restic backup /srv/share/data: the absolute path", async () => {
    const snapshot = await backup(dir, share);
    expect(snapshot.paths).to.deep.equal([share]);
    const found = await locate(snapshot);
    expect(found).to.include({ path: share, layout: "absolute", partial: false, ambiguous: false });
  });

  it("cd /srv/share/data && restic backup .: the snapshot's root, though its paths read the same", async () => {
    const snapshot = await backup(share, ".");
    expect(snapshot.paths).to.deep.equal([share]);
    expect(await locate(snapshot)).to.include({ path: "/", layout: "contents" });
  });

  it("cd /srv/share && restic backup data: the folder by name, told apart from the inner data/ by the live share", async () => {
    const snapshot = await backup(join(dir, "srv", "share"), "data");
    expect(snapshot.paths).to.deep.equal([share]);
    const found = await locate(snapshot, ["data", "docs", "latest"]);
    expect(found).to.include({ path: "/data", layout: "relative", ambiguous: false });
    // Without the live share's names the longer path wins as well.
    expect(await locate(snapshot)).to.include({ path: "/data" });
  });

  it("several paths in one snapshot: the share's part, the others named", async () => {
    const snapshot = await backup(dir, share, join(dir, "etc"));
    const found = await locate(snapshot);
    expect(found).to.include({ path: share, layout: "absolute" });
    expect(found?.otherPaths).to.deep.equal([join(dir, "etc")]);
  });

  it("a backup of a parent folder holds the share below it", async () => {
    const snapshot = await backup(dir, join(dir, "srv"));
    expect(await locate(snapshot)).to.include({ path: share, layout: "absolute" });
  });

  it("--files-from a list of the share's folders: partial, found by the absolute path", async () => {
    const list = join(dir, "files-from.txt");
    await writeFile(list, `${join(share, "docs")}\n${join(share, "latest")}\n`);
    const snapshot = await backup(dir, "--files-from", list);
    expect(snapshot.paths).to.have.length(2);
    expect(await locate(snapshot)).to.include({ path: share, layout: "absolute", partial: true });
  });

  it("a snapshot of another folder does not hold the share", async () => {
    const snapshot = await backup(dir, join(dir, "etc"));
    expect(holdsFolder(snapshot, share)).to.equal(false);
    expect(await locate(snapshot)).to.equal(undefined);
  });

  it("lists only the folders on the way to the share's possible places, whatever lies beside them", async () => {
    const snapshot = await backup(dir, share, join(dir, "etc"));
    const { nodes } = await restic.lsFolders(snapshot.id, candidateFolders(share));
    const paths = nodes.map((n) => n.path);
    expect(paths).to.include.members([join(share, "docs"), join(share, "latest")]);
    expect(paths).to.include(join(dir, "etc")); // the share's parent's entries, as a tree
    expect(paths).not.to.include(join(share, "docs", "minutes.txt"));
    expect(paths).not.to.include(join(dir, "etc", "fstab"));
  });

  it("a tree node carries the link target and link count ls --json lacks", async () => {
    const snapshot = await backup(share, ".");
    const root = await restic.tree(snapshot.tree);
    expect(root.find((n) => n.name === "latest")).to.include({
      type: "symlink",
      linkTarget: "docs/minutes.txt",
    });
    const docs = root.find((n) => n.name === "docs")!;
    const inDocs = await restic.tree(docs.subtree!);
    expect(inDocs.find((n) => n.name === "minutes.txt")).to.include({ type: "file", links: 1 });
  });
});
