/**
 * A drill killed outright never leaves the town's data damaged: real drill processes killed with
 * SIGKILL inside their steps (the seed printed, so a failure replays with STRONGHOLD_KILL_SEED),
 * over SSH and on the local transport. The intent journal the run left on the host makes the next
 * drill refuse to start (exit 2, naming it); `stronghold drill recover` puts the original back
 * and verifies it, and is safe to run again; afterwards the share is identical to before the
 * first drill — every entry's content, mode, owner, modification time, link target and hard-link
 * group, empty and read-only folders included — and the drill runs again and passes. Every kill
 * point and both transports are looped over in the scale tests (test/scale/killed-drills.test.ts).
 */
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { drillCli, labArgs, labEnv, localInventory } from "./runbook-helpers.js";
import { killDrillAt, killSeed, seedOddFolders, shareState } from "./kill-recover.js";

describe("a drill killed with SIGKILL, then drill recover (real processes, sshd, restic)", function () {
  this.timeout(600_000);
  let lab: DrillLab;
  let original: string[];
  const { seed, next } = killSeed();
  before(async () => {
    lab = await startDrillLab({ initialBackup: false, links: true });
    await seedOddFolders(lab.dataDir);
    await lab.backup();
    original = shareState(lab.dataDir);
    console.log(`      kill delays seeded with STRONGHOLD_KILL_SEED=${seed}`);
  });
  after(async () => {
    await lab?.stop();
  });

  // The longest delay after the step starts: put-back-original is followed by less than half a
  // second of cleanup on an idle machine, and a kill after that finds the run finished (the
  // scale test, which kills at random up to 1.5 s, tells those runs apart).
  const cases: [transport: string, step: string, maxDelayMs: number][] = [
    ["ssh", "delete-files", 400],
    ["local", "swap-in-restored", 400],
    ["ssh", "put-back-original", 40],
  ];
  for (const [transport, step, maxDelayMs] of cases)
    it(`killed in ${step} over ${transport}: the next drill is refused, recover puts the share back exactly, the drill then passes`, async () => {
      const runs = await mkdtemp(join(tmpdir(), "stronghold-killed-"));
      try {
        const args = labArgs(lab, runs);
        if (transport === "local") args[args.indexOf("--hosts") + 1] = await localInventory(lab);
        const delay = next(maxDelayMs);
        const killed = await killDrillAt(lab, ["file-deletion", ...args], runs, step, delay);
        expect(killed.reached, `the drill never reached ${step}`).to.equal(true);
        expect(killed.killed, `the drill ended within ${step} + ${delay} ms`).to.equal(true);

        const refused = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
        const said = `${refused.stdout}\n${refused.stderr}`;
        expect(refused.code, said).to.equal(2);
        expect(said).to.match(
          /did not finish its cleanup: its journal is .*\.stronghold-journal\//,
        );
        expect(said).to.include("run stronghold drill recover --hosts");

        const hostsArgs = ["--hosts", args[args.indexOf("--hosts") + 1]!, "--runs-dir", runs];
        const recovered = await drillCli(["recover", ...hostsArgs], labEnv(lab));
        expect(recovered.code, `${recovered.stdout}\n${recovered.stderr}`).to.equal(0);
        expect(recovered.stdout).to.match(/recovered: originals back and verified/);
        expect(shareState(lab.dataDir), `seed ${seed}, delay ${delay} ms`).to.deep.equal(original);

        const again = await drillCli(["recover", ...hostsArgs], labEnv(lab));
        expect(again.code).to.equal(0);
        expect(again.stdout).to.match(/nothing to recover/);

        const rerun = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
        expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).to.equal(0);
        expect(shareState(lab.dataDir)).to.deep.equal(original);
      } finally {
        await rm(runs, { recursive: true, force: true });
      }
    });
});
