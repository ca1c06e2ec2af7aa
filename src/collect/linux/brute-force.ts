/**
 * Banning of SSH password guessers: whether sshd listens beyond loopback (its ports from sshd -T,
 * the sockets from /proc/net), and fail2ban with its sshd jail, or sshguard, running.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { anyRunning, type Activity } from "./activity.js";
import { lines } from "./key-values.js";

export interface Banning {
  readonly product: string;
  readonly running: Fact<boolean>;
  readonly sshdJail: Fact<boolean>;
}

export interface BruteForceProtection {
  readonly sshExposed: Fact<boolean>;
  readonly banning: Fact<Banning | "none">;
}

/** Whether a /proc/net address (hex, as the kernel stores it) is loopback. */
export function isLoopback(hex: string): boolean {
  // IPv4 is one little-endian word: 127.x.y.z ends in 7F.
  if (hex.length === 8) return hex.toUpperCase().endsWith("7F");
  const h = hex.toUpperCase();
  // ::1, and ::ffff:127.x.y.z (IPv4-mapped).
  return h === "00000000000000000000000001000000" || /^0{16}FFFF0000[0-9A-F]{6}7F$/.test(h);
}

/** sshd's ports from its `sshd -T` section; empty when it printed none. */
function sshdPorts(sshd: ProbeOutput | undefined): number[] {
  return lines(sshd?.stdout ?? "").flatMap((l) => {
    const m = /^port (\d+)$/.exec(l.trim());
    return m ? [Number(m[1])] : [];
  });
}

/** Whether any listening TCP socket on sshd's ports is bound beyond loopback. */
function exposed(sshd: ProbeOutput | undefined, listening: ProbeOutput | undefined): Fact<boolean> {
  if (sshd?.rc === 127) return known(false); // no sshd installed
  const ports = sshdPorts(sshd);
  if (sshd?.rc !== 0 || ports.length === 0) return unknown(probeFailure(sshd, "sshd -T"));
  if (listening?.rc !== 0) return unknown(probeFailure(listening, "/proc/net"));
  return known(
    lines(listening.stdout).some((l) => {
      const [table, hexPort, state, address] = l.trim().split(/\s+/);
      return (
        table?.startsWith("tcp") === true &&
        state === "0A" &&
        address !== undefined &&
        ports.includes(parseInt(hexPort ?? "", 16)) &&
        !isLoopback(address)
      );
    }),
  );
}

/** fail2ban's sshd jail from its INI files: [sshd] enabled, else [DEFAULT] enabled. */
function sshdJailEnabled(text: readonly string[]): boolean {
  let section = "";
  let defaultEnabled = false;
  let sshd: boolean | undefined;
  for (const raw of text) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const m = /^enabled\s*[=:]\s*(\S+)/i.exec(line);
    if (!m) continue;
    const on = /^(true|yes|1|on)$/i.test(m[1]!);
    if (section === "DEFAULT") defaultEnabled = on;
    else if (section === "sshd") sshd = on;
  }
  return sshd ?? defaultEnabled;
}

/** Reads the brute-force probe with the sshd and listening sections and what runs. */
export function parseBruteForce(
  output: ProbeOutput | undefined,
  sshd: ProbeOutput | undefined,
  listening: ProbeOutput | undefined,
  activity: Activity,
): BruteForceProtection {
  const sshExposed = exposed(sshd, listening);
  if (output?.rc !== 0)
    return { sshExposed, banning: unknown(probeFailure(output, "fail2ban and sshguard")) };
  const rows = lines(output.stdout);
  if (rows.includes("@fail2ban")) {
    const running = anyRunning(activity, ["fail2ban-server"], ["fail2ban"]);
    const status = rows.find((r) => r.startsWith("@status") && /Jail list:/.test(r));
    const sshdJail = status
      ? known(/Jail list:.*\bsshd\b/.test(status))
      : known(sshdJailEnabled(rows.filter((r) => !r.startsWith("@"))));
    return { sshExposed, banning: known({ product: "fail2ban", running, sshdJail }) };
  }
  if (rows.includes("@sshguard")) {
    // sshguard reads sshd's failed logins from the logs by design.
    const running = anyRunning(activity, ["sshguard"], ["sshguard"]);
    return { sshExposed, banning: known({ product: "sshguard", running, sshdJail: running }) };
  }
  return { sshExposed, banning: known("none") };
}
