/**
 * Patching: when packages were last upgraded, whether upgrades install themselves, and how many
 * security updates are waiting. Debian/Ubuntu read apt and dpkg; RHEL-like hosts read dnf.
 */
import { known, unknown, type Fact } from "../fact.js";
import { clip, probeFailure, type ProbeOutput } from "../probe-output.js";
import { compareDebianVersions } from "./debian-version.js";
import { count, keyValues, lines } from "./key-values.js";
import { DPKG_INSTALLED } from "./packages.js";

/** Package metadata older than this cannot show today's security updates. */
export const MAX_METADATA_AGE_DAYS = 7;

const DATE = /(\d{4}-\d{2}-\d{2})/;

/** The latest `YYYY-MM-DD` at the start of any of these lines. */
function latestDate(texts: readonly string[]): string | undefined {
  let latest: string | undefined;
  for (const text of texts) {
    for (const line of lines(text)) {
      const date = /^(\d{4}-\d{2}-\d{2})\b/.exec(line.trim())?.[1];
      if (date && !Number.isNaN(Date.parse(date)) && (latest === undefined || date > latest))
        latest = date;
    }
  }
  return latest;
}

/** Date of the last apt/dpkg transaction that upgraded a package. */
export function lastAptUpgrade(
  aptHistory: ProbeOutput | undefined,
  dpkgLog: ProbeOutput | undefined,
): Fact<string> {
  const usable = [aptHistory, dpkgLog].filter((o) => o?.rc === 0).map((o) => o!.stdout);
  if (usable.length === 0) return unknown(probeFailure(aptHistory, "apt history"));
  const date = latestDate(usable);
  return date
    ? known(date)
    : unknown("no package upgrade is recorded in the apt history or dpkg.log");
}

/**
 * Date of the last dnf/yum transaction that upgraded packages. `dnf history list` prints
 * `ID | Command line | Date and time | Action(s) | Altered` (dnf 4, yum) or space-separated
 * columns without actions (dnf 5), where the command line tells.
 */
export function lastDnfUpgrade(history: ProbeOutput | undefined): Fact<string> {
  if (history?.rc !== 0) return unknown(probeFailure(history, "dnf history"));
  let latest: string | undefined;
  for (const line of lines(history.stdout)) {
    const date = DATE.exec(line)?.[1];
    if (!date) continue;
    const columns = line.split("|").map((c) => c.trim());
    const upgraded =
      columns.length >= 4
        ? /\b(U|Upgrade|Update|Upgraded|Updated)\b/.test(columns[3] ?? "") ||
          /\b(upgrade|update|up)\b/i.test(columns[1] ?? "")
        : /\b(upgrade|update|up|distro-sync)\b/i.test(line);
    if (upgraded && (latest === undefined || date > latest)) latest = date;
  }
  return latest ? known(latest) : unknown("no upgrade transaction in the dnf history");
}

function isEnabled(state: string | undefined): boolean {
  return state === "enabled" || state === "static" || state === "enabled-runtime";
}

/** unattended-upgrades installed, switched on in APT::Periodic, and its timer not disabled. */
export function aptAutomaticUpdates(output: ProbeOutput | undefined): Fact<boolean> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "apt-config"));
  const values = keyValues(output.stdout);
  if (!DPKG_INSTALLED.test(values.get("package") ?? "")) return known(false);
  const periodic = /^APT::Periodic::Unattended-Upgrade\s+"([^"]*)"/m.exec(output.stdout)?.[1];
  if (periodic === undefined || periodic === "0" || periodic === "") return known(false);
  const timer = values.get("timer");
  // Without systemd the cron job (/etc/cron.daily/apt-compat) runs it.
  if (timer === "disabled" || timer === "masked") return known(false);
  return known(true);
}

/** dnf-automatic installing updates on a timer. */
export function dnfAutomaticUpdates(output: ProbeOutput | undefined): Fact<boolean> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "dnf-automatic"));
  const units = new Map<string, string>();
  for (const line of lines(output.stdout)) {
    const m = /^unit (\S+) ?(\S*)$/.exec(line);
    if (m) units.set(m[1]!, m[2] ?? "");
  }
  if ([...units.values()].every((s) => s === ""))
    return unknown("systemctl could not tell whether the dnf-automatic timers are enabled");
  const apply = /^\s*apply_updates\s*=\s*(\S+)/m.exec(output.stdout)?.[1]?.toLowerCase();
  const applies = apply === "yes" || apply === "true" || apply === "1";
  if (isEnabled(units.get("dnf-automatic-install.timer"))) return known(true);
  const timer =
    isEnabled(units.get("dnf-automatic.timer")) || isEnabled(units.get("dnf5-automatic.timer"));
  return known(timer && applies);
}

function staleness(newest: number | undefined, hostNow: number | undefined, what: string) {
  if (newest === undefined || hostNow === undefined) return undefined;
  const days = Math.floor((hostNow - newest) / 86_400);
  return days > MAX_METADATA_AGE_DAYS
    ? `the ${what} is ${days} days old, so security updates released since cannot be seen (refresh it on the host)`
    : undefined;
}

/** Installed packages with a newer version in the -security package lists. */
export function aptPendingSecurity(
  output: ProbeOutput | undefined,
  hostNow: number | undefined,
): Fact<number> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "apt security lists"));
  let newest: number | undefined;
  const pending = new Set<string>();
  for (const line of lines(output.stdout)) {
    const [kind, a, b, c] = line.split(" ");
    if (kind === "list") {
      const mtime = count(a);
      if (mtime !== undefined) newest = Math.max(newest ?? 0, mtime);
    } else if (kind === "candidate" && a && b && c && compareDebianVersions(c, b) > 0) {
      pending.add(a);
    }
  }
  if (newest === undefined) return unknown("no -security package list was readable");
  const stale = staleness(newest, hostNow, "security package list");
  return stale ? unknown(stale) : known(pending.size);
}

const ADVISORY = /^[A-Z][A-Za-z0-9]*-[0-9A-Za-z]+[:-][0-9A-Za-z:-]+$/;

/** Packages named by security advisories that apply to the host (dnf updateinfo). */
export function dnfPendingSecurity(
  output: ProbeOutput | undefined,
  hostNow: number | undefined,
): Fact<number> {
  if (output?.rc !== 0) {
    const detail = output?.stderr ? `: ${clip(output.stderr)}` : "";
    return output?.rc === 127 || output === undefined
      ? unknown(probeFailure(output, "dnf"))
      : unknown(`dnf updateinfo failed from the metadata cache${detail}`);
  }
  let newest: number | undefined;
  const pending = new Set<string>();
  for (const line of lines(output.stdout)) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "cache") {
      const mtime = count(fields[1]);
      if (mtime !== undefined) newest = Math.max(newest ?? 0, mtime);
    } else if (fields.length === 3 && ADVISORY.test(fields[0]!)) {
      pending.add(fields[2]!);
    }
  }
  if (newest === undefined) return unknown("dnf has no cached repository metadata");
  const stale = staleness(newest, hostNow, "dnf metadata cache");
  return stale ? unknown(stale) : known(pending.size);
}
