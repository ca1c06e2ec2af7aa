/**
 * Whole recorded transcripts through the parsers and the mapping: the machine config validates,
 * and `stronghold check` judges it as the host deserves.
 */
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../../src/cli/main.js";
import { validateMapped } from "../../../src/collect/collect-with-probes.js";
import { loadEdrCatalog } from "../../../src/collect/linux/edr-catalog.js";
import { parseLinuxFacts } from "../../../src/collect/linux/linux-facts.js";
import { linuxMachineConfig } from "../../../src/collect/linux/machine-config.js";
import { validatorFor } from "../../../src/documents/ajv.js";
import type { MachineFacts } from "../../../src/hosts/inventory.js";
import { MachineConfigSchema, type MachineConfig } from "../../../src/machine-config/schema.js";
import { transcript, type TRANSCRIPTS } from "../../fixtures/linux/transcripts.js";
import { bufferIo } from "../buffer-io.js";
import { statusesOf, type JsonReportSubjects } from "../../fixtures/json-report.js";

const AT = "2026-11-20T12:00:00Z";
const server: MachineFacts = {
  department: "town-hall",
  site: "town-hall",
  role: "server",
  owner: "IT",
};

async function mapped(name: keyof typeof TRANSCRIPTS) {
  const facts = parseLinuxFacts(transcript(name), await loadEdrCatalog());
  return linuxMachineConfig(facts, `${name}-01`, server, AT);
}

async function checkStatuses(config: MachineConfig): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), "stronghold-transcript-"));
  try {
    await writeFile(path.join(dir, "m.json"), JSON.stringify(config));
    const io = bufferIo();
    const code = await main(
      [
        "node",
        "stronghold",
        "check",
        dir,
        "--baseline",
        "security",
        "--at",
        AT,
        "--format",
        "json",
        "--fail-on",
        "never",
      ],
      io,
    );
    expect(code, io.err()).to.equal(0);
    const report = JSON.parse(io.out()) as JsonReportSubjects & { problems: unknown[] };
    expect(report.problems).to.deep.equal([]);
    return statusesOf(report, report.subjects[0]!.subject)!;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("recorded transcripts → machine configs", () => {
  it("RHEL 9 hardened server: valid, every fact known but the agent's signature date, MaxAuthTries and the newer probes", async () => {
    const m = await mapped("rhel9");
    expect(validatorFor(MachineConfigSchema)(m.config)).to.equal(true);
    // The transcript's sshd -T section is abbreviated: it has no maxauthtries line.
    expect(m.unknown).to.deep.equal([
      {
        field: "/security/antivirus/signatureDate",
        reason: "CrowdStrike Falcon keeps no signature date the collector can read",
      },
      {
        field: "/security/sshServer/maxAuthTries",
        reason: "sshd -T printed no MaxAuthTries",
      },
      // Recorded before the account-files probe existed.
      {
        field: "/security/accountFiles",
        reason: "the stat of the account files probe did not run",
      },
      // Recorded before the hardening probes (logging, sysctl, mounts, sudo, umask) existed.
      ...[
        ["/security/logging/persistent", "the logging configuration probe did not run"],
        ["/security/logging/forwardedTo", "the logging configuration probe did not run"],
        ["/security/kernelNetwork", "the /proc/sys/net probe did not run"],
        ["/security/temporaryMounts", "the /proc/self/mounts probe did not run"],
        ["/security/sudo", "the sudoers files probe did not run"],
        ["/security/defaultUmask", "the umask settings probe did not run"],
        ["/security/mandatoryAccessControl", "the AppArmor and SELinux status probe did not run"],
        ["/security/bruteForceProtection/sshExposed", "the /proc/net probe did not run"],
        ["/security/bruteForceProtection/banning", "the fail2ban and sshguard probe did not run"],
        ["/security/restartPending", "the needrestart and /proc/*/maps probe did not run"],
      ].map(([field, reason]) => ({ field, reason })),
      // Recorded before the platform probe (CPU, memory, TPM) existed.
      ...["/hardware/cpu", "/hardware/tpmVersion", "/hardware/memoryGiB"].map((field) => ({
        field,
        reason: "the platform probe did not run",
      })),
    ]);
    expect(m.config).to.deep.include({
      hostname: "rhel9-01",
      assetTag: "MB-00210",
      serialNumber: "7XK2QD3",
      role: "server",
      owner: "IT",
    });
    expect(m.config.os).to.deep.equal({
      family: "linux",
      name: "Red Hat Enterprise Linux",
      version: "9.4",
      build: "5.14.0-427.42.1.el9_4.x86_64",
      lastPatchDate: "2026-11-12",
    });
    expect(m.observations).to.deep.include({ pendingSecurityUpdates: { value: 0 } });
    expect(m.config.security).to.deep.include({
      sshServer: { permitRootLogin: "no", passwordAuthentication: false, maxAuthTries: "unknown" },
      emptyPasswordAccounts: [],
      uid0Accounts: ["root"],
      automaticUpdates: true,
      legacyServices: [],
    });

    const statuses = await checkStatuses(m.config);
    for (const control of [
      "sec-password-min-length",
      "sec-password-history",
      "sec-password-complexity",
      "sec-account-lockout-threshold",
      "sec-account-lockout-duration",
      "sec-screen-lock",
      "sec-logon-banner",
      "sec-disk-encryption",
      "sec-firewall-enabled",
      "sec-edr-installed",
      "sec-edr-running",
      "sec-edr-realtime-protection",
      "sec-removable-media-restricted",
      "sec-os-patches-current",
      "sec-os-supported",
      "sec-audit-logging",
      "sec-time-sync",
      "sec-ssh-root-login-disabled",
      "sec-ssh-password-auth-disabled",
      "sec-no-empty-passwords",
      "sec-root-only-uid0",
      "sec-automatic-updates",
      "sec-no-legacy-plaintext-services",
    ])
      expect(statuses[control], control).to.equal("pass");
    expect(statuses["sec-ssh-max-auth-tries"]).to.equal("fail");
    expect(statuses["sec-account-files-protected"]).to.equal("fail");
    // Unknown never passes; nor does a personal admin the collector cannot vouch for.
    expect(statuses["sec-edr-signatures-current"]).to.equal("fail");
    expect(statuses["sec-local-admin-not-shared"]).to.equal("fail");
    expect(statuses["sec-guest-account-disabled"]).to.equal("not-applicable");
  });

  it("Debian 12 with pending security updates: valid, and nothing unknown passes", async () => {
    const m = await mapped("debian12");
    expect(validatorFor(MachineConfigSchema)(m.config)).to.equal(true);
    expect(m.config.os).to.deep.include({
      name: "Debian GNU/Linux",
      version: "12",
      lastPatchDate: "unknown",
    });
    const fields = m.unknown.map((u) => u.field);
    expect(fields).to.include.members([
      "/os/lastPatchDate",
      "/serialNumber",
      "/security/localAdmins/0/enabled",
      "/security/removableMedia",
    ]);
    expect(m.unknown.find((u) => u.field === "/os/lastPatchDate")?.reason).to.match(
      /9 security update\(s\) are pending/,
    );

    const statuses = await checkStatuses(m.config);
    expect(statuses["sec-os-patches-current"]).to.equal("fail");
    expect(statuses["sec-os-supported"]).to.equal("pass");
    expect(statuses["sec-removable-media-restricted"]).to.equal("fail");
    expect(statuses["sec-edr-installed"]).to.equal("fail"); // no agent installed: antivirus absent
    // Debian's stock sshd: root by key (without-password), passwords on, 6 tries; no
    // unattended-upgrades package.
    expect(m.config.security).to.deep.include({
      sshServer: {
        permitRootLogin: "prohibit-password",
        passwordAuthentication: true,
        maxAuthTries: 6,
      },
      emptyPasswordAccounts: [],
      uid0Accounts: ["root"],
      automaticUpdates: false,
    });
    for (const control of [
      "sec-ssh-root-login-disabled",
      "sec-ssh-password-auth-disabled",
      "sec-ssh-max-auth-tries",
      "sec-automatic-updates",
    ])
      expect(statuses[control], control).to.equal("fail");
    expect(statuses["sec-no-empty-passwords"]).to.equal("pass");
    expect(statuses["sec-root-only-uid0"]).to.equal("pass");
    expect(m.config.security?.antivirus).to.equal(undefined);
  });

  it("a config that does not validate is a per-host failure with every problem located", async () => {
    const sections = new Map(transcript("rhel9"));
    sections.set("os-release", {
      stdout: `NAME="${"X".repeat(300)}"\nVERSION_ID="9.4"\nID=rhel\n`,
      stderr: "",
      rc: 0,
    });
    const facts = parseLinuxFacts(sections, await loadEdrCatalog());
    const result = validateMapped(linuxMachineConfig(facts, "odd-01", server, AT), "odd-01");
    expect(result.kind).to.equal("failed");
    if (result.kind !== "failed") return;
    expect(result.outcome).to.equal("invalid-config");
    expect(result.details).to.deep.equal(["/os/name: must NOT have more than 256 characters"]);
    expect(validateMapped(await mapped("rhel9"), "rhel9-01").kind).to.equal("config");
  });

  it("a kiosk gets an explicit unknown lockdown, a workstation an unknown screen lock", async () => {
    const facts = parseLinuxFacts(transcript("rhel9"), await loadEdrCatalog());
    const kiosk = linuxMachineConfig(facts, "k-01", { ...server, role: "kiosk" }, AT);
    expect(kiosk.config.security?.kioskLockdown).to.deep.equal({
      agent: "unknown",
      enabled: "unknown",
    });
    const desk = linuxMachineConfig(
      facts,
      "d-01",
      { ...server, role: "workstation", assetTag: "MB-1" },
      AT,
    );
    expect(desk.config.security?.screenLockSeconds).to.equal("unknown");
    expect(desk.config.assetTag).to.equal("MB-1"); // the inventory wins over DMI
    expect(
      validatorFor(MachineConfigSchema)(kiosk.config) &&
        validatorFor(MachineConfigSchema)(desk.config),
    ).to.equal(true);
  });
});
