/**
 * Password policy on Linux: length and complexity from pam_pwquality / pam_cracklib (config files
 * overridden by module arguments) and pam_unix, history from pam_pwhistory / pam_unix remember,
 * maximum age from /etc/login.defs (what new accounts get).
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { count, integer, keyValues, lines, moduleSettings } from "./key-values.js";
import { entriesFor, type PamEntry } from "./pam.js";

/** The four password-policy facts of the machine config. */
export interface PasswordPolicyFacts {
  readonly minLength: Fact<number>;
  readonly history: Fact<number>;
  readonly complexity: Fact<boolean>;
  readonly maxAgeDays: Fact<number>;
}

/** libpwquality and pam_cracklib never accept fewer characters than this. */
const ABSOLUTE_MIN = 6;
/** pam_unix's documented default minlen. */
const PAM_UNIX_MINLEN = 6;
/** shadow's "never expires": PASS_MAX_DAYS at or above this. */
const NEVER_EXPIRES = 99_999;

function qualitySettings(
  module: PamEntry,
  pwquality: ProbeOutput | undefined,
): Map<string, string> {
  // pwquality.conf.d/*.conf, then pwquality.conf (the probe prints them in that order), then
  // the module's own arguments, each overriding the last.
  const settings =
    module.module === "pam_pwquality"
      ? moduleSettings(lines(pwquality?.stdout ?? ""))
      : new Map<string, string>();
  for (const [k, v] of module.args) settings.set(k, v);
  return settings;
}

function minLengthOf(
  entries: readonly PamEntry[],
  pwquality: ProbeOutput | undefined,
): Fact<number> {
  const quality = entriesFor(entries, "password", ["pam_pwquality", "pam_cracklib"])[0];
  const unix = entriesFor(entries, "password", ["pam_unix"])[0];
  if (!quality && !unix)
    return unknown("the password stack has neither pam_pwquality nor pam_unix");
  let min = 0;
  if (quality) {
    const s = qualitySettings(quality, pwquality);
    const minlen = count(s.get("minlen")) ?? (quality.module === "pam_pwquality" ? 8 : 9);
    const creditDefault = quality.module === "pam_cracklib" ? 1 : 0;
    // Positive credits let each character class count as an extra character.
    const credits = ["dcredit", "ucredit", "lcredit", "ocredit"]
      .map((k) => integer(s.get(k)) ?? creditDefault)
      .filter((c) => c > 0)
      .reduce((a, b) => a + b, 0);
    min = Math.max(ABSOLUTE_MIN, minlen - credits);
  }
  if (unix) min = Math.max(min, count(unix.args.get("minlen")) ?? PAM_UNIX_MINLEN);
  return known(min);
}

function complexityOf(
  entries: readonly PamEntry[],
  pwquality: ProbeOutput | undefined,
): Fact<boolean> {
  const quality = entriesFor(entries, "password", ["pam_pwquality", "pam_cracklib"])[0];
  if (!quality) return known(false);
  const s = qualitySettings(quality, pwquality);
  const minclass = count(s.get("minclass")) ?? 0;
  const required = ["dcredit", "ucredit", "lcredit", "ocredit"].filter(
    (k) => (integer(s.get(k)) ?? 0) < 0,
  ).length;
  // Three of the four classes, as Windows' complexity rule demands.
  return known(minclass >= 3 || required >= 3);
}

function historyOf(entries: readonly PamEntry[], pwhistory: ProbeOutput | undefined): Fact<number> {
  let remember = 0;
  const history = entriesFor(entries, "password", ["pam_pwhistory"])[0];
  if (history) {
    const conf = moduleSettings(lines(pwhistory?.stdout ?? ""));
    remember = count(history.args.get("remember")) ?? count(conf.get("remember")) ?? 10;
  }
  for (const unix of entriesFor(entries, "password", ["pam_unix"]))
    remember = Math.max(remember, count(unix.args.get("remember")) ?? 0);
  return known(remember);
}

function maxAgeOf(loginDefs: ProbeOutput | undefined): Fact<number> {
  if (loginDefs?.rc !== 0) return unknown(probeFailure(loginDefs, "/etc/login.defs"));
  const value = keyValues(loginDefs.stdout.replace(/^\s*(PASS_\w+)\s+/gm, "$1=")).get(
    "PASS_MAX_DAYS",
  );
  const days = value === undefined ? NEVER_EXPIRES : integer(value);
  if (days === undefined) return unknown(`PASS_MAX_DAYS "${value}" is not a number`);
  return known(days < 0 || days >= NEVER_EXPIRES ? 0 : days);
}

/** Password policy from the PAM stacks and their module configs. */
export function parsePasswordPolicy(
  pam: Fact<readonly PamEntry[]>,
  probes: {
    readonly pwquality: ProbeOutput | undefined;
    readonly pwhistory: ProbeOutput | undefined;
    readonly loginDefs: ProbeOutput | undefined;
  },
): PasswordPolicyFacts {
  const from = <T>(f: (entries: readonly PamEntry[]) => Fact<T>): Fact<T> =>
    pam.known ? f(pam.value) : pam;
  return {
    minLength: from((e) => minLengthOf(e, probes.pwquality)),
    history: from((e) => historyOf(e, probes.pwhistory)),
    complexity: from((e) => complexityOf(e, probes.pwquality)),
    maxAgeDays: maxAgeOf(probes.loginDefs),
  };
}
