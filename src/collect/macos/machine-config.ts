/**
 * Mac facts → a machine config (os.family macos). Every fact that is not established becomes the
 * literal "unknown" with its reason in the collection report; the facts the model has no field
 * for (Gatekeeper, SIP, stealth mode, architecture) become observations.
 */
import type { MachineFacts } from "../../hosts/inventory.js";
import { UNKNOWN, type MachineConfig } from "../../machine-config/schema.js";
import { VERSION } from "../../support/version.js";
import { known, mapFact, unknown as unknownFact, type Fact } from "../fact.js";
import type { Observation, UnknownFact } from "../host-outcome.js";
import { observe, type MappedMachine } from "../linux/machine-config.js";
import type { MacFacts } from "./macos-facts.js";
import type { MacOsVersion, MacRemovableMedia } from "./parsers.js";

/** The collector name written into machine configs the macOS probes produced. */
export const MACOS_COLLECTOR = "stronghold-collect-macos";
const MAX_SOFTWARE = 20_000;
const MAX_ADMINS = 256;
const MAX_ACCOUNTS = 1024;

type Security = NonNullable<MachineConfig["security"]>;

/** Why facts no macOS probe reads are unknown. */
const NOT_COLLECTED = {
  ipAssignment: "whether an address is leased by DHCP is not read on macOS",
  pendingUpdates:
    "pending updates are not read on macOS (softwareupdate -l asks Apple's servers and can take minutes; the cached RecommendedUpdates is never cleared, so an empty one proves nothing)",
  emptyPasswords: "macOS keeps no readable password field; empty passwords are not read",
  tpm: "Macs have no TPM (the Secure Enclave is not one); not reported as none",
  adminEnabled: "the admin-accounts probe did not report this account",
} as const;

/**
 * The last macOS update's date, unless the last background check still listed updates: the
 * cache can only withhold the date, never vouch that nothing is pending.
 */
function lastPatchDate(facts: MacFacts): Fact<string> {
  const { lastUpdate, recommendedUpdates } = facts;
  if (!lastUpdate.known) return lastUpdate;
  if (recommendedUpdates.known && recommendedUpdates.value.length > 0)
    return unknownFact(
      `Software Update's last check listed ${recommendedUpdates.value.length} update(s) as pending: ${recommendedUpdates.value.slice(0, 3).join(", ")}`,
    );
  return known(lastUpdate.value.date);
}

/** Apple deprecated Media Management's mount-controls in macOS 11: a restriction may not hold. */
const MOUNT_CONTROLS_LAST_MAJOR = 10;

/** A Media Management restriction counts only where macOS still enforces mount-controls. */
function removableMedia(facts: MacFacts): Fact<MacRemovableMedia> {
  const { mediaProfile, os } = facts;
  if (!mediaProfile.known) return mediaProfile;
  const policy = mediaProfile.value.externalDisks;
  if (policy === "allowed") return known(policy);
  if (!os.known) return unknownFact(`a profile's mount-controls say ${policy}, but ${os.reason}`);
  if (majorVersion(os.value) > MOUNT_CONTROLS_LAST_MAJOR)
    return unknownFact(
      `a profile's mount-controls say ${policy}, but Apple deprecated mount-controls in macOS 11 and macOS ${os.value.version} may not enforce them`,
    );
  return known(policy);
}

const majorVersion = (os: MacOsVersion): number => Number(os.version.split(".")[0]);

/** Maps a Mac's facts and its inventory entry onto the machine-config model. */
export function macosMachineConfig(
  facts: MacFacts,
  name: string,
  machine: MachineFacts,
  collectedAt: string,
): MappedMachine {
  const unknowns: UnknownFact[] = [];
  const miss = (field: string, reason: string): typeof UNKNOWN => {
    unknowns.push({ field, reason });
    return UNKNOWN;
  };
  const v = <T>(field: string, fact: Fact<T>): T | typeof UNKNOWN =>
    fact.known ? fact.value : miss(field, fact.reason);
  const { os, hardware, platform, firewall, sshd, protection } = facts;
  const { password, lockout } = facts.accountPolicy;
  if (!os.known) unknowns.push({ field: "/os/build", reason: os.reason });

  const security: Security = {
    diskEncryption: facts.fileVault.known
      ? {
          status: facts.fileVault.value,
          ...(facts.fileVault.value === "none" ? {} : { product: "FileVault" }),
        }
      : { status: miss("/security/diskEncryption/status", facts.fileVault.reason) },
    firewall: firewall.enabled.known
      ? { default: firewall.enabled.value }
      : miss("/security/firewall", firewall.enabled.reason),
    antivirus: protection.known
      ? {
          product: protection.value.product,
          running: true,
          realTimeProtection: v(
            "/security/antivirus/realTimeProtection",
            protection.value.realTimeProtection,
          ),
          signatureDate: miss(
            "/security/antivirus/signatureDate",
            "signature dates are not read on macOS",
          ),
        }
      : miss("/security/antivirus", protection.reason),
    screenLockSeconds: v("/security/screenLockSeconds", facts.screenLockSeconds),
    passwordPolicy: {
      minLength: v("/security/passwordPolicy/minLength", password.minLength),
      history: v("/security/passwordPolicy/history", password.history),
      complexity: v("/security/passwordPolicy/complexity", password.complexity),
      maxAgeDays: v("/security/passwordPolicy/maxAgeDays", password.maxAgeDays),
    },
    lockout: {
      threshold: v("/security/lockout/threshold", lockout.threshold),
      durationMinutes: v("/security/lockout/durationMinutes", lockout.durationMinutes),
    },
    removableMedia: v("/security/removableMedia", removableMedia(facts)),
    sshServer: sshd.known
      ? {
          permitRootLogin: sshd.value.permitRootLogin,
          passwordAuthentication: sshd.value.passwordAuthentication,
          maxAuthTries:
            sshd.value.maxAuthTries ??
            miss("/security/sshServer/maxAuthTries", "sshd -T printed no MaxAuthTries"),
        }
      : miss("/security/sshServer", sshd.reason),
    emptyPasswordAccounts: miss("/security/emptyPasswordAccounts", NOT_COLLECTED.emptyPasswords),
    uid0Accounts: facts.uid0Accounts.known
      ? facts.uid0Accounts.value.slice(0, MAX_ACCOUNTS).map((a) => a.slice(0, 256))
      : miss("/security/uid0Accounts", facts.uid0Accounts.reason),
    automaticUpdates: v("/security/automaticUpdates", facts.automaticUpdates),
    localAdmins: facts.admins.known
      ? facts.admins.value.slice(0, MAX_ADMINS).map((admin, i) => ({
          name: admin.slice(0, 256),
          enabled: v(
            `/security/localAdmins/${i}/enabled`,
            facts.adminEnabled.get(admin) ?? unknownFact(NOT_COLLECTED.adminEnabled),
          ),
        }))
      : miss("/security/localAdmins", facts.admins.reason),
    guestEnabled: v("/security/guestEnabled", facts.guestEnabled),
    auditLogging: v("/security/auditLogging", facts.auditLogging),
    timeSync: facts.timeSync.known
      ? { ...facts.timeSync.value }
      : { enabled: miss("/security/timeSync/enabled", facts.timeSync.reason) },
    logonBanner: v("/security/logonBanner", facts.logonBanner),
    ...(machine.role === "kiosk"
      ? {
          kioskLockdown: {
            agent: miss(
              "/security/kioskLockdown/agent",
              "kiosk lockdown agents are not collected on macOS",
            ),
            enabled: miss(
              "/security/kioskLockdown/enabled",
              "kiosk lockdown agents are not collected on macOS",
            ),
          },
        }
      : {}),
  };

  const apps = facts.applications;
  const software = !apps.known
    ? miss("/software", apps.reason)
    : apps.value.length > MAX_SOFTWARE
      ? miss(
          "/software",
          `${apps.value.length} applications exceed the model's limit of ${MAX_SOFTWARE}`,
        )
      : apps.value.map((a) => ({ ...a }));

  const config: MachineConfig = {
    hostname: name,
    assetTag: machine.assetTag ?? miss("/assetTag", "Macs carry no asset tag in firmware"),
    serialNumber: v("/serialNumber", hardware.serialNumber),
    macAddresses: facts.network.macAddresses.known
      ? [...facts.network.macAddresses.value]
      : miss("/macAddresses", facts.network.macAddresses.reason),
    ipAddresses: facts.network.ipAddresses.known
      ? [...facts.network.ipAddresses.value]
      : miss("/ipAddresses", facts.network.ipAddresses.reason),
    ipAssignment: miss("/ipAssignment", NOT_COLLECTED.ipAssignment),
    department: machine.department,
    site: machine.site,
    ...(machine.owner === undefined ? {} : { owner: machine.owner }),
    role: machine.role,
    hardware: {
      // system_profiler only describes Apple hardware.
      manufacturer: hardware.model.known
        ? "Apple"
        : miss("/hardware/manufacturer", hardware.model.reason),
      model: v("/hardware/model", hardware.model),
      cpu: v("/hardware/cpu", platform.cpu),
      tpmVersion: miss("/hardware/tpmVersion", NOT_COLLECTED.tpm),
      memoryGiB: v("/hardware/memoryGiB", platform.memoryGiB),
    },
    os: {
      family: "macos",
      name: os.known ? os.value.name : miss("/os/name", os.reason),
      version: os.known ? os.value.version : miss("/os/version", os.reason),
      ...(os.known ? { build: os.value.build } : {}),
      lastPatchDate: v("/os/lastPatchDate", lastPatchDate(facts)),
    },
    security,
    software,
    lifecycle: { status: machine.lifecycleStatus ?? "active" },
    collectedAt,
    collector: { name: MACOS_COLLECTOR, version: VERSION },
  };

  const observations: Record<string, Observation> = {
    reportedHostname:
      facts.meta.reportedHostname === undefined
        ? { unknown: "uname -n printed nothing" }
        : { value: facts.meta.reportedHostname },
    system: { value: facts.meta.system ?? "unknown" },
    architecture: observe(facts.meta.architecture),
    privilege: { value: facts.meta.privilege ?? "unknown" },
    gatekeeper: observe(facts.gatekeeper),
    systemIntegrityProtection: observe(facts.sip),
    firewallStealthMode: observe(firewall.stealthMode),
    firewallBlockAllIncoming: observe(firewall.blockAll),
    sshdConfig: observe(mapFact(sshd, (s) => s.configFile)),
    pendingUpdates: { unknown: NOT_COLLECTED.pendingUpdates },
    cachedRecommendedUpdates: observe(facts.recommendedUpdates),
    lastMacosUpdate: observe(mapFact(facts.lastUpdate, (u) => u.name)),
    removableMediaProfile: observe(mapFact(facts.mediaProfile, (p) => p.externalDisks)),
  };
  return { config, unknown: unknowns, observations };
}
