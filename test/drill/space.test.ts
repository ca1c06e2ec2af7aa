/**
 * The room-for-the-restore verdict (runbooks/lib/space.ts) on df's real output and on table
 * cases: the margins, the refusal's numbers, file systems without fixed inodes, and df output
 * that cannot be read as a located failure.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  INODE_MARGIN,
  SPACE_MARGIN,
  bytesAndHuman,
  filesRestoreSize,
  parseDf,
  requireRoom,
  type FreeSpace,
  type SpaceNeed,
} from "../../runbooks/lib/space.js";
import { StepFailure } from "../../src/drill/runbook/failures.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;

function failure(call: () => unknown): StepFailure {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(StepFailure);
    return error as StepFailure;
  }
  throw new Error("expected a StepFailure");
}

describe("room for a restore", () => {
  it("reads df's real output for a folder that does not exist yet (its nearest parent)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stronghold-space-"));
    try {
      const script = [
        'p=$1; while [ ! -d "$p" ]; do p=$(dirname -- "$p"); done',
        'printf "%s\\n" "$p"',
        'exec df -B1 --output=avail,itotal,iavail,target -- "$p"',
      ].join("\n");
      const folder = join(dir, "not", "yet");
      const { stdout } = await run("sh", ["-c", script, "free-space", folder]);
      const free = parseDf(stdout, "here");
      expect(free.measured).to.equal(dir);
      expect(free.availableBytes).to.be.a("number").and.greaterThan(0);
      const { stdout: df } = await run("df", ["-B1", "--output=avail", dir]);
      // The same file system, a moment later: within a few MiB of what df says now.
      expect(Math.abs(Number(df.trim().split("\n")[1]) - free.availableBytes)).to.be.below(
        64 * MiB,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const fine = "/srv/drill\n    Avail  Inodes   IFree Mounted on\n5005312 2048 2000 /srv/drill\n";
  it("reads the mount point whole, spaces included, and inodes only where they are fixed", () => {
    expect(parseDf(fine, "fs01")).to.deep.equal({
      measured: "/srv/drill",
      mount: "/srv/drill",
      availableBytes: 5_005_312,
      inodes: { total: 2048, available: 2000 },
    });
    const btrfs = parseDf("/srv\n Avail Inodes IFree Mounted on\n999 0 0 /srv/my share\n", "x");
    expect(btrfs).to.deep.equal({ measured: "/srv", mount: "/srv/my share", availableBytes: 999 });
    expect(parseDf("/srv\nhdr\n999 - - /srv\n", "x").inodes).to.equal(undefined);
  });

  for (const [what, stdout] of [
    ["nothing", ""],
    ["no data row", "/srv\n Avail Inodes IFree Mounted on\n"],
    [
      "busybox's columns",
      "/srv\nFilesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 10 5 5 50% /\n",
    ],
  ] as const)
    it(`df output with ${what} is a located failure`, () => {
      const error = failure(() => parseDf(stdout, "fs01 (/srv/x)"));
      expect(error.message).to.equal("df on fs01 (/srv/x) printed no line of free space");
    });

  const need: SpaceNeed = { bytes: 1_000 * MiB, files: 20_000, what: "the restore of /srv/share" };
  const free = (availableBytes: number, inodes?: number): FreeSpace => ({
    measured: "/srv",
    mount: "/srv",
    availableBytes,
    ...(inodes === undefined ? {} : { inodes: { total: 10 ** 7, available: inodes } }),
  });
  const needBytes = Math.ceil(1_000 * MiB * (1 + SPACE_MARGIN.fraction)) + SPACE_MARGIN.bytes;
  const needInodes = Math.ceil(20_000 * (1 + INODE_MARGIN.fraction)) + INODE_MARGIN.inodes;

  it("room enough: the numbers with the margins", () => {
    expect(needBytes).to.equal(1_168_113_664);
    expect(needInodes).to.equal(22_024);
    expect(requireRoom("fs01", "/srv/.scratch", need, free(needBytes, needInodes))).to.deep.equal({
      mount: "/srv",
      needBytes,
      availableBytes: needBytes,
      needInodes,
      availableInodes: needInodes,
    });
  });

  it("one byte short: refused with the numbers in human units and bytes", () => {
    const error = failure(() => requireRoom("fs01", "/srv/.scratch", need, free(needBytes - 1)));
    expect(error.message).to.equal(
      "needs 1.1 GiB (1,168,113,664 bytes) for the restore on fs01:/srv, 1.1 GiB (1,168,113,663 bytes) free",
    );
    expect(error.details).to.deep.equal([
      "the restore of /srv/share: 1000.0 MiB (1,048,576,000 bytes) in 20,000 files, folders and links",
      "margin: 5% + 64.0 MiB of space, 5% + 1024 inodes",
      "the restore lands in /srv/.scratch, on the file system mounted at /srv (measured at /srv)",
      "free space there, or restore elsewhere, then run the drill again",
    ]);
  });

  it("one inode short: refused naming the inodes", () => {
    const error = failure(() => requireRoom("dr01", "/r", need, free(10 ** 12, needInodes - 1)));
    expect(error.message).to.equal("needs 22,024 inodes for the restore on dr01:/srv, 22,023 free");
  });

  it("no fixed inodes: only space counts", () => {
    expect(requireRoom("fs01", "/r", need, free(needBytes)).availableInodes).to.equal(undefined);
  });

  it("says bytes both ways", () => {
    expect(bytesAndHuman(1_288_490_188)).to.equal("1.2 GiB (1,288,490,188 bytes)");
    expect(bytesAndHuman(300)).to.equal("300 B (300 bytes)");
  });

  it("a sample's size: its files' bytes, an inode per file and per folder on the way", () => {
    const sample = [
      { path: "a/b/one.txt", size: 10 },
      { path: "a/b/two.txt", size: 20 },
      { path: "a/c/three.txt", size: 30 },
      { path: "top.txt", size: 40 },
    ];
    // Folders: srv, srv/share, srv/share/a, srv/share/a/b, srv/share/a/c.
    expect(filesRestoreSize(sample, "/srv/share", "s")).to.deep.equal({
      bytes: 100,
      files: 9,
      what: "s",
    });
    expect(filesRestoreSize(sample, "/", "s").files).to.equal(7);
  });
});
