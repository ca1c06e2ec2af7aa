/**
 * Legacy plaintext network services (telnet, rsh/rlogin/rexec, tftp, NIS): a server package
 * installed, or one of their well-known ports open. Passwords and files cross the network in the
 * clear with every one of them.
 */
import { LEGACY_SERVICES } from "../../machine-config/schema.js";
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { packageNames, type InstalledPackage } from "./packages.js";
import { lines } from "./key-values.js";

export { LEGACY_SERVICES };
/** One legacy service. */
export type LegacyService = (typeof LEGACY_SERVICES)[number];

interface Signature {
  /** Server packages on Debian/Ubuntu and RHEL (Debian's `nis` holds ypserv and ypbind). */
  readonly packages: readonly string[];
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

const SIGNATURES: Readonly<Record<LegacyService, Signature>> = {
  telnet: {
    packages: ["telnetd", "inetutils-telnetd", "telnetd-ssl", "telnet-server"],
    tcp: [23],
    udp: [],
  },
  // exec 512, login 513, shell 514 (514/udp is syslog, not rsh).
  rsh: { packages: ["rsh-server", "rsh-redone-server"], tcp: [512, 513, 514], udp: [] },
  tftp: { packages: ["tftpd-hpa", "tftpd", "atftpd", "tftp-server"], tcp: [], udp: [69] },
  // NIS has no fixed port (the portmapper assigns one): its packages are the sign.
  nis: { packages: ["nis", "ypserv", "ypbind"], tcp: [], udp: [] },
};

/** A listening socket: protocol family (tcp, udp) and port. */
export interface OpenPort {
  readonly protocol: "tcp" | "udp";
  readonly port: number;
}

const TCP_LISTEN = "0A";
const UDP_UNCONNECTED = "07";

/** Listening TCP and bound, unconnected UDP ports from the /proc/net tables. */
export function parseListening(output: ProbeOutput | undefined): Fact<readonly OpenPort[]> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "/proc/net"));
  const ports: OpenPort[] = [];
  for (const line of lines(output.stdout)) {
    const [table, hexPort, state] = line.trim().split(/\s+/);
    if (!table || !hexPort || !/^[0-9A-Fa-f]{1,4}$/.test(hexPort)) continue;
    const protocol = table.startsWith("tcp") ? "tcp" : table.startsWith("udp") ? "udp" : undefined;
    if (protocol === "tcp" && state !== TCP_LISTEN) continue;
    if (protocol === "udp" && state !== UDP_UNCONNECTED) continue;
    if (protocol) ports.push({ protocol, port: parseInt(hexPort, 16) });
  }
  return known(ports);
}

/**
 * The legacy services a host offers: by installed server package, or by an open well-known port.
 * Unknown when the package list is unknown; an unreadable port table leaves the packages alone.
 */
export function legacyServices(
  packages: Fact<readonly InstalledPackage[]>,
  listening: Fact<readonly OpenPort[]>,
): Fact<readonly LegacyService[]> {
  if (!packages.known) return unknown(`installed packages are unknown: ${packages.reason}`);
  const installed = packageNames(packages.value);
  const open = listening.known ? listening.value : [];
  return known(
    LEGACY_SERVICES.filter((service) => {
      const s = SIGNATURES[service];
      return (
        s.packages.some((p) => installed.has(p)) ||
        open.some((o) => (o.protocol === "tcp" ? s.tcp : s.udp).includes(o.port))
      );
    }),
  );
}
