/**
 * What a restore needs and what restic says when there is no room, against real restic 0.14: the
 * restore size of a snapshot (`stats --mode restore-size`) and of a path inside it (counted from
 * the listing, as 0.14's stats ignores paths), unknown snapshots and paths as located errors, and
 * a restore into a full tmpfs as a `no-space` failure with restic's own first lines.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Restic, ResticError } from "../../src/restic/restic.js";
import { Secret } from "../../src/support/secret.js";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";

const run = promisify(execFile);

const host: InventoryHost = {
  name: "fs01",
  transport: { kind: "local" },
  roles: [],
  drill: { target: false, sandbox: [] },
  pointer: "/hosts/0",
};

async function rejection(promise: Promise<unknown>): Promise<ResticError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ResticError);
    return error as ResticError;
  }
  throw new Error("expected a ResticError");
}

describe("restic restore size and a restore that runs out of space (real restic)", function () {
  this.timeout(60_000);
  let dir: string;
  let data: string;
  let restic: Restic;
  let snapshot: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-restore-size-"));
    data = join(dir, "srv");
    // The share and a sibling the snapshot also holds: 1,000 + 200,000 + 30 × 100,000 bytes.
    await mkdir(join(data, "share", "docs", "empty"), { recursive: true });
    await mkdir(join(data, "other"), { recursive: true });
    await writeFile(join(data, "share", "readme.txt"), Buffer.alloc(1_000, 1));
    await writeFile(join(data, "share", "docs", "plan.bin"), Buffer.alloc(200_000, 2));
    await symlink("readme.txt", join(data, "share", "link"));
    for (let i = 0; i < 30; i++)
      await writeFile(join(data, "other", `f${i}`), Buffer.alloc(100_000, i));
    await link(join(data, "other", "f0"), join(data, "other", "f0-again"));
    restic = new Restic({
      session: localSession(host),
      repository: { kind: "local", path: join(dir, "repo") },
      password: new Secret("restore size"),
      cacheDir: join(dir, "cache"),
    });
    await restic.init();
    // `restic backup .` from the parent: the snapshot's root holds srv's entries.
    snapshot = (await restic.backup(data)).snapshotId;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("a whole snapshot: restic stats' count of files, folders and links, and the files' bytes", async () => {
    const size = await restic.restoreSize(snapshot);
    const listed = await restic.ls(snapshot);
    // Measured on restic 0.14: every node counts, but a file's second name (hard link) adds no
    // bytes, as the restore writes the file once and links it.
    expect(size.files).to.equal(listed.length);
    const named = listed.filter((n) => n.type === "file").reduce((sum, n) => sum + n.size, 0);
    expect(size.bytes).to.equal(named - 100_000);
    expect(size.bytes).to.equal(1_000 + 200_000 + 30 * 100_000);
  });

  it("a path: counted from the listing, a hard link's second name with its size (an over-estimate)", async () => {
    expect(await restic.restoreSize(snapshot, "/other")).to.deep.equal({
      files: 32,
      bytes: 31 * 100_000,
    });
  });

  it("a path inside the snapshot: only what restore --include writes, with the folders on the way", async () => {
    const share = await restic.restoreSize(snapshot, "/share");
    // share, docs, docs/empty, readme.txt, docs/plan.bin, link; nothing above /share but "/".
    expect(share).to.deep.equal({ files: 6, bytes: 201_000 });
    const docs = await restic.restoreSize([snapshot], "/share/docs/");
    // docs, empty, plan.bin, and /share on the way.
    expect(docs).to.deep.equal({ files: 4, bytes: 200_000 });
    expect(await restic.restoreSize(snapshot, "/")).to.deep.equal(
      await restic.restoreSize(snapshot),
    );
  });

  const bad: [string, () => Promise<unknown>, RegExp][] = [
    [
      "an unknown snapshot (restic stats says Ignoring and exits 0)",
      () => restic.restoreSize("0123abcd"),
      /restic stats on fs01 found 0 of the 1 snapshot\(s\) 0123abcd in .*repo/,
    ],
    [
      "a path the snapshot does not hold",
      () => restic.restoreSize(snapshot, "/nothing/here"),
      /snapshot [0-9a-f]{8} in .*repo holds nothing at \/nothing\/here/,
    ],
    [
      "a path with several snapshots",
      () => restic.restoreSize([snapshot, snapshot], "/share"),
      /needs one snapshot and an absolute path, got 2 snapshot\(s\) and "\/share"/,
    ],
    ["a relative path", () => restic.restoreSize(snapshot, "share"), /and "share"/],
    ["no snapshot at all", () => restic.restoreSize([]), /needs a snapshot/],
  ];
  for (const [what, call, message] of bad)
    it(`${what}: a located error`, async () => {
      const error = await rejection(call());
      expect(error.reason).to.equal("failed");
      expect(error.message).to.match(message);
    });

  describe("a restore into a file system that is full", () => {
    let mnt: string;
    let mounted = false;
    before(async function () {
      mnt = join(dir, "small");
      await mkdir(mnt);
      try {
        await run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt]);
        mounted = true;
      } catch (error) {
        console.warn(
          `      skipped: mount -t tmpfs is not permitted here (${(error as Error).message.split("\n")[0]})`,
        );
        this.skip();
      }
    });
    after(async () => {
      if (mounted) await run("umount", [mnt]);
    });

    it("fails as no-space naming the host and folder, quoting restic's first distinct lines and its Fatal line", async () => {
      const target = join(mnt, "restore");
      const error = await rejection(restic.restore(snapshot, target));
      expect(error.reason).to.equal("no-space");
      expect(error.message).to.equal(
        `restic restore on fs01 ran out of space in ${target}: no space left on device (ENOSPC)`,
      );
      // 31 files do not fit in 1 MiB: restic names each, then counts them.
      expect(error.output).to.have.length(6);
      for (const line of error.output.slice(0, 5))
        expect(line).to.match(/^ignoring error for \/\S+: .*no space left on device$/);
      expect(new Set(error.output).size).to.equal(6);
      expect(error.output[5]).to.match(/^Fatal: There were \d+ errors$/);
    });

    it("a repository on that full disk: no-space quoting restic's line, which names the place", async () => {
      await rm(join(mnt, "restore"), { recursive: true, force: true });
      const full = new Restic({
        session: localSession(host),
        repository: { kind: "local", path: join(mnt, "repo") },
        password: new Secret("restore size"),
        cacheDir: join(dir, "cache-full"),
      });
      await full.init();
      // Random bytes: restic compresses the share's repeated ones into far less than 1 MiB.
      const noise = join(dir, "noise");
      await mkdir(noise, { recursive: true });
      await writeFile(join(noise, "random.bin"), randomBytes(2 * 1024 * 1024));
      const error = await rejection(full.backup(noise));
      expect(error.reason).to.equal("no-space");
      expect(error.message).to.match(
        new RegExp(
          `^restic backup on fs01 ran out of space: no space left on device \\(ENOSPC\\): .*${mnt}/repo.*no space left on device`,
        ),
      );
    });
  });
});
