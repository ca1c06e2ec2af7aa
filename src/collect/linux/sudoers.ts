/**
 * The sudo policy from /etc/sudoers and the files it includes: who may run every command as root
 * without a password, and whether sudo keeps its own log and uses a pseudo-terminal.
 *
 * Read as sudoers(5) writes it: comments (a `#` not starting an include or a numeric id), line
 * continuations, `Defaults` (only the unscoped ones count: a scoped one covers some users or
 * hosts), Cmnd_Alias/Cmd_Alias expanded for ALL, tags carried from one command to the next in a
 * list, and `Defaults !authenticate`, which drops the password for every rule. Without a
 * `use_pty` setting, sudo 1.9.14 and later use a pseudo-terminal anyway.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";

/** The sudo policy, or "absent" when sudo is not installed. */
export type SudoPolicy =
  | {
      readonly nopasswdAll: readonly string[];
      readonly logging: boolean;
      readonly usePty: boolean;
    }
  | "absent";

/** Logical lines of the concatenated files: comments removed, continuations joined. */
export function sudoersLines(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (raw.startsWith("@file ")) continue;
    const line = stripComment(raw);
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full !== "") out.push(full);
  }
  if (pending.trim() !== "") out.push(pending.trim());
  return out;
}

function stripComment(line: string): string {
  if (/^\s*[#@]include(dir)?\s/.test(line)) return "";
  // `#` followed by digits is a uid (#0), not a comment.
  const at = line.search(/#(?!\d)/);
  return (at < 0 ? line : line.slice(0, at)).replace(/\s+$/, "");
}

/** Splits at commas outside parentheses. */
function splitTop(text: string, separator = ","): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === separator && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

/** sudo 1.9.14 turned use_pty on by default; a version string as dpkg or rpm gives it. */
export function ptyByDefault(version: string): boolean {
  const m = /^(?:\d+:)?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return major > 1 || (major === 1 && (minor > 9 || (minor === 9 && patch >= 14)));
}

const ALIAS = /^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\s+(.*)$/;
const OPTION =
  /^(CWD|CHROOT|ROLE|TYPE|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)=\S+\s*/;

/** The policy from the sudoers probe: `absent`, or the files each framed by `@file PATH`. */
export function parseSudoers(
  output: ProbeOutput | undefined,
  sudoVersion?: string,
): Fact<SudoPolicy> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "sudoers files"));
  if (output.stdout.trim() === "absent") return known("absent");
  if (!output.stdout.startsWith("@file ")) return unknown("the sudoers probe printed no file");
  const logical = sudoersLines(output.stdout);

  // Command aliases whose commands include ALL (directly or through another alias).
  const cmndAliases = new Map<string, string[]>();
  let logging = false;
  let usePty: boolean | undefined;
  let authenticate = true;
  const rules: { who: string[]; right: string }[] = [];
  for (const line of logical) {
    const alias = ALIAS.exec(line);
    if (alias) {
      if (alias[1] === "Cmnd_Alias" || alias[1] === "Cmd_Alias")
        for (const def of splitTop(alias[2]!, ":")) {
          const eq = def.indexOf("=");
          if (eq > 0) cmndAliases.set(def.slice(0, eq).trim(), splitTop(def.slice(eq + 1)));
        }
      continue;
    }
    const defaults = /^Defaults(\S*)\s+(.*)$/.exec(line);
    if (defaults) {
      if (defaults[1] !== "") continue; // scoped: Defaults:user, @host, !cmnd, >runas
      for (const item of splitTop(defaults[2]!)) {
        const setting = item.replace(/\s*([+-]?=)\s*/, "$1");
        if (/^logfile=/.test(setting) || /^(log_output|log_input)$/.test(setting)) logging = true;
        if (/^!(log_output|log_input)$/.test(setting)) logging = false;
        if (/^!logfile$/.test(setting)) logging = false;
        if (setting === "use_pty") usePty = true;
        if (setting === "!use_pty") usePty = false;
        if (setting === "!authenticate") authenticate = false;
        if (setting === "authenticate") authenticate = true;
      }
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    // `users hosts = …`: the user list may have spaces after its commas.
    const left = line
      .slice(0, eq)
      .replace(/\s*,\s*/g, ",")
      .trim()
      .split(/\s+/);
    if (left.length < 2) continue;
    rules.push({ who: left[0]!.split(","), right: line.slice(eq + 1) });
  }

  const allCommands = (command: string, depth = 0): boolean => {
    if (command === "ALL") return true;
    const members = cmndAliases.get(command);
    return depth < 16 && members !== undefined && members.some((m) => allCommands(m, depth + 1));
  };

  const grantees: string[] = [];
  for (const rule of rules) {
    // Further `: hosts = commands` groups of the same rule.
    const groups = rule.right.split(/:(?=\s*[\w.%+-]+(?:\s*,\s*[\w.%+-]+)*\s*=)/);
    let granted = false;
    for (const [i, group] of groups.entries()) {
      const commands = i === 0 ? group : group.slice(group.indexOf("=") + 1);
      let nopasswd = !authenticate;
      for (let item of splitTop(commands)) {
        item = item.replace(/^\([^)]*\)\s*/, "");
        for (;;) {
          const option = OPTION.exec(item);
          if (option) {
            item = item.slice(option[0].length);
            continue;
          }
          const tag = /^([A-Z_]+)\s*:\s*/.exec(item);
          if (!tag) break;
          if (tag[1] === "NOPASSWD") nopasswd = true;
          if (tag[1] === "PASSWD") nopasswd = false;
          item = item.slice(tag[0].length);
        }
        if (nopasswd && allCommands(item.trim())) granted = true;
      }
    }
    // root holds every right already.
    if (granted) grantees.push(...rule.who.filter((w) => w !== "root" && w !== "#0"));
  }
  return known({
    nopasswdAll: [...new Set(grantees)],
    logging,
    usePty: usePty ?? (sudoVersion !== undefined && ptyByDefault(sudoVersion)),
  });
}
