/**
 * The files SSH logins read, read and parsed once per run: identity files (ssh2 otherwise parses
 * the key again for every login) and known_hosts files (entries parsed, patterns compiled). A run
 * creates one and hands it to every login; nothing outlives the run, so an edited file counts
 * from the next run on.
 */
import { readFile } from "node:fs/promises";
import ssh2, { type ParsedKey } from "ssh2";
import { signingWithKeyObject } from "./key-object-signer.js";
import { readKnownHosts, type KnownHosts } from "./known-hosts.js";

/** An identity file as a login can use it, or why it cannot. */
export type Identity =
  | { readonly kind: "key"; readonly key: ParsedKey }
  /** The file could not be read. */
  | { readonly kind: "unreadable"; readonly error: Error }
  /** ssh2 cannot use what the file holds; the message is the one ssh2 gives when it connects. */
  | { readonly kind: "unusable"; readonly error: Error };

/**
 * Parses a private key the way ssh2's connect() does (no passphrase), once, and loads it into
 * OpenSSL once for signing too.
 */
function parseIdentity(text: string): Identity {
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error)
    return { kind: "unusable", error: new Error(`Cannot parse privateKey: ${parsed.message}`) };
  // OpenSSH's format could hold several keys; ssh2 uses the first, as ssh does.
  const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (key === undefined || key.getPrivatePEM() === null)
    return {
      kind: "unusable",
      error: new Error("privateKey value does not contain a (valid) private key"),
    };
  return { kind: "key", key: signingWithKeyObject(key) };
}

async function readIdentity(file: string): Promise<Identity> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { kind: "unreadable", error: error as Error };
  }
  return parseIdentity(text);
}

/** The file's entry, read on first use only. */
function once<T>(
  read: Map<string, Promise<T>>,
  file: string,
  reader: (file: string) => Promise<T>,
): Promise<T> {
  let value = read.get(file);
  if (value === undefined) {
    value = reader(file);
    read.set(file, value);
  }
  return value;
}

/** Identity and known_hosts files of one run, each read and parsed on first use only. */
export class SshCredentials {
  private readonly identities = new Map<string, Promise<Identity>>();
  private readonly knownHostsFiles = new Map<string, Promise<KnownHosts>>();

  /** The identity file's key, or why it cannot be used. */
  identity(file: string): Promise<Identity> {
    return once(this.identities, file, readIdentity);
  }

  /** The parsed known_hosts file (none when missing); rejects as reading it failed. */
  knownHosts(file: string): Promise<KnownHosts> {
    return once(this.knownHostsFiles, file, readKnownHosts);
  }
}
