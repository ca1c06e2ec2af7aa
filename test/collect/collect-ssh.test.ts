/**
 * `stronghold collect` end to end against real OpenSSH servers on 127.0.0.1, with this Debian
 * machine as the target: the collected facts must match the machine, and every kind of broken
 * host is reported on its own while the others are still collected.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import {
  CollectionReportSchema,
  type CollectionReport,
} from "../../src/collect/collection-report.js";
import { validatorFor } from "../../src/documents/ajv.js";
import { NETWORK_SYSCTLS, type MachineConfig } from "../../src/machine-config/schema.js";
import { freePort, startSshd, type Sshd } from "../fixtures/sshd.js";
import { bufferIo } from "./buffer-io.js";

const machine = { department: "it", site: "town-hall", role: "server", owner: "IT" };

function osRelease(key: string): string | undefined {
  const text = execFileSync("cat", ["/etc/os-release"], { encoding: "utf8" });
  return new RegExp(`^${key}="?([^"\\n]+)"?$`, "m").exec(text)?.[1];
}

/** Installed packages as dpkg itself lists them: name → version. */
function dpkgPackages(): Map<string, string> {
  const rows = execFileSync(
    "dpkg-query",
    ["-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\n"],
    { encoding: "utf8" },
  );
  return new Map(
    rows
      .split("\n")
      .map((r) => r.split("\t"))
      .filter(([status, name, version]) => status?.startsWith("ii") && name && version)
      .map(([, name, version]) => [name!, version!]),
  );
}

/** What apt's own solver says: upgrades whose candidate comes from a -security suite. */
/** Whether apt has package lists of a -security suite, as the probe looks for them. */
function hasSecurityLists(): boolean {
  const lists = "/var/lib/apt/lists";
  return readdirSync(lists).some(
    (f) =>
      /_dists_[^_]*-security_.*_Packages/.test(f) ||
      /-security_dists_.*_updates_.*_Packages/.test(f),
  );
}

function aptSecurityUpgrades(): number {
  const simulated = execFileSync(
    "apt-get",
    [
      "-s",
      "-o",
      "Debug::NoLocking=1",
      "-o",
      "Dir::Cache::pkgcache=",
      "-o",
      "Dir::Cache::srcpkgcache=",
      "dist-upgrade",
    ],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  return simulated.split("\n").filter((l) => l.startsWith("Inst ") && /-security\b/.test(l)).length;
}

describe("stronghold collect over SSH (real sshd on 127.0.0.1)", function () {
  this.timeout(120_000);
  let good: Sshd;
  let other: Sshd;
  let garbage: Sshd;
  let slow: Sshd;
  let dir: string;
  let inventory: string;
  let out: string;
  let reportFile: string;
  let bannerFile: string;
  let run: { code: number; stdout: string; stderr: string; report: CollectionReport };
  /** Whether a syslog daemon ran while the collector probed (another test may start one). */
  let syslogDaemonDuringCollect = false;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-collect-"));
    bannerFile = path.join(dir, "banner.txt");
    await writeFile(bannerFile, "Authorized use only. Town of Millbrook systems are monitored.\n");
    // The sshd the collector reaches sets its own settings; the probe reads that sshd's config.
    [good, other, garbage, slow] = await Promise.all([
      startSshd({ extraConfig: [`Banner ${bannerFile}`] }),
      startSshd(),
      startSshd({
        extraConfig: ["ForceCommand printf 'Welcome to the jungle\\nThis is not a shell\\n'"],
      }),
      startSshd({ extraConfig: ["ForceCommand sleep 60"] }),
    ]);
    const mismatch = path.join(dir, "known_hosts_mismatch");
    await writeFile(mismatch, `[127.0.0.1]:${good.port} ${other.hostPublicKey}\n`);
    const ssh = (s: Sshd, extra: object = {}) => ({
      address: s.host,
      port: s.port,
      user: s.user,
      identityFile: s.identityFile,
      knownHostsFile: s.knownHostsFile,
      ...extra,
    });
    inventory = path.join(dir, "hosts.yaml");
    await writeFile(
      inventory,
      stringify({
        version: 1,
        defaults: { connectTimeoutSeconds: 5 },
        hosts: [
          { name: "debian-01", ...ssh(good), machine },
          { name: "unreachable-01", ...ssh(good, { port: await freePort() }), machine },
          { name: "wrong-key-01", ...ssh(good, { identityFile: other.identityFile }), machine },
          { name: "mismatch-01", ...ssh(good, { knownHostsFile: mismatch }), machine },
          { name: "garbage-01", ...ssh(garbage), machine },
          { name: "slow-01", ...ssh(slow), machine },
          { name: "here", transport: "local", machine: { ...machine, role: "workstation" } },
          { name: "no-facts", transport: "local" },
        ],
      }),
    );
    out = path.join(dir, "inventory");
    reportFile = path.join(dir, "collection-report.json");
    // A failed host keeps its earlier machine file untouched.
    await mkdir(out);
    await writeFile(path.join(out, "unreachable-01.json"), '{"earlier": true}\n');
    const io = bufferIo();
    // Sampled every 100 ms: probe-script.test.ts runs a real rsyslogd through a whole probe run.
    const sampler = setInterval(() => {
      if (spawnSync("pidof", ["rsyslogd", "syslog-ng"]).status === 0)
        syslogDaemonDuringCollect = true;
    }, 100).unref();
    const code = await main(
      [
        "node",
        "stronghold",
        "collect",
        "--hosts",
        inventory,
        "--out",
        out,
        "--report",
        reportFile,
        "--concurrency",
        "4",
        "--only",
        "debian-01,unreachable-01,wrong-key-01,mismatch-01,garbage-01,here,no-facts",
      ],
      io,
    );
    clearInterval(sampler);
    run = {
      code,
      stdout: io.out(),
      stderr: io.err(),
      report: JSON.parse(await readFile(reportFile, "utf8")) as CollectionReport,
    };
  });

  after(async () => {
    await Promise.all([good, other, garbage, slow].map((s) => s?.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  const outcome = (name: string) => run.report.hosts.find((h) => h.name === name);

  it("reports every host with its own outcome and exits 1", () => {
    expect(run.code, run.stderr).to.equal(1);
    expect(run.report.hosts.map((h) => [h.name, h.outcome])).to.deep.equal([
      ["debian-01", "ok"],
      ["unreachable-01", "unreachable"],
      ["wrong-key-01", "auth-failed"],
      ["mismatch-01", "host-key-mismatch"],
      ["garbage-01", "probe-error"],
      ["here", "ok"],
      ["no-facts", "inventory-incomplete"],
    ]);
    const garbageHost = outcome("garbage-01");
    expect(garbageHost?.outcome !== "ok" && garbageHost?.message).to.match(
      /no framed output.*Welcome to the jungle/,
    );
    const noFacts = outcome("no-facts");
    expect(noFacts?.outcome !== "ok" && noFacts?.message).to.match(
      /^\/hosts\/7\/machine is missing/,
    );
    expect(run.report.summary).to.deep.include({ hosts: 7, ok: 2, failed: 5 });
  });

  it("writes a report that validates against its published schema, and a table", () => {
    const validate = validatorFor(CollectionReportSchema);
    expect(validate(run.report), JSON.stringify(validate.errors)).to.equal(true);
    for (const name of ["debian-01", "mismatch-01", "garbage-01"])
      expect(run.stdout).to.include(name);
    expect(run.stdout).to.match(/7 host\(s\): 2 ok, 5 failed/);
    expect(run.stderr).to.match(/\[7\/7\]/);
  });

  it("writes machine files only for collected hosts, and leaves a failed host's earlier file alone", async () => {
    expect((await readdir(out)).sort()).to.deep.equal([
      "debian-01.json",
      "here.json",
      "unreachable-01.json",
    ]);
    expect(await readFile(path.join(out, "unreachable-01.json"), "utf8")).to.equal(
      '{"earlier": true}\n',
    );
  });

  it("collects this machine's OS, kernel, packages and addresses", async () => {
    const config = JSON.parse(
      await readFile(path.join(out, "debian-01.json"), "utf8"),
    ) as MachineConfig;
    expect(config).to.deep.include({
      hostname: "debian-01",
      department: "it",
      site: "town-hall",
      role: "server",
      owner: "IT",
    });
    expect(config.os).to.deep.include({
      family: "linux",
      name: osRelease("NAME"),
      version: osRelease("VERSION_ID"),
      build: execFileSync("uname", ["-r"], { encoding: "utf8" }).trim(),
    });

    const installed = dpkgPackages();
    const software = new Map(
      (config.software as { name: string; version: string }[]).map((s) => [s.name, s.version]),
    );
    expect(software.size).to.equal(installed.size);
    const sample = [
      "openssh-server",
      "bash",
      "libc6",
      "dpkg",
      ...[...installed.keys()].filter((_, i) => i % 97 === 0),
    ];
    for (const name of sample) expect(software.get(name), name).to.equal(installed.get(name));

    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && !/^(fe80:|169\.254\.)/i.test(a.address));
    expect(new Set(config.ipAddresses as string[])).to.deep.equal(
      new Set(addresses.map((a) => a!.address)),
    );
    for (const a of addresses) expect(config.macAddresses).to.include(a!.mac.toLowerCase());

    // Leased or configured, from ip's one-line listing (a DHCP lease says "dynamic"); the
    // interfaces the collector leaves out (loopback, virtual) are left out here too.
    const v4 = execFileSync("ip", ["-4", "-o", "addr", "show", "scope", "global"], {
      encoding: "utf8",
    })
      .split("\n")
      .filter((l) => l.trim() !== "" && !/^\d+:\s+(lo|veth|docker|br-|virbr|ifb|dummy)/.test(l));
    const leased = v4.filter((l) => /\bdynamic\b/.test(l)).length;
    const expected =
      v4.length === 0 || (leased > 0 && leased < v4.length)
        ? "unknown"
        : leased === 0
          ? "static"
          : "dhcp";
    expect(config.ipAssignment).to.equal(expected);

    // Accounts, read directly: uid 0 in /etc/passwd (here root and stronghold-lab, the login of
    // the test sshd) and empty password fields in /etc/shadow.
    const entries = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.split(":"));
    expect(config.security?.uid0Accounts).to.deep.equal(
      entries("/etc/passwd")
        .filter((f) => f[2] === "0")
        .map((f) => f[0]),
    );
    expect(config.security?.emptyPasswordAccounts).to.deep.equal(
      entries("/etc/shadow")
        .filter((f) => f[1] === "")
        .map((f) => f[0]),
    );
  });

  it("collects this machine's logging, kernel network settings, temporary mounts, sudo policy, umask, AppArmor/SELinux, file integrity monitoring and SSH exposure and banning", async () => {
    const config = JSON.parse(
      await readFile(path.join(out, "debian-01.json"), "utf8"),
    ) as MachineConfig;
    const security = config.security!;
    const run = (command: string, args: string[]) =>
      spawnSync(command, args, { encoding: "utf8" }).stdout.trim();

    // sysctl, not /proc/sys as the probe reads.
    expect(security.kernelNetwork).to.deep.equal(
      Object.fromEntries(NETWORK_SYSCTLS.map((k) => [k, Number(run("sysctl", ["-n", k]))])),
    );

    // findmnt prints each mount on the point; the last one is in use.
    const mount = (point: string) => {
      const rows = run("findmnt", ["-n", "-o", "FSTYPE,OPTIONS", "--mountpoint", point]);
      if (rows === "") return "not-separate";
      const [filesystem, options] = rows.split("\n").at(-1)!.trim().split(/\s+/);
      return { filesystem, options: options!.split(",") };
    };
    expect(security.temporaryMounts).to.deep.equal({
      tmp: mount("/tmp"),
      devShm: mount("/dev/shm"),
    });

    if (!existsSync("/etc/sudoers")) expect(security.sudo).to.equal("absent");
    else expect(security.sudo).to.be.an("object");

    // journald's merged configuration as systemd-analyze shows it; a syslog daemon writing
    // files would also keep logs, and one forwarding would list a target.
    const storage = (
      /^Storage=(\S+)/m.exec(
        run("systemd-analyze", ["cat-config", "systemd/journald.conf"]),
      )?.[1] ?? "auto"
    ).toLowerCase();
    const daemons =
      syslogDaemonDuringCollect || spawnSync("pidof", ["rsyslogd", "syslog-ng"]).status === 0;
    if (!daemons) {
      expect(security.logging).to.deep.equal({
        persistent:
          storage === "persistent" || (storage === "auto" && existsSync("/var/log/journal")),
        forwardedTo: [],
      });
    }

    // AppArmor's module parameter and SELinux's filesystem, read directly.
    const apparmor =
      existsSync("/sys/module/apparmor/parameters/enabled") &&
      readFileSync("/sys/module/apparmor/parameters/enabled", "utf8").trim() === "Y";
    const selinux = existsSync("/sys/fs/selinux/enforce");
    if (!apparmor && !selinux)
      expect(security.mandatoryAccessControl).to.deep.equal({ system: "none", mode: "disabled" });
    else
      expect(security.mandatoryAccessControl).to.have.property(
        "system",
        apparmor ? "apparmor" : "selinux",
      );

    // A monitor's package, asked of dpkg itself.
    const monitors = ["aide", "tripwire", "wazuh-agent", "osquery"].filter((p) =>
      spawnSync("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", p])
        .stdout.toString()
        .startsWith("ii"),
    );
    if (monitors.length === 0) expect(security.fileIntegrity).to.equal("none");
    else expect(security.fileIntegrity).to.be.an("object");

    // The collector reached the test sshd: ss lists where its port listens.
    const listeners = run("ss", ["-Hltn", `sport = :${good.port}`])
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => l.trim().split(/\s+/)[3]!);
    expect(listeners.length).to.be.greaterThan(0);
    const loopback = (a: string) => /^(127\.|\[::1\]|\[::ffff:127\.)/.test(a);
    const banners = ["fail2ban", "sshguard"].filter((p) =>
      spawnSync("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", p])
        .stdout.toString()
        .startsWith("ii"),
    );
    expect(security.bruteForceProtection).to.deep.include({
      sshExposed: !listeners.every(loopback),
      ...(banners.length === 0 ? { banning: "none" } : {}),
    });

    // What a login shell's profiles leave of a umask that masked everything, and login.defs.
    const profiles = parseInt(
      run("sh", ["-c", "umask 0777; exec env -i HOME=/root PATH=/usr/bin:/bin bash -l -c umask"]),
      8,
    );
    const loginDefs = /^UMASK\s+([0-7]+)/m.exec(readFileSync("/etc/login.defs", "utf8"))?.[1];
    const mask = profiles & (loginDefs === undefined ? 0o777 : parseInt(loginDefs, 8));
    expect(security.defaultUmask).to.equal(
      `0${(mask === 0o777 ? 0o022 : mask).toString(8).padStart(3, "0")}`,
    );
  });

  it("reads the settings of the sshd it connected to, not the system's", async () => {
    const host = outcome("debian-01");
    if (host?.outcome !== "ok") throw new Error("debian-01 was not collected");
    expect(host.observations).to.deep.include({
      sshdConfig: { value: path.join(good.dir, "sshd_config") },
      sshBanner: { value: bannerFile },
    });
    // The truth: sshd -T run directly on the test daemon's own config file.
    const sshdT = execFileSync("/usr/sbin/sshd", ["-T", "-f", path.join(good.dir, "sshd_config")], {
      encoding: "utf8",
    });
    const setting = (key: string) => new RegExp(`^${key} (\\S+)$`, "m").exec(sshdT)?.[1];
    const config = JSON.parse(
      await readFile(path.join(out, "debian-01.json"), "utf8"),
    ) as MachineConfig;
    expect(config.security?.sshServer).to.deep.equal({
      permitRootLogin: setting("permitrootlogin")?.replace("without-password", "prohibit-password"),
      passwordAuthentication: setting("passwordauthentication") === "yes",
      maxAuthTries: Number(setting("maxauthtries")),
    });
    // The local host has no sshd in between: it reports the system default config.
    const here = outcome("here");
    expect(here?.outcome === "ok" && here.observations.sshdConfig).to.deep.equal({
      value: "default",
    });
  });

  it("counts the same pending security updates as apt's own solver, or says it has no -security lists", () => {
    const host = outcome("debian-01");
    if (host?.outcome !== "ok") throw new Error("debian-01 was not collected");
    // A machine whose sources lack the security suite, or whose apt-get update never fetched it,
    // cannot tell: the probe must say so rather than count zero.
    if (!hasSecurityLists()) {
      expect(host.observations.pendingSecurityUpdates)
        .to.have.property("unknown")
        .that.matches(/no -security package lists/);
      return;
    }
    expect(host.observations.pendingSecurityUpdates).to.deep.equal({
      value: aptSecurityUpgrades(),
    });
  });

  it("writes files that `stronghold check` reads without a single input problem", async () => {
    // The earlier file is a stand-in, not a machine config: check only what was collected.
    await rm(path.join(out, "unreachable-01.json"));
    const io = bufferIo();
    const code = await main(
      [
        "node",
        "stronghold",
        "check",
        out,
        "--at",
        "2026-11-22T12:00:00Z",
        "--format",
        "json",
        "--fail-on",
        "never",
      ],
      io,
    );
    expect(code, io.err()).to.equal(0);
    const report = JSON.parse(io.out()) as { problems: unknown[]; subjects: { subject: string }[] };
    expect(report.problems).to.deep.equal([]);
    expect(report.subjects.map((s) => s.subject).sort()).to.deep.equal(["debian-01", "here"]);
  });

  it("stops a host at --timeout and says so", async () => {
    const io = bufferIo();
    const started = Date.now();
    const code = await main(
      [
        "node",
        "stronghold",
        "collect",
        "--hosts",
        inventory,
        "--out",
        out,
        "--report",
        path.join(dir, "slow.json"),
        "--only",
        "slow-01",
        "--timeout",
        "2",
      ],
      io,
    );
    expect(code).to.equal(1);
    expect(Date.now() - started).to.be.below(10_000);
    const report = JSON.parse(
      await readFile(path.join(dir, "slow.json"), "utf8"),
    ) as CollectionReport;
    expect(report.hosts[0]).to.deep.include({ name: "slow-01", outcome: "timeout" });
  });
});
