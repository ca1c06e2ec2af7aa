/** The drill lab fixture itself: what it starts is real, usable, and gone after stop(). */
import { expect } from "chai";
import { access, stat } from "node:fs/promises";
import { connect } from "node:net";
import { Restic } from "../../src/restic/restic.js";
import { Secret } from "../../src/support/secret.js";
import { loadInventory } from "../../src/hosts/load-inventory.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import { startDrillLab, type DrillLab, type LabRemote } from "../fixtures/drill-lab.js";

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("drill lab fixture", function () {
  this.timeout(90_000);

  for (const remote of ["local", "s3", "rest-append-only"] as const satisfies LabRemote[]) {
    it(`${remote}: two SSH drill targets, a seeded share with a snapshot, corruptible packs, nothing left after stop`, async () => {
      const lab: DrillLab = await startDrillLab({ remote });
      let stopped = false;
      try {
        const loaded = await loadInventory(lab.inventoryFile);
        if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
        const [fs01, dr01] = loaded.inventory.hosts;
        expect(fs01).to.deep.include({ name: "fs01", roles: ["file-server"] });
        expect(dr01).to.deep.include({ name: "dr01", roles: ["dr-host"] });
        expect(fs01!.drill).to.deep.equal({ target: true, sandbox: [lab.fs01Sandbox] });
        expect(dr01!.drill).to.deep.equal({ target: true, sandbox: [lab.drRestoreDir] });
        expect(lab.dataDir.startsWith(`${lab.fs01Sandbox}/`)).to.equal(true);
        expect((await stat(lab.passwordFile)).mode & 0o777).to.equal(0o600);
        expect(lab.repositorySpec).to.match(
          {
            local: /^\//,
            s3: /^s3:https:\/\/127\.0\.0\.1:\d+\//,
            "rest-append-only": /^rest:http:\/\/127\.0\.0\.1:\d+\/$/,
          }[remote],
        );

        const session = await openSession(fs01!);
        const drSession = await openSession(dr01!);
        try {
          expect((await drSession.exec(["test", "-d", lab.drRestoreDir])).code).to.equal(0);
          const restic = new Restic({
            session,
            repository: lab.repository,
            password: new Secret(lab.password),
            cacheDir: lab.cacheDir,
            env: lab.env,
          });
          const old = await lab.backup({ time: new Date("2026-01-01T08:00:00Z"), tags: ["old"] });
          const snapshots = await restic.snapshots();
          expect(snapshots).to.have.length(2);
          expect(snapshots[0]!.time.toISOString()).to.equal("2026-01-01T08:00:00.000Z");
          expect(snapshots[0]!.id.startsWith(old)).to.equal(true);
          expect(snapshots[1]!.hostname).to.equal("fs01");
          // Backed up as towns do it, by the share's absolute path.
          expect(snapshots[1]!.paths).to.deep.equal([lab.dataDir]);
          const files = (await restic.ls(snapshots[1]!.id)).filter((n) => n.type === "file");
          expect(files.map((f) => f.path.slice(lab.dataDir.length + 1)).sort()).to.deep.equal(
            [...lab.seededFiles].sort(),
          );
          expect(files.reduce((sum, f) => sum + f.size, 0)).to.be.above(3 * 1024 * 1024);

          expect((await restic.check({ readDataSubset: "100%" })).ok).to.equal(true);
          await lab.corruptPack();
          expect((await restic.check({ readDataSubset: "100%" })).ok).to.equal(false);
        } finally {
          await Promise.all([session.close(), drSession.close()]);
        }
        const ports = [lab.hosts.fs01.port, lab.hosts.dr01.port];
        const serverPort = lab.repositorySpec.match(/127\.0\.0\.1:(\d+)/)?.[1];
        if (serverPort) ports.push(Number(serverPort));
        await lab.stop();
        stopped = true;
        for (const port of ports) expect(await portOpen(port)).to.equal(false, `port ${port}`);
        expect(lab.hosts.fs01.process.exitCode ?? lab.hosts.fs01.process.signalCode).to.not.equal(
          null,
        );
        let gone = false;
        await access(lab.dir).catch(() => (gone = true));
        expect(gone).to.equal(true, "the lab folder is removed");
      } finally {
        if (!stopped) await lab.stop();
      }
    });
  }
});
