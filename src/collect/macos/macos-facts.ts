/** Every fact family of a Mac, parsed from the macOS probe sections by the pure parsers. */
import { known, unknown, type Fact } from "../fact.js";
import type { ProbeOutput } from "../probe-output.js";
import type { EdrCatalog } from "../linux/edr-catalog-schema.js";
import { parseSshd, type SshdSettings } from "../linux/sshd.js";
import {
  parseAccountPolicy,
  parseAdminAccounts,
  parseAdminGroup,
  parseAppFirewall,
  parseApplications,
  parseAuditLogging,
  parseAutomaticUpdates,
  parseDsclUsers,
  parseFileVault,
  parseIfconfig,
  parseGatekeeper,
  parseGuest,
  parseInstallHistory,
  parseMacMeta,
  parseMacSysctl,
  parseMacTimeSync,
  parseMediaProfile,
  parsePolicyBanner,
  parseProcessNames,
  parseRecommendedUpdates,
  parseRootAccount,
  parseScreenLock,
  parseSip,
  parseSpHardware,
  parseSwVers,
  uid0Accounts,
  type FileVaultStatus,
  type MacAccountPolicy,
  type MacLastUpdate,
  type MacMediaProfile,
  type MacApplication,
  type MacFirewall,
  type MacHardware,
  type MacNetwork,
  type MacMeta,
  type MacOsVersion,
  type MacPlatform,
  type MacTimeSync,
} from "./parsers.js";
import type { MacProbeName } from "./probes.js";

/** An endpoint-protection agent seen running. */
export interface MacProtection {
  readonly product: string;
  /** Known true for agents whose protection is on whenever they run. */
  readonly realTimeProtection: Fact<boolean>;
}

/** Every fact family of a Mac. */
export interface MacFacts {
  readonly meta: MacMeta;
  readonly os: Fact<MacOsVersion>;
  readonly hardware: MacHardware;
  readonly platform: MacPlatform;
  readonly network: MacNetwork;
  readonly fileVault: Fact<FileVaultStatus>;
  readonly firewall: MacFirewall;
  readonly gatekeeper: Fact<boolean>;
  readonly sip: Fact<boolean>;
  readonly automaticUpdates: Fact<boolean>;
  readonly guestEnabled: Fact<boolean>;
  readonly timeSync: Fact<MacTimeSync>;
  readonly sshd: Fact<SshdSettings>;
  readonly uid0Accounts: Fact<readonly string[]>;
  readonly admins: Fact<readonly string[]>;
  /** Whether each admin account can log on, by name (absent: not read); root from its own probe. */
  readonly adminEnabled: ReadonlyMap<string, Fact<boolean>>;
  readonly logonBanner: Fact<boolean>;
  readonly protection: Fact<MacProtection>;
  readonly applications: Fact<readonly MacApplication[]>;
  readonly accountPolicy: MacAccountPolicy;
  /** Seconds a screensaver profile allows before the password is asked (0: no lock). */
  readonly screenLockSeconds: Fact<number>;
  readonly auditLogging: Fact<boolean>;
  readonly lastUpdate: Fact<MacLastUpdate>;
  /** The last background check's cached list (never proof that nothing is pending). */
  readonly recommendedUpdates: Fact<readonly string[]>;
  readonly mediaProfile: Fact<MacMediaProfile>;
}

/** The first catalog agent (in the catalog's order of preference) with a process running. */
export function runningAgent(
  catalog: EdrCatalog,
  processes: Fact<ReadonlySet<string>>,
): Fact<MacProtection> {
  if (!processes.known) return processes;
  for (const agent of catalog.agents) {
    if (!(agent.processes ?? []).some((p) => processes.value.has(p))) continue;
    return known({
      product: agent.product,
      realTimeProtection:
        agent.realTimeProtection === "while-running"
          ? known(true)
          : unknown(`${agent.product}'s real-time protection is not read on macOS`),
    });
  }
  // Only running processes are visible here: an installed, stopped agent cannot be told from none.
  return unknown("no endpoint-protection agent of the catalog is running");
}

/** Runs every parser over one Mac's probe sections. */
export function parseMacFacts(
  sections: ReadonlyMap<string, ProbeOutput>,
  catalog: EdrCatalog,
): MacFacts {
  const s = (name: MacProbeName) => sections.get(name);
  const sshd = parseSshd(s("sshd"));
  return {
    meta: parseMacMeta(s("meta")),
    os: parseSwVers(s("sw-vers")),
    hardware: parseSpHardware(s("hardware")),
    platform: parseMacSysctl(s("sysctl")),
    network: parseIfconfig(s("ifconfig")),
    fileVault: parseFileVault(s("filevault")),
    firewall: parseAppFirewall(s("firewall")),
    gatekeeper: parseGatekeeper(s("gatekeeper")),
    sip: parseSip(s("sip")),
    automaticUpdates: parseAutomaticUpdates(s("software-update")),
    guestEnabled: parseGuest(s("guest")),
    timeSync: parseMacTimeSync(s("time-sync")),
    sshd,
    uid0Accounts: uid0Accounts(parseDsclUsers(s("users"))),
    admins: parseAdminGroup(s("admins")),
    adminEnabled: new Map([
      ...parseAdminAccounts(s("admin-accounts")),
      ["root", parseRootAccount(s("root-account"), sshd)],
    ]),
    logonBanner: parsePolicyBanner(s("policy-banner")),
    protection: runningAgent(catalog, parseProcessNames(s("processes"))),
    applications: parseApplications(s("applications")),
    accountPolicy: parseAccountPolicy(s("password-policy"), s("password-profile")),
    screenLockSeconds: parseScreenLock(s("screen-lock")),
    auditLogging: parseAuditLogging(s("audit")),
    lastUpdate: parseInstallHistory(s("install-history")),
    recommendedUpdates: parseRecommendedUpdates(s("recommended-updates")),
    mediaProfile: parseMediaProfile(s("removable-media")),
  };
}
