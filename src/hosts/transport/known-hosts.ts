/**
 * OpenSSH known_hosts matching (plain, wildcard, negated, `[host]:port` and hashed `|1|` entries,
 * `@revoked` markers), so host keys are verified the way `ssh` itself would.
 */
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";

export type HostKeyVerdict = "match" | "mismatch" | "unknown-host" | "revoked";

interface Entry {
  readonly marker?: "@revoked" | "@cert-authority";
  readonly patterns: string;
  readonly keyType: string;
  readonly key: Buffer;
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
  return { ...(marker ? { marker } : {}), patterns, keyType, key: Buffer.from(key, "base64") };
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

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split("|");
  if (magic !== "1" || !salt || !hash) return false;
  const digest = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return digest === hash;
}

/** Whether a comma-separated pattern list names this host (a negated match wins). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(",")) {
    const negated = pattern.startsWith("!");
    const glob = negated ? pattern.slice(1) : pattern;
    if (globToRegExp(glob).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Verdict for a key a server presented, against the known_hosts text. */
export function verifyHostKey(
  knownHostsText: string,
  host: string,
  port: number,
  presentedKey: Buffer,
): HostKeyVerdict {
  const name = lookupName(host, port);
  let known = false;
  for (const line of knownHostsText.split("\n")) {
    const entry = parseLine(line);
    if (!entry || entry.marker === "@cert-authority" || !patternsMatch(entry.patterns, name))
      continue;
    if (entry.marker === "@revoked") {
      if (entry.key.equals(presentedKey)) return "revoked";
      continue;
    }
    if (entry.key.equals(presentedKey)) return "match";
    known = true;
  }
  return known ? "mismatch" : "unknown-host";
}

/** Reads a known_hosts file; a missing file knows no hosts. */
export async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}
