/**
 * Pure parsers of the macOS probe sections. Each reads only the output formats its source note
 * names (see test/fixtures/macos/ORIGIN.md); anything else is an unknown fact with a reason,
 * never a guess.
 */
import { known, unknown, type Fact } from "../fact.js";
import { clip, probeFailure, TIMED_OUT, type ProbeOutput } from "../probe-output.js";
import { count, keyValues, lines } from "../linux/key-values.js";
import type { SshdSettings } from "../linux/sshd.js";
import { parsePlist, plistEntry, type PlistValue } from "./plist.js";

/** Output of a probe that ran (exit 0) or why it gave nothing usable. */
function ran(output: ProbeOutput | undefined, tool: string): Fact<string> {
  if (output?.rc !== 0) return unknown(probeFailure(output, tool));
  return known(output.stdout);
}

const notUnderstood = (tool: string, text: string): Fact<never> =>
  unknown(`${tool} printed something not understood: "${clip(text, 80) || "nothing"}"`);

/** What the meta probe says about the run. */
export interface MacMeta {
  readonly system: string | undefined;
  readonly privilege: string | undefined;
  readonly reportedHostname: string | undefined;
  readonly architecture: Fact<string>;
}

/** Reads the meta probe (`KEY=value` lines). */
export function parseMacMeta(output: ProbeOutput | undefined): MacMeta {
  const values = keyValues(output?.stdout ?? "");
  const value = (key: string) => values.get(key) || undefined;
  const arch = value("arch");
  return {
    system: value("system"),
    privilege: value("priv"),
    reportedHostname: value("hostname"),
    architecture: arch ? known(arch) : unknown("uname -m printed nothing"),
  };
}

/** The macOS release. */
export interface MacOsVersion {
  readonly name: string;
  readonly version: string;
  readonly build: string;
}

/** `sw_vers` without options: `ProductName:`, `ProductVersion:`, `BuildVersion:` lines. */
export function parseSwVers(output: ProbeOutput | undefined): Fact<MacOsVersion> {
  const text = ran(output, "sw_vers");
  if (!text.known) return text;
  const values = keyValues(text.value, ":");
  const name = values.get("ProductName");
  const version = values.get("ProductVersion");
  const build = values.get("BuildVersion");
  if (!name || !version || !/^\d+(\.\d+){0,2}$/.test(version) || !build || !/^\w+$/.test(build))
    return notUnderstood("sw_vers", text.value);
  return known({ name, version, build });
}

/** What SPHardwareDataType tells. */
export interface MacHardware {
  readonly model: Fact<string>;
  readonly serialNumber: Fact<string>;
}

/** `system_profiler SPHardwareDataType`: `Model Name:` (with `Model Identifier:`) and `Serial Number (system):`. */
export function parseSpHardware(output: ProbeOutput | undefined): MacHardware {
  const text = ran(output, "system_profiler");
  if (!text.known) return { model: text, serialNumber: text };
  const values = keyValues(text.value, ":");
  const name = values.get("Model Name");
  const identifier = values.get("Model Identifier");
  const serial = values.get("Serial Number (system)");
  const model = name && identifier ? `${name} (${identifier})` : (name ?? identifier);
  return {
    model: model ? known(model.slice(0, 256)) : unknown("system_profiler printed no Model Name"),
    serialNumber:
      serial && /^[A-Za-z0-9]{8,20}$/.test(serial)
        ? known(serial)
        : unknown("system_profiler printed no Serial Number (system)"),
  };
}

/** CPU brand string and memory from sysctl. */
export interface MacPlatform {
  readonly cpu: Fact<string>;
  readonly memoryGiB: Fact<number>;
}

/** `cpu=` (machdep.cpu.brand_string) and `memsize=` (hw.memsize, bytes). */
export function parseMacSysctl(output: ProbeOutput | undefined): MacPlatform {
  const text = ran(output, "sysctl");
  if (!text.known) return { cpu: text, memoryGiB: text };
  const values = keyValues(text.value);
  const cpu = values.get("cpu");
  const bytes = count(values.get("memsize"));
  return {
    cpu: cpu ? known(cpu.slice(0, 256)) : unknown("sysctl has no machdep.cpu.brand_string"),
    memoryGiB:
      bytes !== undefined && bytes > 0
        ? known(Math.ceil(bytes / 1024 ** 3))
        : unknown("sysctl has no hw.memsize"),
  };
}

/** FileVault state as the machine-config model has it. */
export type FileVaultStatus = "encrypted" | "partial" | "none";

/**
 * `fdesetup status`: "FileVault is On." → encrypted, "FileVault is Off." → none, "Encryption in
 * progress" or "Decryption in progress" → partial.
 */
export function parseFileVault(output: ProbeOutput | undefined): Fact<FileVaultStatus> {
  const text = ran(output, "fdesetup");
  if (!text.known) return text;
  const first = lines(text.value)[0] ?? "";
  if (/^Encryption in progress|^Decryption in progress/.test(first)) return known("partial");
  if (/^FileVault is On\./.test(first)) return known("encrypted");
  if (/^FileVault is Off\./.test(first)) return known("none");
  return notUnderstood("fdesetup status", text.value);
}

/** The application firewall's state. */
export interface MacFirewall {
  /** Global state 1 (on) or 2 (block all incoming) count as on; 0 as off. */
  readonly enabled: Fact<boolean>;
  readonly blockAll: Fact<boolean>;
  readonly stealthMode: Fact<boolean>;
}

/** `socketfilterfw --getglobalstate` ("… (State = N)") then `--getstealthmode`. */
export function parseAppFirewall(output: ProbeOutput | undefined): MacFirewall {
  const text = ran(output, "socketfilterfw");
  if (!text.known) return { enabled: text, blockAll: text, stealthMode: text };
  const state = /\(State = ([012])\)/.exec(text.value)?.[1];
  const stealth = /^Stealth mode (enabled|disabled)/im.exec(text.value)?.[1];
  const noState = notUnderstood("socketfilterfw --getglobalstate", text.value);
  return {
    enabled: state === undefined ? noState : known(state !== "0"),
    blockAll: state === undefined ? noState : known(state === "2"),
    stealthMode:
      stealth === undefined
        ? unknown("socketfilterfw --getstealthmode printed no Stealth mode line")
        : known(stealth.toLowerCase() === "enabled"),
  };
}

/** `spctl --status`: "assessments enabled" or "assessments disabled" (Gatekeeper). */
export function parseGatekeeper(output: ProbeOutput | undefined): Fact<boolean> {
  if (output === undefined || output.rc === undefined || output.rc >= 124)
    return unknown(probeFailure(output, "spctl"));
  // The state line decides, whatever the exit code.
  const first = lines(output.stdout)[0]?.trim();
  if (first === "assessments enabled") return known(true);
  if (first === "assessments disabled") return known(false);
  return notUnderstood("spctl --status", output.stdout);
}

/** `csrutil status`: "System Integrity Protection status: enabled." (or disabled, or a custom configuration). */
export function parseSip(output: ProbeOutput | undefined): Fact<boolean> {
  const text = ran(output, "csrutil");
  if (!text.known) return text;
  const state = /^System Integrity Protection status: (enabled|disabled)\.?\s*$/m.exec(
    text.value,
  )?.[1];
  // "enabled (Custom Configuration)." lists protections turned off one by one: not plainly on.
  if (state === undefined) return notUnderstood("csrutil status", text.value);
  return known(state === "enabled");
}

/** One boolean preference printed by `defaults read` (1/0), or why it is unknown. */
function preference(values: Map<string, string>, key: string): Fact<boolean> {
  const value = values.get(key);
  if (value === "1") return known(true);
  if (value === "0") return known(false);
  if (value === "absent") return unknown(`${key} is not set (macOS then applies its own default)`);
  return unknown(`${key}: not read`);
}

/**
 * Automatic updates are on when the Mac checks, downloads and installs macOS updates and installs
 * security responses and system data files on its own; any of them set to 0 turns the fact off.
 */
export function parseAutomaticUpdates(output: ProbeOutput | undefined): Fact<boolean> {
  const text = ran(output, "defaults");
  if (!text.known) return text;
  const values = keyValues(text.value);
  const keys = [
    "AutomaticCheckEnabled",
    "AutomaticDownload",
    "AutomaticallyInstallMacOSUpdates",
    "CriticalUpdateInstall",
  ];
  const facts = keys.map((k) => preference(values, k));
  if (facts.some((f) => f.known && !f.value)) return known(false);
  const missing = facts.find((f) => !f.known);
  if (missing && !missing.known) return unknown(missing.reason);
  return known(true);
}

/** `GuestEnabled` of com.apple.loginwindow: 1 on, 0 off. */
export function parseGuest(output: ProbeOutput | undefined): Fact<boolean> {
  const text = ran(output, "defaults");
  if (!text.known) return text;
  return preference(keyValues(text.value), "GuestEnabled");
}

/** Network time as the machine-config model has it. */
export interface MacTimeSync {
  readonly enabled: boolean;
  readonly source?: string;
}

/** `systemsetup -getusingnetworktime` ("Network Time: On|Off") and `-getnetworktimeserver`. */
export function parseMacTimeSync(output: ProbeOutput | undefined): Fact<MacTimeSync> {
  const text = ran(output, "systemsetup");
  if (!text.known) return text;
  const state = /^Network Time: (On|Off)\s*$/im.exec(text.value)?.[1];
  if (state === undefined) return notUnderstood("systemsetup -getusingnetworktime", text.value);
  const server = /^Network Time Server: (\S.*)$/m.exec(text.value)?.[1]?.trim();
  const enabled = state.toLowerCase() === "on";
  return known({
    enabled,
    ...(enabled && server ? { source: server.slice(0, 256) } : {}),
  });
}

/** A local account and its user id. */
export interface MacUser {
  readonly name: string;
  readonly uid: number;
}

/** `dscl . -list /Users UniqueID`: one `name   uid` line per account. */
export function parseDsclUsers(output: ProbeOutput | undefined): Fact<readonly MacUser[]> {
  const text = ran(output, "dscl");
  if (!text.known) return text;
  const users: MacUser[] = [];
  for (const line of lines(text.value)) {
    const match = /^(\S+)\s+(-?\d+)$/.exec(line.trim());
    if (!match?.[1] || match[2] === undefined) return notUnderstood("dscl . -list /Users", line);
    users.push({ name: match[1], uid: Number(match[2]) });
  }
  if (users.length === 0) return unknown("dscl . -list /Users printed no accounts");
  return known(users);
}

/** Accounts with user id 0. */
export function uid0Accounts(users: Fact<readonly MacUser[]>): Fact<readonly string[]> {
  if (!users.known) return users;
  return known(users.value.filter((u) => u.uid === 0).map((u) => u.name));
}

/** `dscl . -read /Groups/admin GroupMembership`: "GroupMembership: root alice". */
export function parseAdminGroup(output: ProbeOutput | undefined): Fact<readonly string[]> {
  const text = ran(output, "dscl");
  if (!text.known) return text;
  const match = /^GroupMembership:((?:\s+\S+)*)\s*$/m.exec(text.value);
  if (!match) return notUnderstood("dscl . -read /Groups/admin", text.value);
  return known([...new Set((match[1] ?? "").trim().split(/\s+/).filter(Boolean))]);
}

/** A login window policy banner in /Library/Security, when the folder exists (a Mac). */
export function parsePolicyBanner(output: ProbeOutput | undefined): Fact<boolean> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "the policy-banner probe"));
  const values = keyValues(output.stdout);
  if (values.get("folder") !== "present")
    return unknown("/Library/Security does not exist (not a Mac?)");
  return known(values.has("banner"));
}

/** One installed application. */
export interface MacApplication {
  readonly name: string;
  readonly version?: string;
}

/** `path TAB CFBundleName TAB CFBundleShortVersionString` lines; the bundle's file name stands in for a missing name. */
export function parseApplications(
  output: ProbeOutput | undefined,
): Fact<readonly MacApplication[]> {
  const text = ran(output, "plutil");
  if (!text.known) return text;
  const apps: MacApplication[] = [];
  for (const line of text.value.split("\n")) {
    if (line.trim() === "") continue;
    const [file, name, version] = line.split("\t");
    if (file === undefined || !file.endsWith(".app") || name === undefined)
      return notUnderstood("the applications probe", line);
    const fallback = file.slice(file.lastIndexOf("/") + 1, -".app".length);
    const label = (name.trim() || fallback).slice(0, 512);
    if (label === "") continue;
    const v = version?.trim();
    apps.push({ name: label, ...(v ? { version: v.slice(0, 128) } : {}) });
  }
  return known(apps);
}

/** Process base names from `ps -ax -o comm=` (macOS prints full paths). */
export function parseProcessNames(output: ProbeOutput | undefined): Fact<ReadonlySet<string>> {
  const text = ran(output, "ps");
  if (!text.known) return text;
  return known(
    new Set(
      lines(text.value)
        .map((l) => l.trim())
        .map((l) => l.slice(l.lastIndexOf("/") + 1)),
    ),
  );
}

/** The Mac's own network addresses. */
export interface MacNetwork {
  readonly macAddresses: Fact<readonly string[]>;
  readonly ipAddresses: Fact<readonly string[]>;
}

const LIMIT = 64;

/**
 * `ifconfig`: blocks headed `NAME: flags=…`, with `ether`, `inet` and `inet6` lines. Only the
 * Mac's Ethernet and Wi-Fi ports (`enN`) that hold an address count; loopback, link-local and
 * virtual interfaces (awdl, llw, bridge, utun, gif, stf, p2p) are left out.
 */
export function parseIfconfig(output: ProbeOutput | undefined): MacNetwork {
  const text = ran(output, "ifconfig");
  if (!text.known) return { macAddresses: text, ipAddresses: text };
  const macs = new Set<string>();
  const ips = new Set<string>();
  let name = "";
  let ether: string | undefined;
  let addresses: string[] = [];
  const flush = () => {
    if (/^en\d+$/.test(name) && addresses.length > 0) {
      if (ether) macs.add(ether);
      for (const a of addresses) ips.add(a);
    }
  };
  for (const line of text.value.split("\n")) {
    const header = /^(\S+): flags=/.exec(line);
    if (header?.[1]) {
      flush();
      name = header[1];
      ether = undefined;
      addresses = [];
      continue;
    }
    const [key, value] = line.trim().split(/\s+/);
    if (key === "ether" && value && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value))
      ether = value.toLowerCase();
    else if (key === "inet" && value && /^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
      if (!value.startsWith("127.") && !value.startsWith("169.254.")) addresses.push(value);
    } else if (key === "inet6" && value) {
      const address = value.replace(/%.*$/, "").toLowerCase();
      if (address !== "::1" && !/^fe[89ab]/.test(address)) addresses.push(address);
    }
  }
  flush();
  if (ips.size === 0) {
    const none = unknown("ifconfig shows no en interface with an address");
    return { macAddresses: none, ipAddresses: none };
  }
  return {
    macAddresses:
      macs.size > 0 ? known([...macs].slice(0, LIMIT)) : unknown("ifconfig shows no ether line"),
    ipAddresses: known([...ips].slice(0, LIMIT)),
  };
}

/**
 * Whether each admin account can log on, from `user=NAME` lines each followed by that account's
 * `dscl . -read /Users/NAME AuthenticationAuthority`: `;DisabledUser;` in it is disabled, an
 * AuthenticationAuthority without it enabled, anything else (no such key, root needed) unknown.
 */
export function parseAdminAccounts(
  output: ProbeOutput | undefined,
): ReadonlyMap<string, Fact<boolean>> {
  const states = new Map<string, Fact<boolean>>();
  if (output?.rc !== 0) return states;
  let user: string | undefined;
  let seen: string[] = [];
  const flush = () => {
    if (user === undefined) return;
    const text = seen.join("\n");
    const timedOut = seen.map((l) => l.trim()).find((l) => TIMED_OUT.test(l));
    states.set(
      user,
      /;DisabledUser;/.test(text)
        ? known(false)
        : /^AuthenticationAuthority:/m.test(text)
          ? known(true)
          : /root: rerun with --sudo|needs root/.test(text)
            ? unknown("dscl AuthenticationAuthority needs root: rerun with --sudo")
            : timedOut !== undefined
              ? unknown(`dscl ${timedOut}`)
              : unknown(`dscl printed no AuthenticationAuthority for ${clip(user, 64)}`),
    );
  };
  for (const line of output.stdout.split("\n")) {
    if (line.startsWith("user=")) {
      flush();
      user = line.slice("user=".length);
      seen = [];
    } else if (user !== undefined) seen.push(line);
  }
  flush();
  return states;
}

/** The keys of one directory record as `dscl . -read` printed them, one key at a time. */
interface DsclKeys {
  /** `Key: value`, or `Key:` followed by indented value lines (joined by spaces). */
  readonly values: ReadonlyMap<string, string>;
  /** `No such key: Key`. */
  readonly absent: ReadonlySet<string>;
  /** A line of the probe's own: sudo refused, or the time limit stopped dscl. */
  readonly refused: string | undefined;
}

function dsclKeys(text: string): DsclKeys | { readonly strange: string } {
  const values = new Map<string, string>();
  const absent = new Set<string>();
  let refused: string | undefined;
  let strange: string | undefined;
  let key: string | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || /^rc=\d+$/.test(line)) continue;
    const missing = /^No such key: (\w+)\s*$/.exec(line)?.[1];
    const pair = /^(\w+):(?: (.*))?$/.exec(line);
    if (missing !== undefined) {
      absent.add(missing);
      key = undefined;
    } else if (pair?.[1] !== undefined) {
      key = pair[1];
      values.set(key, (pair[2] ?? "").trim());
    } else if (key !== undefined && line.startsWith(" ")) {
      values.set(key, `${values.get(key) ?? ""} ${line.trim()}`.trim());
    } else if (/needs root/.test(line) || TIMED_OUT.test(line.trim())) {
      refused = line.trim();
    } else strange ??= line;
  }
  // A shell may note the signal that stopped a timed-out command ("Alarm clock"): expected then.
  if (strange !== undefined && !(refused !== undefined && TIMED_OUT.test(refused)))
    return { strange };
  return { values, absent, refused };
}

const NO_LOGIN_SHELL = /(^|\/)(false|nologin)$/;

/**
 * Whether root can log on, from its record's Password, UserShell and AuthenticationAuthority
 * (`Key: value` or `No such key: Key` each). A Mac's root is disabled by default and by
 * `dsenableroot -d`: no AuthenticationAuthority and Password `*`; `dsenableroot` gives it one,
 * which turns password logon on unless it holds `;DisabledUser;`. A shell of /usr/bin/false
 * disables it too. With the password off an SSH key may still let root in, as on Linux: only
 * sshd's PermitRootLogin no settles that. Anything else is unknown.
 */
export function parseRootAccount(
  output: ProbeOutput | undefined,
  sshd: Fact<SshdSettings>,
): Fact<boolean> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "dscl"));
  const record = dsclKeys(output.stdout);
  if ("strange" in record) return notUnderstood("dscl . -read /Users/root", record.strange);
  const { values, absent, refused } = record;
  const authority = values.get("AuthenticationAuthority");
  if (authority !== undefined && /;DisabledUser;/.test(authority)) return known(false);
  const shell = values.get("UserShell");
  if (shell !== undefined && NO_LOGIN_SHELL.test(shell)) return known(false);
  if (refused !== undefined) return unknown(`dscl AuthenticationAuthority of root: ${refused}`);
  if (authority !== undefined) return known(true);
  for (const key of ["AuthenticationAuthority", "Password", "UserShell"])
    if (!values.has(key) && !absent.has(key)) return unknown(`dscl printed no ${key} for root`);
  const password = values.get("Password");
  if (password !== undefined && password !== "*")
    return unknown(
      `root has no AuthenticationAuthority but a Password other than *: "${clip(password, 40)}"`,
    );
  if (!sshd.known) return unknown(`root's password is disabled; ${sshd.reason}`);
  if (sshd.value.permitRootLogin === "no") return known(false);
  return unknown(
    `root's password is disabled, but sshd PermitRootLogin ${sshd.value.permitRootLogin} lets an authorised key in`,
  );
}

/** A managed preferences domain: the profile's payload, `absent` when no profile sets it. */
type Managed = { readonly present: false } | { readonly present: true; readonly value: PlistValue };

function managedDomain(output: ProbeOutput | undefined, domain: string): Fact<Managed> {
  const text = ran(output, "plutil");
  if (!text.known) return text;
  if (text.value.trim() === "absent") return known({ present: false });
  const plist = parsePlist(text.value);
  if (!plist.ok) return unknown(`the ${domain} profile could not be read: ${plist.problem}`);
  if (plist.value.kind !== "dict") return notUnderstood(`the ${domain} profile`, text.value);
  return known({ present: true, value: plist.value });
}

function integerOf(value: PlistValue | undefined): number | undefined {
  return value?.kind === "integer" && value.value >= 0 ? value.value : undefined;
}

function flagOf(value: PlistValue | undefined): boolean | undefined {
  if (value?.kind === "boolean") return value.value;
  if (value?.kind === "integer" && (value.value === 0 || value.value === 1))
    return value.value === 1;
  return undefined;
}

/** Password rules as the machine-config model has them. */
export interface MacPasswordPolicy {
  readonly minLength: Fact<number>;
  readonly history: Fact<number>;
  /** A letter, a digit and a character that is neither are each required. */
  readonly complexity: Fact<boolean>;
  /** 0: passwords never expire. */
  readonly maxAgeDays: Fact<number>;
}

/** Account lockout as the machine-config model has it (0 and 0 when nothing locks accounts). */
export interface MacLockout {
  readonly threshold: Fact<number>;
  readonly durationMinutes: Fact<number>;
}

/** The password and lockout policy of a Mac's local accounts. */
export interface MacAccountPolicy {
  readonly password: MacPasswordPolicy;
  readonly lockout: MacLockout;
}

const POLICY_CATEGORIES = [
  "policyCategoryPasswordContent",
  "policyCategoryAuthentication",
  "policyCategoryPasswordChange",
];
const LENGTH_RULE = /policyAttributePassword\s+matches\s+'\.\{(\d+),\d*\}\+?'/;
const LETTER = /\[(a-zA-Z|A-Za-z)\]/;
const DIGIT = /\[0-9\]/;
const SYMBOL = /\[\^(a-zA-Z0-9|A-Za-z0-9|0-9a-zA-Z)\]/;

/** What one `pwpolicy -getaccountpolicies` document requires; undefined where no policy says. */
interface PolicyTerms {
  minLength?: number;
  history?: number;
  letter: boolean;
  digit: boolean;
  symbol: boolean;
  maxAgeDays?: number;
  threshold?: number;
  lockSeconds?: number;
}

function policyTerms(root: PlistValue): PolicyTerms | string {
  const terms: PolicyTerms = { letter: false, digit: false, symbol: false };
  const most = (a: number | undefined, b: number) => Math.max(a ?? 0, b);
  const least = (a: number | undefined, b: number) => (a === undefined ? b : Math.min(a, b));
  if (root.kind !== "dict") return "the account policies are not a dict";
  for (const [category, list] of root.entries) {
    if (!POLICY_CATEGORIES.includes(category)) continue;
    if (list.kind !== "array") return `${category} is not an array`;
    for (const policy of list.items) {
      const content = plistEntry(policy, "policyContent");
      if (content?.kind !== "string") return `a policy in ${category} has no policyContent`;
      const identifier = plistEntry(policy, "policyIdentifier");
      const id = identifier?.kind === "string" ? identifier.value : "";
      const parameter = (key: string) =>
        integerOf(plistEntry(plistEntry(policy, "policyParameters"), key));
      const text = content.value;
      const length = parameter("minimumLength") ?? count(LENGTH_RULE.exec(text)?.[1]);
      if (length !== undefined) terms.minLength = most(terms.minLength, length);
      const history = parameter("policyAttributePasswordHistoryDepth");
      if (history !== undefined && /policyAttributePasswordHistory/.test(text))
        terms.history = most(terms.history, history);
      const expires = parameter("policyAttributeExpiresEveryNDays");
      if (expires !== undefined && expires > 0) terms.maxAgeDays = least(terms.maxAgeDays, expires);
      const failures = parameter("policyAttributeMaximumFailedAuthentications");
      if (failures !== undefined && failures > 0) {
        terms.threshold = least(terms.threshold, failures);
        const seconds = parameter("autoEnableInSeconds");
        if (seconds !== undefined) terms.lockSeconds = most(terms.lockSeconds, seconds);
      }
      if (/policyAttributePassword\s+matches/.test(text)) {
        terms.letter ||= LETTER.test(text) || /:requireAlphanumeric$/.test(id);
        terms.digit ||= DIGIT.test(text) || /:requireAlphanumeric$/.test(id);
        terms.symbol ||= SYMBOL.test(text) || /:minComplexChars$/.test(id);
      }
    }
  }
  return terms;
}

/**
 * The global account policies of `pwpolicy -getaccountpolicies` (a banner line, then an XML
 * plist of policy categories; a Passcode profile's rules appear there too): the longest
 * `policyAttributePassword matches '.{N,}'` or minimumLength, the deepest
 * policyAttributePasswordHistoryDepth, the smallest policyAttributeExpiresEveryNDays and
 * policyAttributeMaximumFailedAuthentications with its autoEnableInSeconds. What no policy sets
 * is off (0, false). When pwpolicy gives nothing readable, the Passcode profile's own payload
 * (minLength, pinHistory, requireAlphanumeric with minComplexChars, maxPINAgeInDays,
 * maxFailedAttempts, minutesUntilFailedLoginReset) answers for the keys it sets; the rest is unknown.
 * Network accounts of a directory service follow its policy, not these.
 */
export function parseAccountPolicy(
  pwpolicy: ProbeOutput | undefined,
  profile: ProbeOutput | undefined,
): MacAccountPolicy {
  const text = ran(pwpolicy, "pwpolicy");
  const plist = text.known ? parsePlist(text.value) : undefined;
  const terms = plist?.ok ? policyTerms(plist.value) : undefined;
  if (terms !== undefined && typeof terms !== "string") {
    const locks = terms.threshold !== undefined;
    return {
      password: {
        minLength: known(terms.minLength ?? 0),
        history: known(terms.history ?? 0),
        complexity: known(terms.letter && terms.digit && terms.symbol),
        maxAgeDays: known(terms.maxAgeDays ?? 0),
      },
      lockout: {
        threshold: known(terms.threshold ?? 0),
        // Without autoEnableInSeconds a locked account stays locked until an administrator
        // unlocks it; as on Linux, that and no lockout at all are both 0.
        durationMinutes: known(locks ? Math.floor((terms.lockSeconds ?? 0) / 60) : 0),
      },
    };
  }
  const why = !text.known
    ? text.reason
    : typeof terms === "string"
      ? `pwpolicy printed account policies not understood: ${terms}`
      : `pwpolicy printed no readable plist: ${plist && !plist.ok ? plist.problem : ""}`;
  return profilePolicy(managedDomain(profile, "Passcode"), why);
}

function profilePolicy(profile: Fact<Managed>, why: string): MacAccountPolicy {
  const payload = profile.known && profile.value.present ? profile.value.value : undefined;
  const absent = (key: string) =>
    unknown(`${why}; ${profile.known ? `no Passcode profile sets ${key}` : profile.reason}`);
  const from = <T>(key: string, read: (v: PlistValue | undefined) => T | undefined): Fact<T> => {
    const value = read(plistEntry(payload, key));
    return value === undefined ? absent(key) : known(value);
  };
  const alphanumeric = flagOf(plistEntry(payload, "requireAlphanumeric"));
  const complexChars = integerOf(plistEntry(payload, "minComplexChars"));
  return {
    password: {
      minLength: from("minLength", integerOf),
      history: from("pinHistory", integerOf),
      complexity:
        alphanumeric === undefined
          ? absent("requireAlphanumeric")
          : known(alphanumeric && (complexChars ?? 0) >= 1),
      maxAgeDays: from("maxPINAgeInDays", integerOf),
    },
    lockout: {
      threshold: from("maxFailedAttempts", integerOf),
      durationMinutes: from("minutesUntilFailedLoginReset", integerOf),
    },
  };
}

/**
 * The screen lock a screensaver profile sets for the whole machine: idleTime seconds, then
 * askForPasswordDelay more before the password is asked (askForPassword). askForPassword off or
 * idleTime 0 is no lock (0). Without a profile it is each user's own setting, not a machine fact:
 * unknown.
 */
export function parseScreenLock(output: ProbeOutput | undefined): Fact<number> {
  const profile = managedDomain(output, "screensaver");
  if (!profile.known) return profile;
  if (!profile.value.present)
    return unknown(
      "no profile sets com.apple.screensaver; the screen lock is then each user's own setting",
    );
  const payload = profile.value.value;
  const idle = integerOf(plistEntry(payload, "idleTime"));
  const ask = flagOf(plistEntry(payload, "askForPassword"));
  const delay = integerOf(plistEntry(payload, "askForPasswordDelay"));
  if (ask === false || idle === 0) return known(0);
  if (idle === undefined)
    return unknown("the screensaver profile sets no idleTime; each user's own setting applies");
  if (ask === undefined)
    return unknown(
      "the screensaver profile sets no askForPassword; each user's own setting applies",
    );
  if (delay === undefined)
    return unknown(
      "the screensaver profile sets no askForPasswordDelay; each user chooses how long after the screen saver the password is asked",
    );
  return known(idle + delay);
}

const AUDIT_CLASSES = ["lo", "aa", "ad"];

/**
 * OpenBSM auditing (deprecated since macOS 11 and off by default since macOS 14) is on when
 * /etc/security/audit_control exists, launchd has com.apple.auditd loaded, `audit -c` reports
 * AUC_AUDITING and the flags: line records logon (lo), authentication (aa) and administrative (ad)
 * events. No audit_control or no loaded service is off; anything else unknown.
 */
export function parseAuditLogging(output: ProbeOutput | undefined): Fact<boolean> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "launchctl"));
  const values = keyValues(output.stdout);
  if (values.get("control") === "absent") return known(false);
  const rest = lines(output.stdout).map((l) => l.trim());
  const refused = rest.find((l) => /needs root/.test(l) || TIMED_OUT.test(l));
  if (refused !== undefined) return unknown(`auditd's state: ${refused}`);
  if (values.get("loaded") === "no") return known(false);
  if (values.get("control") !== "present" || values.get("loaded") !== "yes")
    return notUnderstood("the audit probe", output.stdout);
  const flags = rest.find((l) => l.startsWith("flags:"));
  if (/\bAUC_(NOAUDIT|DISABLED|UNSET)\b/.test(output.stdout)) return known(false);
  if (!/\bAUC_AUDITING\b/.test(output.stdout))
    return notUnderstood("audit -c", rest.filter((l) => !/^(control|loaded)=/.test(l)).join(" "));
  if (flags === undefined) return unknown("audit_control has no flags: line");
  const classes = new Set(
    flags
      .slice("flags:".length)
      .split(",")
      .map((c) => c.trim()),
  );
  return known(classes.has("all") || AUDIT_CLASSES.every((c) => classes.has(c)));
}

/** The most recent macOS update or upgrade in InstallHistory.plist. */
export interface MacLastUpdate {
  readonly name: string;
  /** YYYY-MM-DD (UTC). */
  readonly date: string;
}

// Apple's OS updates, security updates and Rapid Security Responses; not app or data updates
// (XProtect, Gatekeeper and MRT data, Safari, Xcode).
const OS_UPDATE = /^(macOS|OS X|Mac OS X|Security Update|Background Security Improvement)\b/;
const APPLE_INSTALLERS = new Set([
  "softwareupdated",
  "Software Update",
  "macOS Installer",
  "OS X Installer",
]);

/**
 * `plutil -convert xml1` of /Library/Receipts/InstallHistory.plist: an array of dicts with date,
 * displayName, displayVersion and processName. The latest entry whose displayName names macOS or
 * a security update and whose processName is Apple's updater or installer.
 */
export function parseInstallHistory(output: ProbeOutput | undefined): Fact<MacLastUpdate> {
  const text = ran(output, "plutil");
  if (!text.known) return text;
  const plist = parsePlist(text.value);
  if (!plist.ok) return unknown(`InstallHistory.plist could not be read: ${plist.problem}`);
  if (plist.value.kind !== "array") return notUnderstood("InstallHistory.plist", text.value);
  let latest: MacLastUpdate | undefined;
  for (const item of plist.value.items) {
    const date = plistEntry(item, "date");
    const name = plistEntry(item, "displayName");
    const process = plistEntry(item, "processName");
    if (date?.kind !== "date" || name?.kind !== "string" || process?.kind !== "string") continue;
    if (!OS_UPDATE.test(name.value) || !APPLE_INSTALLERS.has(process.value)) continue;
    const at = new Date(date.value);
    if (Number.isNaN(at.getTime())) return notUnderstood("InstallHistory.plist date", date.value);
    const day = at.toISOString().slice(0, 10);
    if (latest === undefined || day >= latest.date)
      latest = { name: name.value.slice(0, 256), date: day };
  }
  return latest === undefined
    ? unknown("InstallHistory.plist lists no macOS update installed by Software Update")
    : known(latest);
}

/**
 * The names in RecommendedUpdates of com.apple.SoftwareUpdate: what the last background check
 * found. A cache, not an answer: nothing clears it when the check stops running, so it only ever
 * tells that updates were pending, never that none are.
 */
export function parseRecommendedUpdates(output: ProbeOutput | undefined): Fact<readonly string[]> {
  const text = ran(output, "plutil");
  if (!text.known) return text;
  if (text.value.trim() === "absent") return known([]);
  const plist = parsePlist(text.value);
  if (!plist.ok) return unknown(`RecommendedUpdates could not be read: ${plist.problem}`);
  if (plist.value.kind !== "array") return notUnderstood("RecommendedUpdates", text.value);
  const names: string[] = [];
  for (const item of plist.value.items) {
    const name =
      plistEntry(item, "Display Name") ??
      plistEntry(item, "Identifier") ??
      plistEntry(item, "Product Key");
    if (name?.kind !== "string") return notUnderstood("RecommendedUpdates", text.value);
    names.push(name.value.slice(0, 256));
  }
  return known(names);
}

/** Removable-media policy as the machine-config model has it. */
export type MacRemovableMedia = "blocked" | "read-only" | "allowed";

/** What a Media Management profile's mount-controls do to external disks. */
export interface MacMediaProfile {
  readonly externalDisks: MacRemovableMedia;
}

/**
 * mount-controls of a com.apple.systemuiserver profile: harddisk-external (which also covers USB
 * sticks and SD cards) with deny or eject is blocked, read-only read-only, anything else (alert,
 * authenticate, nothing) allowed. No profile, or one without mount-controls, is unknown.
 */
export function parseMediaProfile(output: ProbeOutput | undefined): Fact<MacMediaProfile> {
  const profile = managedDomain(output, "systemuiserver");
  if (!profile.known) return profile;
  if (!profile.value.present)
    return unknown("no Media Management profile (com.apple.systemuiserver) is installed");
  const controls = plistEntry(profile.value.value, "mount-controls");
  if (controls === undefined)
    return unknown("the com.apple.systemuiserver profile sets no mount-controls");
  const external = plistEntry(controls, "harddisk-external");
  const actions =
    external === undefined
      ? []
      : external.kind === "string"
        ? [external.value]
        : external.kind === "array"
          ? external.items.map((i) => (i.kind === "string" ? i.value : "?"))
          : ["?"];
  const unknownAction = actions.find((a) => !/^(deny|eject|read-only|alert|authenticate)$/.test(a));
  if (unknownAction !== undefined)
    return unknown(
      `mount-controls harddisk-external holds "${clip(unknownAction, 40)}", not understood`,
    );
  if (actions.includes("deny") || actions.includes("eject"))
    return known({ externalDisks: "blocked" });
  if (actions.includes("read-only")) return known({ externalDisks: "read-only" });
  return known({ externalDisks: "allowed" });
}
