/**
 * A share with a symbolic link and a hard-link pair through a real drill (sshd, restic): the
 * verify step reads the link's target from the snapshot's tree and finds both names of the file
 * restored as one file.
 */
import { expect } from "chai";
import { mkdtemp, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED_LINKS, startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { journalOf } from "./engine-helpers.js";
import { drillCli, labArgs, labEnv, lastRun } from "./runbook-helpers.js";

describe("share drills on a share with links (real sshd, restic)", function () {
  this.timeout(180_000);
  let lab: DrillLab;
  let runs: string;
  before(async () => {
    lab = await startDrillLab({ links: true });
    runs = await mkdtemp(join(tmpdir(), "stronghold-links-runs-"));
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });

  const linkNotes = async (): Promise<string[]> =>
    (await journalOf(await lastRun(runs)))
      .filter((l) => (l.event === "note" || l.event === "warning") && "step" in l)
      .map((l) => (l as { message: string }).message);
  const NOTE =
    "links: 1 symlink(s) with the target the snapshot's tree recorded, 0 with the target they had on the share before the disaster; 1 hard-link group(s) restored as one file";

  it("file-deletion passes: the symlink's target as the tree recorded it, the hard links as one file", async () => {
    const result = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include("drill file-deletion PASSED");
    expect(await linkNotes()).to.include(NOTE);
    // The share is back as it was, links included.
    const share = (path: string) => join(lab.dataDir, ...path.split("/"));
    expect(await readlink(share(SEED_LINKS.symlink.path))).to.equal(SEED_LINKS.symlink.target);
    const [a, b] = await Promise.all([
      stat(share(SEED_LINKS.hardLink.path)),
      stat(share(SEED_LINKS.hardLink.file)),
    ]);
    expect(a.ino).to.equal(b.ino);
  });

  it("site-loss passes: the DR host's restore has the link and the hard-link pair the snapshot recorded", async () => {
    const result = await drillCli(
      ["run", "site-loss", ...labArgs(lab, runs), "--health-check", "test -L public/budget"],
      labEnv(lab),
    );
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(await linkNotes()).to.include(NOTE);
  });
});
