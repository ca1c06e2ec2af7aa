/**
 * The restic adapter proves the repository, not a cache: reads run with --no-cache, a damaged
 * index or snapshot file is a corrupt-data failure quoting restic, and only transient failures
 * are worth a retry. Real restic 0.14 on a local repository; prune planning as a pure function.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, open, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRetryable } from "../../src/drill/runbook/failures.js";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";
import { planPrune } from "../../src/restic/prune.js";
import {
  RESTIC_FAILURES,
  Restic,
  ResticError,
  TRANSIENT_RESTIC_FAILURES,
  type ResticCommandEvent,
  type Snapshot,
} from "../../src/restic/restic.js";
import { Secret } from "../../src/support/secret.js";

const PASSWORD = "offsite test password";

const host: InventoryHost = {
  name: "offsite-test",
  transport: { kind: "local" },
  roles: [],
  drill: { target: false, sandbox: [] },
  pointer: "/hosts/0",
};

async function flipMiddle(file: string): Promise<void> {
  await chmod(file, 0o600);
  const handle = await open(file, "r+");
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.alloc(8);
    await handle.read(bytes, 0, bytes.length, Math.floor(size / 2));
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= 0xff;
    await handle.write(bytes, 0, bytes.length, Math.floor(size / 2));
  } finally {
    await handle.close();
  }
}

async function onlyFile(dir: string, prefix = ""): Promise<string> {
  const found = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.startsWith(prefix))
    .map((e) => join(e.parentPath, e.name));
  if (found.length !== 1) throw new Error(`expected one file in ${dir}, found ${found.length}`);
  return found[0]!;
}

async function rejection(promise: Promise<unknown>): Promise<ResticError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ResticError);
    return error as ResticError;
  }
  throw new Error("expected a ResticError");
}

describe("Restic adapter: the offsite copy, not the cache (real restic)", function () {
  this.timeout(60_000);
  let dir: string;
  let data: string;
  let repoPath: string;
  let events: ResticCommandEvent[];

  const restic = () =>
    new Restic({
      session: localSession(host),
      repository: { kind: "local", path: repoPath },
      password: new Secret(PASSWORD),
      cacheDir: join(dir, "cache"),
      onCommand: (e) => events.push(e),
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-offsite-"));
    data = join(dir, "data");
    repoPath = join(dir, "repo");
    events = [];
    await mkdir(data);
    await writeFile(join(data, "a.bin"), randomBytes(50_000));
    await writeFile(join(data, "b.txt"), "minutes\n");
    await restic().init();
    await restic().backup(data);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("backup uses the cache; every read runs with --no-cache", async () => {
    const [snapshot] = await restic().snapshots();
    await restic().restore(snapshot!.id, join(dir, "restored"));
    await restic().check();
    const backup = events.find((e) => e.argv.includes("backup"));
    expect(backup?.argv).to.include("--cache-dir");
    const reads = events.filter((e) => !e.argv.includes("backup") && !e.argv.includes("init"));
    expect(reads.length).to.be.at.least(4);
    for (const e of reads) expect(e.argv, e.redacted).to.include("--no-cache");
  });

  it("a damaged index fails the restore even with a warm cache, quoting restic", async () => {
    const [snapshot] = await restic().snapshots();
    await restic().backup(data); // the cache now holds the index
    await flipMiddle(await onlyFile(join(repoPath, "index")));
    const error = await rejection(restic().restore(snapshot!.id, join(dir, "restored")));
    expect(error.reason).to.equal("corrupt-data");
    expect(error.output.join("\n")).to.match(/Fatal: load <index\/[0-9a-f]+>: invalid data/);
    expect(isRetryable(error)).to.equal(false);
    expect(error.output.join("\n")).to.not.include(PASSWORD);
    // The restore lists the snapshot beside it: both have ended when it fails, so nothing of
    // the drill's keeps reading the repository (or writing its locks) after the failure.
    const ended = events.filter((e) => e.argv.includes("restore") || e.argv.includes("ls"));
    expect(
      ended.map((e) => e.argv.find((a) => a === "restore" || a === "ls")).sort(),
    ).to.deep.equal(["ls", "restore"]);
  });

  it("a snapshot file restic cannot read fails the listing, naming it", async () => {
    const newest = await restic().backup(data);
    await flipMiddle(await onlyFile(join(repoPath, "snapshots"), newest.snapshotId));
    const error = await rejection(restic().snapshots());
    expect(error.reason).to.equal("corrupt-data");
    expect(error.message).to.include(`snapshot ${newest.snapshotId} in ${repoPath} cannot be read`);
    expect(error.output[0]).to.match(new RegExp(`^could not load snapshot ${newest.snapshotId}:`));
  });
});

describe("which restic failures are retried", () => {
  for (const reason of RESTIC_FAILURES) {
    const transient = ["locked", "connection", "timeout"].includes(reason);
    it(`${reason}: ${transient ? "retried" : "never retried"}`, () => {
      expect(TRANSIENT_RESTIC_FAILURES.has(reason)).to.equal(transient);
      expect(isRetryable(new ResticError(reason, "x"))).to.equal(transient);
    });
  }
});

describe("planPrune", () => {
  const TAG = "stronghold-drill";
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const snap = (id: string, minute: number, tags: string[], paths = ["/srv/share"]): Snapshot => ({
    id,
    shortId: id,
    time: at(minute),
    paths,
    hostname: "fs01",
    tags,
    tree: "0".repeat(64),
  });
  const all = [
    snap("town1", 1, []),
    snap("d1", 2, [TAG]),
    snap("d2", 3, [TAG]),
    snap("d3", 4, [TAG, "stronghold-drill-infected"]),
    snap("d4", 5, [TAG]),
    snap("town2", 6, ["daily"]),
    snap("other1", 7, [TAG], ["/srv/other"]),
  ];
  const cases: { keepLast: number; keep: string[]; forget: string[] }[] = [
    { keepLast: 0, keep: [], forget: ["d1", "d2", "d3", "d4", "other1"] },
    { keepLast: 2, keep: ["d3", "d4", "other1"], forget: ["d1", "d2"] },
    { keepLast: 3, keep: ["d2", "d3", "d4", "other1"], forget: ["d1"] },
    { keepLast: 10, keep: ["d1", "d2", "d3", "d4", "other1"], forget: [] },
  ];
  for (const c of cases)
    it(`keeps the newest ${c.keepLast} drill snapshot(s) per share, never a town one`, () => {
      const plan = planPrune(all, TAG, c.keepLast);
      expect(plan.keep.map((s) => s.id)).to.deep.equal(c.keep);
      expect(plan.forget.map((s) => s.id)).to.deep.equal(c.forget);
    });

  it("always forgets the ransomware drill's canaries, whatever --keep-last says; never an untagged one", () => {
    const canary = "stronghold-drill-canary";
    const withCanaries = [
      ...all,
      snap("c1", 8, [TAG, canary, "stronghold-drill-run=r1"], ["/srv/.stronghold-drill-r1/canary"]),
      snap("c2", 9, [TAG, canary, "stronghold-drill-run=r2"], ["/srv/.stronghold-drill-r2/canary"]),
      snap("fake", 10, [canary], ["/srv/.stronghold-drill-r3/canary"]),
    ];
    const plan = planPrune(withCanaries, TAG, 10, [canary]);
    expect(plan.keep.map((s) => s.id)).to.deep.equal(["d1", "d2", "d3", "d4", "other1"]);
    expect(plan.forget.map((s) => s.id)).to.deep.equal(["c1", "c2"]);
  });

  it("refuses a negative or fractional count", () => {
    expect(() => planPrune(all, TAG, -1)).to.throw(RangeError);
    expect(() => planPrune(all, TAG, 1.5)).to.throw(RangeError);
  });
});
