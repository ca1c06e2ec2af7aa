/**
 * The restic adapter against real restic 0.14 and real repositories on 127.0.0.1: a local folder,
 * s3rver over TLS, append-only rclone REST and sftp through a real sshd; restic itself runs on the
 * host the data lives on, locally or over SSH.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RepositoryLocation } from "../../src/restic/repository.js";
import {
  lineSplitter,
  Restic,
  ResticError,
  rotatingSubset,
  type ResticCommandEvent,
  type ResticOptions,
} from "../../src/restic/restic.js";
import { Secret } from "../../src/support/secret.js";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import type { ExecOptions, HostSession } from "../../src/hosts/transport/session.js";
import { startRcloneRestic, type RcloneServer } from "../fixtures/rclone.js";
import { S3RVER_CREDENTIALS, startS3rver, type S3Server } from "../fixtures/s3rver.js";
import { inventoryHost, startSshd, type Sshd } from "../fixtures/sshd.js";

const PASSWORD = "correct horse battery staple 'quoted' $HOME";

const localHost: InventoryHost = {
  name: "backup-test",
  transport: { kind: "local" },
  roles: [],
  drill: { target: false, sandbox: [] },
  pointer: "/hosts/0",
};

interface Recorded {
  readonly argv: readonly string[];
  readonly options: ExecOptions | undefined;
}

/** The real session, with every command it was asked to run written down. */
function recording(session: HostSession, log: Recorded[]): HostSession {
  return {
    host: session.host,
    exec: (argv, options) => {
      log.push({ argv, options });
      return session.exec(argv, options);
    },
    close: () => session.close(),
  };
}

/** The real session on a host whose PATH has no restic. */
function withoutRestic(session: HostSession): HostSession {
  return {
    host: session.host,
    exec: (argv, options) =>
      session.exec(["/usr/bin/env", "PATH=/nonexistent", "/bin/sh", ...argv.slice(1)], options),
    close: () => session.close(),
  };
}

async function seed(dir: string): Promise<void> {
  await mkdir(join(dir, "docs", "minutes"), { recursive: true });
  await writeFile(join(dir, "docs", "minutes", "2026-01.txt"), "Council minutes, January\n");
  await writeFile(join(dir, "docs", "budget.csv"), "roads,1\nparks,2\n");
  // Random bytes: restic compresses, and the corruption test needs the data pack to be the largest.
  await writeFile(join(dir, "image.bin"), randomBytes(70_000));
  await chmod(join(dir, "docs", "budget.csv"), 0o600);
}

async function failure(promise: Promise<unknown>): Promise<ResticError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ResticError);
    return error as ResticError;
  }
  throw new Error("expected a ResticError");
}

function expectOneLine(error: Error): void {
  expect(error.message).to.not.include("\n");
  expect(error.message).to.not.match(/\bat \/|goroutine|\.go:\d+/);
}

describe("Restic adapter (real restic, real repositories on 127.0.0.1)", function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let sshd: Sshd;
  let s3: S3Server;
  let rest: RcloneServer;
  let ssh: HostSession;
  const local = localSession(localHost);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-restic-test-"));
    data = join(dir, "data");
    await mkdir(data);
    await seed(data);
    [sshd, s3, rest] = await Promise.all([
      startSshd(),
      startS3rver(join(dir, "s3-server")),
      startRcloneRestic(join(dir, "rest-server")),
    ]);
    ssh = await openSession(inventoryHost(sshd));
  });
  after(async () => {
    await ssh?.close();
    await Promise.allSettled([sshd?.stop(), s3?.stop(), rest?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  function restic(repository: RepositoryLocation, overrides: Partial<ResticOptions> = {}): Restic {
    return new Restic({
      session: local,
      repository,
      password: new Secret(PASSWORD),
      cacheDir: join(dir, "cache"),
      ...overrides,
    });
  }

  describe("a backup restores byte for byte, on every kind of repository", () => {
    const kinds: {
      name: string;
      make: () => Partial<ResticOptions> & { repository: RepositoryLocation };
      /** Also tags, ls and a partial restore (restic's own logic, the same on every backend). */
      thorough?: boolean;
    }[] = [
      {
        name: "local folder, restic run locally",
        thorough: true,
        make: () => ({ repository: { kind: "local", path: join(dir, "repo-local") } }),
      },
      {
        name: "s3rver over TLS (--cacert), restic run over SSH",
        make: () => ({
          session: ssh,
          repository: {
            kind: "s3",
            endpoint: s3.endpoint,
            bucket: "offsite",
            prefix: "town/restic",
            caCertFile: s3.caCertFile,
          },
          env: {
            AWS_ACCESS_KEY_ID: new Secret(S3RVER_CREDENTIALS.AWS_ACCESS_KEY_ID),
            AWS_SECRET_ACCESS_KEY: new Secret(S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY),
          },
        }),
      },
      {
        name: "append-only rclone REST, restic run over SSH",
        make: () => ({ session: ssh, repository: { kind: "rest", url: rest.url } }),
      },
      {
        name: "sftp through a real sshd",
        make: () => ({
          repository: {
            kind: "sftp",
            user: sshd.user,
            host: sshd.host,
            port: sshd.port,
            path: join(dir, "repo-sftp"),
          },
          sftpCommand: `ssh -p ${sshd.port} -i ${sshd.identityFile} -o UserKnownHostsFile=${sshd.knownHostsFile} -o StrictHostKeyChecking=yes -o BatchMode=yes ${sshd.user}@${sshd.host} -s sftp`,
        }),
      },
    ];
    for (const kind of kinds) {
      it(kind.name, async () => {
        const { repository, ...options } = kind.make();
        const events: ResticCommandEvent[] = [];
        const r = restic(repository, { ...options, onCommand: (e) => events.push(e) });
        if (kind.thorough) expect(await r.version()).to.match(/^restic 0\.\d+\.\d+/);
        await r.init();
        const summary = await r.backup(data, { tags: ["drill"], host: "fs01" });
        expect(summary).to.include({ totalFiles: 3, filesNew: 3, filesChanged: 0 });
        expect(summary.totalBytes).to.equal(70_000 + 25 + 16);
        const snapshots = await r.snapshots(kind.thorough ? { tags: ["drill"] } : {});
        expect(snapshots).to.have.length(1);
        expect(snapshots[0]!.id.startsWith(summary.snapshotId)).to.equal(true);
        expect(snapshots[0]).to.deep.include({ hostname: "fs01", tags: ["drill"], paths: [data] });

        const target = join(dir, `restore-${kinds.indexOf(kind)}`);
        const restored = await r.restore(summary.snapshotId, target);
        expect(restored).to.include({ files: 3, bytes: 70_041 });
        for (const file of ["docs/minutes/2026-01.txt", "docs/budget.csv", "image.bin"])
          expect(await readFile(join(target, file))).to.deep.equal(
            await readFile(join(data, file)),
          );

        if (kind.thorough) {
          expect(await r.snapshots({ tags: ["no-such-tag"] })).to.deep.equal([]);
          const nodes = await r.ls(summary.snapshotId);
          expect(
            nodes
              .filter((n) => n.type === "file")
              .map((n) => n.path)
              .sort(),
          ).to.deep.equal(["/docs/budget.csv", "/docs/minutes/2026-01.txt", "/image.bin"]);
          expect(nodes.find((n) => n.path === "/docs/budget.csv")?.mode).to.equal(0o600);
          const partial = join(dir, "partial");
          const one = await r.restore(summary.snapshotId, partial, { include: ["/docs/minutes"] });
          expect(one).to.include({ files: 1, bytes: 25 });
          expect(await readdir(partial)).to.deep.equal(["docs"]);
          expect(await readdir(join(partial, "docs"))).to.deep.equal(["minutes"]);
        }

        expect(await r.check({ readDataSubset: "1/1" })).to.deep.equal({
          ok: true,
          errors: [],
          readDataSubset: "1/1",
        });
        for (const e of events) {
          expect(e.redacted).to.not.include(PASSWORD);
          expect(e.stdout + e.stderr).to.not.include(PASSWORD);
          expect(e.redacted).to.not.include(S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY + "\n");
          expect(e.argv[0]).to.equal("restic");
        }
        expect(
          events.map((e) =>
            e.argv.find((a) => !a.startsWith("-") && a !== "restic" && !a.includes("/")),
          ),
        ).to.include.members(["init", "backup", "restore", "check"]);
      });
    }
  });

  describe("secrets", () => {
    it("never put the password or the cloud keys in argv, only on stdin", async () => {
      const log: Recorded[] = [];
      const events: ResticCommandEvent[] = [];
      const keyId = new Secret("AKIAEXAMPLEKEYID0001");
      const key = new Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
      const r = restic(
        { kind: "rest", url: `http://backup:url-password-123@127.0.0.1:${rest.port}/` },
        {
          session: recording(local, log),
          env: { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: key },
          onCommand: (e) => events.push(e),
        },
      );
      await r.snapshots();
      expect(log).to.have.length(1);
      const { argv, options } = log[0]!;
      for (const secret of [PASSWORD, keyId.reveal(), key.reveal(), "url-password-123"]) {
        expect(argv.join(" ")).to.not.include(secret);
        expect(options?.stdin).to.include(secret);
        expect(JSON.stringify(events)).to.not.include(secret);
      }
      expect(events[0]!.redacted).to.include("backup:[redacted]@127.0.0.1");
    });

    it("refuses a password with a line break instead of passing half of it", async () => {
      const r = restic(
        { kind: "local", path: join(dir, "repo-local") },
        {
          password: new Secret("two\nlines"),
        },
      );
      const error = await failure(r.snapshots());
      expect(error.message).to.include("single line");
      expect(error.message).to.not.include("two");
    });
  });

  describe("the host's own password file", () => {
    let repo: RepositoryLocation;
    let file: string;
    before(async () => {
      repo = { kind: "local", path: join(dir, "repo-own-file") };
      await restic(repo).init();
      await restic(repo).backup(data);
      file = join(dir, "host-own.pass");
      await writeFile(file, `${PASSWORD}\n`, { mode: 0o600 });
    });

    it("is read on the host: no password in argv or on stdin, the file named in the journal", async () => {
      const log: Recorded[] = [];
      const events: ResticCommandEvent[] = [];
      const r = restic(repo, {
        session: recording(local, log),
        password: { fileOnHost: file },
        onCommand: (e) => events.push(e),
      });
      const [snapshot] = await r.snapshots();
      const restored = await r.restore(snapshot!.id, join(dir, "restore-own-file"), {
        verify: true,
      });
      expect(restored.files).to.equal(3);
      expect(log).to.have.length(3); // snapshots, restore --verify, ls
      for (const { argv, options } of log) {
        expect(argv.join(" ")).to.not.include(PASSWORD);
        expect(options?.stdin).to.not.include(PASSWORD);
        expect(options?.stdin).to.include(`RESTIC_PASSWORD_FILE=${file}\n`);
      }
      expect(log.some((l) => l.argv.includes("--verify"))).to.equal(true);
      expect(events[0]!.redacted).to.include(`RESTIC_PASSWORD_FILE=${file} restic --quiet`);
    });

    const cases: [string, () => Promise<string>, RegExp][] = [
      [
        "missing",
        () => Promise.resolve(join(dir, "no-such.pass")),
        /^the password file \S+\/no-such\.pass on backup-test gives no password: \S+ does not exist$/,
      ],
      [
        "empty",
        async () => {
          const empty = join(dir, "empty.pass");
          await writeFile(empty, "");
          return empty;
        },
        /^the password file \S+\/empty\.pass on backup-test gives no password: an empty password is not a password$/,
      ],
      [
        "wrong",
        async () => {
          const wrong = join(dir, "wrong.pass");
          await writeFile(wrong, "not the password\n");
          return wrong;
        },
        /^wrong password for the restic repository \S+ \(no key matches it\)$/,
      ],
    ];
    for (const [what, make, says] of cases)
      it(`${what}: a wrong-password failure in one line`, async () => {
        const error = await failure(
          restic(repo, { password: { fileOnHost: await make() } }).snapshots(),
        );
        expect(error.reason).to.equal("wrong-password");
        expect(error.message).to.match(says);
      });
  });

  describe("failures are classified, each in one clear line", () => {
    let repo: RepositoryLocation;
    before(async () => {
      repo = { kind: "local", path: join(dir, "repo-failures") };
      await restic(repo).init();
      await restic(repo).backup(data);
    });

    it("restic missing on the host", async () => {
      const error = await failure(restic(repo, { session: withoutRestic(ssh) }).snapshots());
      expect(error.reason).to.equal("restic-missing");
      expect(error.message).to.equal(
        "restic is not installed on fs01 (install the restic package there)",
      );
    });

    it("wrong password", async () => {
      const error = await failure(
        restic(repo, { password: new Secret("not the password") }).snapshots(),
      );
      expect(error.reason).to.equal("wrong-password");
      expectOneLine(error);
      expect(error.message).to.not.include("not the password");
    });

    it("no repository at the location", async () => {
      const error = await failure(
        restic({ kind: "local", path: join(dir, "nothing-here") }).snapshots(),
      );
      expect(error.reason).to.equal("repository-missing");
      expect(error.message).to.equal(`no restic repository at ${join(dir, "nothing-here")}`);
    });

    it("no bucket on the S3 endpoint", async () => {
      const error = await failure(
        restic(
          {
            kind: "s3",
            endpoint: s3.endpoint,
            bucket: "no-such-bucket",
            prefix: "x",
            caCertFile: s3.caCertFile,
          },
          { env: { ...S3RVER_CREDENTIALS } },
        ).snapshots(),
      );
      expect(error.reason).to.equal("repository-missing");
    });

    it("a stale lock from a killed restic, cleared by unlock", async () => {
      // A restic killed mid-backup leaves its lock behind, as after a crash. `backup --stdin` from a
      // pipe nobody closes holds its lock until killed, so the kill never races the backup's end.
      const child = spawn("restic", ["backup", "--stdin", "--stdin-filename", "held.txt"], {
        cwd: data,
        env: {
          ...process.env,
          RESTIC_REPOSITORY: join(dir, "repo-failures"),
          RESTIC_PASSWORD: PASSWORD,
          RESTIC_CACHE_DIR: join(dir, "cache"),
        },
        stdio: ["pipe", "ignore", "ignore"],
      });
      const locks = join(dir, "repo-failures", "locks");
      // restic writes a lock under a temporary name and renames it to its id: only then is it a lock.
      const lockIds = async () => (await readdir(locks)).filter((n) => /^[0-9a-f]{64}$/.test(n));
      const deadline = Date.now() + 20_000;
      while ((await lockIds()).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      expect(await lockIds()).to.have.length(1);
      const error = await failure(restic(repo).check());
      expect(error.reason).to.equal("locked");
      expect(error.message).to.include("restic unlock");
      expectOneLine(error);
      await restic(repo).unlock();
      expect((await restic(repo).check()).ok).to.equal(true);
    });

    it("a command over its time limit", async () => {
      const error = await failure(restic(repo, { timeoutMs: 50 }).snapshots());
      expect(error.reason).to.equal("timeout");
      expect(error.message).to.equal(
        "restic snapshots on backup-test did not finish within 0.05 s",
      );
    });

    it("a backup folder that does not exist", async () => {
      const error = await failure(restic(repo).backup(join(dir, "no-such-folder")));
      expect(error.reason).to.equal("failed");
      expect(error.message).to.include(`cannot enter folder ${join(dir, "no-such-folder")}`);
    });

    it("corrupt pack data: check reports it, restore refuses", async () => {
      const corrupt = { kind: "local" as const, path: join(dir, "repo-corrupt") };
      await restic(corrupt).init();
      const { snapshotId } = await restic(corrupt).backup(data);
      const packs = join(corrupt.path, "data");
      const files: { file: string; size: number }[] = [];
      for (const sub of await readdir(packs)) {
        for (const name of await readdir(join(packs, sub))) {
          const file = join(packs, sub, name);
          files.push({ file, size: (await readFile(file)).length });
        }
      }
      const largest = files.sort((a, b) => b.size - a.size)[0]!;
      await chmod(largest.file, 0o600);
      const bytes = await readFile(largest.file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      await writeFile(largest.file, bytes);

      const checked = await restic(corrupt).check({ readDataSubset: "100%" });
      expect(checked.ok).to.equal(false);
      expect(checked.readDataSubset).to.equal("100%");
      expect(checked.errors.join("\n")).to.match(/Pack ID does not match/);
      const error = await failure(
        restic(corrupt).restore(snapshotId, join(dir, "restore-corrupt")),
      );
      expect(error.reason).to.equal("corrupt-data");
      expect(error.message).to.match(/ciphertext verification failed/);
      expectOneLine(error);
    });
  });

  describe("forget", () => {
    it("removes a snapshot from an ordinary repository", async () => {
      const repo = { kind: "local" as const, path: join(dir, "repo-forget") };
      await restic(repo).init();
      const { snapshotId } = await restic(repo).backup(data);
      await restic(repo).forget(snapshotId);
      expect(await restic(repo).snapshots()).to.deep.equal([]);
    });

    it("is refused by the append-only repository, at the first refusal, and the snapshot stays", async () => {
      const appendOnly = await startRcloneRestic(join(dir, "append-only-forget"));
      try {
        const r = restic({ kind: "rest", url: appendOnly.url }, { session: ssh });
        await r.init();
        const { snapshotId } = await r.backup(data);
        const started = Date.now();
        const error = await failure(r.forget(snapshotId));
        expect(error.reason).to.equal("append-only-refused");
        expect(error.message).to.include(`refused to delete data (append-only)`);
        expect(Date.now() - started).to.be.below(15_000, "restic's retries are cut short");
        expect(await r.snapshots()).to.have.length(1);
        expect((await r.check()).ok).to.equal(true, "the interrupted forget left no lock behind");
      } finally {
        await appendOnly.stop();
      }
    });
  });

  it("snapshotBefore picks the last snapshot strictly before an instant, not simply the latest", async () => {
    const repo = { kind: "local" as const, path: join(dir, "repo-before") };
    await restic(repo).init();
    await restic(repo).backup(data, { tags: ["share"] });
    await restic(repo).backup(data, { tags: ["share"] });
    const [first, second] = await restic(repo).snapshots();
    expect(first!.time.getTime()).to.be.below(second!.time.getTime());
    expect((await restic(repo).snapshotBefore(second!.time))?.id).to.equal(first!.id);
    expect((await restic(repo).snapshotBefore(new Date(second!.time.getTime() + 1)))?.id).to.equal(
      second!.id,
    );
    expect(await restic(repo).snapshotBefore(first!.time)).to.equal(undefined);
    expect(await restic(repo).snapshotBefore(new Date(), { tags: ["other"] })).to.equal(undefined);
  });
});

describe("rotatingSubset", () => {
  const cases: [string, number, string][] = [
    ["2026-01-01T00:00:00Z", 7, "1/7"],
    ["2026-01-02T12:00:00Z", 7, "2/7"],
    ["2026-01-08T00:00:00Z", 7, "1/7"],
    ["2026-12-31T23:59:59Z", 5, "5/5"],
    ["2026-03-01T00:00:00Z", 1, "1/1"],
  ];
  for (const [at, parts, want] of cases) {
    it(`${at} in ${parts} parts is ${want}`, () => {
      expect(rotatingSubset(new Date(at), parts)).to.equal(want);
    });
  }
  it("covers every part over consecutive days", () => {
    const seen = new Set<string>();
    for (let day = 0; day < 10; day++)
      seen.add(rotatingSubset(new Date(Date.UTC(2026, 4, 1 + day)), 10));
    expect(seen.size).to.equal(10);
  });
  it("refuses a part count that is not a positive integer", () => {
    expect(() => rotatingSubset(new Date(), 0)).to.throw(RangeError);
  });
});

describe("lineSplitter: restic's output line by line as it streams in", () => {
  it("joins lines and characters split across chunks, and keeps a last line without newline", () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('{"path":"/caf\u00e9"}\n\n{"a":1}\nlast', "utf8");
    // Cut inside the two-byte é and right after a newline.
    for (const [from, to] of [
      [0, 14],
      [14, 18],
      [18, 27],
      [27, bytes.length],
    ] as const)
      split.push(bytes.subarray(from, to));
    split.end();
    expect(lines).to.deep.equal(['{"path":"/caf\u00e9"}', "", '{"a":1}', "last"]);
  });
});
