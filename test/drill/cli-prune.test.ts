/**
 * `stronghold drill prune` against real repositories: it keeps the newest N drill snapshots per
 * share, forgets the older ones, never touches a town snapshot, changes nothing on a dry run,
 * refuses bad flags in one line, and leaves an append-only repository alone, saying so (exit 3).
 */
import { expect } from "chai";
import { DRILL_TAG } from "../../runbooks/lib/share.js";
import {
  startDrillLab,
  type DrillLab,
  type LabSnapshot,
  type LabRemote,
} from "../fixtures/drill-lab.js";
import { drillCli, labEnv } from "./runbook-helpers.js";

function pruneArgs(lab: DrillLab, ...extra: string[]): string[] {
  return [
    "prune",
    "--repo",
    lab.repositorySpec,
    "--password-file",
    lab.passwordFile,
    ...(lab.caCertFile ? ["--cacert", lab.caCertFile] : []),
    ...extra,
  ];
}

/** A town snapshot (from the lab), four drill snapshots, then another town snapshot. */
async function seed(lab: DrillLab): Promise<{ town: string[]; drill: string[] }> {
  const first = (await lab.snapshots()).map((s) => s.short_id);
  const drill: string[] = [];
  for (let i = 0; i < 4; i++) drill.push(await lab.backup({ tags: [DRILL_TAG] }));
  const town = [...first, await lab.backup()];
  return { town, drill };
}

const ids = (list: readonly LabSnapshot[]) => list.map((s) => s.short_id).sort();

describe("stronghold drill prune", function () {
  this.timeout(180_000);

  const remotes: { remote: LabRemote; name: string }[] = [
    { remote: "local", name: "a local repository" },
    { remote: "s3", name: "an S3 repository (s3rver over TLS)" },
  ];
  for (const { remote, name } of remotes)
    describe(name, () => {
      let lab: DrillLab;
      let seeded: { town: string[]; drill: string[] };
      before(async () => {
        lab = await startDrillLab({ remote });
        seeded = await seed(lab);
      });
      after(() => lab?.stop());

      it("a dry run lists what it would forget and changes nothing", async () => {
        const before = ids(await lab.snapshots());
        const result = await drillCli(pruneArgs(lab, "--keep-last", "2", "--dry-run"), labEnv(lab));
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.include(`would forget 2 drill snapshot(s) tagged ${DRILL_TAG}`);
        expect(ids(await lab.snapshots())).to.deep.equal(before);
      });

      it("keeps the newest N drill snapshots and every town snapshot", async () => {
        const result = await drillCli(pruneArgs(lab, "--keep-last", "2"), labEnv(lab));
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.include("forgot and pruned 2 drill snapshot(s)");
        expect(result.stdout + result.stderr).to.not.include(lab.password);
        expect(ids(await lab.snapshots())).to.deep.equal(
          [...seeded.town, ...seeded.drill.slice(2)].sort(),
        );
      });

      it("--keep-last 0 forgets every drill snapshot and still no town one", async () => {
        const result = await drillCli(pruneArgs(lab, "--keep-last", "0"), labEnv(lab));
        expect(result.code, result.stderr).to.equal(0);
        expect(ids(await lab.snapshots())).to.deep.equal([...seeded.town].sort());
      });
    });

  describe("an append-only repository (rclone serve restic --append-only)", () => {
    let lab: DrillLab;
    before(async () => {
      lab = await startDrillLab({ remote: "rest-append-only" });
      await seed(lab);
    });
    after(() => lab?.stop());

    it("is left alone, and says so with exit 3", async () => {
      const before = ids(await lab.snapshots());
      const result = await drillCli(pruneArgs(lab, "--keep-last", "1"), labEnv(lab));
      expect(result.code, result.stdout + result.stderr).to.equal(3);
      expect(result.stderr).to.match(/is append-only: left alone, nothing was forgotten or pruned/);
      expect(result.stderr.trim().split("\n")).to.have.length(1);
      expect(ids(await lab.snapshots())).to.deep.equal(before);
    });
  });

  describe("bad input", () => {
    const cases: { args: string[]; says: string }[] = [
      {
        args: ["prune", "--repo", "/nowhere", "--password-file", "/nowhere/pw", "--keep-last", "x"],
        says: '--keep-last "x" must be a whole number ≥ 0',
      },
      { args: ["prune", "--password-file", "/nowhere/pw"], says: "drill prune needs --repo" },
      {
        args: ["prune", "--repo", "/nowhere", "--password-file", "/nowhere/pw"],
        says: "--password-file /nowhere/pw cannot be read",
      },
    ];
    for (const c of cases)
      it(`refuses: ${c.says}`, async () => {
        const env = { ...process.env };
        delete env.RESTIC_PASSWORD;
        delete env.RESTIC_PASSWORD_FILE;
        const result = await drillCli(c.args, env);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.include(c.says);
        expect(result.stderr).to.not.match(/\bat \/|internal error/);
      });
  });
});
