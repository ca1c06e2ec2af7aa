/**
 * The ransomware drill's attack on a canary in an S3 bucket with versioning and Object Lock, with
 * real sshd, restic and s3rver — except that the S3 requests are answered by an emulation instead
 * of curl: no S3 server with versioning or Object Lock runs on this machine. The delete-file and
 * overwrite-file requests get recorded AWS responses (test/fixtures/s3-recorded.ts) and reach no
 * server, so the canary's object in s3rver stays as it was, which is what a locked bucket keeps.
 * `restic forget` and `forget --prune` run for real against s3rver and really delete there; the
 * versions a locked bucket would keep are copied just before and listed under delete markers
 * afterwards (test/fixtures/s3-versioned.ts), and deleting a marker puts them back. In every case
 * the drill must then really restore the canary with restic and read it back before counting the
 * attempt as withstood.
 */
import { expect } from "chai";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  ATTACKS,
  CANARY_TAG,
  attackCanaries,
  canaryDir,
  canaryRestoreDir,
  describeAttempt,
  judgeAttack,
  type AttackAttempt,
} from "../../runbooks/lib/canary.js";
import { fencedFiles } from "../../src/drill/fencing/fenced-files.js";
import type { DrillRestic } from "../../src/drill/runbook/context.js";
import { loadInventory } from "../../src/hosts/load-inventory.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import type { HostSession } from "../../src/hosts/transport/session.js";
import { Restic } from "../../src/restic/restic.js";
import { attackSnapshotObject } from "../../src/restic/s3-attack.js";
import { snapshotObjectKey, type S3Location } from "../../src/restic/s3-objects.js";
import { Secret } from "../../src/support/secret.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { unhideDeletedObjects } from "../../src/restic/s3-delete-markers.js";
import { LOCKED, MARKER, recordedLockedBucket } from "../fixtures/s3-recorded.js";
import { versionedOverS3rver, type VersionEntry } from "../fixtures/s3-versioned.js";

describe("canary attack on an S3 bucket with Object Lock (recorded S3 responses, real restic on s3rver)", function () {
  this.timeout(120_000);
  let lab: DrillLab;
  let session: HostSession;
  before(async () => {
    lab = await startDrillLab({ remote: "s3" });
    const loaded = await loadInventory(lab.inventoryFile);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    session = await openSession(loaded.inventory.hosts[0]!);
  });
  after(async () => {
    await session?.close();
    await lab?.stop();
  });

  it("forget and prune only put delete markers, delete and overwrite leave the locked version: each undone, the canary restored and read back, withstood", async () => {
    const runId = "20261205T060000Z-lock";
    const dir = canaryDir(lab.dataDir, runId);
    const restoreDir = canaryRestoreDir(lab.dataDir, runId);
    const restic = new Restic({
      session,
      repository: lab.repository,
      password: new Secret(lab.password),
      cacheDir: lab.cacheDir,
      env: lab.env,
    });
    const recorded = recordedLockedBucket();
    const repository = lab.repository as S3Location;
    const other = "9".repeat(64);
    const minutes = (n: number) => n * 60_000;
    // Besides what restic deletes: a marker put 20 minutes before the drill, a fresh one on a lock
    // file, and a fresh one on a key outside the repository's prefix (listed by mistake).
    const extra = (s3Now: Date): VersionEntry[] => [
      marker(`restic/data/99/${other}`, "OldMarker0000", new Date(s3Now.getTime() - minutes(20))),
      marker(`restic/locks/${other}`, "LockMarker000", s3Now),
      marker(`restic-old/snapshots/${other}`, "OutsideMarker", s3Now),
    ];
    const versioned = versionedOverS3rver({
      bucketDir: join(lab.dir, "s3", repository.bucket),
      pageSize: 4,
      clockAheadMs: 90_000,
      extra,
    });
    const drillRestic: DrillRestic = {
      repositoryLabel: restic.repositoryLabel,
      version: () => restic.version(),
      snapshots: (o) => restic.snapshots(o),
      snapshotBefore: (i, o) => restic.snapshotBefore(i, o),
      ls: (id) => restic.ls(id),
      eachNode: (id, onNode) => restic.eachNode(id, onNode),
      lsFolders: (id, folders) => restic.lsFolders(id, folders),
      tree: (id) => restic.tree(id),
      restoreSize: (ids, include) => restic.restoreSize(ids, include),
      check: (o) => restic.check(o),
      backup: (d, o) => restic.backup(d, o),
      restore: (id, target, o) => restic.restore(id, target, o),
      forget: async (id) => {
        await versioned.keepVersions();
        await restic.forget(id);
      },
      forgetAndPrune: async (ids) => {
        await versioned.keepVersions();
        await restic.forgetAndPrune(ids);
      },
      // The seams: the S3 requests go to the recorded or emulated bucket, not to curl on fs01.
      tamperSnapshotFile: (id, action) =>
        attackSnapshotObject(recorded.exchange, repository, id, action),
      unhideDeletedObjects: (id, since) =>
        unhideDeletedObjects(versioned.exchange, repository, id, since),
    };
    const files = fencedFiles(
      { name: "fs01", exec: (argv, options) => session.exec(argv, options) },
      "attack-backups",
      [dir, restoreDir],
      [lab.fs01Sandbox],
    );
    const notes: string[] = [];
    const { attempts, remaining } = await attackCanaries(
      drillRestic,
      files,
      { runId, dir },
      (m) => notes.push(m),
      {
        dir: restoreDir,
        read: async (path) => (await session.exec(["cat", "--", path])).stdout,
      },
    );

    expect(attempts.map((a) => `${a.attack} ${a.result}`)).to.deep.equal([
      "forget withstood",
      "forget-prune withstood",
      "delete-file withstood",
      "overwrite-file withstood",
    ]);
    expect(judgeAttack(attempts).kind).to.equal("withstood");
    // One canary took all four attacks and is still in the repository, readable.
    const third = attempts[0]!.canary;
    expect(attempts.map((a) => a.canary)).to.deep.equal([third, third, third, third]);
    const listed = await restic.snapshots({ tags: [CANARY_TAG] });
    expect(listed.map((s) => s.id)).to.deep.equal(remaining);
    expect(listed[0]!.shortId).to.equal(third);
    const key = snapshotObjectKey(repository, remaining[0]!);

    // forget hid the snapshot's file only; prune also its packs and the old index files.
    const hidden = versioned.hidden.map((h) => h.split(" ") as [string, string]);
    const byForget = hidden.filter(([k]) => k === key);
    expect(byForget).to.have.length(2);
    const byPrune = hidden.slice(1);
    expect(byPrune.some(([k]) => k.startsWith("restic/data/"))).to.equal(true);
    expect(byPrune.some(([k]) => k.startsWith("restic/index/"))).to.equal(true);
    expect(byPrune.every(([k]) => /^restic\/(data|index|snapshots)\//.test(k))).to.equal(true);
    // Exactly those markers were deleted, by their versionIds, the snapshot's last; the old
    // marker, the lock's and the one outside the prefix were never named.
    const listings = versioned.sent.filter((l) => l.startsWith("GET "));
    expect(listings[0]).to.equal("GET ?prefix=restic/&versions");
    expect(listings[1]).to.match(
      /^GET \?prefix=restic\/&versions&key-marker=restic\S+&version-id-marker=\S+$/,
    );
    const deletes = versioned.sent.filter((l) => l.startsWith("DELETE "));
    expect([...deletes].sort()).to.deep.equal(
      hidden.map(([k, v]) => `DELETE ${k}?versionId=${v}`).sort(),
    );
    const forgetDeletes = deletes.slice(0, 1);
    const pruneDeletes = deletes.slice(1);
    expect(forgetDeletes).to.deep.equal([`DELETE ${key}?versionId=${byForget[0]![1]}`]);
    expect(pruneDeletes.at(-1)).to.equal(`DELETE ${key}?versionId=${byForget[1]![1]}`);
    const folders = pruneDeletes.map((l) => l.split("/")[1]);
    expect(folders).to.deep.equal([...folders].sort());
    expect(versioned.sent.filter((l) => l.startsWith("HEAD "))).to.have.length(hidden.length);
    expect(versioned.sent.filter((l) => !l.startsWith("GET ")).join("\n")).not.to.match(
      /OldMarker|LockMarker|OutsideMarker|restic-old/,
    );
    expect(
      versioned.sent.every((l) =>
        /^(GET \?prefix=restic\/&versions|HEAD restic\/|DELETE restic\/)/.test(l),
      ),
    ).to.equal(true);
    expect(describeAttempt(attempts[0]!)).to.match(
      new RegExp(
        `^restic forget ${third}: withstood \\(restic reported success; delete markers removed: 1 objects \\(snapshots 1, packs 0, index files 0\\), each version under them still there \\(the snapshot's: Object Lock COMPLIANCE until 2099-01-04T00:00:00.000Z\\); 1 lock file\\(s\\) left deleted .*; the canary restored from the locked versions reads back intact\\)$`,
      ),
    );
    expect(describeAttempt(attempts[1]!)).to.match(
      new RegExp(
        `^restic forget --prune ${third}: withstood \\(restic reported success; delete markers removed: ${byPrune.length} objects \\(snapshots 1, packs [1-9]\\d*, index files [1-9]\\d*\\), .*the canary restored from the locked versions reads back intact\\)$`,
      ),
    );

    expect(recorded.sent).to.deep.equal([
      `HEAD ${key}`,
      `DELETE ${key}`,
      `DELETE ${key}?versionId=${LOCKED}`,
      `GET ?prefix=${key}&versions`,
      `GET ${key}?versionId=${LOCKED}`,
      `DELETE ${key}?versionId=${MARKER}`,
      `HEAD ${key}`,
      `PUT ${key} <random>`,
      `DELETE ${key}?versionId=${LOCKED}`,
      `GET ?prefix=${key}&versions`,
      `GET ${key}?versionId=${LOCKED}`,
      `PUT ${key} copy-source /${repository.bucket}/${key}?versionId=${encodeURIComponent(LOCKED)}`,
    ]);
    const line = describeAttempt(attempts[2]!);
    expect(line).to.match(
      new RegExp(`^delete snapshots/${third} in the storage .*: withstood \\(DeleteObject: hidden`),
    );
    expect(line).to.include(
      `DeleteObject of the snapshot's version: refused (HTTP 403 AccessDenied: version ${LOCKED} is locked)`,
    );
    expect(line).to.include("made current again by deleting delete marker");
    expect(line).to.match(/the canary restored from it reads back intact\)$/);
    // The restored copies were read back and removed again.
    expect(await readdir(restoreDir).catch(() => [])).to.deep.equal([]);
    expect(notes.filter((n) => /^canary \d+: snapshot/.test(n))).to.have.length(1);
    await files.remove([dir, restoreDir]);
  });
});

function marker(key: string, versionId: string, lastModified: Date): VersionEntry {
  return { kind: "marker", key, versionId, isLatest: true, lastModified };
}

describe("judging the attack when the storage kept the locked version", () => {
  const attempt = (attack: (typeof ATTACKS)[number], result: AttackAttempt["result"]) => ({
    attack,
    canary: "0a1b2c3d",
    result,
    detail: "",
  });
  const cases: { results: AttackAttempt["result"][]; verdict: string }[] = [
    { results: ["refused", "refused", "withstood", "withstood"], verdict: "withstood" },
    { results: ["refused", "refused", "withstood", "inconclusive"], verdict: "unproven" },
    { results: ["refused", "refused", "withstood", "destroyed"], verdict: "destroyable" },
  ];
  for (const c of cases)
    it(`${c.results.join(", ")}: ${c.verdict}`, () => {
      expect(judgeAttack(ATTACKS.map((a, i) => attempt(a, c.results[i]!))).kind).to.equal(
        c.verdict,
      );
    });
});
