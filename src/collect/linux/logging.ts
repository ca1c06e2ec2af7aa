/**
 * Whether a host's logs outlive it: kept on disk across reboots (journald persistent storage, or a
 * running syslog daemon writing files), and forwarded to another host by a running rsyslog,
 * syslog-ng or systemd-journal-upload.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { anyRunning, type Activity } from "./activity.js";

/** The logging facts of a host. */
export interface LoggingFacts {
  readonly persistent: Fact<boolean>;
  readonly forwardedTo: Fact<readonly string[]>;
}

interface ConfigFile {
  readonly path: string;
  readonly lines: readonly string[];
}

/** Splits the logging probe into its files and the /var/log/journal line. */
function splitFiles(stdout: string): { files: ConfigFile[]; journalDir: boolean | undefined } {
  const files: { path: string; lines: string[] }[] = [];
  let journalDir: boolean | undefined;
  for (const line of stdout.split("\n")) {
    if (line.startsWith("@file ")) files.push({ path: line.slice(6).trim(), lines: [] });
    else if (line.startsWith("@journal-dir ")) journalDir = line.slice(13).trim() === "yes";
    else if (line.trim() !== "") files.at(-1)?.lines.push(line);
  }
  return { files, journalDir };
}

const kind = (path: string) =>
  path.includes("journald.conf")
    ? "journald"
    : path.includes("journal-upload.conf")
      ? "upload"
      : path.includes("rsyslog")
        ? "rsyslog"
        : path.includes("syslog-ng")
          ? "syslog-ng"
          : "other";

/** `Key=value` of one section of systemd's INI files, the last file's value winning. */
function iniValue(files: readonly ConfigFile[], section: string, key: string): string | undefined {
  let value: string | undefined;
  for (const f of files) {
    let current = "";
    for (const raw of f.lines) {
      const line = raw.trim();
      if (line.startsWith(";")) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) current = header[1]!;
      else if (current === section) {
        const m = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
        if (m?.[1] === key) value = m[2]!.trim();
      }
    }
  }
  return value;
}

/** Remote targets in rsyslog's legacy (`@host`, `@@host:port`, `:omrelp:`) and RainerScript syntax. */
export function rsyslogTargets(lines: readonly string[]): string[] {
  const targets: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    // Directives and templates hold no forwarding action (a template's text may contain "@").
    if (line.startsWith("$") || /^template\s*\(/.test(line)) continue;
    const legacy = /(?:^|[\s;&])@@?(?:\([^)]*\))?(\[[^\]]+\]|[^\s:;]+)(?::(\d+))?/.exec(line);
    if (legacy && !line.startsWith("@"))
      targets.push(legacy[1]! + (legacy[2] ? `:${legacy[2]}` : ""));
    const relp = /:omrelp:([^\s:;,]+)(?::(\d+))?/.exec(line);
    if (relp) targets.push(relp[1]! + (relp[2] ? `:${relp[2]}` : ""));
  }
  // RainerScript actions may span lines.
  for (const m of lines.join("\n").matchAll(/action\s*\(([^)]*)\)/g)) {
    const body = m[1]!;
    if (!/type\s*=\s*"(omfwd|omrelp)"/.test(body)) continue;
    const target = /target\s*=\s*"([^"]+)"/.exec(body)?.[1];
    const port = /port\s*=\s*"?(\d+)"?/.exec(body)?.[1];
    if (target) targets.push(target + (port ? `:${port}` : ""));
  }
  return targets;
}

/** Remote hosts in syslog-ng destinations: network(), tcp(), udp(), syslog(). */
export function syslogNgTargets(lines: readonly string[]): string[] {
  const targets: string[] = [];
  const text = lines.join("\n");
  for (const d of text.matchAll(/destination\s+[\w-]+\s*\{([^}]*)\}/g))
    for (const m of d[1]!.matchAll(/\b(?:network|tcp6?|udp6?|syslog)\s*\(\s*"?([\w.:[\]-]+)"?/g)) {
      const port = /port\s*\(\s*(\d+)\s*\)/.exec(d[1]!)?.[1];
      targets.push(m[1]! + (port ? `:${port}` : ""));
    }
  return targets;
}

/** Does a running daemon write log files (rsyslog file actions, syslog-ng file destinations)? */
function writesFiles(files: readonly ConfigFile[]): boolean {
  return files.some((f) =>
    f.lines.some((l) =>
      kind(f.path) === "syslog-ng"
        ? /\bfile\s*\(\s*"\//.test(l)
        : /^\S+\s+-?\/var\/log\//.test(l.trim()) || /type\s*=\s*"omfile"/.test(l),
    ),
  );
}

/** Reads the logging probe with what runs on the host. */
export function parseLogging(output: ProbeOutput | undefined, activity: Activity): LoggingFacts {
  if (output?.rc !== 0) {
    const reason = probeFailure(output, "logging configuration");
    return { persistent: unknown(reason), forwardedTo: unknown(reason) };
  }
  const { files, journalDir } = splitFiles(output.stdout);
  const of = (k: string) => files.filter((f) => kind(f.path) === k);
  const rsyslog = anyRunning(activity, ["rsyslogd"], ["rsyslog"]);
  const syslogNg = anyRunning(activity, ["syslog-ng"], ["syslog-ng"]);
  // systemd-journal-upload's process name is cut to "systemd-journal", journald's own: only the
  // service state tells them apart.
  const upload = activity.services.known
    ? known(activity.services.value.get("systemd-journal-upload")?.active === "active")
    : unknown(activity.services.reason);

  const sources: [Fact<boolean>, string[]][] = [
    [rsyslog, of("rsyslog").flatMap((f) => rsyslogTargets(f.lines))],
    [syslogNg, of("syslog-ng").flatMap((f) => syslogNgTargets(f.lines))],
    [upload, [iniValue(of("upload"), "Upload", "URL")].filter((u): u is string => !!u)],
  ];
  let forwardedTo: Fact<readonly string[]> = known([]);
  const targets: string[] = [];
  for (const [running, configured] of sources) {
    if (configured.length === 0) continue;
    if (!running.known) {
      forwardedTo = unknown(
        `forwarding to ${configured.join(", ")} is configured, but whether its daemon runs is unknown: ${running.reason}`,
      );
      break;
    }
    if (running.value) targets.push(...configured);
  }
  if (forwardedTo.known) forwardedTo = known([...new Set(targets)]);

  // journald: Storage=persistent keeps the journal on disk; auto (the default) does when
  // /var/log/journal exists.
  const storage = (iniValue(of("journald"), "Journal", "Storage") ?? "auto").toLowerCase();
  const journaldPersistent =
    storage === "persistent" || (storage === "auto" && journalDir === true);
  let persistent: Fact<boolean>;
  if (journaldPersistent) persistent = known(true);
  else if (!writesFiles([...of("rsyslog"), ...of("syslog-ng")])) persistent = known(false);
  else {
    const daemon = of("rsyslog").length > 0 ? rsyslog : syslogNg;
    persistent = daemon.known ? known(daemon.value) : daemon;
  }
  return { persistent, forwardedTo };
}
