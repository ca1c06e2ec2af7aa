/** Every fact family of a Linux host, parsed from the probe sections by the pure parsers. */
import type { Role } from "../../machine-config/schema.js";
import type { Fact } from "../fact.js";
import type { ProbeOutput } from "../probe-output.js";
import { parseAccountFiles, type AccountFiles } from "./account-files.js";
import { parseAccounts, type AccountFacts } from "./accounts.js";
import { parseActivity } from "./activity.js";
import { parseAuditLogging } from "./audit.js";
import { parseLogonBanner } from "./banner.js";
import { parseDiskEncryption, type DiskEncryption } from "./disk-encryption.js";
import type { EdrCatalog } from "./edr-catalog-schema.js";
import { parseEndpointProtection, type ProtectionFacts } from "./endpoint-protection.js";
import { parseFirewall } from "./firewall.js";
import { parseHardware, type HardwareFacts } from "./hardware.js";
import { parsePlatform, type PlatformFacts } from "./platform.js";
import { parseBruteForce, type BruteForceProtection } from "./brute-force.js";
import { parseBootProtection, type BootProtection } from "./boot-protection.js";
import { parseFileIntegrity, type FileIntegrity } from "./file-integrity.js";
import { parseKernelNetwork, type KernelNetwork } from "./kernel-network.js";
import { parseLockout, type LockoutFacts } from "./lockout.js";
import { parseLogging, type LoggingFacts } from "./logging.js";
import {
  parseMandatoryAccessControl,
  type MandatoryAccessControl,
} from "./mandatory-access-control.js";
import { parseNetwork, type NetworkFacts } from "./network.js";
import { legacyServices, parseListening, type LegacyService } from "./legacy-services.js";
import { packageFamily, parseMeta, parseOsRelease, type OsIdentity, type RunMeta } from "./os.js";
import { parsePackages, type InstalledPackage } from "./packages.js";
import { parsePam } from "./pam.js";
import { parsePasswordPolicy, type PasswordPolicyFacts } from "./password-policy.js";
import {
  aptAutomaticUpdates,
  aptPendingSecurity,
  dnfAutomaticUpdates,
  dnfPendingSecurity,
  lastAptUpgrade,
  lastDnfUpgrade,
} from "./patching.js";
import type { ProbeName } from "./probes.js";
import { parseRemovableMedia, type RemovableMedia } from "./removable-media.js";
import { parseIdleLock } from "./session-lock.js";
import { parseRestartPending, type RestartPending } from "./restart-pending.js";
import { parseSshd, type SshdSettings } from "./sshd.js";
import { parseSudoers, type SudoPolicy } from "./sudoers.js";
import { parseTemporaryMounts, type TemporaryMounts } from "./temporary-mounts.js";
import { parseUmask } from "./umask.js";
import { parseTimeSync, type TimeSync } from "./time-sync.js";

/** Every fact family of a Linux host. */
export interface LinuxFacts {
  readonly meta: RunMeta;
  readonly os: Fact<OsIdentity>;
  readonly lastPackageUpdate: Fact<string>;
  readonly automaticUpdates: Fact<boolean>;
  readonly pendingSecurityUpdates: Fact<number>;
  readonly diskEncryption: Fact<DiskEncryption>;
  readonly firewall: Fact<boolean>;
  readonly sshd: Fact<SshdSettings>;
  readonly passwordPolicy: PasswordPolicyFacts;
  readonly lockout: LockoutFacts;
  readonly accounts: AccountFacts;
  readonly accountFiles: Fact<AccountFiles>;
  readonly legacyServices: Fact<readonly LegacyService[]>;
  readonly auditLogging: Fact<boolean>;
  readonly logging: LoggingFacts;
  readonly kernelNetwork: Fact<KernelNetwork>;
  readonly temporaryMounts: Fact<TemporaryMounts>;
  readonly sudo: Fact<SudoPolicy>;
  readonly defaultUmask: Fact<string>;
  readonly mandatoryAccessControl: Fact<MandatoryAccessControl>;
  readonly fileIntegrity: Fact<FileIntegrity>;
  readonly restartPending: Fact<RestartPending>;
  readonly bootProtection: BootProtection;
  readonly bruteForce: BruteForceProtection;
  readonly timeSync: Fact<TimeSync>;
  readonly logonBanner: Fact<boolean>;
  /** Idle timeout in seconds; what counts depends on the machine's role. */
  readonly idleLock: (role: Role) => Fact<number>;
  readonly removableMedia: Fact<RemovableMedia>;
  readonly protection: Fact<ProtectionFacts | "none">;
  readonly packages: Fact<readonly InstalledPackage[]>;
  readonly hardware: HardwareFacts;
  readonly platform: PlatformFacts;
  readonly network: NetworkFacts;
}

/** Probe outputs by probe name. */
export type Sections = ReadonlyMap<string, ProbeOutput>;

/** Runs every parser over one host's probe sections. */
export function parseLinuxFacts(sections: Sections, catalog: EdrCatalog): LinuxFacts {
  const s = (name: ProbeName) => sections.get(name);
  const meta = parseMeta(s("meta"));
  const os = parseOsRelease(s("os-release"));
  const family = packageFamily(os);
  const activity = parseActivity(s("processes"), s("services"));
  const packages = parsePackages(family, s("dpkg"), s("rpm"));
  const sshd = parseSshd(s("sshd"));
  const pam = parsePam(s("pam"));
  const rpmBased = family === "rpm";
  return {
    meta,
    os,
    lastPackageUpdate: rpmBased
      ? lastDnfUpgrade(s("dnf-history"))
      : lastAptUpgrade(s("apt-history"), s("dpkg-log")),
    automaticUpdates: rpmBased
      ? dnfAutomaticUpdates(s("dnf-auto"))
      : aptAutomaticUpdates(s("apt-auto")),
    pendingSecurityUpdates: rpmBased
      ? dnfPendingSecurity(s("dnf-security"), meta.hostNow)
      : aptPendingSecurity(s("apt-security"), meta.hostNow),
    diskEncryption: parseDiskEncryption(s("lsblk")),
    firewall: parseFirewall({
      nft: s("nft"),
      iptables: s("iptables"),
      ip6tables: s("ip6tables"),
      ufw: s("ufw"),
      firewalld: s("firewalld"),
      ipv6: s("ipv6"),
    }),
    sshd,
    passwordPolicy: parsePasswordPolicy(pam, {
      pwquality: s("pwquality"),
      pwhistory: s("pwhistory"),
      loginDefs: s("login-defs"),
    }),
    lockout: parseLockout(pam, s("faillock")),
    accounts: parseAccounts({
      passwd: s("passwd"),
      adminGroups: s("admin-groups"),
      shadow: s("shadow"),
      lightdm: s("lightdm"),
      sshd,
      hostNow: meta.hostNow,
    }),
    accountFiles: parseAccountFiles(s("account-files")),
    legacyServices: legacyServices(packages, parseListening(s("listening"))),
    auditLogging: parseAuditLogging(s("auditctl"), activity),
    logging: parseLogging(s("logging"), activity),
    kernelNetwork: parseKernelNetwork(s("sysctl-network")),
    temporaryMounts: parseTemporaryMounts(s("temporary-mounts")),
    sudo: parseSudoers(
      s("sudoers"),
      packages.known ? packages.value.find((p) => p.name === "sudo")?.version : undefined,
    ),
    defaultUmask: parseUmask(s("umask")),
    mandatoryAccessControl: parseMandatoryAccessControl(s("mac")),
    fileIntegrity: parseFileIntegrity(s("file-integrity"), packages, activity),
    restartPending: parseRestartPending(s("restart-pending")),
    bootProtection: parseBootProtection(s("boot-protection")),
    bruteForce: parseBruteForce(s("brute-force"), s("sshd"), s("listening"), activity),
    timeSync: parseTimeSync(s("chrony"), s("timedatectl"), activity),
    logonBanner: parseLogonBanner(s("issue"), s("sshd-banner"), s("sshd")?.rc !== 127),
    idleLock: (role) => parseIdleLock(s("tmout"), role),
    removableMedia: parseRemovableMedia(s("usb-storage")),
    protection: parseEndpointProtection(catalog, {
      packages,
      activity,
      mdatp: s("mdatp"),
      clamav: s("clamav"),
      hostNow: meta.hostNow,
    }),
    packages,
    hardware: parseHardware(s("dmi")),
    platform: parsePlatform(s("platform")),
    network: parseNetwork(s("network")),
  };
}
