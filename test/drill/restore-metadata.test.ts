/**
 * A restore that loses metadata fails, and the report names each kind: a restic wrapper (first on
 * the PATH, local transport) runs the real restic and then perturbs the restored tree one way per
 * case — modification times lost, symbolic links gone, an empty folder gone, a hard link broken,
 * a folder's mode changed, a file's owner changed — and the drill must fail at verify-share
 * naming it, then put the original back exactly.
 */
import { expect } from "chai";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { seedOddFolders, shareState } from "./kill-recover.js";
import { drillCli, labArgs, labEnv, lastRun, localInventory, reportOf } from "./runbook-helpers.js";

// Runs the real restic; after a restore, changes the restored share ($STRONGHOLD_PERTURB_SHARE
// below --target) as $STRONGHOLD_PERTURB says.
const WRAPPER = `#!/bin/sh
/usr/bin/restic "$@" || exit $?
case " $* " in *" restore "*) ;; *) exit 0 ;; esac
target=; prev=
for a; do [ "$prev" = "--target" ] && target=$a; prev=$a; done
root="$target$STRONGHOLD_PERTURB_SHARE"
case "$STRONGHOLD_PERTURB" in
  mtime) find "$root" -type f -name '*.txt' -exec touch -m -d '2001-02-03 04:05:06' {} + ;;
  symlink) find "$root" -type l -delete ;;
  empty-folder) rmdir "$root/archive/2019/empty" ;;
  hard-link) f="$root/hr/contracts/contract 01 (signed).txt"; cp -p "$f" "$f.tmp" && mv "$f.tmp" "$f" ;;
  folder-mode) chmod 0700 "$root/records" ;;
  owner) chown 4242:4242 "$root/public/readme.txt" ;;
esac
`;

const CASES: [perturbation: string, named: RegExp][] = [
  ["mtime", /another modification time: .*\.txt/],
  ["symlink", /symlink missing: .*public\/budget/],
  ["empty-folder", /missing: archive\/2019\/empty\//],
  ["hard-link", /hard links restored as separate files/],
  // chmod keeps a folder's setgid bit unless told otherwise: 2775 becomes 2700.
  ["folder-mode", /another mode: records\/ \(2775 → 2700\)/],
  ["owner", /another owner: public\/readme\.txt \(0:0 → 4242:4242\)/],
];

describe("a restore that loses metadata fails, naming each kind (real restic, a perturbing wrapper)", function () {
  this.timeout(300_000);
  let lab: DrillLab;
  let runs: string;
  let wrapperDir: string;
  let original: string[];
  before(async () => {
    lab = await startDrillLab({ initialBackup: false, links: true });
    await seedOddFolders(lab.dataDir);
    await lab.backup();
    original = shareState(lab.dataDir);
    runs = await mkdtemp(join(tmpdir(), "stronghold-perturb-runs-"));
    wrapperDir = join(lab.dir, "perturbing-bin");
    await mkdir(wrapperDir);
    await writeFile(join(wrapperDir, "restic"), WRAPPER);
    await chmod(join(wrapperDir, "restic"), 0o755);
  });
  after(async () => {
    await lab?.stop();
    await rm(runs, { recursive: true, force: true });
  });

  for (const [perturbation, named] of CASES)
    it(`${perturbation}: verify-share fails naming it, and the original comes back exactly`, async () => {
      const args = labArgs(lab, runs);
      args[args.indexOf("--hosts") + 1] = await localInventory(lab);
      const saved = { ...process.env };
      process.env.PATH = `${wrapperDir}:${process.env.PATH ?? ""}`;
      process.env.STRONGHOLD_PERTURB = perturbation;
      process.env.STRONGHOLD_PERTURB_SHARE = lab.dataDir;
      let result;
      try {
        result = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
      } finally {
        for (const k of ["PATH", "STRONGHOLD_PERTURB", "STRONGHOLD_PERTURB_SHARE"])
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
      }
      const report = await reportOf(await lastRun(runs));
      expect(result.code, `${result.stderr}\n${report}`).to.equal(1);
      expect(/failing step: `([^`]+)`/.exec(report)?.[1]).to.equal("verify-share");
      expect(report).to.match(named);
      expect(shareState(lab.dataDir)).to.deep.equal(original);
    });
});
