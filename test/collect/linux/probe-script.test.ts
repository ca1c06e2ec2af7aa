/**
 * The probe script itself, run for real on this machine: as root, as an unprivileged user (with
 * and without --sudo), with a hostile PATH, and with a nonce that is not one.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createSocket } from "node:dgram";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadEdrCatalog } from "../../../src/collect/linux/edr-catalog.js";
import { parseLinuxFacts } from "../../../src/collect/linux/linux-facts.js";
import { linuxMachineConfig } from "../../../src/collect/linux/machine-config.js";
import { PROBES } from "../../../src/collect/linux/probes.js";
import { PROBE_SCRIPT } from "../../../src/collect/linux/probe-script.js";
import { newNonce, probeCommand } from "../../../src/collect/probe-script.js";
import { splitProbeOutput } from "../../../src/collect/probe-output.js";
import { evaluateControlById } from "../../../src/check/evaluation/evaluate-one.js";
import { validatorFor } from "../../../src/documents/ajv.js";
import { MachineConfigSchema } from "../../../src/machine-config/schema.js";
import {
  eventually,
  startDaemonNamespace,
  type DaemonNamespace,
} from "../../fixtures/daemon-namespace.js";

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/** Runs the script the way the collector does: `sh -s -- NONCE MODE` with the script on stdin. */
function runScript(
  nonce: string,
  mode: "sudo" | "nosudo",
  options: { prefix?: string[]; env?: NodeJS.ProcessEnv } = {},
): Run {
  const [command, ...args] = [...(options.prefix ?? []), ...probeCommand(nonce, mode)];
  const result = spawnSync(command!, args, {
    input: PROBE_SCRIPT,
    encoding: "utf8",
    env: options.env ?? process.env,
    maxBuffer: 64 << 20,
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Runs the script with `prefix` (e.g. entering a namespace) and reads it as a server's config. */
async function probeServer(prefix: string[]) {
  const nonce = newNonce();
  const run = runScript(nonce, "nosudo", { prefix });
  const split = splitProbeOutput(run.stdout, nonce);
  if (!split.ok) throw new Error(`${split.problem}\n${run.stderr}`);
  const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
  const { config } = linuxMachineConfig(
    facts,
    "here",
    { department: "it", site: "lab", role: "server" },
    new Date().toISOString(),
  );
  const status = async (control: string) => (await evaluateControlById(control, config)).status;
  return { sections: split.sections, security: config.security!, status };
}

/** A syslog line as rsyslog writes it to a file (local time, `Mmm dd hh:mm:ss host tag: text`). */
function syslogLine(text: string, at = new Date()): string {
  const month = at.toLocaleString("en-US", { month: "short" });
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  return `${month} ${String(at.getDate()).padStart(2, " ")} ${time} lab ${text}\n`;
}

const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
/** Whether the script (whose PATH is fixed) finds sudo here: most servers have it, this lab not. */
const sudoInstalled =
  spawnSync("sh", [
    "-c",
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v sudo",
  ]).status === 0;

/** Accounts whose /etc/shadow password field is empty, read directly. */
function emptyShadowFields(): string[] {
  return readFileSync("/etc/shadow", "utf8")
    .split("\n")
    .filter((l) => l !== "" && l.split(":")[1] === "")
    .map((l) => l.split(":")[0]!);
}

/** Mode, owner and group of a file as `stat` tells them, or "absent". */
function fileMode(file: string) {
  if (!existsSync(file)) return "absent";
  const [mode, owner, group] = execFileSync("stat", ["-c", "%a %U %G", file], { encoding: "utf8" })
    .trim()
    .split(" ");
  return { mode: mode!.padStart(4, "0"), owner, group };
}

/** The legacy services offered here, by dpkg-query and ss run directly. */
function legacyTruth(): string[] {
  const installed = (...names: string[]) =>
    names.some((n) =>
      spawnSync("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", n])
        .stdout.toString()
        .startsWith("ii"),
    );
  const ports = (args: string[]) =>
    execFileSync("ss", ["-Hn", ...args], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const local = l.trim().split(/\s+/)[3]!; // State Recv-Q Send-Q Local:Port Peer:Port
        return Number(local.slice(local.lastIndexOf(":") + 1));
      });
  const tcp = ports(["-lt"]);
  const udp = ports(["-lu"]);
  return [
    installed("telnetd", "inetutils-telnetd", "telnetd-ssl") || tcp.includes(23) ? "telnet" : "",
    installed("rsh-server", "rsh-redone-server") || [512, 513, 514].some((p) => tcp.includes(p))
      ? "rsh"
      : "",
    installed("tftpd-hpa", "tftpd", "atftpd") || udp.includes(69) ? "tftp" : "",
    installed("nis") ? "nis" : "",
  ].filter((x) => x !== "");
}

describe("the probe script on this machine", function () {
  this.timeout(60_000);

  it("is valid POSIX sh and never varies", () => {
    expect(spawnSync("sh", ["-n"], { input: PROBE_SCRIPT }).status).to.equal(0);
    const nonce = newNonce();
    expect(PROBE_SCRIPT).to.not.include(nonce);
    expect(probeCommand(nonce, "sudo")).to.deep.equal(["sh", "-s", "--", nonce, "sudo"]);
    expect(nonce).to.match(/^[0-9a-f]{32}$/);
  });

  it("refuses a nonce that is not hex, before running anything", () => {
    const run = runScript("x;id", "nosudo");
    expect(run.status).to.equal(2);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.match(/bad nonce/);
  });

  it("as root: every probe reports, and the facts match the machine", async () => {
    const nonce = newNonce();
    const run = runScript(nonce, "nosudo");
    const split = splitProbeOutput(run.stdout, nonce);
    if (!split.ok) throw new Error(split.problem);
    expect([...split.sections.keys()]).to.deep.equal(PROBES.map((p) => p.name));
    const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
    const osRelease = readFileSync("/etc/os-release", "utf8");
    const versionId = /^VERSION_ID="?([^"\n]+)"?$/m.exec(osRelease)?.[1];
    expect(facts.os.known && facts.os.value.version).to.equal(versionId);
    expect(facts.meta.kernel).to.deep.equal({
      known: true,
      value: execFileSync("uname", ["-r"], { encoding: "utf8" }).trim(),
    });
    const m = linuxMachineConfig(
      facts,
      "here",
      { department: "it", site: "lab", role: "server" },
      new Date().toISOString(),
    );
    expect(validatorFor(MachineConfigSchema)(m.config)).to.equal(true);
    expect(m.observations.privilege).to.deep.equal({ value: "root" });
    // The truth from direct commands: sshd -T with the default config (no sshd serves this run),
    // uid 0 in /etc/passwd (here also stronghold-lab, the test sshd's login), empty shadow fields.
    const sshdT = execFileSync("/usr/sbin/sshd", ["-T"], { encoding: "utf8" });
    const setting = (key: string) => new RegExp(`^${key} (\\S+)$`, "m").exec(sshdT)?.[1];
    expect(m.config.security?.sshServer).to.deep.equal({
      permitRootLogin: setting("permitrootlogin")?.replace("without-password", "prohibit-password"),
      passwordAuthentication: setting("passwordauthentication") === "yes",
      maxAuthTries: Number(setting("maxauthtries")),
    });
    expect(m.config.security?.uid0Accounts).to.deep.equal(
      readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .filter((l) => l.split(":")[2] === "0")
        .map((l) => l.split(":")[0]),
    );
    expect(m.config.security?.emptyPasswordAccounts).to.deep.equal(emptyShadowFields());
    expect(m.config.security?.accountFiles).to.deep.equal({
      passwd: fileMode("/etc/passwd"),
      shadow: fileMode("/etc/shadow"),
      sudoers: fileMode("/etc/sudoers"),
    });
    expect(m.config.security?.legacyServices).to.deep.equal(legacyTruth());
    // Without unattended-upgrades (this lab) nothing installs updates by itself.
    const unattended = spawnSync("dpkg-query", [
      "-W",
      "-f=${db:Status-Abbrev}",
      "unattended-upgrades",
    ]).stdout.toString();
    if (!unattended.startsWith("ii")) expect(m.config.security?.automaticUpdates).to.equal(false);
    else expect(m.config.security?.automaticUpdates).to.be.a("boolean");
    // USB storage: a kernel without module support (no /proc/modules) can only have it built in,
    // which shows as /sys/module/usb_storage.
    if (!existsSync("/proc/modules") && existsSync("/sys/module"))
      expect(m.config.security?.removableMedia).to.equal(
        existsSync("/sys/module/usb_storage") ? "allowed" : "blocked",
      );
  });

  it("as an unprivileged user: root-only facts are unknown with a hint, never false", async () => {
    // With --sudo, the hint depends on the host: sudo missing (this lab) or sudo refusing a
    // password-less run (a server with sudo, an account without a sudoers entry).
    for (const [mode, hint, rc] of [
      ["nosudo", /rerun with --sudo/, 126],
      sudoInstalled
        ? (["sudo", /password is required|not allowed|not in the sudoers/, 1] as const)
        : (["sudo", /sudo is not installed/, 126] as const),
    ] as const) {
      const nonce = newNonce();
      const run = runScript(nonce, mode, { prefix: asNobody });
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      expect(split.sections.get("shadow")?.rc).to.equal(rc);
      const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
      const m = linuxMachineConfig(
        facts,
        "here",
        { department: "it", site: "lab", role: "server" },
        new Date().toISOString(),
      );
      expect(validatorFor(MachineConfigSchema)(m.config)).to.equal(true);
      // What was really used: sudo only where there is a sudo to use.
      expect(m.observations.privilege).to.deep.equal({
        value: mode === "sudo" && sudoInstalled ? "sudo" : "none",
      });
      expect(m.config.security?.sshServer).to.equal("unknown");
      expect(m.config.security?.emptyPasswordAccounts).to.equal("unknown");
      for (const field of ["/security/sshServer", "/security/emptyPasswordAccounts"])
        expect(m.unknown.find((u) => u.field === field)?.reason, field).to.match(hint);
      const root = m.unknown.find((u) => u.field === "/security/localAdmins/0/enabled");
      expect(root?.reason).to.match(hint);
    }
  });

  it("as an account in group shadow: reads /etc/shadow without sudo", async () => {
    const shadow = /^shadow:[^:]*:(\d+):/m.exec(readFileSync("/etc/group", "utf8"))?.[1];
    if (shadow === undefined) throw new Error("this machine has no shadow group");
    const nonce = newNonce();
    const run = runScript(nonce, "nosudo", {
      prefix: ["setpriv", "--reuid=65534", "--regid=65534", `--groups=${shadow}`],
    });
    const split = splitProbeOutput(run.stdout, nonce);
    if (!split.ok) throw new Error(split.problem);
    expect(split.sections.get("shadow")?.rc).to.equal(0);
    const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
    const m = linuxMachineConfig(
      facts,
      "here",
      { department: "it", site: "lab", role: "server" },
      new Date().toISOString(),
    );
    expect(m.observations.privilege).to.deep.equal({ value: "none" });
    expect(m.config.security?.emptyPasswordAccounts).to.deep.equal(emptyShadowFields());
  });

  it("in a network namespace: an IPv4-only drop ruleset is a firewall once IPv6 is off", async () => {
    // `unshare -rn`: a fresh network namespace whose nftables rules and IPv6 switches are its own.
    const ruleset =
      "table ip filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n  }\n}\n";
    const firewallWith = async (ipv6Off: boolean) => {
      const setup = [
        'printf "%s" "$1" | nft -f - || exit 99',
        ipv6Off
          ? 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 > "$f" || exit 99; done'
          : ":",
        'shift; exec "$@"',
      ].join("\n");
      const nonce = newNonce();
      const run = runScript(nonce, "nosudo", {
        prefix: ["unshare", "-rn", "sh", "-c", setup, "netns", ruleset],
      });
      expect(run.status, run.stderr).to.not.equal(99);
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(`${split.problem}\n${run.stderr}`);
      return parseLinuxFacts(split.sections, await loadEdrCatalog()).firewall;
    };
    expect(await firewallWith(false)).to.deep.equal({ known: true, value: false });
    expect(await firewallWith(true)).to.deep.equal({ known: true, value: true });
  });

  it("sees a telnet and a tftp port opened here and a world-readable /etc/shadow bound in a mount namespace", async () => {
    // Real sockets on 127.0.0.1: TCP 23 (telnet) and UDP 69 (tftp); this test runs as root.
    const telnet = createServer();
    await new Promise<void>((resolve, reject) => {
      telnet.once("error", reject);
      telnet.listen(23, "127.0.0.1", resolve);
    });
    const tftp = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      tftp.once("error", reject);
      tftp.bind(69, "127.0.0.1", resolve);
    });
    // A connection in use, as a busy server has thousands: the probe prints listening rows only.
    const client = connect(23, "127.0.0.1");
    await new Promise<void>((resolve, reject) =>
      client.once("connect", resolve).once("error", reject),
    );
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-shadow-"));
    try {
      const shadow = path.join(dir, "shadow");
      writeFileSync(shadow, "");
      chmodSync(shadow, 0o644);
      // `unshare -m`: the bind mount over /etc/shadow is seen by this run only.
      const nonce = newNonce();
      const run = runScript(nonce, "nosudo", {
        prefix: [
          "unshare",
          "-m",
          "--propagation",
          "private",
          "sh",
          "-c",
          'mount --bind "$1" /etc/shadow || exit 99; shift; exec "$@"',
          "mountns",
          shadow,
        ],
      });
      expect(run.status, run.stderr).to.equal(0);
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      const rows = split.sections.get("listening")!.stdout.trim().split("\n");
      for (const row of rows)
        expect(row, "listening rows only").to.match(/^(tcp6? \w+ 0A|udp6? \w+ 07) /);
      expect(rows).to.include.members(["tcp 0017 0A 0100007F", "udp 0045 07 0100007F"]);
      const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
      const m = linuxMachineConfig(
        facts,
        "here",
        { department: "it", site: "lab", role: "server" },
        new Date().toISOString(),
      );
      expect(m.config.security?.accountFiles).to.deep.include({
        shadow: { mode: "0644", owner: "root", group: "root" },
      });
      expect(m.config.security?.legacyServices).to.include.members(["telnet", "tftp"]);
      for (const control of ["sec-account-files-protected", "sec-no-legacy-plaintext-services"])
        expect((await evaluateControlById(control, m.config)).status, control).to.equal("fail");
    } finally {
      client.destroy();
      telnet.close();
      tftp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads hardening set up in a mount and network namespace: sysctls, tmpfs /tmp and /dev/shm, sudoers with includes, umask, volatile journal", async () => {
    // A copy of /etc bound over /etc, fresh tmpfs mounts on /tmp and /dev/shm and a new network
    // namespace whose sysctls are set here: the host itself is left alone. The copy holds
    // rsyslog.conf, whose file actions keep logs only while an rsyslogd runs: none runs in the
    // run's own PID namespace, whatever runs on the host.
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-harden-"));
    try {
      const etc = path.join(dir, "etc");
      execFileSync("cp", ["-a", "/etc", etc]);
      const put = (file: string, text: string, mode = 0o644) => {
        mkdirSync(path.dirname(path.join(etc, file)), { recursive: true });
        writeFileSync(path.join(etc, file), text);
        chmodSync(path.join(etc, file), mode);
      };
      put(
        "sudoers",
        [
          "Defaults use_pty",
          'Defaults logfile="/var/log/sudo.log"',
          "root ALL=(ALL:ALL) ALL",
          "%sudo ALL=(ALL:ALL) ALL",
          "@includedir /etc/sudoers.d",
          "#include sudoers.local",
          "",
        ].join("\n"),
        0o440,
      );
      put(
        "sudoers.d/90-deploy",
        "Cmnd_Alias EVERYTHING = ALL\ndeploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app, \\\n  EVERYTHING\n",
        0o440,
      );
      // sudo skips included names with a dot; so must the collector.
      put("sudoers.d/old.conf", "backdoor ALL=(ALL) NOPASSWD: ALL\n", 0o440);
      put("sudoers.local", "ops ALL=(ALL) NOPASSWD: ALL\n", 0o440);
      put("profile.d/umask.sh", "umask 027\n");
      writeFileSync(
        path.join(etc, "login.defs"),
        readFileSync("/etc/login.defs", "utf8").replace(/^UMASK\s+\S+/m, "UMASK\t\t027"),
      );
      put("systemd/journald.conf.d/volatile.conf", "[Journal]\nStorage=volatile\n");
      const sysctls = [
        "net.ipv4.conf.all.accept_redirects=0",
        "net.ipv4.conf.all.send_redirects=0",
        "net.ipv4.conf.all.accept_source_route=0",
        "net.ipv4.conf.all.rp_filter=1",
        "net.ipv4.tcp_syncookies=1",
        "net.ipv4.icmp_echo_ignore_broadcasts=1",
        "net.ipv4.conf.all.log_martians=1",
      ];
      const nonce = newNonce();
      const run = runScript(nonce, "nosudo", {
        prefix: [
          "unshare",
          "-m",
          "-n",
          "-p",
          "-f",
          "--mount-proc",
          "--propagation",
          "private",
          "sh",
          "-c",
          [
            'mount --bind "$1" /etc || exit 99',
            "mount -t tmpfs -o nodev,nosuid,noexec tmpfs /tmp || exit 98",
            "mount -t tmpfs -o nodev,nosuid,noexec tmpfs /dev/shm || exit 97",
            `sysctl -q -w ${sysctls.join(" ")} || exit 96`,
            'shift; exec "$@"',
          ].join("\n"),
          "hardened",
          etc,
        ],
      });
      expect(run.status, run.stderr).to.equal(0);
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
      const m = linuxMachineConfig(
        facts,
        "here",
        { department: "it", site: "lab", role: "server" },
        new Date().toISOString(),
      );
      const security = m.config.security!;
      expect(security.kernelNetwork).to.deep.equal({
        "net.ipv4.ip_forward": 0,
        ...Object.fromEntries(sysctls.map((kv) => [kv.split("=")[0], Number(kv.split("=")[1])])),
      });
      expect(security.temporaryMounts).to.deep.equal({
        tmp: { filesystem: "tmpfs", options: ["rw", "nosuid", "nodev", "noexec", "relatime"] },
        devShm: { filesystem: "tmpfs", options: ["rw", "nosuid", "nodev", "noexec", "relatime"] },
      });
      expect(security.sudo).to.deep.equal({
        nopasswdAll: ["deploy", "ops"],
        logging: true,
        usePty: true,
      });
      expect(security.defaultUmask).to.equal("0027");
      expect(security.logging).to.deep.include({ persistent: false });
      const status = async (control: string) =>
        (await evaluateControlById(control, m.config)).status;
      for (const control of [
        "sec-kernel-network-hardened",
        "sec-temporary-mounts-restricted",
        "sec-sudo-logging",
        "sec-default-umask",
      ])
        expect(await status(control), control).to.equal("pass");
      for (const control of ["sec-sudo-no-blanket-nopasswd", "sec-logs-persistent"])
        expect(await status(control), control).to.equal("fail");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts the forwards of a real rsyslogd, proven by the datagrams they deliver, only while it runs", async () => {
    // rsyslogd reads the files bound over /etc/rsyslog.conf and /etc/rsyslog.d in the namespace,
    // where the probe reads them; it stays on the host's network to reach the listeners here.
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-rsyslog-"));
    const listeners = [createSocket("udp4"), createSocket("udp4")];
    let lab: DaemonNamespace | undefined;
    try {
      const received = listeners.map(() => [] as string[]);
      const [omfwdPort, legacyPort] = await Promise.all(
        listeners.map(
          (socket, i) =>
            new Promise<number>((resolve, reject) => {
              socket.once("error", reject);
              socket.on("message", (message) => received[i]!.push(message.toString()));
              socket.bind(0, "127.0.0.1", () => resolve(socket.address().port));
            }),
        ),
      );
      const logSocket = path.join(dir, "log");
      mkdirSync(path.join(dir, "work"));
      mkdirSync(path.join(dir, "rsyslog.d"));
      // Its own socket and work folder: the host's /dev/log and /var/spool/rsyslog stay untouched.
      writeFileSync(
        path.join(dir, "rsyslog.conf"),
        [
          `global(workDirectory="${path.join(dir, "work")}")`,
          'module(load="imuxsock" SysSock.Use="off")',
          `input(type="imuxsock" Socket="${logSocket}")`,
          "$IncludeConfig /etc/rsyslog.d/*.conf",
          `*.* @127.0.0.1:${legacyPort}`,
          "",
        ].join("\n"),
      );
      writeFileSync(
        path.join(dir, "rsyslog.d", "90-forward.conf"),
        `action(\n  type="omfwd"\n  target="127.0.0.1"\n  port="${omfwdPort}"\n  protocol="udp"\n)\n`,
      );
      lab = await startDaemonNamespace([
        [path.join(dir, "rsyslog.conf"), "/etc/rsyslog.conf"],
        [path.join(dir, "rsyslog.d"), "/etc/rsyslog.d"],
      ]);
      const rsyslogd = await lab.startDaemon("host", [
        "rsyslogd",
        "-n",
        "-f",
        "/etc/rsyslog.conf",
        "-i",
        path.join(dir, "rsyslogd.pid"),
      ]);
      const line = `stronghold forward check ${newNonce()}`;
      await eventually(`"${line}" at 127.0.0.1:${omfwdPort} and :${legacyPort}`, () => {
        if (received.every((r) => r.some((m) => m.includes(line)))) return true;
        // Resent until both arrive: the socket exists before the forwarding actions run.
        if (existsSync(logSocket)) spawnSync("logger", ["-u", logSocket, "-t", "stronghold", line]);
        return undefined;
      });

      const running = await probeServer(lab.enter("namespace"));
      expect(running.security.logging).to.deep.include({
        forwardedTo: [`127.0.0.1:${legacyPort}`, `127.0.0.1:${omfwdPort}`],
      });
      expect(await running.status("sec-logs-forwarded")).to.equal("pass");

      await rsyslogd.stop();
      const stopped = await probeServer(lab.enter("namespace"));
      expect(stopped.security.logging).to.deep.include({ forwardedTo: [] });
      expect(await stopped.status("sec-logs-forwarded")).to.equal("fail");
    } finally {
      await lab?.close();
      for (const socket of listeners) socket.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sees a real fail2ban-server whose sshd jail bans, beside an sshd on 0.0.0.0 in a network namespace", async () => {
    // A copy of /etc/fail2ban (Debian's defaults-debian.conf enables the sshd jail) with the
    // server's socket, database and log in a temporary folder, a jail that reads a file here and
    // a ban action that only writes to a file; an sshd on port 22 of the namespace's own network.
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-fail2ban-"));
    let lab: DaemonNamespace | undefined;
    try {
      const etc = path.join(dir, "fail2ban");
      execFileSync("cp", ["-a", "/etc/fail2ban", etc]);
      const authLog = path.join(dir, "auth.log");
      const banned = path.join(dir, "banned");
      writeFileSync(authLog, "");
      writeFileSync(
        path.join(etc, "fail2ban.local"),
        [
          "[DEFAULT]",
          `socket = ${path.join(dir, "fail2ban.sock")}`,
          `pidfile = ${path.join(dir, "fail2ban.pid")}`,
          `dbfile = ${path.join(dir, "fail2ban.sqlite3")}`,
          `logtarget = ${path.join(dir, "fail2ban.log")}`,
          "",
        ].join("\n"),
      );
      writeFileSync(
        path.join(etc, "jail.local"),
        [
          "[sshd]",
          "enabled = true",
          "backend = polling",
          `logpath = ${authLog}`,
          `action = dummy[target="${banned}"]`,
          "maxretry = 3",
          "",
        ].join("\n"),
      );
      const hostKey = path.join(dir, "host_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
      writeFileSync(
        path.join(dir, "sshd_config"),
        [
          "Port 22",
          "ListenAddress 0.0.0.0",
          `HostKey ${hostKey}`,
          `PidFile ${path.join(dir, "sshd.pid")}`,
          "UsePAM no",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "",
        ].join("\n"),
      );
      mkdirSync("/run/sshd", { recursive: true }); // sshd's privilege separation folder
      lab = await startDaemonNamespace([
        [etc, "/etc/fail2ban"],
        [path.join(dir, "sshd_config"), "/etc/ssh/sshd_config"],
      ]);
      const sshd = await lab.startDaemon("namespace", ["/usr/sbin/sshd", "-D", "-e"]);
      await eventually("sshd listening", () =>
        /Server listening on 0\.0\.0\.0 port 22/.test(sshd.output()) ? true : undefined,
      );
      const fail2ban = await lab.startDaemon("namespace", ["fail2ban-server", "-f", "-x"]);
      const client = (...args: string[]) => {
        try {
          return lab!.run("namespace", ["fail2ban-client", ...args]);
        } catch {
          return undefined; // not up yet
        }
      };
      await eventually("the sshd jail started", () =>
        /Jail list:\s*sshd\b/.test(client("status") ?? "") ? true : undefined,
      );
      // Three failed passwords from one address, as sshd logs them: the jail bans it.
      const attacker = "192.0.2.7";
      for (let i = 0; i < 3; i++)
        appendFileSync(
          authLog,
          syslogLine(
            `sshd[4242]: Failed password for root from ${attacker} port ${40000 + i} ssh2`,
          ),
        );
      await eventually(
        `${attacker} banned`,
        () =>
          new RegExp(`Banned IP list:\\s*${attacker.replace(/\./g, "\\.")}\\s*$`, "m").test(
            client("status", "sshd") ?? "",
          )
            ? true
            : undefined,
        10_000,
      );
      expect(readFileSync(banned, "utf8")).to.include(`+${attacker}`);

      const running = await probeServer(lab.enter("namespace"));
      expect(running.sections.get("brute-force")?.stdout).to.match(
        /^@status .*Jail list:\s*sshd$/m,
      );
      expect(running.security.bruteForceProtection).to.deep.equal({
        sshExposed: true,
        banning: { product: "fail2ban", running: true, sshdJail: true },
      });
      expect(await running.status("sec-ssh-brute-force-banning")).to.equal("pass");

      await fail2ban.stop();
      const stopped = await probeServer(lab.enter("namespace"));
      expect(stopped.security.bruteForceProtection).to.deep.equal({
        sshExposed: true,
        banning: { product: "fail2ban", running: false, sshdJail: true },
      });
      expect(await stopped.status("sec-ssh-brute-force-banning")).to.equal("fail");
    } finally {
      await lab?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads pending restarts and rescue-mode protection as /proc and systemd-analyze show them", async () => {
    // Process names mapping a deleted library or program, read from /proc here before and after
    // the run: a process may start or end in between, never one seen in neither scan.
    const staleNow = () => {
      const names = new Set<string>();
      for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
          const maps = readFileSync(`/proc/${pid}/maps`, "utf8");
          if (/ \/(usr\/)?(lib|lib64|lib32|libexec|bin|sbin)\/\S* \(deleted\)$/m.test(maps))
            names.add(readFileSync(`/proc/${pid}/comm`, "utf8").trim());
        } catch {
          // The process ended.
        }
      }
      return names;
    };
    const before = staleNow();
    const nonce = newNonce();
    const run = runScript(nonce, "nosudo");
    const after = staleNow();
    const split = splitProbeOutput(run.stdout, nonce);
    if (!split.ok) throw new Error(split.problem);
    const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
    const m = linuxMachineConfig(
      facts,
      "here",
      { department: "it", site: "lab", role: "workstation" },
      new Date().toISOString(),
    );
    const pending = m.config.security?.restartPending;
    if (pending === undefined || pending === "unknown") throw new Error("restartPending unknown");
    expect(pending.rebootRequired).to.equal(existsSync("/run/reboot-required"));
    const stale = pending.staleProcesses as string[];
    for (const name of [...before].filter((n) => after.has(n))) expect(stale).to.include(name);
    for (const name of stale) expect(before.has(name) || after.has(name), name).to.equal(true);

    // systemd's own merge of each unit with its overrides.
    const sulogin = ["rescue", "emergency"].every((u) => {
      const text = execFileSync("systemd-analyze", ["cat-config", `systemd/system/${u}.service`], {
        encoding: "utf8",
      });
      return /sulogin/.test([...text.matchAll(/^ExecStart=(.*)$/gm)].at(-1)?.[1] ?? "");
    });
    const boot = m.config.security?.bootProtection;
    if (typeof boot !== "object" || !("rescueRequiresPassword" in boot))
      throw new Error(`bootProtection is not the Linux facts: ${JSON.stringify(boot)}`);
    expect(boot.rescueRequiresPassword).to.equal(sulogin);
    // No grub.cfg where the tests run (a container) leaves the boot loader unknown.
    const grub = ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"].some((f) => existsSync(f));
    if (!grub) expect(boot.bootloaderPassword).to.equal("unknown");
  });

  it("ignores the host's PATH: a planted dpkg-query is never run", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-path-"));
    try {
      const fake = path.join(dir, "dpkg-query");
      writeFileSync(fake, "#!/bin/sh\necho 'ii \tplanted\t6.6.6'\n");
      chmodSync(fake, 0o755);
      const nonce = newNonce();
      const run = runScript(nonce, "nosudo", {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}` },
      });
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      expect(split.sections.get("dpkg")?.stdout).to.not.include("planted");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
