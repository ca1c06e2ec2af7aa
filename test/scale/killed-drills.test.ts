/**
 * Killed at every step: a file-deletion drill on a 5,000-file share with odd names, links and
 * empty and read-only folders is killed with SIGKILL at the start of each of its steps plus a
 * seeded random delay (STRONGHOLD_KILL_SEED replays a failure), over SSH and on the local
 * transport; ransomware likewise while it encrypts, and site-loss once its restore is on the DR
 * host. Each time the next drill is refused while the
 * killed run's journal or scratch space remains, `drill recover` brings the share back identical
 * to before the first drill (content, modes, owners, mtimes, links, folders), and a second
 * recover finds nothing. Finally the drill runs again and passes. Run with `npm run test:scale`.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRunbook } from "../../runbooks/index.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { killDrillAt, killSeed, seedOddFolders, shareState } from "../drill/kill-recover.js";
import { drillCli, labArgs, labEnv, localInventory } from "../drill/runbook-helpers.js";
import { generateShare } from "./share-tree.js";

const FILES = 5_000;

describe(`drills killed with SIGKILL at every step, then drill recover (${FILES.toLocaleString("en")} files)`, function () {
  this.timeout(900_000);
  let lab: DrillLab;
  let original: string[];
  const { seed, next } = killSeed();
  before(async () => {
    lab = await startDrillLab({ initialBackup: false, links: true });
    await generateShare(lab.dataDir, FILES);
    await seedOddFolders(lab.dataDir);
    await lab.backup();
    original = shareState(lab.dataDir);
    console.log(`      kill delays seeded with STRONGHOLD_KILL_SEED=${seed}`);
  });
  after(async () => {
    await lab?.stop();
  });

  const steps = (id: string) => findRunbook(id)!.steps.map((s) => s.name);
  const cases: [runbook: string, transport: string, step: string][] = [
    ...["ssh", "local"].flatMap((transport) =>
      steps("file-deletion").map((step): [string, string, string] => [
        "file-deletion",
        transport,
        step,
      ]),
    ),
    ["ransomware", "ssh", "encrypt-files"],
    ["ransomware", "local", "encrypt-files"],
    // Its restore on the DR host is what a killed run leaves there.
    ["site-loss", "ssh", "verify-dr-copy"],
  ];
  for (const [runbook, transport, step] of cases)
    it(`${runbook} killed in ${step} over ${transport}: refused until recovered, then the share is exactly as before`, async () => {
      const runs = await mkdtemp(join(tmpdir(), "stronghold-kill-loop-"));
      try {
        const args = labArgs(lab, runs);
        const hosts = transport === "local" ? await localInventory(lab) : lab.inventoryFile;
        args[args.indexOf("--hosts") + 1] = hosts;
        const extra =
          runbook === "ransomware"
            ? ["--dwell", "1s", "--check-subset", "1/5"]
            : runbook === "site-loss"
              ? ["--health-check", "test -d ."]
              : [];
        const delay = next(1500);
        const killed = await killDrillAt(lab, [runbook, ...args, ...extra], runs, step, delay);
        const replay = `STRONGHOLD_KILL_SEED=${seed}, ${step} + ${delay} ms`;
        expect(killed.reached, replay).to.equal(true);
        // Killed after its cleanup had passed (the journal already removed, the process still
        // writing its evidence), a run left nothing to refuse.
        const unfinished = [lab.fs01Sandbox, lab.drRestoreDir].some((sandbox) =>
          existsSync(join(sandbox, ".stronghold-journal")),
        );
        if (killed.killed && unfinished) {
          const refused = await drillCli(["run", runbook, ...args, ...extra], labEnv(lab));
          expect(refused.code, `${replay}\n${refused.stderr}`).to.equal(2);
          expect(refused.stderr, replay).to.match(
            /did not finish its cleanup|scratch space of an earlier run/,
          );
        }
        const recover = ["recover", "--hosts", hosts, "--runs-dir", runs];
        const recovered = await drillCli(recover, labEnv(lab));
        expect(recovered.code, `${replay}\n${recovered.stdout}\n${recovered.stderr}`).to.equal(0);
        expect(shareState(lab.dataDir), replay).to.deep.equal(original);
        const again = await drillCli(recover, labEnv(lab));
        expect(again.stdout, replay).to.match(/nothing to recover/);
      } finally {
        await rm(runs, { recursive: true, force: true });
      }
    });

  it("afterwards the drill runs again and passes", async () => {
    const runs = await mkdtemp(join(tmpdir(), "stronghold-kill-loop-"));
    try {
      const rerun = await drillCli(["run", "file-deletion", ...labArgs(lab, runs)], labEnv(lab));
      expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).to.equal(0);
      expect(shareState(lab.dataDir)).to.deep.equal(original);
    } finally {
      await rm(runs, { recursive: true, force: true });
    }
  });
});
