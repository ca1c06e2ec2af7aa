/**
 * What one login costs the collector and the host, by what the client does with OpenSSH's
 * announcement of its host keys (hostkeys-00@openssh.com) after login:
 *
 * - `prove-all`: ssh2's own client, which asks the host to sign with every announced key and
 *   verifies each signature;
 * - `prove-none`: the collector's sessions (skipHostKeyProofs), which ask for the proof of no key;
 * - `unanswered`: leaving the announcement unanswered, kept to show why the collector does not:
 *   the host's next packet waits out the client's delayed ACK.
 *
 * The host is the test fixture's sshd on loopback with the three host keys Debian's openssh-server
 * makes. Each login runs `echo` once and closes. The collector's CPU and wall time are per login,
 * the modes interleaved login by login; the host's CPU (sshd's reaped session processes) is
 * measured over blocks of logins of one mode, the modes alternating block by block.
 *
 *   npx tsx bench/ssh-login-cpu.ts [logins=200]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ssh2 from "ssh2";
import { HOST_KEYS_ANNOUNCEMENT, skipHostKeyProofs } from "../src/hosts/transport/ssh-session.js";
import { startSshd } from "../test/fixtures/sshd.js";
import { debianHostKeys } from "./delayed-host.js";

const logins = Number(process.argv[2] ?? 200);
if (!Number.isInteger(logins) || logins < 8) {
  console.error(`ssh-login-cpu: logins must be an integer of at least 8, got "${process.argv[2]}"`);
  process.exit(2);
}

const MODES = ["prove-all", "prove-none", "unanswered"] as const;
type Mode = (typeof MODES)[number];

/** Leaves the announcement unanswered, as the collector's first version of the skip did. */
function leaveUnanswered(client: ssh2.Client): void {
  type Handler = (p: unknown, name: string, wantReply: boolean, data: unknown) => void;
  const handlers = (client as unknown as { _protocol: { _handlers: { GLOBAL_REQUEST: Handler } } })
    ._protocol._handlers;
  const original = handlers.GLOBAL_REQUEST;
  handlers.GLOBAL_REQUEST = (p, name, wantReply, data) => {
    if (name !== HOST_KEYS_ANNOUNCEMENT) original(p, name, wantReply, data);
  };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const dir = mkdtempSync(path.join(os.tmpdir(), "stronghold-bench-login-"));
const sshd = await startSshd({ extraConfig: debianHostKeys(dir) });
const key = readFileSync(sshd.identityFile);

/** CPU time of sshd's reaped children (the sessions), in ms; /proc counts clock ticks of 10 ms. */
const hostMs = (): number => {
  const fields = readFileSync(`/proc/${sshd.process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
};

async function login(mode: Mode): Promise<{ cpu: number; wall: number }> {
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve).once("error", reject);
    client.connect({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: key });
    if (mode === "prove-none") skipHostKeyProofs(client);
    if (mode === "unanswered") leaveUnanswered(client);
  });
  await new Promise<void>((resolve, reject) => {
    client.exec("echo in", (error, channel) => {
      if (error) return reject(error);
      channel.on("data", () => {});
      channel.on("close", () => resolve());
    });
  });
  const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
  client.end();
  await closed;
  return { cpu: cpuMs() - cpu0, wall: performance.now() - wall0 };
}

try {
  for (const mode of MODES) await login(mode); // warm-up
  const collector = Object.fromEntries(MODES.map((m) => [m, { cpu: 0, wall: 0 }])) as Record<
    Mode,
    { cpu: number; wall: number }
  >;
  for (let i = 0; i < logins; i++) {
    // Rotate the order so that no mode always follows the same one.
    for (let j = 0; j < MODES.length; j++) {
      const mode = MODES[(i + j) % MODES.length]!;
      const { cpu, wall } = await login(mode);
      collector[mode].cpu += cpu;
      collector[mode].wall += wall;
    }
  }
  const host = Object.fromEntries(MODES.map((m) => [m, 0])) as Record<Mode, number>;
  const block = Math.ceil(logins / 4);
  for (let round = 0; round < 4; round++) {
    for (const mode of MODES) {
      const before = hostMs();
      for (let i = 0; i < block; i++) await login(mode);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the last session reaped
      host[mode] += hostMs() - before;
    }
  }
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(
    `${logins} logins per mode, host keys ed25519 + rsa 3072 + ecdsa p256, ${new Date().toISOString()}, load average ${load}\n`,
  );
  console.log("| mode | collector CPU per login | wall per login | host CPU per login |");
  console.log("| ---- | ----------------------: | -------------: | -----------------: |");
  for (const mode of MODES) {
    const c = collector[mode];
    console.log(
      `| ${mode} | ${(c.cpu / logins).toFixed(2)} ms | ${(c.wall / logins).toFixed(1)} ms | ${(host[mode] / (block * 4)).toFixed(2)} ms |`,
    );
  }
} finally {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
