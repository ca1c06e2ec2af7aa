/**
 * A drill run's commands found and stopped by the run id in their environment: real processes,
 * locally and behind a real OpenSSH sshd on loopback, where a command goes on running after its
 * client has gone.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import {
  COMMAND_ENV,
  RUN_ENV,
  describeProcesses,
  stopCommand,
  newRunMarker,
  commandEnvironment,
  stopRunCommands,
} from "../../src/drill/running/run-commands.js";
import { inventoryHost, startSshd, type Sshd } from "../fixtures/sshd.js";
import { processesWithVariable } from "./engine-helpers.js";

const localHost: InventoryHost = {
  name: "fs01",
  transport: { kind: "local" },
  roles: [],
  drill: { target: true, sandbox: ["/tmp"] },
  pointer: "/hosts/0",
};

/** The pids whose environment holds exactly NAME=value (as the host would see them). */
const processesWith = (line: string): number[] => processesWithVariable((v) => v === line);

/** A shell that ignores TERM and waits on a child that inherits that: only KILL ends them. */
function stubborn(runId: string): ChildProcess {
  return spawn("sh", ["-c", "trap '' TERM; sleep 60 & wait"], {
    env: { ...process.env, [RUN_ENV]: runId },
    stdio: "ignore",
  });
}

function plain(runId: string): ChildProcess {
  return spawn("sleep", ["60"], { env: { ...process.env, [RUN_ENV]: runId }, stdio: "ignore" });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.on("exit", () => resolve()),
  );

describe("a drill run's commands, found and stopped by the run id in their environment", function () {
  this.timeout(60_000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
  });

  it("stops every process of the run, KILL for those ignoring TERM, and no other run's", async () => {
    const marker = newRunMarker("2026-12-07T21-00-00Z-file-deletion");
    const mine = [plain(marker), stubborn(marker)];
    // Another run, one whose marker only starts the same way, and one started in the same second
    // with the same id (another runs folder): each its own marker.
    const twin = newRunMarker("2026-12-07T21-00-00Z-file-deletion");
    expect(twin).to.not.equal(marker);
    const others = [
      plain("2026-12-07T22-00-00Z-ransomware.0123456789ab"),
      plain(`${marker}0`),
      plain(twin),
    ];
    children.push(...mine, ...others);
    const line = `${RUN_ENV}=${marker}`;
    // Both shells have started their children (sleep and the stubborn shell's sleep).
    const until = Date.now() + 10_000;
    while (processesWith(line).length < 3 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(processesWith(line)).to.have.length(3);

    const started = Date.now();
    const found = await stopRunCommands(localSession(localHost), marker, {
      termBoundMs: 300,
      timeoutMs: 20_000,
    });
    expect(found.stopped.map((p) => p.command).sort()).to.deep.equal(["sh", "sleep", "sleep"]);
    expect(found.survivors).to.deep.equal([]);
    expect(processesWith(line)).to.deep.equal([]);
    await Promise.all(mine.map(exited));
    expect(mine[0]!.signalCode).to.equal("SIGTERM");
    expect(mine[1]!.signalCode).to.equal("SIGKILL");
    // TERM's bound was waited out once, not per process.
    expect(Date.now() - started).to.be.below(5_000);
    for (const o of others) expect(o.exitCode ?? o.signalCode).to.equal(null);
    expect(describeProcesses(found.stopped)).to.match(/^3 commands \((sh|sleep) \d+, /);
  });

  it("finds nothing, and says nothing, when the run has no command left", async () => {
    const found = await stopRunCommands(localSession(localHost), "no-such-run", {
      termBoundMs: 300,
      timeoutMs: 20_000,
    });
    expect(found).to.deep.equal({ stopped: [], survivors: [] });
  });

  describe("over SSH (real sshd on 127.0.0.1)", () => {
    let sshd: Sshd;
    before(async () => (sshd = await startSshd()));
    after(async () => sshd?.stop());

    it("a command sshd left running after its client went is found by its run id and stopped", async () => {
      const runId = "2026-12-07T21-30-00Z-site-loss";
      const line = `${RUN_ENV}=${runId}`;
      const host = inventoryHost(sshd);
      const first = await openSession(host);
      // Not awaited: the client goes away while the command runs, as a killed drill's does.
      void first
        .exec(["sh", "-c", "sleep 60"], { env: commandEnvironment(runId), timeoutMs: 120_000 })
        .catch(() => undefined);
      const until = Date.now() + 10_000;
      while (processesWith(line).length < 2 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      await first.close();
      await new Promise((r) => setTimeout(r, 500));
      // sshd did not stop it.
      expect(processesWith(line).length).to.be.at.least(1);

      const second = await openSession(host);
      try {
        const found = await stopRunCommands(second, runId, {
          termBoundMs: 2_000,
          timeoutMs: 20_000,
        });
        expect(found.stopped.map((p) => p.command)).to.include("sleep");
        expect(found.survivors).to.deep.equal([]);
      } finally {
        await second.close();
      }
      expect(processesWith(line)).to.deep.equal([]);
    });

    it("a command killed at its timeout leaves its pipeline running; its own marker stops just that", async () => {
      const marker = newRunMarker("2026-12-07T22-30-00Z-file-deletion");
      const session = await openSession(inventoryHost(sshd));
      try {
        const other = commandEnvironment(marker);
        void session
          .exec(["sleep", "60"], { env: other, timeoutMs: 120_000 })
          .catch(() => undefined);
        const timedOut = commandEnvironment(marker);
        const result = await session.exec(["sh", "-c", "sleep 60 | cat"], {
          env: timedOut,
          timeoutMs: 300,
        });
        expect(result.timedOut).to.equal(true);
        const own = `${COMMAND_ENV}=${timedOut[COMMAND_ENV]}`;
        await new Promise((r) => setTimeout(r, 300));
        // The KILL the timeout asks for reaches the shell alone.
        expect(processesWith(own).length).to.be.at.least(1);
        const found = await stopCommand(session, timedOut, {
          termBoundMs: 2_000,
          timeoutMs: 20_000,
        });
        expect(found.stopped.map((p) => p.command).sort()).to.include.members(["cat", "sleep"]);
        expect(processesWith(own)).to.deep.equal([]);
        // The run's other command is not the timed-out one's: still running.
        expect(processesWith(`${COMMAND_ENV}=${other[COMMAND_ENV]}`)).to.have.length(1);
        await stopRunCommands(session, marker, { termBoundMs: 2_000, timeoutMs: 20_000 });
        expect(processesWith(`${RUN_ENV}=${marker}`)).to.deep.equal([]);
      } finally {
        await session.close();
      }
    });
  });
});
