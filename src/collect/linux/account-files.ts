/** Mode, owner and group of /etc/passwd, /etc/shadow and /etc/sudoers, from `stat`. */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** A file's permission bits as four octal digits, and its owner and group names. */
export interface FileMode {
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

/** The account files the collector reads; `absent` when a file does not exist. */
export interface AccountFiles {
  readonly passwd: FileMode | "absent";
  readonly shadow: FileMode | "absent";
  readonly sudoers: FileMode | "absent";
}

const FILES = {
  "/etc/passwd": "passwd",
  "/etc/shadow": "shadow",
  "/etc/sudoers": "sudoers",
} as const;

/** Reads the account-files probe: `PATH MODE OWNER GROUP` or `PATH absent` per file. */
export function parseAccountFiles(output: ProbeOutput | undefined): Fact<AccountFiles> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "stat of the account files"));
  const found: Partial<Record<keyof AccountFiles, FileMode | "absent">> = {};
  for (const line of lines(output.stdout)) {
    const [file, mode, owner, group] = line.trim().split(/\s+/);
    const key = FILES[file as keyof typeof FILES] as keyof AccountFiles | undefined;
    if (key === undefined) continue;
    if (mode === "absent") found[key] = "absent";
    else if (mode && /^[0-7]{1,4}$/.test(mode) && owner && group)
      found[key] = { mode: mode.padStart(4, "0"), owner, group };
  }
  const { passwd, shadow, sudoers } = found;
  if (passwd === undefined || shadow === undefined || sudoers === undefined)
    return unknown("stat printed no mode for every one of /etc/passwd, /etc/shadow, /etc/sudoers");
  return known({ passwd, shadow, sudoers });
}
