/**
 * The default umask of login shells: login.defs UMASK (pam_umask), pam_umask's umask= option, and
 * every umask line of the system-wide shell profiles. Which line a shell reaches depends on the
 * shell and on conditions in the profiles, so the fact is the bits every one of them masks
 * (their bitwise AND): what every login is sure to get.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** With nothing configured, logins keep the 022 that init and sshd start with. */
const INHERITED = 0o022;

/** `u=rwx,g=rx,o=` → the mask of the permissions not granted; undefined for other forms. */
function symbolic(value: string): number | undefined {
  let mask = 0o777;
  for (const part of value.split(",")) {
    const m = /^([ugo]+)=([rwx]*)$/.exec(part);
    if (!m) return undefined;
    const bits =
      (m[2]!.includes("r") ? 4 : 0) | (m[2]!.includes("w") ? 2 : 0) | (m[2]!.includes("x") ? 1 : 0);
    for (const who of m[1]!) {
      const shift = who === "u" ? 6 : who === "g" ? 3 : 0;
      mask = (mask & ~(7 << shift)) | ((7 & ~bits) << shift);
    }
  }
  return mask;
}

/** Reads `SOURCE VALUE` lines into the umask as four octal digits. */
export function parseUmask(output: ProbeOutput | undefined): Fact<string> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "umask settings"));
  let mask: number | undefined;
  for (const line of lines(output.stdout)) {
    const [source, value] = line.trim().split(/\s+/);
    if (!source || !value) continue;
    const bits = /^[0-7]{1,4}$/.test(value) ? parseInt(value, 8) & 0o777 : symbolic(value);
    if (bits === undefined)
      return unknown(`${source} sets a umask this collector cannot read: ${value}`);
    mask = mask === undefined ? bits : mask & bits;
  }
  return known(`0${(mask ?? INHERITED).toString(8).padStart(3, "0")}`);
}
