/**
 * Host hardening facts from their probes: logging, kernel network settings, temporary mounts,
 * sudo policy and umask. The configuration texts are written as the packages ship them (Debian
 * 12's journald.conf, rsyslog.conf and sudoers; RHEL 9's /etc/bashrc umask block) or as the
 * rsyslog, syslog-ng and sudoers manuals show their syntax; each case says which.
 */
import { expect } from "chai";
import { known, unknown } from "../../../src/collect/fact.js";
import type { Activity } from "../../../src/collect/linux/activity.js";
import { parseKernelNetwork } from "../../../src/collect/linux/kernel-network.js";
import {
  parseLogging,
  rsyslogTargets,
  syslogNgTargets,
} from "../../../src/collect/linux/logging.js";
import { parseSudoers } from "../../../src/collect/linux/sudoers.js";
import { parseMandatoryAccessControl } from "../../../src/collect/linux/mandatory-access-control.js";
import { parseFileIntegrity } from "../../../src/collect/linux/file-integrity.js";
import { parseRestartPending } from "../../../src/collect/linux/restart-pending.js";
import { parseBootProtection } from "../../../src/collect/linux/boot-protection.js";
import { isLoopback, parseBruteForce } from "../../../src/collect/linux/brute-force.js";
import { parseTemporaryMounts } from "../../../src/collect/linux/temporary-mounts.js";
import { parseUmask } from "../../../src/collect/linux/umask.js";
import { MISSING, out } from "../../fixtures/linux/transcripts.js";

const running = (processes: string[], services: Record<string, string> = {}): Activity => ({
  processes: known(new Set(processes)),
  services: known(
    new Map(
      Object.entries(services).map(([n, active]) => [
        n,
        { load: "loaded", active, sub: "running" },
      ]),
    ),
  ),
});

describe("logging", () => {
  it("reads rsyslog's legacy forwards: @@ TCP, @ UDP with options, IPv6 and RELP", () => {
    // Selector lines as rsyslog.conf(5) and the rsyslog docs write them.
    expect(
      rsyslogTargets([
        "*.* @@logs.millbrook.example:6514",
        "auth,authpriv.* @(z9)192.0.2.10",
        "*.* @[2001:db8::1]:514;RSYSLOG_ForwardFormat",
        "*.* :omrelp:relp.example:2514",
        '$template Mail,"%msg% to admin@example"',
        "*.* /var/log/all.log",
      ]),
    ).to.deep.equal([
      "logs.millbrook.example:6514",
      "192.0.2.10",
      "[2001:db8::1]:514",
      "relp.example:2514",
    ]);
  });

  it("reads a RainerScript omfwd action spread over lines", () => {
    expect(
      rsyslogTargets([
        '*.* action(type="omfwd"',
        '  target="10.20.0.5" port="514" protocol="tcp"',
        '  queue.type="LinkedList")',
        'action(type="omfile" file="/var/log/x")',
      ]),
    ).to.deep.equal(["10.20.0.5:514"]);
  });

  it("reads syslog-ng network destinations, not its sources", () => {
    expect(
      syslogNgTargets([
        'source s_net { network(ip("0.0.0.0") port(514)); };',
        'destination d_remote { network("logs.example" port(6514) transport("tls")); };',
        "destination d_udp { udp(192.0.2.7); };",
        'destination d_file { file("/var/log/messages"); };',
      ]),
    ).to.deep.equal(["logs.example:6514", "192.0.2.7"]);
  });

  const debianJournald = "@file /etc/systemd/journald.conf\n[Journal]\n";

  it("Debian 12 as installed: journald's auto storage with /var/log/journal, nothing forwarded", () => {
    expect(
      parseLogging(out(`${debianJournald}@journal-dir yes\n`), running(["systemd-journal"])),
    ).to.deep.equal({
      persistent: known(true),
      forwardedTo: known([]),
    });
    expect(
      parseLogging(out(`${debianJournald}@journal-dir no\n`), running(["systemd-journal"]))
        .persistent,
    ).to.deep.equal(known(false));
  });

  it("Storage=volatile keeps nothing, unless rsyslog writes files; forwarding counts only while its daemon runs", () => {
    const text = [
      "@file /etc/systemd/journald.conf",
      "[Journal]",
      "Storage=volatile",
      "@file /etc/rsyslog.conf",
      "*.*;auth,authpriv.none -/var/log/syslog",
      "@file /etc/rsyslog.d/90-forward.conf",
      "*.* @@logs.millbrook.example:6514",
      "@journal-dir yes",
      "",
    ].join("\n");
    expect(parseLogging(out(text), running(["rsyslogd"]))).to.deep.equal({
      persistent: known(true),
      forwardedTo: known(["logs.millbrook.example:6514"]),
    });
    expect(parseLogging(out(text), running(["sshd"]))).to.deep.equal({
      persistent: known(false),
      forwardedTo: known([]),
    });
  });

  it("journal-upload: the URL counts while systemd-journal-upload.service is active", () => {
    const text = [
      "@file /etc/systemd/journal-upload.conf",
      "[Upload]",
      "URL=https://logs.millbrook.example:19532",
      "@journal-dir yes",
      "",
    ].join("\n");
    expect(
      parseLogging(out(text), running(["systemd-journal"], { "systemd-journal-upload": "active" }))
        .forwardedTo,
    ).to.deep.equal(known(["https://logs.millbrook.example:19532"]));
    expect(
      parseLogging(
        out(text),
        running(["systemd-journal"], { "systemd-journal-upload": "inactive" }),
      ).forwardedTo,
    ).to.deep.equal(known([]));
  });

  it("is unknown when forwarding is configured but nothing says whether its daemon runs", () => {
    const text = "@file /etc/rsyslog.d/f.conf\n*.* @@logs:514\n@journal-dir yes\n";
    const blind: Activity = { processes: unknown("ps failed"), services: unknown("no systemctl") };
    const fact = parseLogging(out(text), blind).forwardedTo;
    expect(fact.known).to.equal(false);
    if (!fact.known) expect(fact.reason).to.match(/logs:514 is configured.*ps failed/);
  });
});

describe("kernel network settings", () => {
  // As the probe printed them on this project's Debian 12 test machine.
  const debian = [
    "net.ipv4.ip_forward=0",
    "net.ipv4.conf.all.accept_redirects=1",
    "net.ipv4.conf.all.send_redirects=1",
    "net.ipv4.conf.all.accept_source_route=0",
    "net.ipv4.conf.all.rp_filter=0",
    "net.ipv4.tcp_syncookies=1",
    "net.ipv4.icmp_echo_ignore_broadcasts=1",
    "net.ipv4.conf.all.log_martians=0",
  ].join("\n");

  it("reads every key", () => {
    const fact = parseKernelNetwork(out(`${debian}\n`));
    expect(fact.known && fact.value).to.deep.include({
      "net.ipv4.conf.all.accept_redirects": 1,
      "net.ipv4.conf.all.rp_filter": 0,
    });
  });

  it("leaves out a key the kernel lacks", () => {
    const fact = parseKernelNetwork(
      out(debian.replace("net.ipv4.tcp_syncookies=1", "net.ipv4.tcp_syncookies!absent")),
    );
    expect(fact.known && "net.ipv4.tcp_syncookies" in fact.value).to.equal(false);
  });

  for (const [what, output, reason] of [
    ["without /proc/sys", MISSING, /not available/],
    [
      "with a key missing",
      out("net.ipv4.ip_forward=0\n"),
      /no value printed for net.ipv4.conf.all/,
    ],
    [
      "with a value that is no number",
      out(debian.replace("forward=0", "forward=x")),
      /not a number/,
    ],
  ] as const)
    it(`is unknown ${what}`, () => {
      const fact = parseKernelNetwork(output);
      expect(fact.known).to.equal(false);
      if (!fact.known) expect(fact.reason).to.match(reason);
    });
});

describe("temporary mounts", () => {
  it("reads a tmpfs /tmp and takes the last of two /dev/shm mounts", () => {
    // /proc/self/mounts of this project's test container (a bind of /dev/shm twice).
    const fact = parseTemporaryMounts(
      out(
        "/tmp tmpfs rw,nosuid,nodev,noexec,relatime\n/dev/shm tmpfs rw,relatime\n/dev/shm tmpfs rw,nosuid,nodev,noexec\n",
      ),
    );
    expect(fact).to.deep.equal(
      known({
        tmp: { filesystem: "tmpfs", options: ["rw", "nosuid", "nodev", "noexec", "relatime"] },
        devShm: { filesystem: "tmpfs", options: ["rw", "nosuid", "nodev", "noexec"] },
      }),
    );
  });

  it("says not-separate when /tmp is part of the root filesystem", () => {
    const fact = parseTemporaryMounts(out("/dev/shm tmpfs rw,nosuid,nodev\n"));
    expect(fact.known && fact.value.tmp).to.equal("not-separate");
  });

  it("is unknown without /proc/self/mounts", () => {
    expect(parseTemporaryMounts(MISSING).known).to.equal(false);
  });
});

describe("sudo policy", () => {
  // Debian 12's /etc/sudoers as the sudo package installs it (comments shortened).
  const debian = [
    "@file /etc/sudoers",
    "Defaults\tenv_reset",
    "Defaults\tmail_badpass",
    'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
    "Defaults\tuse_pty",
    "# User privilege specification",
    "root\tALL=(ALL:ALL) ALL",
    "%sudo\tALL=(ALL:ALL) ALL",
    "@includedir /etc/sudoers.d",
  ].join("\n");

  it("Debian 12 as installed: use_pty, no log of its own, nobody without a password", () => {
    expect(parseSudoers(out(`${debian}\n@file /etc/sudoers.d/README\n`))).to.deep.equal(
      known({ nopasswdAll: [], logging: false, usePty: true }),
    );
  });

  it("finds NOPASSWD: ALL in an included file, through a Cmnd_Alias and across a continuation", () => {
    const text = [
      debian,
      "@file /etc/sudoers.d/90-cloud-init-users",
      "# Created by cloud-init",
      "admin ALL=(ALL) NOPASSWD:ALL",
      "@file /etc/sudoers.d/deploy",
      "Cmnd_Alias EVERYTHING = ALL",
      "User_Alias DEPLOYERS = deploy, ci",
      "DEPLOYERS ALL = (root) NOPASSWD: /usr/bin/systemctl restart app, \\",
      "    EVERYTHING",
      "backup ALL=(root) NOPASSWD: /usr/bin/restic # #1 only restic",
      "ops, oncall ALL=(ALL) NOPASSWD: SETENV: ALL",
      "Defaults logfile=/var/log/sudo.log",
      "",
    ].join("\n");
    expect(parseSudoers(out(text))).to.deep.equal(
      known({ nopasswdAll: ["admin", "DEPLOYERS", "ops", "oncall"], logging: true, usePty: true }),
    );
  });

  it("PASSWD after NOPASSWD asks again; Defaults !authenticate drops every password; scoped Defaults do not count", () => {
    const text = [
      "@file /etc/sudoers",
      "Defaults:alice !use_pty",
      "Defaults log_output",
      "alice ALL=(ALL) NOPASSWD: /usr/bin/apt, PASSWD: ALL",
      "root ALL=(ALL) NOPASSWD: ALL",
      "bob ALL=(ALL) ALL",
      "",
    ].join("\n");
    expect(parseSudoers(out(text))).to.deep.equal(
      known({ nopasswdAll: [], logging: true, usePty: false }),
    );
    const open = text.replace("Defaults log_output", "Defaults !authenticate");
    expect(parseSudoers(out(open))).to.deep.equal(
      known({ nopasswdAll: ["bob"], logging: false, usePty: false }),
    );
  });

  it("without a use_pty setting, sudo 1.9.14 and later use a pseudo-terminal (Debian 12 ships 1.9.13p3)", () => {
    const text = "@file /etc/sudoers\nroot ALL=(ALL:ALL) ALL\n";
    const pty = (version?: string) => {
      const fact = parseSudoers(out(text), version);
      return fact.known && fact.value !== "absent" && fact.value.usePty;
    };
    expect(pty("1.9.13p3-1+deb12u1")).to.equal(false);
    expect(pty("1.9.15p5-3ubuntu5")).to.equal(true);
    expect(pty("1.9.14-1")).to.equal(true);
    expect(pty(undefined)).to.equal(false);
    const off = parseSudoers(out(`${text}Defaults !use_pty\n`), "1.9.15p5-3ubuntu5");
    expect(off.known && off.value !== "absent" && off.value.usePty).to.equal(false);
  });

  it("says absent without /etc/sudoers, and unknown when the files cannot be read", () => {
    expect(parseSudoers(out("absent\n"))).to.deep.equal(known("absent"));
    const fact = parseSudoers(out("", 126, "needs root: rerun with --sudo"));
    expect(fact.known).to.equal(false);
    if (!fact.known) expect(fact.reason).to.match(/needs root/);
  });
});

describe("default umask", () => {
  it("Debian 12 as installed: login.defs UMASK 022", () => {
    expect(parseUmask(out("login.defs 022\n"))).to.deep.equal(known("0022"));
  });

  it("RHEL 9: /etc/bashrc gives 002 to user-private groups and 022 otherwise: 002 is what every login gets", () => {
    expect(
      parseUmask(
        out(
          "login.defs 022\n/etc/bashrc 002\n/etc/bashrc 022\n/etc/profile 002\n/etc/profile 022\n",
        ),
      ),
    ).to.deep.equal(known("0002"));
  });

  it("a hardened server: 027 everywhere, pam_umask and a symbolic umask", () => {
    expect(
      parseUmask(
        out(
          "login.defs 027\n/etc/pam.d/common-session 0027\n/etc/profile.d/umask.sh u=rwx,g=rx,o=\n",
        ),
      ),
    ).to.deep.equal(known("0027"));
  });

  it("nothing configured: the inherited 022", () => {
    expect(parseUmask(out(""))).to.deep.equal(known("0022"));
  });

  it("is unknown for a umask it cannot read", () => {
    const fact = parseUmask(out("/etc/profile $UMASK\n"));
    expect(fact.known).to.equal(false);
    if (!fact.known) expect(fact.reason).to.match(/\/etc\/profile sets a umask/);
  });
});

describe("mandatory access control", () => {
  // /sys/kernel/security/apparmor/profiles lines in the form the AppArmor kernel interface
  // prints ("NAME (MODE)"), as on an Ubuntu 24.04 server; getenforce's words from its man page.
  it("AppArmor with profiles in enforce and complain mode", () => {
    const text = [
      "apparmor=Y",
      "profile /usr/sbin/cupsd (enforce)",
      "profile /usr/lib/snapd/snap-confine (enforce)",
      "profile nvidia_modprobe (kill)",
      "profile /usr/bin/man (complain)",
      "",
    ].join("\n");
    expect(parseMandatoryAccessControl(out(text))).to.deep.equal(
      known({ system: "apparmor", mode: "enforcing", enforcedProfiles: 3, complainProfiles: 1 }),
    );
  });

  it("AppArmor with every profile in complain mode is permissive; with none loaded, disabled", () => {
    expect(
      parseMandatoryAccessControl(out("apparmor=Y\nprofile /usr/bin/man (complain)\n")),
    ).to.deep.include({
      value: { system: "apparmor", mode: "permissive", enforcedProfiles: 0, complainProfiles: 1 },
    });
    expect(parseMandatoryAccessControl(out("apparmor=Y\n"))).to.deep.include({
      value: { system: "apparmor", mode: "disabled", enforcedProfiles: 0, complainProfiles: 0 },
    });
  });

  it("SELinux by getenforce, or by /sys/fs/selinux/enforce without it", () => {
    expect(
      parseMandatoryAccessControl(out("selinux=Enforcing\nSELINUX=enforcing\n")),
    ).to.deep.equal(known({ system: "selinux", mode: "enforcing" }));
    expect(parseMandatoryAccessControl(out("selinux-enforce=0\n"))).to.deep.equal(
      known({ system: "selinux", mode: "permissive" }),
    );
  });

  it("neither: a kernel without AppArmor (apparmor=N or no module) and no SELinux", () => {
    expect(parseMandatoryAccessControl(out(""))).to.deep.equal(
      known({ system: "none", mode: "disabled" }),
    );
    expect(parseMandatoryAccessControl(out("apparmor=N\nselinux=Disabled\n"))).to.deep.equal(
      known({ system: "none", mode: "disabled" }),
    );
  });

  it("is unknown when AppArmor is on but its profiles cannot be read", () => {
    const fact = parseMandatoryAccessControl(out("apparmor=Y\nprofiles!unreadable\n"));
    expect(fact.known).to.equal(false);
    if (!fact.known) expect(fact.reason).to.match(/--sudo/);
  });
});

describe("file integrity monitoring", () => {
  const pkgs = (...names: string[]) => known(names.map((name) => ({ name, version: "1" })));
  const idle = running(["sshd"]);

  it("none without a monitor's package", () => {
    expect(parseFileIntegrity(out("none\n"), pkgs("openssh-server"), idle)).to.deep.equal(
      known("none"),
    );
  });

  it("AIDE on Debian 12: database and the package's timer", () => {
    const text =
      "database /var/lib/aide/aide.db\ncron /etc/cron.daily/dailyaidecheck\ntimer dailyaidecheck.timer enabled\n";
    expect(parseFileIntegrity(out(text), pkgs("aide", "aide-common"), idle)).to.deep.equal(
      known({ product: "AIDE", databaseInitialised: known(true), scheduled: known(true) }),
    );
  });

  it("AIDE installed but never initialised, and no schedule (RHEL's package ships none)", () => {
    const text = "timer dailyaidecheck.timer \ntimer aidecheck.timer disabled\n";
    expect(parseFileIntegrity(out(text), pkgs("aide"), idle)).to.deep.equal(
      known({ product: "AIDE", databaseInitialised: known(false), scheduled: known(false) }),
    );
  });

  it("a Wazuh agent counts while its integrity daemon runs", () => {
    expect(
      parseFileIntegrity(out("none\n"), pkgs("wazuh-agent"), running(["wazuh-syscheckd"])),
    ).to.deep.equal(
      known({ product: "Wazuh", databaseInitialised: known(true), scheduled: known(true) }),
    );
  });

  it("AIDE read without root: its facts are unknown, the product is known", () => {
    const fact = parseFileIntegrity(
      out("", 126, "needs root: rerun with --sudo"),
      pkgs("aide"),
      idle,
    );
    expect(fact.known && fact.value !== "none" && fact.value.databaseInitialised.known).to.equal(
      false,
    );
  });
});

describe("updates not in effect", () => {
  // needrestart -b batch output in the form of needrestart's README (batch mode section).
  it("needrestart: a version upgrade of the kernel pending and services to restart", () => {
    const text = [
      "NEEDRESTART-VER: 3.6",
      "NEEDRESTART-KCUR: 6.1.0-25-amd64",
      "NEEDRESTART-KEXP: 6.1.0-28-amd64",
      "NEEDRESTART-KSTA: 3",
      "NEEDRESTART-SVC: ssh.service",
      "NEEDRESTART-SVC: cron.service",
      "",
    ].join("\n");
    expect(parseRestartPending(out(text))).to.deep.equal(
      known({ rebootRequired: true, staleProcesses: ["cron.service", "ssh.service"] }),
    );
  });

  it("needrestart with the running kernel current and nothing to restart", () => {
    expect(parseRestartPending(out("NEEDRESTART-VER: 3.6\nNEEDRESTART-KSTA: 1\n"))).to.deep.equal(
      known({ rebootRequired: false, staleProcesses: [] }),
    );
  });

  it("without needrestart: /run/reboot-required and processes mapping deleted libraries", () => {
    const text =
      "reboot-required\npkg linux-image-6.1.0-28-amd64\n@maps\nstale sshd\nstale cron\nstale sshd\n";
    expect(parseRestartPending(out(text))).to.deep.equal(
      known({ rebootRequired: true, staleProcesses: ["cron", "sshd"] }),
    );
  });

  it("is unknown when needrestart or the maps cannot be read", () => {
    expect(parseRestartPending(out("", 126, "needs root: rerun with --sudo")).known).to.equal(
      false,
    );
  });
});

describe("boot protection", () => {
  // grub.cfg lines as grub-mkconfig writes them from /etc/grub.d/40_custom (GRUB manual,
  // "Authentication and authorisation"); unit lines as Debian 12's systemd ships them.
  const units = [
    "unit rescue ExecStart=-/lib/systemd/systemd-sulogin-shell rescue",
    "unit emergency ExecStart=-/lib/systemd/systemd-sulogin-shell emergency",
  ].join("\n");

  it("a GRUB superuser with a PBKDF2 password, and sulogin for rescue and emergency", () => {
    const text = [
      "@grub /boot/grub/grub.cfg",
      'set superusers="grubadmin"',
      "password_pbkdf2 grubadmin grub.pbkdf2.sha512.10000.9A1B2C.D3E4F5",
      units,
      "",
    ].join("\n");
    expect(parseBootProtection(out(text))).to.deep.equal({
      bootloaderPassword: known(true),
      rescueRequiresPassword: known(true),
    });
  });

  it("grub.cfg without superusers, and a drop-in giving rescue a plain shell", () => {
    const text = [
      "@grub /boot/grub/grub.cfg",
      units,
      "unit rescue ExecStart=",
      "unit rescue ExecStart=-/bin/sh",
      "",
    ].join("\n");
    expect(parseBootProtection(out(text))).to.deep.equal({
      bootloaderPassword: known(false),
      rescueRequiresPassword: known(false),
    });
  });

  it("no grub.cfg (a container, another boot loader): the boot loader is unknown", () => {
    const fact = parseBootProtection(out(`${units}\n`));
    expect(fact.rescueRequiresPassword).to.deep.equal(known(true));
    expect(fact.bootloaderPassword.known).to.equal(false);
  });
});

describe("brute-force banning", () => {
  // /proc/net rows as the listening probe prints them: table, hex port, state, hex address.
  const sshd = out("config=default\nport 22\npermitrootlogin no\n");
  const onLoopback = out("tcp 0016 0A 0100007F\ntcp6 0016 0A 00000000000000000000000001000000\n");
  const onAll = out("tcp 0016 0A 00000000\ntcp 0050 0A 00000000\n");
  const idle = running(["sshd"]);

  it("tells loopback addresses from others", () => {
    expect(isLoopback("0100007F")).to.equal(true);
    expect(isLoopback("0101007F")).to.equal(true); // 127.0.1.1
    expect(isLoopback("0A00000A")).to.equal(false); // 10.0.0.10
    expect(isLoopback("0000000000000000FFFF00000100007F")).to.equal(true);
    expect(isLoopback("00000000000000000000000000000000")).to.equal(false);
  });

  it("sshd on loopback only is not exposed; on 0.0.0.0 it is", () => {
    expect(parseBruteForce(out("none\n"), sshd, onLoopback, idle).sshExposed).to.deep.equal(
      known(false),
    );
    expect(parseBruteForce(out("none\n"), sshd, onAll, idle)).to.deep.equal({
      sshExposed: known(true),
      banning: known("none"),
    });
  });

  it("fail2ban on Debian: jail.conf leaves jails off, defaults-debian.conf turns sshd on", () => {
    // Section and key layout of Debian 12's fail2ban 1.0.2 files (comments left out by the probe).
    const text = [
      "@fail2ban",
      "@file /etc/fail2ban/jail.conf",
      "[INCLUDES]",
      "before = paths-debian.conf",
      "[DEFAULT]",
      "enabled = false",
      "[sshd]",
      "port    = ssh",
      "logpath = %(sshd_log)s",
      "@file /etc/fail2ban/jail.d/defaults-debian.conf",
      "[sshd]",
      "enabled = true",
      "",
    ].join("\n");
    expect(
      parseBruteForce(out(text), sshd, onAll, running(["fail2ban-server"])).banning,
    ).to.deep.equal(known({ product: "fail2ban", running: known(true), sshdJail: known(true) }));
    const off = text.replace("[sshd]\nenabled = true", "[sshd]\nenabled = false");
    expect(parseBruteForce(out(off), sshd, onAll, idle).banning).to.deep.equal(
      known({ product: "fail2ban", running: known(false), sshdJail: known(false) }),
    );
  });

  it("fail2ban-client status wins over the files", () => {
    const text =
      "@fail2ban\n@status Status\n@status |- Number of jail:\t1\n@status `- Jail list:\trecidive\n";
    const banning = parseBruteForce(out(text), sshd, onAll, running(["fail2ban-server"])).banning;
    expect(banning.known && banning.value !== "none" && banning.value.sshdJail).to.deep.equal(
      known(false),
    );
  });

  it("sshguard guards sshd while it runs", () => {
    expect(
      parseBruteForce(out("@sshguard\n"), sshd, onAll, running(["sshguard"])).banning,
    ).to.deep.equal(known({ product: "sshguard", running: known(true), sshdJail: known(true) }));
  });

  it("no sshd installed is not exposed; an unreadable sshd -T leaves exposure unknown", () => {
    expect(parseBruteForce(out("none\n"), MISSING, onAll, idle).sshExposed).to.deep.equal(
      known(false),
    );
    expect(
      parseBruteForce(out("none\n"), out("", 126, "needs root"), onAll, idle).sshExposed.known,
    ).to.equal(false);
  });
});
