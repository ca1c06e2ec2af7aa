/** Commands on a host over SSH (ssh2), with the host key verified against known_hosts. */
import ssh2, { type ClientChannel, type ConnectConfig, type PublicKeyAuthMethod } from "ssh2";
import type { InventoryHost, SshTransport } from "../inventory.js";
import type { HostKeyVerdict } from "./known-hosts.js";
import type { SshCredentials } from "./ssh-credentials.js";
import {
  CappedBuffer,
  DEFAULT_MAX_OUTPUT_BYTES,
  TransportError,
  shellQuote,
  type ExecOptions,
  type ExecResult,
  type HostSession,
  type TransportFailure,
} from "./session.js";

const HOST_KEY_MESSAGES: Record<Exclude<HostKeyVerdict, "match">, [TransportFailure, string]> = {
  "unknown-host": [
    "host-key-unknown",
    "host key is not in known_hosts (add it with ssh-keyscan after checking its fingerprint)",
  ],
  mismatch: [
    "host-key-mismatch",
    "HOST KEY MISMATCH: the host presented a different key than known_hosts records (possible man-in-the-middle)",
  ],
  revoked: ["host-key-revoked", "host key is marked @revoked in known_hosts"],
};

function classify(error: unknown, t: SshTransport, name: string): TransportError {
  const e = error as { code?: string; level?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.code === "ECONNREFUSED")
    return new TransportError("unreachable", name, `connection refused at ${t.host}:${t.port}`);
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN")
    return new TransportError("unreachable", name, `cannot resolve ${t.host}`);
  if (e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH")
    return new TransportError("unreachable", name, `no route to ${t.host}`);
  if (e.code === "ETIMEDOUT" || /timed out/i.test(message)) {
    return new TransportError(
      "timeout",
      name,
      `no SSH handshake within ${t.connectTimeoutMs / 1000} s at ${t.host}:${t.port}`,
    );
  }
  if (/authentication methods failed/i.test(message) || e.level === "client-authentication") {
    return new TransportError(
      "auth-failed",
      name,
      `authentication failed for ${t.user}@${t.host}:${t.port}`,
    );
  }
  return new TransportError("connection-lost", name, `SSH connection failed: ${message}`);
}

/**
 * The one method each kind of auth uses. ssh2 otherwise starts with a "none" attempt, a round
 * trip (and a login attempt in the host's log) that can only fail against a server that wants a key.
 * The key goes to ssh2 already parsed (once per run, by the credentials), as the one publickey
 * attempt of the login.
 */
async function authConfig(
  t: SshTransport,
  name: string,
  credentials: SshCredentials,
): Promise<Partial<ConnectConfig>> {
  switch (t.auth.kind) {
    case "key": {
      const identity = await credentials.identity(t.auth.identityFile);
      if (identity.kind === "unreadable")
        throw new TransportError(
          "key-unreadable",
          name,
          `cannot read identity file ${t.auth.identityFile}: ${identity.error.message}`,
        );
      // As ssh2 reported an unusable key when it was handed the text at connect.
      if (identity.kind === "unusable") throw classify(identity.error, t, name);
      const login: PublicKeyAuthMethod = { type: "publickey", username: t.user, key: identity.key };
      return { authHandler: [login] };
    }
    case "agent": {
      const agent = process.env.SSH_AUTH_SOCK;
      if (!agent)
        throw new TransportError(
          "agent-unavailable",
          name,
          "agent authentication needs SSH_AUTH_SOCK",
        );
      return { agent, authHandler: ["agent"] };
    }
  }
}

/**
 * Opens an SSH session; refuses hosts whose key known_hosts does not vouch for. The identity and
 * known_hosts files come from the run's credentials, read once for all its hosts.
 */
export async function sshSession(
  host: InventoryHost,
  t: SshTransport,
  credentials: SshCredentials,
): Promise<HostSession> {
  const auth = await authConfig(t, host.name, credentials);
  const knownHosts =
    t.hostKey.kind === "known-hosts" ? await credentials.knownHosts(t.hostKey.file) : undefined;
  let refused: HostKeyVerdict | undefined;
  const connection = new ssh2.Client();
  try {
    await connect(connection, {
      host: t.host,
      port: t.port,
      username: t.user,
      readyTimeout: t.connectTimeoutMs,
      ...auth,
      hostVerifier: (key: Buffer) => {
        if (knownHosts === undefined) return true; // the inventory opted out of checking
        const verdict = knownHosts.verify(t.host, t.port, key);
        if (verdict === "match") return true;
        refused = verdict;
        return false;
      },
    });
  } catch (error) {
    connection.end();
    if (refused !== undefined && refused !== "match") {
      const [reason, message] = HOST_KEY_MESSAGES[refused];
      throw new TransportError(reason, host.name, `${message} (${t.host}:${t.port})`);
    }
    throw classify(error, t, host.name);
  }
  let lost: Error | undefined;
  connection.on("error", (error: Error) => {
    lost = error;
  });
  connection.on("close", () => {
    lost ??= new Error("connection closed");
  });
  return {
    host,
    exec: async (argv, options = {}) => {
      if (lost)
        throw new TransportError(
          "connection-lost",
          host.name,
          `SSH connection lost: ${lost.message}`,
        );
      return execSsh(connection, host.name, argv, options, () => lost);
    },
    close: () => {
      connection.end();
      return Promise.resolve();
    },
  };
}

/**
 * Connects and logs in; rejects with ssh2's error, or when the host closes before the login. The
 * error listener stays until the login: ssh2 may emit a second error on a failed connection, and
 * an error event without a listener would end the process.
 */
export function connect(connection: ssh2.Client, config: ConnectConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = () => reject(new Error("the host closed the connection before the login"));
    connection.on("error", reject);
    connection.once("close", closed);
    connection.once("ready", () => {
      connection.removeListener("error", reject);
      connection.removeListener("close", closed);
      resolve();
    });
    connection.connect(config);
    // ssh2 writes each packet on its own, at times two in a row before it reads: NEWKEYS, then
    // the service request; opening a command's channel, then the answer to the host keys'
    // announcement. Under Nagle's algorithm the second waited until the host acknowledged the
    // first, which the host delayed by Linux's 40 ms: every login waited 40 ms (on loopback too),
    // and half of the commands after it another 40.
    connection.setNoDelay(true);
    skipHostKeyProofs(connection);
  });
}

/**
 * After login OpenSSH announces all its host keys (hostkeys-00@openssh.com) so that a client may
 * update known_hosts; ssh2 answers every announcement by asking the host to sign with each key
 * and verifying each signature. No collection or drill uses those keys: the proofs cost the host
 * a signature per host key (an RSA one among them) and the collector their checks, on every
 * login. ssh2 has no option for it, so its handler of global requests (made by `connect()`) is
 * wrapped to ask for the proof of no key. The request itself still goes out: with the
 * announcement unanswered, a command's first output came about 40 ms late on loopback, the
 * delayed-ACK time (most likely the reply that opens its channel waiting behind the
 * unacknowledged announcement). When ssh2's shape differs, nothing is changed.
 */
export function skipHostKeyProofs(connection: ssh2.Client): boolean {
  const handlers = (connection as unknown as { _protocol?: { _handlers?: GlobalRequestHandlers } })
    ._protocol?._handlers;
  const original = handlers?.GLOBAL_REQUEST;
  if (handlers === undefined || typeof original !== "function") return false;
  handlers.GLOBAL_REQUEST = (protocol, name, wantReply, data) =>
    original(protocol, name, wantReply, name === HOST_KEYS_ANNOUNCEMENT ? [] : data);
  return true;
}

/** The global request in which OpenSSH announces its host keys after login. */
export const HOST_KEYS_ANNOUNCEMENT = "hostkeys-00@openssh.com";

interface GlobalRequestHandlers {
  GLOBAL_REQUEST?: (protocol: unknown, name: string, wantReply: boolean, data: unknown) => void;
}

async function execSsh(
  connection: ssh2.Client,
  name: string,
  argv: readonly string[],
  options: ExecOptions,
  lostError: () => Error | undefined,
): Promise<ExecResult> {
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new CappedBuffer(limit);
  const stderr = new CappedBuffer(limit);
  let channel: ClientChannel | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    if (options.timeoutMs === undefined) return;
    timer = setTimeout(() => {
      // Ask the server to kill the command, then stop waiting for it either way.
      channel?.signal("KILL");
      channel?.close();
      resolve("timeout");
    }, options.timeoutMs);
  });
  try {
    const response = await Promise.race([
      execOnChannel(
        connection,
        withEnvironment(argv, options.env).map(shellQuote).join(" "),
        options,
        {
          onChannel: (c) => {
            channel = c;
          },
          onStdout: options.onStdout ?? ((c) => stdout.push(c)),
          onStderr: (c) => stderr.push(c),
        },
      ),
      timeout,
    ]);
    const timedOut = response === "timeout";
    const lost = lostError();
    if (lost && !timedOut && response.code === null) {
      throw new TransportError(
        "connection-lost",
        name,
        `SSH connection lost during ${argv[0] ?? "command"}: ${lost.message}`,
      );
    }
    return {
      code: timedOut ? null : response.code,
      signal: timedOut ? null : response.signal,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut,
      truncated: stdout.truncated || stderr.truncated,
    };
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw new TransportError(
      "connection-lost",
      name,
      `SSH command failed: ${(error as Error).message}`,
    );
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** argv run by `env` with the variables set, when there are any. */
function withEnvironment(
  argv: readonly string[],
  env: Readonly<Record<string, string>> | undefined,
): readonly string[] {
  if (env === undefined || Object.keys(env).length === 0) return argv;
  return ["env", ...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...argv];
}

/** One command on its own channel; the output goes only where the caller sends it. */
function execOnChannel(
  connection: ssh2.Client,
  command: string,
  options: Pick<ExecOptions, "cwd" | "stdin">,
  handlers: {
    onChannel: (channel: ClientChannel) => void;
    onStdout: (chunk: Buffer) => void;
    onStderr: (chunk: Buffer) => void;
  },
): Promise<{ code: number | null; signal: string | null }> {
  const line = options.cwd === undefined ? command : `cd ${shellQuote(options.cwd)} ; ${command}`;
  return new Promise((resolve, reject) => {
    connection.on("error", reject);
    connection.exec(line, (error, channel) => {
      connection.removeListener("error", reject);
      if (error) return reject(error);
      handlers.onChannel(channel);
      channel.on("data", handlers.onStdout);
      channel.stderr.on("data", handlers.onStderr);
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
      let code: number | null = null;
      let signal: string | null = null;
      channel.on("exit", (c: number | null, s?: string) => {
        code = c ?? null;
        signal = s ?? null;
      });
      channel.on("close", () => resolve({ code, signal }));
    });
  });
}
