/**
 * The evidence ledger: an append-only file of hash-chained entries (entries.jsonl, one JSON line
 * each) and the artifacts they name, stored once by their SHA-256 under objects/. Appending takes
 * a lock file so concurrent writers (a nightly run and a person running check) lose nothing.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { acquireLock, type HeldLock } from "../support/lock.js";
import { VERSION } from "../support/version.js";
import { GENESIS, type EntryArtifact, type EntryDraft, type LedgerEntry } from "./entry.js";

/** The files of a ledger folder. */
export function ledgerFiles(dir: string) {
  return {
    entries: path.join(dir, "entries.jsonl"),
    objects: path.join(dir, "objects"),
    checkpoint: path.join(dir, "checkpoint.json"),
    lock: path.join(dir, "entries.lock"),
  };
}

/** The ledger cannot be appended to or read (a truncated last line, a lock never released). */
export class LedgerError extends Error {
  override name = "LedgerError";
}

/** Where an artifact with this hash is stored. */
export function objectPath(dir: string, sha256: string): string {
  return path.join(ledgerFiles(dir).objects, sha256.slice(0, 2), sha256);
}

const CHUNK = 1 << 20;

/** SHA-256 (hex) and size of a file, read in 1 MiB chunks. */
export function hashFile(file: string, buffer: Buffer = Buffer.allocUnsafe(CHUNK)) {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest("hex"), bytes };
}

export const sha256Of = (data: string | Uint8Array) =>
  createHash("sha256").update(data).digest("hex");

/** Copies a file into objects/ (once per content) and describes it as an artifact named `name`. */
export function storeArtifact(
  dir: string,
  file: string,
  name = path.basename(file),
): EntryArtifact {
  const { sha256, bytes } = hashFile(file);
  const target = objectPath(dir, sha256);
  if (!existsSync(target)) {
    mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    const out = openSync(tmp, "w", 0o444);
    const input = openSync(file, "r");
    const buffer = Buffer.allocUnsafe(CHUNK);
    const copied = createHash("sha256");
    try {
      for (;;) {
        const n = readSync(input, buffer, 0, buffer.length, null);
        if (n === 0) break;
        copied.update(buffer.subarray(0, n));
        writeSync(out, buffer, 0, n);
      }
      fsyncSync(out);
    } finally {
      closeSync(input);
      closeSync(out);
    }
    // The file changed between hashing and copying (a report being rewritten): never store a
    // copy under a hash it does not have.
    if (copied.digest("hex") !== sha256)
      throw new LedgerError(`${file} changed while it was stored in the ledger; append again`);
    renameSync(tmp, target);
  }
  return { name, sha256, bytes };
}

/** Stores in-memory content (a summary the producer has in hand) as an artifact. */
export function storeContent(
  dir: string,
  name: string,
  content: string | Uint8Array,
): EntryArtifact {
  const data = typeof content === "string" ? Buffer.from(content) : content;
  const sha256 = sha256Of(data);
  const target = objectPath(dir, sha256);
  if (!existsSync(target)) {
    mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o444);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  }
  return { name, sha256, bytes: data.length };
}

/** The hash an entry's line must carry: SHA-256 of its JSON without `hash`. */
export function entryHash(entry: Omit<LedgerEntry, "hash">): string {
  return sha256Of(JSON.stringify(entry));
}

/** The last complete line of the entries file, or undefined when it is empty. */
function lastLine(file: string): { line: string; end: number } | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const tail = Buffer.allocUnsafe(1);
    readSync(fd, tail, 0, 1, size - 1);
    if (tail[0] !== 0x0a)
      throw new LedgerError(
        `${file} ends in the middle of an entry (truncated or edited): run stronghold evidence verify; nothing was appended`,
      );
    // Read backwards in growing windows until the newline before the last line.
    let window = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - 1 - window);
      const buffer = Buffer.allocUnsafe(size - 1 - start);
      readSync(fd, buffer, 0, buffer.length, start);
      const at = buffer.lastIndexOf(0x0a);
      if (at >= 0 || start === 0)
        return { line: buffer.subarray(at + 1).toString("utf8"), end: size };
      window *= 4;
    }
  } finally {
    closeSync(fd);
  }
}

/** Parses the ledger's last entry (to chain the next one to it). */
export function lastEntry(dir: string): LedgerEntry | undefined {
  const file = ledgerFiles(dir).entries;
  const last = lastLine(file);
  if (last === undefined) return undefined;
  try {
    return JSON.parse(last.line) as LedgerEntry;
  } catch {
    throw new LedgerError(
      `${file}: its last line is not JSON (edited or damaged): run stronghold evidence verify; nothing was appended`,
    );
  }
}

/** The seq of the ledger's drill entry for the run, or undefined when it has none. */
export function drillEntryOfRun(dir: string, runId: string): number | undefined {
  const file = ledgerFiles(dir).entries;
  if (!existsSync(file)) return undefined;
  const quoted = JSON.stringify(runId);
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes(quoted)) continue;
    try {
      const entry = JSON.parse(line) as Partial<LedgerEntry>;
      if (entry.kind === "drill" && entry.metrics?.["runId"] === runId) return entry.seq;
    } catch {
      // A damaged line is for evidence verify to report; an append refuses a damaged last line.
    }
  }
  return undefined;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** How long an append waits for another writer before giving up. */
export const LOCK_WAIT_MS = 30_000;

function lockLedger(dir: string, waitMs: number): HeldLock {
  const file = ledgerFiles(dir).lock;
  const deadline = Date.now() + waitMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    const outcome = acquireLock(file);
    if (outcome.ok) return outcome.lock;
    if (Date.now() > deadline)
      throw new LedgerError(
        `${file} is held by pid ${outcome.holder} for more than ${waitMs / 1000} s: is another stronghold stuck? nothing was appended`,
      );
    sleep(delay);
  }
}

export interface AppendOptions {
  readonly now?: Date;
  readonly version?: string;
  readonly lockWaitMs?: number;
}

/** Appends one entry, chained to the last, and makes it durable; returns it as written. */
export function appendEntry(
  dir: string,
  draft: EntryDraft,
  options: AppendOptions = {},
): LedgerEntry {
  mkdirSync(dir, { recursive: true });
  const lock = lockLedger(dir, options.lockWaitMs ?? LOCK_WAIT_MS);
  try {
    const last = lastEntry(dir);
    const unhashed: Omit<LedgerEntry, "hash"> = {
      seq: (last?.seq ?? 0) + 1,
      prev: last?.hash ?? GENESIS,
      recordedAt: (options.now ?? new Date()).toISOString(),
      tool: { name: "stronghold", version: options.version ?? VERSION },
      ...draft,
    };
    const entry: LedgerEntry = { ...unhashed, hash: entryHash(unhashed) };
    const fd = openSync(ledgerFiles(dir).entries, "a", 0o644);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return entry;
  } finally {
    lock.release();
  }
}

/** Whether a ledger folder holds any entry. */
export function ledgerExists(dir: string): boolean {
  const file = ledgerFiles(dir).entries;
  return existsSync(file) && statSync(file).size > 0;
}
