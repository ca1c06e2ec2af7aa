/** Operating system identity: os-release, kernel release, and the probe run's own facts. */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { count, keyValues } from "./key-values.js";

/** The release a host runs, from os-release. */
export interface OsIdentity {
  /** NAME, e.g. "Debian GNU/Linux", "Red Hat Enterprise Linux", "Ubuntu". */
  readonly name: string;
  /** VERSION_ID, e.g. "12", "9.4", "24.04". */
  readonly version: string;
  readonly id: string;
  /** ID plus ID_LIKE: the families the release belongs to (debian, rhel, fedora…). */
  readonly families: readonly string[];
}

/** Facts about the probe run itself. */
export interface RunMeta {
  /** uname -s: "Linux" on every host these probes are for. */
  readonly system: string | undefined;
  readonly uid: number | undefined;
  readonly user: string | undefined;
  readonly privilege: "root" | "sudo" | "none" | undefined;
  readonly reportedHostname: string | undefined;
  readonly kernel: Fact<string>;
  /** The host's clock when the probes ran (seconds since the epoch). */
  readonly hostNow: number | undefined;
}

/** Reads the meta probe (key=value lines). */
export function parseMeta(output: ProbeOutput | undefined): RunMeta {
  const values = keyValues(output?.stdout ?? "");
  const privilege = values.get("priv");
  const kernel = values.get("kernel");
  return {
    system: values.get("system") || undefined,
    uid: count(values.get("uid")),
    user: values.get("user") || undefined,
    privilege:
      privilege === "root" || privilege === "sudo" || privilege === "none" ? privilege : undefined,
    reportedHostname: values.get("hostname") || undefined,
    kernel: kernel ? known(kernel) : unknown(probeFailure(output, "uname")),
    hostNow: count(values.get("now")),
  };
}

/** Reads /etc/os-release; a release without NAME or version is unknown. */
export function parseOsRelease(output: ProbeOutput | undefined): Fact<OsIdentity> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "/etc/os-release"));
  const values = keyValues(output.stdout);
  const name = values.get("NAME");
  const id = values.get("ID") ?? "linux";
  // Rolling and testing releases have no VERSION_ID; the codename is the next best thing.
  const version =
    values.get("VERSION_ID") ?? values.get("VERSION_CODENAME") ?? values.get("BUILD_ID");
  if (!name || !version) return unknown("os-release has no NAME or VERSION_ID");
  const families = [id, ...(values.get("ID_LIKE") ?? "").split(/\s+/)].filter(Boolean);
  return known({ name, version, id, families });
}

/** dpkg-based (Debian, Ubuntu…) or rpm-based (RHEL, Fedora, SUSE…), from os-release. */
export function packageFamily(os: Fact<OsIdentity>): "deb" | "rpm" | undefined {
  if (!os.known) return undefined;
  const f = os.value.families;
  if (f.some((x) => ["debian", "ubuntu"].includes(x))) return "deb";
  if (f.some((x) => ["rhel", "fedora", "centos", "suse", "opensuse"].includes(x))) return "rpm";
  return undefined;
}
