/**
 * Logon banner: a legal notice on the console (/etc/issue) and, where sshd is installed, in the
 * file its Banner names. A distribution's default banner (its name, version and getty escapes)
 * is identification, not a notice.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";

/** Words that make up the stock banners of Debian, Ubuntu, RHEL and friends. */
const STOCK_WORDS =
  /\b(debian|ubuntu|gnu|linux|red|hat|enterprise|rhel|centos|stream|rocky|almalinux|alma|fedora|oracle|suse|opensuse|leap|lts|kernel|release|server|workstation|on|an|x86_64|aarch64|amd64|bookworm|bullseye|jammy|noble|focal)\b/gi;

/** Whether a banner text says more than the OS's name and version. */
export function isLegalNotice(text: string): boolean {
  const words = text
    .replace(/\\[a-zA-Z]/g, " ") // getty escapes: \n \l \r \m \s \S \v
    .replace(/\([^)]*\)/g, " ")
    .replace(STOCK_WORDS, " ")
    .replace(/[^A-Za-z]+/g, " ")
    .trim();
  return words.replace(/\s+/g, "").length >= 12;
}

/** What the sshd-banner probe found: the Banner path and the start of its contents. */
export function sshBannerText(output: ProbeOutput | undefined): Fact<string | undefined> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "sshd -T (banner)"));
  const [first, ...rest] = output.stdout.split("\n");
  if (!first?.startsWith("banner=")) return unknown("sshd -T printed no Banner setting");
  if (first === "banner=none") return known(undefined);
  return known(rest.join("\n"));
}

/** Whether every logon path shows a legal notice. */
export function parseLogonBanner(
  issue: ProbeOutput | undefined,
  sshBanner: ProbeOutput | undefined,
  sshdInstalled: boolean,
): Fact<boolean> {
  const consoleNotice =
    issue?.rc === 0
      ? known(isLegalNotice(issue.stdout))
      : issue?.rc === 127
        ? known(false)
        : unknown(probeFailure(issue, "/etc/issue"));
  if (consoleNotice.known && !consoleNotice.value) return known(false);
  if (!sshdInstalled) return consoleNotice;
  const ssh = sshBannerText(sshBanner);
  if (!ssh.known) return ssh;
  if (ssh.value === undefined || !isLegalNotice(ssh.value)) return known(false);
  return consoleNotice;
}
