/** The Debian packages the project needs, and installing the missing ones without surprises. */
import { $ } from "zx";

/** Debian packages the project needs at run time or in its tests, installed by `npm run setup`. */
export const SYSTEM_PACKAGES: readonly string[] = [
  // Drills and the collector reach hosts over SSH; their tests start real sshd instances.
  "openssh-server",
  // The backup engine the drills restore with.
  "restic",
  // `rclone serve restic --append-only`: the append-only offsite repository in the drill tests.
  "rclone",
  // The firewall parser's differential test loads generated rule sets with nft and iptables-restore.
  "nftables",
  "iptables",
  // The probe's positive log-forwarding and SSH-banning cases run a real rsyslogd and
  // fail2ban-server (started by the test itself; the packages' own services stay off).
  "rsyslog",
  "fail2ban",
  // The evidence dashboard's browser tests and `report html --pdf` drive headless Chromium.
  "chromium",
];

/** A setup step that cannot go on; the message is one line that says what to do instead. */
export class SetupError extends Error {
  override name = "SetupError";
}

/** How to run apt-get: directly as root, through sudo otherwise, or not at all. */
export function aptCommand(uid: number, hasSudo: boolean): string[] | undefined {
  if (uid === 0) return ["apt-get"];
  if (hasSudo) return ["sudo", "-n", "apt-get"];
  return undefined;
}

/** The names among `packages` that dpkg does not report as "install ok installed". */
export async function missingPackages(packages: readonly string[]): Promise<string[]> {
  if (packages.length === 0) return [];
  // The format is passed as one argument: zx quotes it, so the shell never sees `${Status}`.
  const format = "${Package}\t${Status}\n";
  // dpkg-query exits 1 when a name is unknown but still prints the others.
  const out = await $`dpkg-query -W -f=${format} ${packages}`.quiet().nothrow();
  if (out.exitCode !== 0 && out.exitCode !== 1)
    throw new SetupError(`dpkg-query failed (exit ${out.exitCode}): ${lastLine(out.stderr)}`);
  const installed = new Set(
    out.stdout
      .split("\n")
      .map((line) => line.split("\t"))
      .filter(([, status]) => status === "install ok installed")
      .map(([name]) => name?.replace(/:.*$/, "")),
  );
  return packages.filter((name) => !installed.has(name));
}

export interface EnsureOptions {
  readonly packages: readonly string[];
  readonly uid: number;
  readonly hasSudo: boolean;
  /** Receives one line per action taken. */
  readonly log: (line: string) => void;
}

/**
 * Installs the missing packages and returns their names; calls no apt-get at all when none are
 * missing. Throws {@link SetupError} with a one-line remedy when it cannot.
 */
export async function ensureSystemPackages(options: EnsureOptions): Promise<string[]> {
  const missing = await missingPackages(options.packages);
  if (missing.length === 0) {
    options.log(`system packages: all present (${options.packages.join(", ")})`);
    return [];
  }
  const apt = aptCommand(options.uid, options.hasSudo);
  if (!apt)
    throw new SetupError(
      `missing Debian packages: ${missing.join(" ")}; run setup as root, or have an administrator run: apt-get install ${missing.join(" ")}`,
    );
  options.log(`installing ${missing.join(", ")} with ${apt.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    $({ env })`${apt} install -y -qq --no-install-recommends ${missing}`.quiet().nothrow();
  let result = await install();
  // Only a machine whose package lists lack a name needs `apt-get update` (a fresh container).
  if (
    result.exitCode !== 0 &&
    /Unable to locate package|has no installation candidate/.test(result.stderr)
  ) {
    options.log("refreshing the package lists (apt-get update)");
    const update = await $({ env })`${apt} update -qq`.quiet().nothrow();
    if (update.exitCode !== 0) throw new SetupError(aptFailure(apt, "update", update));
    result = await install();
  }
  if (result.exitCode !== 0) throw new SetupError(aptFailure(apt, "install", result));
  return missing;
}

function aptFailure(
  apt: readonly string[],
  verb: string,
  result: { exitCode: number | null; stderr: string },
): string {
  const command = `${apt.join(" ")} ${verb}`;
  if (/Could not get lock|Unable to acquire the dpkg frontend lock/.test(result.stderr))
    return `${command}: the dpkg lock is busy (${lastLine(result.stderr, /Could not get lock/)}); wait for the other apt or dpkg run to finish, then run setup again`;
  if (/a password is required|a terminal is required/.test(result.stderr))
    return `${command}: sudo asks for a password; run setup as root, or run sudo once in this terminal first`;
  return `${command} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`;
}

/** The last non-empty line of `text`, or the first one matching `prefer`. */
function lastLine(text: string, prefer?: RegExp): string {
  const lines = text
    .split("\n")
    .map((l) => l.replace(/^E:\s*/, "").trim())
    .filter(Boolean);
  const preferred = prefer ? lines.find((l) => prefer.test(l)) : undefined;
  return preferred ?? lines.at(-1) ?? "no message";
}
