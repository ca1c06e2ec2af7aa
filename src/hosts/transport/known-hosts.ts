/**
 * OpenSSH known_hosts matching (plain, wildcard, negated, `[host]:port` and hashed `|1|` entries,
 * `@revoked` markers), so host keys are verified the way `ssh` itself would.
 */
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";

export type HostKeyVerdict = "match" | "mismatch" | "unknown-host" | "revoked";

/** Whether an entry's pattern list names a host (its `lookupName`). */
type HostMatcher = (name: string) => boolean;

interface Entry {
  readonly marker?: "@revoked" | "@cert-authority";
  readonly names: HostMatcher;
  readonly key: Buffer;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

function hashedMatcher(pattern: string): HostMatcher {
  const [, magic, salt, hash] = pattern.split("|");
  if (magic !== "1" || !salt || !hash) return () => false;
  const key = Buffer.from(salt, "base64");
  return (name) => createHmac("sha1", key).update(name).digest("base64") === hash;
}

/**
 * A comma-separated pattern list compiled once (a negated match wins), so checking many hosts
 * against one known_hosts file does not build a RegExp per pattern per host.
 */
export function hostPatterns(patterns: string): HostMatcher {
  if (patterns.startsWith("|1|")) return hashedMatcher(patterns);
  const globs = patterns.split(",").map((pattern) => {
    const negated = pattern.startsWith("!");
    return { negated, regExp: globToRegExp(negated ? pattern.slice(1) : pattern) };
  });
  return (name) => {
    let matched = false;
    for (const { negated, regExp } of globs) {
      if (regExp.test(name)) {
        if (negated) return false;
        matched = true;
      }
    }
    return matched;
  };
}

function parseLine(line: string): Entry | undefined {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return undefined;
  const fields = trimmed.split(/\s+/);
  let marker: Entry["marker"];
  if (fields[0] === "@revoked" || fields[0] === "@cert-authority")
    marker = fields.shift() as Entry["marker"];
  const [patterns, keyType, key] = fields;
  if (!patterns || !keyType || !key) return undefined;
  return {
    ...(marker ? { marker } : {}),
    names: hostPatterns(patterns),
    key: Buffer.from(key, "base64"),
  };
}

/** A known_hosts file parsed once, its patterns compiled, to check any number of hosts against. */
export class KnownHosts {
  private readonly entries: readonly Entry[];

  constructor(text: string) {
    this.entries = text
      .split("\n")
      .map(parseLine)
      .filter((entry): entry is Entry => entry !== undefined && entry.marker !== "@cert-authority");
  }

  /**
   * Verdict for a key the server at host:port presented. A `@revoked` entry wins wherever it
   * stands in the file, as in OpenSSH, which checks revocation after finding a match.
   */
  verify(host: string, port: number, presentedKey: Buffer): HostKeyVerdict {
    const name = lookupName(host, port);
    let known = false;
    let matched = false;
    for (const entry of this.entries) {
      if (!entry.names(name)) continue;
      const same = entry.key.equals(presentedKey);
      if (entry.marker === "@revoked") {
        if (same) return "revoked";
        continue;
      }
      if (same) matched = true;
      else known = true;
    }
    if (matched) return "match";
    return known ? "mismatch" : "unknown-host";
  }
}

/** Reads a known_hosts file; a missing file knows no hosts. */
export async function readKnownHosts(file: string): Promise<KnownHosts> {
  try {
    return new KnownHosts(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new KnownHosts("");
    throw error;
  }
}
