/**
 * Linux facts → a machine config. Every fact that is not established becomes the literal
 * "unknown" and is listed with its reason; facts the machine-config model has no field for
 * (sshd's config file, pending updates, the kernel…) become observations in the collection report.
 */
import type { MachineFacts } from "../../hosts/inventory.js";
import { UNKNOWN, type MachineConfig } from "../../machine-config/schema.js";
import { VERSION } from "../../support/version.js";
import { known, mapFact, unknown, type Fact } from "../fact.js";
import type { Observation, UnknownFact } from "../host-outcome.js";
import type { LinuxFacts } from "./linux-facts.js";
import type { SudoPolicy } from "./sudoers.js";
import type { MountFact, TemporaryMounts } from "./temporary-mounts.js";

/** The collector name written into machine configs and reports. */
export const LINUX_COLLECTOR = "stronghold-collect-linux";
/** The machine-config schema's limit on software entries. */
const MAX_SOFTWARE = 20_000;
const MAX_ADMINS = 256;

/** A machine config with the facts it lacks and the observations beside it. */
export interface MappedMachine {
  readonly config: MachineConfig;
  readonly unknown: readonly UnknownFact[];
  readonly observations: Readonly<Record<string, Observation>>;
}

type Security = NonNullable<MachineConfig["security"]>;

/** The last package upgrade counts as the last security update only when none is pending. */
function lastPatchDate(facts: LinuxFacts): Fact<string> {
  const pending = facts.pendingSecurityUpdates;
  if (!pending.known) return unknown(`pending security updates are unknown: ${pending.reason}`);
  if (pending.value > 0)
    return unknown(
      `${pending.value} security update(s) are pending, so no date says the machine is patched`,
    );
  return facts.lastPackageUpdate;
}

type ObservedValue = string | number | boolean | readonly string[];

/** A fact as the collection report's observations show it: its value, or why it is unknown. */
export function observe(fact: Fact<ObservedValue>): Observation {
  if (!fact.known) return { unknown: fact.reason };
  const value = fact.value;
  return { value: typeof value === "object" ? [...value] : value };
}

/** Maps a Linux host's facts and its inventory entry onto the machine-config model. */
export function linuxMachineConfig(
  facts: LinuxFacts,
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

  const { os, hardware, network, passwordPolicy, lockout, accounts, protection } = facts;
  const osName = os.known ? os.value.name : miss("/os/name", os.reason);
  const osVersion = os.known ? os.value.version : miss("/os/version", os.reason);
  const kernel = facts.meta.kernel;
  if (!kernel.known) unknowns.push({ field: "/os/build", reason: kernel.reason });

  const security: Security = {
    diskEncryption: facts.diskEncryption.known
      ? facts.diskEncryption.value
      : { status: v("/security/diskEncryption/status", facts.diskEncryption) },
    firewall: facts.firewall.known
      ? { default: facts.firewall.value }
      : v("/security/firewall", facts.firewall),
    ...antivirus(protection, v),
    screenLockSeconds: v("/security/screenLockSeconds", facts.idleLock(machine.role)),
    passwordPolicy: {
      minLength: v("/security/passwordPolicy/minLength", passwordPolicy.minLength),
      history: v("/security/passwordPolicy/history", passwordPolicy.history),
      complexity: v("/security/passwordPolicy/complexity", passwordPolicy.complexity),
      maxAgeDays: v("/security/passwordPolicy/maxAgeDays", passwordPolicy.maxAgeDays),
    },
    lockout: {
      threshold: v("/security/lockout/threshold", lockout.threshold),
      durationMinutes: v("/security/lockout/durationMinutes", lockout.durationMinutes),
    },
    removableMedia: v("/security/removableMedia", facts.removableMedia),
    sshServer: sshServer(facts.sshd, miss),
    emptyPasswordAccounts: v("/security/emptyPasswordAccounts", mapArray(accounts.emptyPasswords)),
    uid0Accounts: v("/security/uid0Accounts", mapArray(accounts.uid0)),
    automaticUpdates: v("/security/automaticUpdates", facts.automaticUpdates),
    legacyServices: v("/security/legacyServices", mapArray(facts.legacyServices)),
    accountFiles: v("/security/accountFiles", facts.accountFiles),
    localAdmins: accounts.localAdmins.known
      ? accounts.localAdmins.value.slice(0, MAX_ADMINS).map((a, i) => ({
          name: a.name,
          enabled: v(`/security/localAdmins/${i}/enabled`, a.enabled),
        }))
      : v("/security/localAdmins", accounts.localAdmins),
    guestEnabled: v("/security/guestEnabled", accounts.guestEnabled),
    auditLogging: v("/security/auditLogging", facts.auditLogging),
    logging: {
      persistent: v("/security/logging/persistent", facts.logging.persistent),
      forwardedTo: v("/security/logging/forwardedTo", mapArray(facts.logging.forwardedTo)),
    },
    kernelNetwork: v("/security/kernelNetwork", facts.kernelNetwork),
    temporaryMounts: v("/security/temporaryMounts", mapFact(facts.temporaryMounts, mountsValue)),
    sudo: v("/security/sudo", mapFact(facts.sudo, sudoValue)),
    defaultUmask: v("/security/defaultUmask", facts.defaultUmask),
    mandatoryAccessControl: v("/security/mandatoryAccessControl", facts.mandatoryAccessControl),
    fileIntegrity: fileIntegrity(facts.fileIntegrity, v),
    bruteForceProtection: bruteForce(facts.bruteForce, v),
    restartPending: facts.restartPending.known
      ? {
          rebootRequired: facts.restartPending.value.rebootRequired,
          staleProcesses: [...facts.restartPending.value.staleProcesses],
        }
      : v("/security/restartPending", facts.restartPending),
    ...(machine.role === "server"
      ? {}
      : {
          bootProtection: {
            bootloaderPassword: v(
              "/security/bootProtection/bootloaderPassword",
              facts.bootProtection.bootloaderPassword,
            ),
            rescueRequiresPassword: v(
              "/security/bootProtection/rescueRequiresPassword",
              facts.bootProtection.rescueRequiresPassword,
            ),
          },
        }),
    timeSync: facts.timeSync.known
      ? facts.timeSync.value
      : { enabled: v("/security/timeSync/enabled", facts.timeSync) },
    logonBanner: v("/security/logonBanner", facts.logonBanner),
    ...(machine.role === "kiosk"
      ? {
          kioskLockdown: {
            agent: miss(
              "/security/kioskLockdown/agent",
              "kiosk lockdown agents are not collected on Linux",
            ),
            enabled: miss(
              "/security/kioskLockdown/enabled",
              "kiosk lockdown agents are not collected on Linux",
            ),
          },
        }
      : {}),
  };

  const software = !facts.packages.known
    ? miss("/software", facts.packages.reason)
    : facts.packages.value.length > MAX_SOFTWARE
      ? miss(
          "/software",
          `${facts.packages.value.length} packages exceed the model's limit of ${MAX_SOFTWARE}`,
        )
      : facts.packages.value.map((p) => ({ ...p, version: p.version.slice(0, 128) }));

  const config: MachineConfig = {
    hostname: name,
    assetTag: machine.assetTag ?? v("/assetTag", hardware.assetTag),
    serialNumber: v("/serialNumber", hardware.serialNumber),
    macAddresses: v("/macAddresses", mapArray(network.macAddresses)),
    ipAddresses: v("/ipAddresses", mapArray(network.ipAddresses)),
    ipAssignment: v("/ipAssignment", network.ipAssignment),
    department: machine.department,
    site: machine.site,
    ...(machine.owner === undefined ? {} : { owner: machine.owner }),
    role: machine.role,
    hardware: {
      manufacturer: v("/hardware/manufacturer", hardware.manufacturer),
      model: v("/hardware/model", hardware.model),
      cpu: v("/hardware/cpu", facts.platform.cpu),
      tpmVersion: v("/hardware/tpmVersion", facts.platform.tpmVersion),
      memoryGiB: v("/hardware/memoryGiB", facts.platform.memoryGiB),
    },
    os: {
      family: "linux",
      name: osName,
      version: osVersion,
      ...(kernel.known ? { build: kernel.value } : {}),
      lastPatchDate: v("/os/lastPatchDate", lastPatchDate(facts)),
    },
    security,
    software,
    lifecycle: { status: machine.lifecycleStatus ?? "active" },
    collectedAt,
    collector: { name: LINUX_COLLECTOR, version: VERSION },
  };

  const observations: Record<string, Observation> = {
    reportedHostname:
      facts.meta.reportedHostname === undefined
        ? { unknown: "uname -n printed nothing" }
        : { value: facts.meta.reportedHostname },
    kernel: observe(kernel),
    privilege: { value: facts.meta.privilege ?? "unknown" },
    sshdConfig: observe(mapFact(facts.sshd, (s) => s.configFile)),
    sshdCommandLine: observe(mapFact(facts.sshd, (s) => [...s.commandLineOptions])),
    sshBanner: observe(mapFact(facts.sshd, (s) => s.banner ?? "none")),
    lastPackageUpdate: observe(facts.lastPackageUpdate),
    pendingSecurityUpdates: observe(facts.pendingSecurityUpdates),
  };
  return { config, unknown: unknowns, observations };
}

function bruteForce(
  fact: LinuxFacts["bruteForce"],
  v: <T>(field: string, fact: Fact<T>) => T | typeof UNKNOWN,
): Security["bruteForceProtection"] {
  const banning = fact.banning;
  return {
    sshExposed: v("/security/bruteForceProtection/sshExposed", fact.sshExposed),
    banning: !banning.known
      ? v("/security/bruteForceProtection/banning", banning)
      : banning.value === "none"
        ? "none"
        : {
            product: banning.value.product,
            running: v("/security/bruteForceProtection/banning/running", banning.value.running),
            sshdJail: v("/security/bruteForceProtection/banning/sshdJail", banning.value.sshdJail),
          },
  };
}

function fileIntegrity(
  fact: LinuxFacts["fileIntegrity"],
  v: <T>(field: string, fact: Fact<T>) => T | typeof UNKNOWN,
): Security["fileIntegrity"] {
  if (!fact.known) return v("/security/fileIntegrity", fact);
  const f = fact.value;
  if (f === "none") return f;
  return {
    product: f.product,
    databaseInitialised: v("/security/fileIntegrity/databaseInitialised", f.databaseInitialised),
    scheduled: v("/security/fileIntegrity/scheduled", f.scheduled),
  };
}

function mountsValue(m: TemporaryMounts): NonNullable<Security["temporaryMounts"]> {
  const one = (f: MountFact) => (f === "not-separate" ? f : { ...f, options: [...f.options] });
  return { tmp: one(m.tmp), devShm: one(m.devShm) };
}

function sudoValue(p: SudoPolicy): NonNullable<Security["sudo"]> {
  return p === "absent" ? p : { ...p, nopasswdAll: [...p.nopasswdAll] };
}

function mapArray<T>(fact: Fact<readonly T[]>): Fact<T[]> {
  return fact.known ? known([...fact.value]) : fact;
}

function sshServer(
  sshd: LinuxFacts["sshd"],
  miss: (field: string, reason: string) => typeof UNKNOWN,
): Security["sshServer"] {
  if (!sshd.known) return miss("/security/sshServer", sshd.reason);
  const s = sshd.value;
  return {
    permitRootLogin: s.permitRootLogin,
    passwordAuthentication: s.passwordAuthentication,
    maxAuthTries:
      s.maxAuthTries ?? miss("/security/sshServer/maxAuthTries", "sshd -T printed no MaxAuthTries"),
  };
}

function antivirus(
  protection: LinuxFacts["protection"],
  v: <T>(field: string, fact: Fact<T>) => T | typeof UNKNOWN,
): Pick<Security, "antivirus"> {
  if (!protection.known) return { antivirus: v("/security/antivirus", protection) };
  // Absent means none installed (the schema's own convention).
  if (protection.value === "none") return {};
  const p = protection.value;
  return {
    antivirus: {
      product: p.product,
      running: v("/security/antivirus/running", p.running),
      realTimeProtection: v("/security/antivirus/realTimeProtection", p.realTimeProtection),
      signatureDate: v("/security/antivirus/signatureDate", p.signatureDate),
    },
  };
}
