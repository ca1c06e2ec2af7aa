/** The shared PAM stacks as the `pam` probe prints them: `@file <path>` then the file's lines. */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** One line of a PAM stack. */
export interface PamEntry {
  readonly file: string;
  /** auth, account, password or session (a leading "-" is dropped). */
  readonly type: string;
  readonly control: string;
  /** Module name without directory and ".so", e.g. pam_faillock. */
  readonly module: string;
  /** `key=value` arguments; bare flags map to "". */
  readonly args: ReadonlyMap<string, string>;
}

function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    if (line[i] === "[") {
      const close = line.indexOf("]", i);
      const end = close < 0 ? line.length : close + 1;
      out.push(line.slice(i, end));
      i = end;
    } else {
      let end = i;
      while (end < line.length && line[end] !== " " && line[end] !== "\t") end++;
      out.push(line.slice(i, end));
      i = end;
    }
  }
  return out;
}

/** Reads the pam probe into entries, file by file. */
export function parsePam(output: ProbeOutput | undefined): Fact<readonly PamEntry[]> {
  if (output?.rc !== 0)
    return unknown(
      output?.rc === 127
        ? "no shared PAM stack found (common-auth/common-password or system-auth/password-auth)"
        : probeFailure(output, "PAM"),
    );
  const entries: PamEntry[] = [];
  let file = "";
  for (const line of lines(output.stdout)) {
    if (line.startsWith("@file ")) {
      file = line.slice(6);
      continue;
    }
    const [type, control, modulePath, ...rest] = tokens(line.trim());
    if (!type || !control || !modulePath || type.startsWith("@")) continue;
    const args = new Map<string, string>();
    for (const arg of rest) {
      const at = arg.indexOf("=");
      if (at < 0) args.set(arg, "");
      else args.set(arg.slice(0, at), arg.slice(at + 1));
    }
    entries.push({
      file,
      type: type.replace(/^-/, ""),
      control,
      module: (modulePath.split("/").at(-1) ?? modulePath).replace(/\.so$/, ""),
      args,
    });
  }
  return known(entries);
}

/** Entries of one type that use one of these modules. */
export function entriesFor(
  entries: readonly PamEntry[],
  type: string,
  modules: readonly string[],
): PamEntry[] {
  return entries.filter((e) => e.type === type && modules.includes(e.module));
}
