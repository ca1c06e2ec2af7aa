/** OS identity and patching facts, from recorded Debian, Ubuntu and RHEL outputs. */
import { expect } from "chai";
import { compareDebianVersions } from "../../../src/collect/linux/debian-version.js";
import { packageFamily, parseMeta, parseOsRelease } from "../../../src/collect/linux/os.js";
import {
  aptAutomaticUpdates,
  aptPendingSecurity,
  dnfAutomaticUpdates,
  dnfPendingSecurity,
  lastAptUpgrade,
  lastDnfUpgrade,
} from "../../../src/collect/linux/patching.js";
import { MISSING, out, section } from "../../fixtures/linux/transcripts.js";

const UBUNTU_OS_RELEASE = `PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
`;

describe("os-release and meta", () => {
  const cases = [
    {
      what: "Debian 12",
      output: section("debian12", "os-release"),
      name: "Debian GNU/Linux",
      version: "12",
      family: "deb",
    },
    {
      what: "RHEL 9.4",
      output: section("rhel9", "os-release"),
      name: "Red Hat Enterprise Linux",
      version: "9.4",
      family: "rpm",
    },
    {
      what: "Ubuntu 24.04",
      output: out(UBUNTU_OS_RELEASE),
      name: "Ubuntu",
      version: "24.04",
      family: "deb",
    },
    {
      what: "Debian testing (no VERSION_ID)",
      output: out('NAME="Debian GNU/Linux"\nID=debian\nVERSION_CODENAME=trixie\n'),
      name: "Debian GNU/Linux",
      version: "trixie",
      family: "deb",
    },
  ] as const;
  for (const c of cases) {
    it(`reads ${c.what}`, () => {
      const os = parseOsRelease(c.output);
      expect(os.known && os.value).to.include({ name: c.name, version: c.version });
      expect(packageFamily(os)).to.equal(c.family);
    });
  }

  it("is unknown without os-release or without NAME", () => {
    expect(parseOsRelease(MISSING).known).to.equal(false);
    expect(parseOsRelease(out("ID=weird\n"))).to.deep.equal({
      known: false,
      reason: "os-release has no NAME or VERSION_ID",
    });
  });

  it("reads the run's own facts", () => {
    const meta = parseMeta(section("rhel9", "meta"));
    expect(meta).to.deep.include({
      system: "Linux",
      uid: 0,
      privilege: "root",
      reportedHostname: "th-app01.millbrook.local",
      hostNow: 1795140000,
    });
    expect(meta.kernel).to.deep.equal({ known: true, value: "5.14.0-427.42.1.el9_4.x86_64" });
    expect(parseMeta(undefined).kernel.known).to.equal(false);
  });
});

describe("Debian version order", () => {
  // Each pair checked against `dpkg --compare-versions` on Debian 12.
  const ascending: [string, string][] = [
    ["1.0~rc1", "1.0"],
    ["2.36-9+deb12u7", "2.36-9+deb12u14"],
    ["1:9.2p1-2+deb12u9", "1:9.2p1-2+deb12u10"],
    ["1.0.9-2+b6", "1.0.9-2+deb12u1"],
    ["2.9.14+dfsg-1.3~deb12u4", "2.9.14+dfsg-1.3~deb12u5"],
    ["1.0", "1:0.1"],
    ["1.0", "1.0a"],
    ["1.0", "1.0-1"],
    ["17.0.15+6-1~deb12u1", "17.0.21.1+2-1~deb12u1"],
    ["38.0.4-3~deb12u1", "38.0.4-3+deb12u1"],
    ["18.20.4+dfsg-1~deb12u3", "20.20.2-1nodesource1+repack1"],
    ["1.0~~", "1.0~"],
    ["1.0Z", "1.0a"],
    ["1.0a", "1.0+a"],
    ["1.0+1", "1.0.1"],
  ];
  for (const [low, high] of ascending) {
    it(`${low} < ${high}`, () => {
      expect(compareDebianVersions(low, high)).to.be.below(0);
      expect(compareDebianVersions(high, low)).to.be.above(0);
    });
  }
  it("treats leading zeros and equal versions as equal", () => {
    expect(compareDebianVersions("0001", "1")).to.equal(0);
    expect(compareDebianVersions("1:2.3-4", "1:2.3-4")).to.equal(0);
  });
});

describe("last package upgrade", () => {
  it("takes the latest of apt history and dpkg.log (Debian)", () => {
    expect(
      lastAptUpgrade(section("debian12", "apt-history"), section("debian12", "dpkg-log")),
    ).to.deep.equal({
      known: true,
      value: "2026-11-22",
    });
    expect(
      lastAptUpgrade(
        out("2026-10-01  09:00:00\n"),
        out("2026-10-03 11:00:00 upgrade x:amd64 1 2\n"),
      ),
    ).to.deep.equal({
      known: true,
      value: "2026-10-03",
    });
  });

  it("is unknown when nothing was ever upgraded or the logs are missing", () => {
    expect(lastAptUpgrade(out(""), out("")).known).to.equal(false);
    expect(lastAptUpgrade(MISSING, MISSING).known).to.equal(false);
  });

  it("reads dnf 4 history: the newest transaction with upgrades (RHEL)", () => {
    expect(lastDnfUpgrade(section("rhel9", "dnf-history"))).to.deep.equal({
      known: true,
      value: "2026-11-12",
    });
  });

  it("reads dnf 5 history by its command lines", () => {
    const dnf5 = out(
      "ID Command line               Date and time       Action(s) Altered\n" +
        " 3 dnf install vim           2026-11-02 10:00:00            1\n" +
        " 2 dnf upgrade --refresh     2026-10-20 02:00:00           14\n",
    );
    expect(lastDnfUpgrade(dnf5)).to.deep.equal({ known: true, value: "2026-10-20" });
  });

  it("is unknown without an upgrade or without dnf", () => {
    expect(
      lastDnfUpgrade(
        out(
          "ID | Command line | Date and time | Action(s) | Altered\n 1 | install x | 2026-01-01 10:00 | Install | 1\n",
        ),
      ).known,
    ).to.equal(false);
    expect(lastDnfUpgrade(MISSING).known).to.equal(false);
  });
});

describe("automatic updates", () => {
  const apt: [string, string, boolean | undefined][] = [
    ["not installed (Debian sample)", section("debian12", "apt-auto").stdout, false],
    [
      "installed and on",
      'package=ii \nAPT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\ntimer=enabled\n',
      true,
    ],
    [
      "installed, switched off",
      'package=ii \nAPT::Periodic::Unattended-Upgrade "0";\ntimer=enabled\n',
      false,
    ],
    ["installed, no periodic setting", "package=ii \ntimer=enabled\n", false],
    [
      "timer disabled",
      'package=ii \nAPT::Periodic::Unattended-Upgrade "1";\ntimer=disabled\n',
      false,
    ],
    ["no systemd (cron runs it)", 'package=ii \nAPT::Periodic::Unattended-Upgrade "1";\n', true],
    [
      "held with apt-mark hold, and on",
      'package=hi \nAPT::Periodic::Unattended-Upgrade "1";\ntimer=enabled\n',
      true,
    ],
    ["removed, config files left", 'package=rc \nAPT::Periodic::Unattended-Upgrade "1";\n', false],
  ];
  for (const [what, stdout, expected] of apt) {
    it(`apt: ${what}`, () => {
      expect(aptAutomaticUpdates(out(stdout))).to.deep.equal({ known: true, value: expected });
    });
  }

  const dnf: [string, string, boolean | undefined][] = [
    [
      "dnf-automatic.timer with apply_updates (RHEL sample)",
      section("rhel9", "dnf-auto").stdout,
      true,
    ],
    [
      "the install timer",
      "unit dnf-automatic-install.timer enabled\nunit dnf-automatic.timer disabled\n",
      true,
    ],
    [
      "timer without apply_updates",
      "unit dnf-automatic-install.timer disabled\nunit dnf-automatic.timer enabled\napply_updates = no\n",
      false,
    ],
    [
      "nothing enabled",
      "unit dnf-automatic-install.timer disabled\nunit dnf-automatic.timer disabled\n",
      false,
    ],
    [
      "systemctl silent",
      "unit dnf-automatic-install.timer \nunit dnf-automatic.timer \n",
      undefined,
    ],
  ];
  for (const [what, stdout, expected] of dnf) {
    it(`dnf: ${what}`, () => {
      const fact = dnfAutomaticUpdates(out(stdout));
      if (expected === undefined) expect(fact.known).to.equal(false);
      else expect(fact).to.deep.equal({ known: true, value: expected });
    });
  }
});

describe("pending security updates", () => {
  const now = 1795320979;
  it("counts installed packages older than the -security lists (Debian sample)", () => {
    // The recorded sample keeps 13 candidates; 9 are newer in -security (curl and libcurl are not).
    expect(aptPendingSecurity(section("debian12", "apt-security"), now)).to.deep.equal({
      known: true,
      value: 9,
    });
  });

  it("ignores -security versions older than what is installed", () => {
    const o = out(
      `list ${now} /var/lib/apt/lists/x_dists_bookworm-security_main_binary-amd64_Packages\ncandidate curl 7.88.1-10+deb12u14 7.88.1-10+deb12u5\n`,
    );
    expect(aptPendingSecurity(o, now)).to.deep.equal({ known: true, value: 0 });
  });

  it("is unknown when the lists are stale or missing", () => {
    const stale = out(`list ${now - 30 * 86_400} /var/lib/apt/lists/x-security_Packages\n`);
    const fact = aptPendingSecurity(stale, now);
    expect(fact.known === false && fact.reason).to.match(/30 days old/);
    expect(aptPendingSecurity(out("", 3, "no -security package lists"), now).known).to.equal(false);
  });

  it("counts advisory packages from dnf updateinfo (RHEL)", () => {
    const rhelNow = 1795140000;
    expect(dnfPendingSecurity(section("rhel9", "dnf-security"), rhelNow)).to.deep.equal({
      known: true,
      value: 0,
    });
    const pending = out(
      "cache 1795100000\n" +
        "RHSA-2026:1234 Important/Sec.  openssl-libs-1:3.0.7-29.el9_4.x86_64\n" +
        "RHSA-2026:1234 Important/Sec.  openssl-1:3.0.7-29.el9_4.x86_64\n" +
        "RHSA-2026:1301 Moderate/Sec.   openssl-1:3.0.7-29.el9_4.x86_64\n" +
        "FEDORA-2026-4f2a9c1b Low/Sec.   curl-8.6.0-7.fc40.x86_64\n",
    );
    expect(dnfPendingSecurity(pending, rhelNow)).to.deep.equal({ known: true, value: 3 });
  });

  it("is unknown without dnf metadata", () => {
    const noCache = dnfPendingSecurity(
      out("", 1, "Cache-only enabled but no cache for 'baseos'"),
      1795140000,
    );
    expect(noCache.known === false && noCache.reason).to.match(/metadata cache: Cache-only/);
    expect(dnfPendingSecurity(out(""), 1795140000).known).to.equal(false);
  });
});
