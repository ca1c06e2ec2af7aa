/** Installed packages: dpkg-query on Debian-like hosts, rpm on RHEL-like ones. */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** An installed package as the machine config lists software. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly publisher?: string;
}

/**
 * dpkg-query `${db:Status-Abbrev}\t${Package}\t${Version}`: installed rows count whatever the
 * wanted state — `hi` (held with apt-mark hold) is as installed as `ii` — and so do installed
 * packages with triggers awaited or pending (`iW`, `it`).
 */
/** Wanted state any (unknown, install, hold, remove, purge); state installed or awaiting triggers. */
export const DPKG_INSTALLED = /^[uihrp][iWt]/;

export function parseDpkg(output: ProbeOutput | undefined): Fact<readonly InstalledPackage[]> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "dpkg-query"));
  const seen = new Set<string>();
  const packages: InstalledPackage[] = [];
  for (const line of lines(output.stdout)) {
    // The first three tab-separated fields, found with indexOf: a host lists a thousand or more.
    const nameStart = line.indexOf("\t") + 1;
    const versionStart = nameStart === 0 ? 0 : line.indexOf("\t", nameStart) + 1;
    if (versionStart === 0 || !DPKG_INSTALLED.test(line.slice(0, nameStart - 1))) continue;
    const versionEnd = line.indexOf("\t", versionStart);
    const name = line.slice(nameStart, versionStart - 1);
    const version = line.slice(versionStart, versionEnd < 0 ? line.length : versionEnd);
    if (!name || !version) continue;
    // One row per architecture of a multi-arch package; the row up to the version is the key.
    const key = line.slice(nameStart, versionStart + version.length);
    if (seen.has(key)) continue;
    seen.add(key);
    packages.push({ name, version });
  }
  return known(packages);
}

const names = new WeakMap<readonly InstalledPackage[], ReadonlySet<string>>();

/** The names in a package list, as a set made once per list: several parsers look names up in it. */
export function packageNames(packages: readonly InstalledPackage[]): ReadonlySet<string> {
  let set = names.get(packages);
  if (set === undefined) {
    set = new Set(packages.map((p) => p.name));
    names.set(packages, set);
  }
  return set;
}

/** rpm `%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{VENDOR}`; the epoch is shown only when set. */
export function parseRpm(output: ProbeOutput | undefined): Fact<readonly InstalledPackage[]> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "rpm"));
  const packages: InstalledPackage[] = [];
  for (const line of lines(output.stdout)) {
    const [name, evr, vendor] = line.split("\t");
    if (!name || !evr || name === "gpg-pubkey") continue;
    const version = evr.replace(/^(\(none\)|0):/, "");
    packages.push({
      name,
      version,
      ...(vendor && vendor !== "(none)" ? { publisher: vendor } : {}),
    });
  }
  return known(packages);
}

/** The host's package list, from the tool its OS family uses (or whichever answered). */
export function parsePackages(
  family: "deb" | "rpm" | undefined,
  dpkg: ProbeOutput | undefined,
  rpm: ProbeOutput | undefined,
): Fact<readonly InstalledPackage[]> {
  const fromDpkg = parseDpkg(dpkg);
  const fromRpm = parseRpm(rpm);
  if (family === "deb") return fromDpkg;
  if (family === "rpm") return fromRpm;
  if (fromDpkg.known && fromDpkg.value.length > 0) return fromDpkg;
  if (fromRpm.known && fromRpm.value.length > 0) return fromRpm;
  return unknown("neither dpkg-query nor rpm listed any package");
}
