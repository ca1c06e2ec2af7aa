/**
 * Account lockout on Linux: pam_faillock (faillock.conf overridden by module arguments; deny 3 and
 * unlock_time 600 s by default) or the older pam_tally2 in an auth stack. Neither means accounts
 * never lock (threshold 0).
 */
import { known, unknown, type Fact } from "../fact.js";
import type { ProbeOutput } from "../probe-output.js";
import { count, lines, moduleSettings } from "./key-values.js";
import { entriesFor, type PamEntry } from "./pam.js";

/** Lockout threshold and duration. */
export interface LockoutFacts {
  readonly threshold: Fact<number>;
  readonly durationMinutes: Fact<number>;
}

/** Lockout from the auth stacks and faillock.conf. */
export function parseLockout(
  pam: Fact<readonly PamEntry[]>,
  faillockConf: ProbeOutput | undefined,
): LockoutFacts {
  if (!pam.known) return { threshold: pam, durationMinutes: pam };
  const faillock = entriesFor(pam.value, "auth", ["pam_faillock"]);
  const tally = entriesFor(pam.value, "auth", ["pam_tally2", "pam_tally"]);
  if (faillock.length === 0 && tally.length === 0)
    return { threshold: known(0), durationMinutes: known(0) };
  const settings =
    faillock.length > 0
      ? moduleSettings(lines(faillockConf?.stdout ?? ""))
      : new Map<string, string>();
  for (const entry of faillock.length > 0 ? faillock : tally)
    for (const [k, v] of entry.args) if (k === "deny" || k === "unlock_time") settings.set(k, v);
  const deny = settings.has("deny") ? count(settings.get("deny")) : faillock.length > 0 ? 3 : 0;
  const unlock = settings.has("unlock_time")
    ? count(settings.get("unlock_time"))
    : faillock.length > 0
      ? 600
      : 0;
  return {
    threshold:
      deny === undefined
        ? unknown(`deny = "${settings.get("deny")}" is not a number`)
        : known(deny),
    // unlock_time 0 (or "never") keeps the account locked until an administrator unlocks it.
    durationMinutes:
      settings.get("unlock_time") === "never"
        ? known(0)
        : unlock === undefined
          ? unknown(`unlock_time = "${settings.get("unlock_time")}" is not a number`)
          : known(Math.floor(unlock / 60)),
  };
}
