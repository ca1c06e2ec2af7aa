/**
 * Effective sshd settings from `sshd -T` run with the arguments of the sshd that served the
 * collector's own connection (its `-f` config, the system default otherwise, and its `-o`
 * overrides), so the facts describe the daemon a user actually reaches. Match blocks are not
 * evaluated (no -C).
 */
import { PERMIT_ROOT_LOGIN } from "../../machine-config/schema.js";
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { count, lines } from "./key-values.js";

export { PERMIT_ROOT_LOGIN };
/** One PermitRootLogin value. */
export type PermitRootLogin = (typeof PERMIT_ROOT_LOGIN)[number];

/** The sshd settings the collector reports. */
export interface SshdSettings {
  /** The config file sshd -T read: an explicit -f path, or "default" (/etc/ssh/sshd_config). */
  readonly configFile: string;
  /** The `-o KEY=VALUE` overrides on that sshd's command line, applied over the file. */
  readonly commandLineOptions: readonly string[];
  readonly permitRootLogin: PermitRootLogin;
  readonly passwordAuthentication: boolean;
  readonly kbdInteractiveAuthentication: boolean | undefined;
  /** MaxAuthTries, or undefined when sshd -T did not print a count. */
  readonly maxAuthTries: number | undefined;
  /** The Banner file, or undefined for `none`. */
  readonly banner: string | undefined;
}

/** Reads `sshd -T` output (preceded by the config line). */
export function parseSshd(output: ProbeOutput | undefined): Fact<SshdSettings> {
  if (output?.rc !== 0) {
    const hint =
      output?.rc === 1 && /host ?key|permission denied/i.test(output.stderr)
        ? "sshd -T needs root to read the host keys: rerun with --sudo"
        : probeFailure(output, "sshd -T");
    return unknown(hint);
  }
  const settings = new Map<string, string>();
  let configFile = "default";
  const commandLineOptions: string[] = [];
  for (const line of lines(output.stdout)) {
    if (line.startsWith("config=")) {
      configFile = line.slice("config=".length) || "default";
      continue;
    }
    if (line.startsWith("option=")) {
      commandLineOptions.push(line.slice("option=".length));
      continue;
    }
    const [key, ...rest] = line.split(" ");
    if (key) settings.set(key.toLowerCase(), rest.join(" "));
  }
  // OpenSSH prints the deprecated alias "without-password" for prohibit-password up to 9.x.
  const rootLogin = settings
    .get("permitrootlogin")
    ?.replace("without-password", "prohibit-password");
  const password = settings.get("passwordauthentication");
  if (!PERMIT_ROOT_LOGIN.includes(rootLogin as PermitRootLogin) || password === undefined)
    return unknown("sshd -T printed no PermitRootLogin or PasswordAuthentication");
  const kbd = settings.get("kbdinteractiveauthentication");
  const banner = settings.get("banner");
  return known({
    configFile,
    commandLineOptions,
    permitRootLogin: rootLogin as PermitRootLogin,
    passwordAuthentication: password === "yes",
    kbdInteractiveAuthentication: kbd === undefined ? undefined : kbd === "yes",
    maxAuthTries: count(settings.get("maxauthtries")),
    banner: banner === undefined || banner === "none" ? undefined : banner,
  });
}
