/**
 * The ransomware drill's attack on a canary in an S3 bucket with versioning and Object Lock, with
 * real sshd, restic and s3rver — except that the S3 requests of the delete-file and
 * overwrite-file attacks are answered by recorded AWS responses (test/fixtures/s3-recorded.ts)
 * instead of curl: no S3 server with Object Lock runs on this machine. Since those requests reach
 * no server, the canary's object in s3rver stays as it was, which is what a locked bucket keeps;
 * the drill must then really restore the canary with restic and read it back before counting the
 * attempt as withstood. `restic forget` and `forget --prune` run for real against s3rver (no
 * versions there), so they destroy their canaries.
 */
import { expect } from "chai";
import { readdir } from "node:fs/promises";
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
import { LOCKED, MARKER, recordedLockedBucket } from "../fixtures/s3-recorded.js";

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

  it("delete and overwrite leave the locked version: made current again, the canary restored and read back, withstood", async () => {
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
    const drillRestic: DrillRestic = {
      repositoryLabel: restic.repositoryLabel,
      version: () => restic.version(),
      snapshots: (o) => restic.snapshots(o),
      snapshotBefore: (i, o) => restic.snapshotBefore(i, o),
      ls: (id) => restic.ls(id),
      tree: (id) => restic.tree(id),
      restoreSize: (ids) => restic.restoreSize(ids),
      check: (o) => restic.check(o),
      backup: (d, o) => restic.backup(d, o),
      restore: (id, target, o) => restic.restore(id, target, o),
      forget: (id) => restic.forget(id),
      forgetAndPrune: (ids) => restic.forgetAndPrune(ids),
      // The seam: the S3 requests go to the recorded bucket, not to curl on fs01.
      tamperSnapshotFile: (id, action) =>
        attackSnapshotObject(recorded.exchange, repository, id, action),
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
      "forget destroyed",
      "forget-prune destroyed",
      "delete-file withstood",
      "overwrite-file withstood",
    ]);
    // The third canary took both S3 attacks and is still in the repository, readable.
    const third = attempts[2]!.canary;
    expect(attempts[3]!.canary).to.equal(third);
    const listed = await restic.snapshots({ tags: [CANARY_TAG] });
    expect(listed.map((s) => s.id)).to.deep.equal(remaining);
    expect(listed[0]!.shortId).to.equal(third);
    const key = snapshotObjectKey(repository, remaining[0]!);
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
    expect(notes.some((n) => n.startsWith("canary 3: snapshot"))).to.equal(true);
    await files.remove([dir, restoreDir]);
  });
});

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
