/** SSH sessions against a real OpenSSH sshd on loopback. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SshTransport } from "../../../src/hosts/inventory.js";
import { createServer } from "node:net";
import ssh2 from "ssh2";
import { openSession } from "../../../src/hosts/transport/open-session.js";
import { TransportError } from "../../../src/hosts/transport/session.js";
import { connect, skipHostKeyProofs } from "../../../src/hosts/transport/ssh-session.js";
import { SshCredentials } from "../../../src/hosts/transport/ssh-credentials.js";
import { freePort, inventoryHost, keygen, startSshd, type Sshd } from "../../fixtures/sshd.js";

const hostFor = (sshd: Sshd, transport: Partial<SshTransport> = {}) =>
  inventoryHost(sshd, { transport });

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error("expected a TransportError");
}

describe("SSH session (real sshd on 127.0.0.1)", function () {
  let sshd: Sshd;
  let other: Sshd;
  let scratch: string;
  before(async () => {
    [sshd, other] = await Promise.all([startSshd(), startSshd()]);
    scratch = await mkdtemp(join(tmpdir(), "stronghold-ssh-test-"));
  });
  after(async () => {
    await Promise.all([sshd.stop(), other.stop(), rm(scratch, { recursive: true, force: true })]);
  });

  it("runs argv with every argument arriving as one word, and feeds stdin", async () => {
    const session = await openSession(hostFor(sshd));
    try {
      const tricky = `it's a $HOME; "quoted" \`x\` & | > *`;
      // Bounded, so a stuck channel fails here with its output rather than as a suite timeout.
      const echoed = await session.exec(["printf", "%s\\n", tricky, "two"], { timeoutMs: 10_000 });
      expect(echoed.code).to.equal(0);
      expect(echoed.stdout).to.equal(`${tricky}\ntwo\n`);
      const fed = await session.exec(["sh", "-c", "read -r line; printf '<%s>' \"$line\""], {
        stdin: "secret-from-stdin\n",
        timeoutMs: 10_000,
      });
      expect(fed.stdout).to.equal("<secret-from-stdin>");
      const failed = await session.exec(["sh", "-c", "echo oops >&2; exit 3"], {
        timeoutMs: 10_000,
      });
      expect(failed).to.include({ code: 3, stderr: "oops\n", timedOut: false });
    } finally {
      await session.close();
    }
  });

  it("stops a command at its timeout", async function () {
    this.timeout(20_000);
    const session = await openSession(hostFor(sshd));
    try {
      // Long enough for the login shell's start-up files to finish: killed inside them, a shell
      // can leave their locks behind for the next login.
      const result = await session.exec(["sleep", "30"], { timeoutMs: 2000 });
      expect(result.timedOut).to.equal(true);
      expect(result.code).to.equal(null);
    } finally {
      await session.close();
    }
  });

  it("refuses a host whose key known_hosts does not vouch for", async () => {
    // `other` is a different server; point known_hosts for sshd's port at other's key.
    const wrong = join(scratch, "known_hosts_wrong");
    await writeFile(wrong, `[127.0.0.1]:${sshd.port} ${other.hostPublicKey}\n`);
    const mismatch = await failure(
      openSession(hostFor(sshd, { hostKey: { kind: "known-hosts", file: wrong } })),
    );
    expect(mismatch.reason).to.equal("host-key-mismatch");
    expect(mismatch.message).to.match(/HOST KEY MISMATCH/);
    const empty = join(scratch, "known_hosts_empty");
    await writeFile(empty, "");
    const unknown = await failure(
      openSession(hostFor(sshd, { hostKey: { kind: "known-hosts", file: empty } })),
    );
    expect(unknown.reason).to.equal("host-key-unknown");
  });

  it("accepts any key only when the inventory opts out of checking", async () => {
    const session = await openSession(hostFor(sshd, { hostKey: { kind: "unchecked" } }));
    await session.close();
  });

  it("names wrong keys, unreadable keys and closed ports", async () => {
    const auth = await failure(
      openSession(hostFor(sshd, { auth: { kind: "key", identityFile: other.identityFile } })),
    );
    expect(auth.reason).to.equal("auth-failed");
    const unreadable = await failure(
      openSession(
        hostFor(sshd, { auth: { kind: "key", identityFile: join(scratch, "no-such-key") } }),
      ),
    );
    expect(unreadable.reason).to.equal("key-unreadable");
    const closed = await failure(openSession(hostFor(sshd, { port: await freePort() })));
    expect(closed.reason).to.equal("unreachable");
  });

  it("reads a run's identity and known_hosts files once for all its logins", async () => {
    const identityFile = join(scratch, "run_identity");
    const knownHosts = join(scratch, "run_known_hosts");
    await copyFile(sshd.identityFile, identityFile);
    await copyFile(sshd.knownHostsFile, knownHosts);
    const host = hostFor(sshd, {
      auth: { kind: "key", identityFile },
      hostKey: { kind: "known-hosts", file: knownHosts },
    });
    const credentials = new SshCredentials();
    await (await openSession(host, credentials)).close();
    // Gone from disk, both still serve the run that read them; a login on its own reads again.
    await rm(identityFile);
    await writeFile(knownHosts, "");
    const again = await openSession(host, credentials);
    const said = await again.exec(["echo", "in"], { timeoutMs: 10_000 });
    await again.close();
    expect(said.stdout).to.equal("in\n");
    expect((await failure(openSession(host))).reason).to.equal("key-unreadable");
  });

  it("names a host that closes the connection before the login", async () => {
    // A listener that hangs up on every connection, as a host refusing logins (MaxStartups) does.
    const hangUp = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, "127.0.0.1", resolve));
    try {
      const port = (hangUp.address() as { port: number }).port;
      const error = await failure(openSession(hostFor(sshd, { port })));
      expect(error.reason).to.equal("connection-lost");
      expect(error.message).to.equal(
        "fs01: SSH connection failed: Connection lost before handshake",
      );
    } finally {
      await new Promise((resolve) => hangUp.close(resolve));
    }
  });

  it("asks OpenSSH to prove none of its announced host keys, and the session works", async () => {
    // ssh2 emits "hostkeys" with the keys the host proved, once the host answered the request.
    // The request must still go out: its packet acknowledges the announcement at once.
    const proven = async (skip: boolean): Promise<{ answers: number; keys: number }> => {
      const client = new ssh2.Client();
      const seen = { answers: 0, keys: 0 };
      const answered = new Promise<void>((resolve) =>
        client.on("hostkeys", (proved: unknown[]) => {
          seen.answers++;
          seen.keys += proved.length;
          resolve();
        }),
      );
      await new Promise<void>((resolve, reject) => {
        client.once("ready", resolve).once("error", reject);
        client.connect({
          host: sshd.host,
          port: sshd.port,
          username: sshd.user,
          privateKey: readFileSync(sshd.identityFile),
          readyTimeout: 10_000,
        });
        if (skip) expect(skipHostKeyProofs(client)).to.equal(true);
      });
      try {
        const said = await new Promise<string>((resolve, reject) => {
          client.exec("echo in", (error, channel) => {
            if (error) return reject(error);
            let out = "";
            channel.on("data", (chunk: Buffer) => (out += chunk.toString()));
            channel.on("close", () => resolve(out));
          });
        });
        expect(said).to.equal("in\n");
        // Bounded: a host that never answers fails the count below rather than the suite.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          answered,
          new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
        ]);
        clearTimeout(timer);
        return seen;
      } finally {
        client.end();
      }
    };
    const own = await proven(false);
    expect(own.keys, "ssh2's own client proves the host's keys").to.be.greaterThan(0);
    expect(await proven(true)).to.deep.equal({ answers: 1, keys: 0 });
  });

  it("logs in with TCP_NODELAY, so no packet waits for the host's delayed acknowledgement", async () => {
    // Node keeps the option it set on the socket under this symbol; its absence fails the test.
    const noDelay = (socket: object): unknown => {
      const symbol = Object.getOwnPropertySymbols(socket).find(
        (s) => s.description === "kSetNoDelay",
      );
      expect(symbol, "Node's record of setNoDelay on the socket").to.not.equal(undefined);
      return (socket as Record<symbol, unknown>)[symbol!];
    };
    const client = new ssh2.Client();
    try {
      await connect(client, {
        host: sshd.host,
        port: sshd.port,
        username: sshd.user,
        privateKey: readFileSync(sshd.identityFile),
        readyTimeout: 10_000,
      });
      expect(noDelay((client as unknown as { _sock: object })._sock)).to.equal(true);
    } finally {
      client.end();
    }
  });

  it("logs in with an rsa and an ecdsa identity, signed with the run's loaded key", async () => {
    // ed25519, the fixture's own key type, is what every other login here uses.
    const identities: [string, string, string[]][] = [
      ["rsa", join(scratch, "id_rsa"), ["-b", "2048"]],
      ["ecdsa", join(scratch, "id_ecdsa"), ["-b", "384"]],
    ];
    const credentials = new SshCredentials();
    for (const [type, identityFile, extra] of identities) {
      keygen(identityFile, type, extra);
      const server = await startSshd({ identityFile });
      try {
        const session = await openSession(inventoryHost(server), credentials);
        const said = await session.exec(["echo", type], { timeoutMs: 10_000 });
        await session.close();
        expect(said.stdout).to.equal(`${type}\n`);
      } finally {
        await server.stop();
      }
    }
  });

  it("fails each host of a run on its own, with its own name, when a shared file is bad", async () => {
    const credentials = new SshCredentials();
    const named = (name: string, transport: Partial<SshTransport>) => ({
      ...hostFor(sshd, transport),
      name,
    });
    const missing = join(scratch, "missing_key");
    for (const name of ["fs01", "fs02"]) {
      const error = await failure(
        openSession(named(name, { auth: { kind: "key", identityFile: missing } }), credentials),
      );
      expect(error.reason).to.equal("key-unreadable");
      const said = `${name}: cannot read identity file ${missing}: ENOENT`;
      expect(error.message.slice(0, said.length)).to.equal(said);
    }
    // What ssh2 says of a file that is not a private key, as it said when handed the text itself.
    const garbage = join(scratch, "garbage_key");
    await writeFile(garbage, "not a key\n");
    const publicOnly = join(scratch, "public_only_key");
    await writeFile(publicOnly, await readFile(`${sshd.identityFile}.pub`));
    const unusable: [string, string][] = [
      [garbage, "SSH connection failed: Cannot parse privateKey: Unsupported key format"],
      [
        publicOnly,
        "SSH connection failed: privateKey value does not contain a (valid) private key",
      ],
    ];
    for (const [identityFile, message] of unusable) {
      for (const name of ["fs01", "fs02"]) {
        const error = await failure(
          openSession(named(name, { auth: { kind: "key", identityFile } }), credentials),
        );
        expect(error).to.include({ reason: "connection-lost", message: `${name}: ${message}` });
      }
    }
    const wrong = join(scratch, "known_hosts_other");
    await writeFile(wrong, `[127.0.0.1]:${sshd.port} ${other.hostPublicKey}\n`);
    for (const name of ["fs01", "fs02"]) {
      const error = await failure(
        openSession(named(name, { hostKey: { kind: "known-hosts", file: wrong } }), credentials),
      );
      expect(error.reason).to.equal("host-key-mismatch");
      expect(error.message.startsWith(`${name}: HOST KEY MISMATCH`), error.message).to.equal(true);
    }
  });
});

describe("local session", () => {
  it("runs argv without a shell and reports a missing command as 127", async () => {
    const session = await openSession({
      name: "here",
      transport: { kind: "local" },
      roles: [],
      drill: { target: false, sandbox: [] },
      pointer: "/hosts/0",
    });
    const ok = await session.exec(["printf", "%s", "$HOME"], { stdin: "ignored" });
    expect(ok).to.include({ code: 0, stdout: "$HOME" });
    const missing = await session.exec(["no-such-command-stronghold"]);
    expect(missing.code).to.equal(127);
    const slow = await session.exec(["sleep", "5"], { timeoutMs: 200 });
    expect(slow).to.include({ timedOut: true, code: null });
  });
});
