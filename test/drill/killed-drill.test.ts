/**
 * A drill killed outright never leaves the town's data damaged: real drill processes killed with
 * SIGKILL inside their steps (the seed printed, so a failure replays with STRONGHOLD_KILL_SEED),
 * over SSH and on the local transport. The intent journal the run left on the host makes the next
 * drill refuse to start (exit 2, naming it); `stronghold drill recover` puts the original back
 * and verifies it, and is safe to run again; afterwards the share is identical to before the
 * first drill — every entry's content, mode, owner, modification time, link target and hard-link
 * group, empty and read-only folders included — and the drill runs again and passes. The killed
 * run gets its evidence entry (interrupted) from the recovery, once. A command of the killed run
 * that sshd left running is stopped by the recovery before it could undo the cleanup. Every kill
 * point and both transports are looped over in the scale tests (test/scale/killed-drills.test.ts).
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { drillCli, labArgs, labEnv, localInventory } from "./runbook-helpers.js";
import { killDrillAt, killSeed, seedOddFolders, shareState } from "./kill-recover.js";
import type { LedgerEntry } from "../../src/evidence/entry.js";
import { objectPath } from "../../src/evidence/ledger.js";
import { RUN_NAME_ENV } from "../../src/evidence/record-run.js";
import { verifyLedger } from "../../src/evidence/verify.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import { commandEnvironment } from "../../src/drill/running/run-commands.js";
import { scratchDir } from "../../runbooks/lib/share.js";
import { inventoryHost } from "../fixtures/sshd.js";

const entriesOf = (ledger: string): LedgerEntry[] =>
  existsSync(join(ledger, "entries.jsonl"))
    ? readFileSync(join(ledger, "entries.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as LedgerEntry)
    : [];

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
  // The first drill runs as a night's stage, the others by hand; a later night recovers them all.
  const cases: [transport: string, step: string, maxDelayMs: number, night?: string][] = [
    ["ssh", "delete-files", 400, "2026-12-05T0200"],
    ["local", "swap-in-restored", 400],
    ["ssh", "put-back-original", 40],
  ];
  const recoveringNight = { [RUN_NAME_ENV]: "2026-12-06T0200" };
  for (const [transport, step, maxDelayMs, night] of cases)
    it(`killed in ${step} over ${transport}: the next drill is refused, recover puts the share back exactly, the drill then passes`, async () => {
      const runs = await mkdtemp(join(tmpdir(), "stronghold-killed-"));
      try {
        const args = labArgs(lab, runs);
        if (transport === "local") args[args.indexOf("--hosts") + 1] = await localInventory(lab);
        const delay = next(maxDelayMs);
        const killed = await killDrillAt(
          lab,
          ["file-deletion", ...args],
          runs,
          step,
          delay,
          night === undefined ? {} : { [RUN_NAME_ENV]: night },
        );
        expect(killed.reached, `the drill never reached ${step}`).to.equal(true);
        expect(killed.killed, `the drill ended within ${step} + ${delay} ms`).to.equal(true);

        const refused = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
        const said = `${refused.stdout}\n${refused.stderr}`;
        expect(refused.code, said).to.equal(2);
        expect(said).to.match(
          /did not finish its cleanup: its journal is .*\.stronghold-journal\//,
        );
        expect(said).to.include("run stronghold drill recover --hosts");

        const ledger = join(runs, "ledger");
        const hostsArgs = ["--hosts", args[args.indexOf("--hosts") + 1]!, "--runs-dir", runs];
        const dry = await drillCli(
          ["recover", ...hostsArgs, "--ledger", ledger, "--dry-run"],
          labEnv(lab),
        );
        expect(dry.code, dry.stderr).to.equal(0);
        expect(dry.stdout).to.include(
          `then append its ledger entry (drill, interrupted) to ${ledger}`,
        );
        expect(entriesOf(ledger)).to.have.length(0);

        const recovered = await drillCli(["recover", ...hostsArgs, "--ledger", ledger], {
          ...labEnv(lab),
          ...recoveringNight,
        });
        expect(recovered.code, `${recovered.stdout}\n${recovered.stderr}`).to.equal(0);
        expect(recovered.stdout).to.match(/recovered: originals back and verified/);
        expect(shareState(lab.dataDir), `seed ${seed}, delay ${delay} ms`).to.deep.equal(original);

        // The killed run's evidence: interrupted, its own id and start, the recovery's journal.
        const found =
          /^run (\S+) \(file-deletion, started (\S+)\) left its journal on (\S+):/m.exec(
            recovered.stdout,
          );
        expect(found, recovered.stdout).to.not.equal(null);
        const [, runId, startedAt, host] = found!;
        const [entry, ...more] = entriesOf(ledger);
        expect(more).to.have.length(0);
        expect(entry).to.deep.include({
          kind: "drill",
          subject: "file-deletion",
          verdict: "interrupted",
          at: new Date(startedAt!).toISOString(),
        });
        expect(entry!.metrics).to.deep.include({ runId, verified: { files: 0, bytes: 0 } });
        // The night the drill ran in, not the night that recovered it.
        expect(entry!.run).to.equal(night);
        expect((entry!.metrics["reasons"] as string[])[0]).to.match(
          new RegExp(`drill recover found its journal on ${host!}`),
        );
        expect(entry!.inputs.map((i) => i.role)).to.include.members(["runbook", "hosts"]);
        const journal = entry!.artifacts.find((a) => a.name === "journal.jsonl");
        expect(journal, JSON.stringify(entry!.artifacts)).to.not.equal(undefined);
        expect(existsSync(objectPath(ledger, journal!.sha256))).to.equal(true);
        expect(recovered.stderr).to.match(/evidence: entry 1 \(drill, interrupted\)/);

        const again = await drillCli(["recover", ...hostsArgs, "--ledger", ledger], labEnv(lab));
        expect(again.code).to.equal(0);
        expect(again.stdout).to.match(/nothing to recover/);
        expect(entriesOf(ledger)).to.have.length(1);

        const rerun = await drillCli(
          ["run", "file-deletion", ...args, "--ledger", ledger],
          labEnv(lab),
        );
        expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).to.equal(0);
        expect(shareState(lab.dataDir)).to.deep.equal(original);
        expect(entriesOf(ledger).map((e) => e.verdict)).to.deep.equal(["interrupted", "passed"]);
        expect(verifyLedger(ledger).break).to.equal(undefined);
      } finally {
        await rm(runs, { recursive: true, force: true });
      }
    });

  it("a command of the killed run still running on the host is stopped before recover's cleanup, so it cannot bring scratch space back", async () => {
    const runs = await mkdtemp(join(tmpdir(), "stronghold-killed-"));
    try {
      const args = labArgs(lab, runs);
      const killed = await killDrillAt(lab, ["file-deletion", ...args], runs, "delete-files", 0);
      expect(killed.killed, "the drill ended within delete-files").to.equal(true);
      const journals = readdirSync(join(lab.fs01Sandbox, ".stronghold-journal"));
      expect(journals).to.have.length(1);
      const runId = journals[0]!.replace(/\.json$/, "");
      const { runMarker } = JSON.parse(
        readFileSync(join(lab.fs01Sandbox, ".stronghold-journal", journals[0]!), "utf8"),
      ) as { runMarker: string };
      expect(runMarker).to.match(new RegExp(`^${runId}\\.[0-9a-f]{12}$`));
      const scratch = scratchDir(lab.dataDir, runId);
      // What sshd leaves behind a killed drill: one of its commands, its client gone, going on
      // by itself. This one recreates the run's scratch folder whenever it is gone (bounded).
      const straggler = await openSession(inventoryHost(lab.hosts.fs01));
      void straggler
        .exec(
          [
            "sh",
            "-c",
            'n=0; while [ "$n" -lt 600 ]; do mkdir -p -- "$1"; sleep 0.1; n=$((n + 1)); done',
            "sh",
            scratch,
          ],
          { env: commandEnvironment(runMarker), timeoutMs: 120_000 },
        )
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      await straggler.close();

      const hostsArgs = ["--hosts", lab.inventoryFile, "--runs-dir", runs, "--no-ledger"];
      const recovered = await drillCli(["recover", ...hostsArgs], labEnv(lab));
      const said = `${recovered.stdout}\n${recovered.stderr}`;
      expect(recovered.code, said).to.equal(0);
      expect(recovered.stdout).to.match(
        new RegExp(
          `fs01: stopped \\d+ commands? \\(.*sh \\d+.*\\) of run ${runId} still running before cleanup`,
        ),
      );
      // Long enough for the loop to have recreated the folder many times, had it survived.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(existsSync(scratch), `${scratch} came back`).to.equal(false);
      expect(shareState(lab.dataDir)).to.deep.equal(original);
      const rerun = await drillCli(["run", "file-deletion", ...args], labEnv(lab));
      expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).to.equal(0);
    } finally {
      await rm(runs, { recursive: true, force: true });
    }
  });
});
