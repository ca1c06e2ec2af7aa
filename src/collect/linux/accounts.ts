/**
 * Local accounts: administrators (uid 0, and members of sudo, wheel or admin), the guest account,
 * and accounts with empty passwords. /etc/shadow needs root; the probe prints only whether each
 * password is set, empty or locked, never the hash.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { count, lines } from "./key-values.js";
import type { SshdSettings } from "./sshd.js";

/** A local account from /etc/passwd. */
export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly shell: string;
}

/** What /etc/shadow says about an account, without its hash. */
export interface ShadowEntry {
  readonly password: "set" | "empty" | "locked";
  /** Account expiry, days since 1970-01-01; undefined when it never expires. */
  readonly expiresDay: number | undefined;
}

/** An administrative account and whether it can log on. */
export interface LocalAdminFact {
  readonly name: string;
  readonly enabled: Fact<boolean>;
}

/** Account facts of a host. */
export interface AccountFacts {
  readonly localAdmins: Fact<readonly LocalAdminFact[]>;
  readonly uid0: Fact<readonly string[]>;
  readonly emptyPasswords: Fact<readonly string[]>;
  readonly guestEnabled: Fact<boolean>;
}

const NO_LOGIN_SHELLS = /(^|\/)(nologin|false)$/;
const GUEST = /^guest(-|$)/i;

/** Local accounts from the passwd probe (name:uid:gid:shell). */
export function parsePasswd(output: ProbeOutput | undefined): Fact<readonly Account[]> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "/etc/passwd"));
  const accounts: Account[] = [];
  for (const line of lines(output.stdout)) {
    const [name, uid, gid, shell] = line.split(":");
    const u = count(uid);
    const g = count(gid);
    if (name && u !== undefined && g !== undefined)
      accounts.push({ name, uid: u, gid: g, shell: shell ?? "" });
  }
  return accounts.length > 0 ? known(accounts) : unknown("/etc/passwd listed no accounts");
}

/** Password state per account from the shadow probe. */
export function parseShadow(
  output: ProbeOutput | undefined,
): Fact<ReadonlyMap<string, ShadowEntry>> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "/etc/shadow"));
  const entries = new Map<string, ShadowEntry>();
  for (const line of lines(output.stdout)) {
    const [name, password, expires] = line.split(":");
    if (!name || (password !== "set" && password !== "empty" && password !== "locked")) continue;
    entries.set(name, { password, expiresDay: count(expires) });
  }
  return known(entries);
}

/** Members of the administrative groups, explicit or by primary group. */
function adminNames(accounts: readonly Account[], groups: ProbeOutput | undefined): Set<string> {
  const names = new Set(accounts.filter((a) => a.uid === 0).map((a) => a.name));
  if (groups?.rc !== 0) return names;
  for (const line of lines(groups.stdout)) {
    const [, gid, members] = line.split(":");
    for (const m of (members ?? "").split(",")) if (m) names.add(m);
    const g = count(gid);
    for (const a of accounts) if (g !== undefined && a.gid === g) names.add(a.name);
  }
  return names;
}

/** Whether an account can log on: by its shell, expiry, password state and, for uid 0, sshd. */
function canLogOn(
  account: Account,
  shadow: Fact<ReadonlyMap<string, ShadowEntry>>,
  sshd: Fact<SshdSettings>,
  today: number | undefined,
): Fact<boolean> {
  if (NO_LOGIN_SHELLS.test(account.shell)) return known(false);
  if (!shadow.known) return shadow;
  const entry = shadow.value.get(account.name);
  if (!entry) return unknown(`${account.name} has no /etc/shadow entry`);
  if (entry.expiresDay !== undefined && today !== undefined && entry.expiresDay <= today)
    return known(false);
  if (entry.password !== "locked") return known(true);
  // A locked password still lets an SSH key in, unless sshd refuses the account.
  if (account.uid === 0) {
    if (!sshd.known) return unknown(`password locked; ${sshd.reason}`);
    if (sshd.value.permitRootLogin === "no") return known(false);
    return unknown(
      `password locked, but sshd PermitRootLogin ${sshd.value.permitRootLogin} lets an authorised key in`,
    );
  }
  return unknown("password locked, but an authorised SSH key may still log in");
}

/** Administrators, uid-0 accounts, empty passwords and the guest account. */
export function parseAccounts(probes: {
  readonly passwd: ProbeOutput | undefined;
  readonly adminGroups: ProbeOutput | undefined;
  readonly shadow: ProbeOutput | undefined;
  readonly lightdm: ProbeOutput | undefined;
  readonly sshd: Fact<SshdSettings>;
  readonly hostNow: number | undefined;
}): AccountFacts {
  const accounts = parsePasswd(probes.passwd);
  const shadow = parseShadow(probes.shadow);
  const today = probes.hostNow === undefined ? undefined : Math.floor(probes.hostNow / 86_400);
  const emptyPasswords: Fact<readonly string[]> = shadow.known
    ? known([...shadow.value].filter(([, e]) => e.password === "empty").map(([n]) => n))
    : shadow;
  if (!accounts.known)
    return { localAdmins: accounts, uid0: accounts, emptyPasswords, guestEnabled: accounts };
  const admins = adminNames(accounts.value, probes.adminGroups);
  const localAdmins = accounts.value
    .filter((a) => admins.has(a.name))
    .map((a) => ({ name: a.name, enabled: canLogOn(a, shadow, probes.sshd, today) }));
  const lightdmGuest =
    probes.lightdm?.rc === 0 &&
    /^\s*(greeter-)?allow-guest\s*=\s*true\s*$/m.test(probes.lightdm.stdout);
  const guests = accounts.value.filter((a) => GUEST.test(a.name));
  let guestEnabled: Fact<boolean> = known(lightdmGuest);
  if (!lightdmGuest) {
    for (const g of guests) {
      const on = canLogOn(g, shadow, probes.sshd, today);
      if (on.known && on.value) {
        guestEnabled = on;
        break;
      }
      if (!on.known) guestEnabled = on;
    }
  }
  return {
    localAdmins: known(localAdmins),
    uid0: known(accounts.value.filter((a) => a.uid === 0).map((a) => a.name)),
    emptyPasswords,
    guestEnabled,
  };
}
