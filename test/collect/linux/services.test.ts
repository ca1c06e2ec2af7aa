/** What runs: time sync, audit logging, and endpoint protection from the agent catalog. */
import { expect } from "chai";
import { known, type Fact } from "../../../src/collect/fact.js";
import { parseActivity } from "../../../src/collect/linux/activity.js";
import { parseAuditLogging } from "../../../src/collect/linux/audit.js";
import type { EdrCatalog } from "../../../src/collect/linux/edr-catalog-schema.js";
import { loadEdrCatalog } from "../../../src/collect/linux/edr-catalog.js";
import {
  parseEndpointProtection,
  parseMdatpHealth,
} from "../../../src/collect/linux/endpoint-protection.js";
import type { InstalledPackage } from "../../../src/collect/linux/packages.js";
import { parseTimeSync } from "../../../src/collect/linux/time-sync.js";
import { MISSING, out, section } from "../../fixtures/linux/transcripts.js";

const ps = (...names: string[]) => out(`${names.join("\n")}\n`);
const NO_SYSTEMD = out(
  "",
  1,
  "System has not been booted with systemd as init system (PID 1). Can't operate.",
);
const debianActivity = () =>
  parseActivity(section("debian12", "processes"), section("debian12", "services"));
const rhelActivity = () =>
  parseActivity(section("rhel9", "processes"), section("rhel9", "services"));

describe("time sync", () => {
  it("RHEL sample: chrony synchronised to its selected source", () => {
    expect(
      parseTimeSync(section("rhel9", "chrony"), section("rhel9", "timedatectl"), rhelActivity()),
    ).to.deep.equal(known({ enabled: true, source: "chrony: 10.10.0.5" }));
  });

  it("Debian sample: no daemon and no systemd is off", () => {
    expect(
      parseTimeSync(
        section("debian12", "chrony"),
        section("debian12", "timedatectl"),
        debianActivity(),
      ),
    ).to.deep.equal(known({ enabled: false }));
  });

  it("timesyncd through timedatectl", () => {
    const t = out("NTP=yes\nNTPSynchronized=yes\nServerName=ntp.millbrook.local\n");
    expect(parseTimeSync(MISSING, t, parseActivity(ps("systemd-timesyn"), MISSING))).to.deep.equal(
      known({ enabled: true, source: "systemd-timesyncd: ntp.millbrook.local" }),
    );
    const notSynced = out("NTP=yes\nNTPSynchronized=no\n");
    expect(
      parseTimeSync(MISSING, notSynced, parseActivity(ps("systemd-timesyn"), MISSING)),
    ).to.deep.equal(known({ enabled: false }));
  });

  it("chrony not synchronised, or chronyd not answering, is off", () => {
    expect(
      parseTimeSync(
        out("Reference ID    : 00000000 ()\nLeap status     : Not synchronised\n"),
        MISSING,
        parseActivity(ps("chronyd"), MISSING),
      ),
    ).to.deep.equal(known({ enabled: false }));
    expect(
      parseTimeSync(
        out("", 1, "506 Cannot talk to daemon"),
        MISSING,
        parseActivity(ps("bash"), MISSING),
      ),
    ).to.deep.equal(known({ enabled: false }));
  });

  it("is unknown when ntpd runs but nothing can report its state", () => {
    expect(
      parseTimeSync(MISSING, NO_SYSTEMD, parseActivity(ps("ntpd"), NO_SYSTEMD)).known,
    ).to.equal(false);
  });
});

describe("audit logging", () => {
  const cases: [string, Parameters<typeof parseAuditLogging>[0], string[], boolean | undefined][] =
    [
      ["auditctl enabled 1 (RHEL sample)", section("rhel9", "auditctl"), [], true],
      ["auditctl enabled 0", out("enabled 0\nfailure 1\n"), ["auditd"], false],
      ["no auditctl, auditd running", MISSING, ["auditd"], true],
      ["no auditctl, no auditd (Debian sample)", section("debian12", "auditctl"), ["bash"], false],
      ["not root and no process list", out("", 126, "needs root"), [], undefined],
    ];
  for (const [what, auditctl, processes, expected] of cases) {
    it(what, () => {
      const activity = parseActivity(processes.length ? ps(...processes) : MISSING, NO_SYSTEMD);
      const fact = parseAuditLogging(auditctl, activity);
      if (expected === undefined) expect(fact.known).to.equal(false);
      else expect(fact).to.deep.equal(known(expected));
    });
  }
});

describe("endpoint protection", () => {
  let catalog: EdrCatalog;
  before(async () => (catalog = await loadEdrCatalog()));
  const pkgs = (...names: string[]): Fact<readonly InstalledPackage[]> =>
    known(names.map((name) => ({ name, version: "1" })));
  const now = 1795140000;
  const values = (fact: ReturnType<typeof parseEndpointProtection>) => {
    if (!fact.known) return `unknown: ${fact.reason}`;
    if (fact.value === "none") return "none";
    const f = fact.value;
    const v = (x: Fact<unknown>) => (x.known ? x.value : "unknown");
    return {
      product: f.product,
      running: v(f.running),
      realTimeProtection: v(f.realTimeProtection),
      signatureDate: v(f.signatureDate),
    };
  };

  it("RHEL sample: CrowdStrike Falcon running, on access while it runs, no signature date", () => {
    const fact = parseEndpointProtection(catalog, {
      packages: pkgs("falcon-sensor", "openssh-server"),
      activity: rhelActivity(),
      mdatp: MISSING,
      clamav: MISSING,
      hostNow: now,
    });
    expect(values(fact)).to.deep.equal({
      product: "CrowdStrike Falcon",
      running: true,
      realTimeProtection: true,
      signatureDate: "unknown",
    });
  });

  it("Defender: real-time protection and definitions from mdatp health", () => {
    const health = out(
      'healthy                                     : true\nreal_time_protection_enabled                : true\ndefinitions_updated_minutes_ago             : 90\ndefinitions_status                          : "up_to_date"\n',
    );
    expect(parseMdatpHealth(health.stdout).get("definitions_status")).to.equal("up_to_date");
    const fact = parseEndpointProtection(catalog, {
      packages: pkgs("mdatp"),
      activity: parseActivity(ps("wdavdaemon"), NO_SYSTEMD),
      mdatp: health,
      clamav: MISSING,
      hostNow: now,
    });
    expect(values(fact)).to.deep.equal({
      product: "Microsoft Defender for Endpoint",
      running: true,
      realTimeProtection: true,
      signatureDate: "2026-11-20T00:30:00Z",
    });
  });

  it("ClamAV: clamd without clamonacc scans nothing on access; signatures from the database files", () => {
    const fact = parseEndpointProtection(catalog, {
      packages: pkgs("clamav", "clamav-daemon"),
      activity: parseActivity(ps("clamd", "freshclam"), NO_SYSTEMD),
      mdatp: MISSING,
      clamav: out(
        `${now - 3600} /var/lib/clamav/daily.cld\n${now - 86_400 * 20} /var/lib/clamav/main.cvd\n`,
      ),
      hostNow: now,
    });
    expect(values(fact)).to.deep.equal({
      product: "ClamAV",
      running: true,
      realTimeProtection: false,
      signatureDate: "2026-11-20T01:00:00Z",
    });
  });

  it("prefers a running agent over an installed but stopped one", () => {
    const fact = parseEndpointProtection(catalog, {
      packages: pkgs("falcon-sensor", "clamav-daemon"),
      activity: parseActivity(ps("clamd", "clamonacc"), NO_SYSTEMD),
      mdatp: MISSING,
      clamav: out(""),
      hostNow: now,
    });
    expect(values(fact)).to.deep.include({
      product: "ClamAV",
      running: true,
      realTimeProtection: true,
    });
  });

  it("an installed agent that does not run", () => {
    const fact = parseEndpointProtection(catalog, {
      packages: pkgs("falcon-sensor"),
      activity: parseActivity(ps("bash"), NO_SYSTEMD),
      mdatp: MISSING,
      clamav: MISSING,
      hostNow: now,
    });
    expect(values(fact)).to.deep.include({
      product: "CrowdStrike Falcon",
      running: false,
      realTimeProtection: false,
    });
  });

  it("none installed (Debian sample), or unknown when packages cannot be listed", () => {
    expect(
      values(
        parseEndpointProtection(catalog, {
          packages: pkgs("bash"),
          activity: debianActivity(),
          mdatp: MISSING,
          clamav: MISSING,
          hostNow: now,
        }),
      ),
    ).to.equal("none");
    expect(
      values(
        parseEndpointProtection(catalog, {
          packages: { known: false, reason: "dpkg-query failed" },
          activity: debianActivity(),
          mdatp: MISSING,
          clamav: MISSING,
          hostNow: now,
        }),
      ),
    ).to.equal("unknown: dpkg-query failed");
  });
});
