/**
 * Verifies an evidence ledger: every line is a complete entry whose content hashes to its own
 * hash, seq runs 1, 2, 3… and each `prev` names the entry before; every artifact is in objects/
 * with the bytes its name promises; and the entry a previous clean verify checkpointed still has
 * the hash it had then. The result names the first break, if any, by line and seq.
 */
import { createHash, type Hash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { performance } from "node:perf_hooks";
import { writeBytesAtomic } from "../output/write-atomic.js";
import { GENESIS } from "./entry.js";
import { LedgerError, hashFile, ledgerFiles, objectPath } from "./ledger.js";

/** The first thing wrong with a ledger, by kind. */
export type LedgerBreak =
  /** The last line has no newline: the file was cut off in the middle of an entry. */
  | { readonly kind: "truncated"; readonly line: number; readonly offset: number }
  /** A line that is not JSON (an edit that broke it, a blank line, damage). */
  | { readonly kind: "not-json"; readonly line: number; readonly error: string }
  /** JSON that is not an entry (missing seq, prev, hash or artifacts, a bad artifact hash). */
  | { readonly kind: "not-an-entry"; readonly line: number; readonly problem: string }
  /** seq is not the one after the previous line's: an entry was removed, reordered or repeated. */
  | {
      readonly kind: "seq";
      readonly line: number;
      readonly expected: number;
      readonly found: number;
    }
  /** The entry's content does not hash to its own hash: it was edited after it was appended. */
  | {
      readonly kind: "edited";
      readonly line: number;
      readonly seq: number;
      readonly recorded: string;
      readonly actual: string;
    }
  /** `prev` is not the previous entry's hash: the previous entry was edited and rehashed, or replaced. */
  | {
      readonly kind: "prev";
      readonly line: number;
      readonly seq: number;
      readonly expected: string;
      readonly found: string;
    }
  /** An artifact the entry names is not in objects/. */
  | {
      readonly kind: "artifact-missing";
      readonly line: number;
      readonly seq: number;
      readonly name: string;
      readonly sha256: string;
    }
  /** An artifact's bytes no longer hash to its name (incremental checks only its size for old entries). */
  | {
      readonly kind: "artifact-tampered";
      readonly line: number;
      readonly seq: number;
      readonly name: string;
      readonly expected: string;
      readonly actual: string;
    }
  | {
      readonly kind: "artifact-size";
      readonly line: number;
      readonly seq: number;
      readonly name: string;
      readonly sha256: string;
      readonly expectedBytes: number;
      readonly actualBytes: number;
    }
  /** The entry the last clean verify checkpointed is gone or has another hash: history before it was rewritten. */
  | {
      readonly kind: "checkpoint";
      readonly line: number;
      readonly seq: number;
      readonly expected: string;
      /** The hash the ledger now has at that seq, or why there is none. */
      readonly found: string;
      readonly verifiedAt: string;
    }
  /** checkpoint.json itself cannot be read. */
  | { readonly kind: "checkpoint-unreadable"; readonly problem: string };

export type BreakKind = LedgerBreak["kind"];

/** What a clean verify leaves in checkpoint.json: the last entry it verified, and where its line starts. */
export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  /** Byte offset of that entry's line in entries.jsonl. */
  readonly offset: number;
  /** Bytes of entries.jsonl up to and including that line, and their SHA-256. */
  readonly end?: number;
  readonly prefixSha256?: string;
  readonly verifiedAt: string;
  readonly full: boolean;
}

export interface VerifyResult {
  readonly ledger: string;
  readonly mode: "full" | "incremental";
  /** The checkpoint an incremental verify started from (absent: none, everything was new). */
  readonly from?: Checkpoint;
  /** Lines checked (chain, seq and own hash), old and new. */
  readonly entries: number;
  /** Entries up to the checkpoint whose bytes were found unchanged as a whole, so not parsed again. */
  readonly unchangedEntries: number;
  /** Entries after the checkpoint, whose artifacts were rehashed (all of them with --full). */
  readonly newEntries: number;
  /** Artifact references checked (an object shared by several entries counts for each). */
  readonly artifacts: number;
  /** Distinct objects whose bytes were hashed. */
  readonly objectsHashed: number;
  /** Bytes of artifacts hashed. */
  readonly bytesHashed: number;
  /** Bytes of entries.jsonl read and hashed. */
  readonly entryBytes: number;
  readonly seconds: number;
  /** (artifact + entry bytes hashed) / seconds, in MB/s (10⁶ bytes). */
  readonly mbPerSecond: number;
  /** The last entry checked. */
  readonly last?: { readonly seq: number; readonly hash: string };
  /** The first break, or absent when the ledger is intact. */
  readonly break?: LedgerBreak;
  /** Whether checkpoint.json was (re)written: only after a clean verify. */
  readonly checkpointWritten: boolean;
}

export interface VerifyOptions {
  /** Rehash every artifact, not only those of entries after the checkpoint. */
  readonly full?: boolean;
  /** Leave checkpoint.json as it is even after a clean verify. */
  readonly keepCheckpoint?: boolean;
  readonly now?: Date;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HASH_KEY = Buffer.from(',"hash":"');
// `,"hash":"` + 64 hex + `"}`: the hash is the line's last field.
const HASH_TAIL = HASH_KEY.length + 64 + 2;
const CLOSE = Buffer.from("}");
const NEWLINE = Buffer.from("\n");
/** Reads of entries.jsonl. */
const READ_SIZE = 8 << 20;
/** Reads of artifacts: 1 MiB, as hashFile's; larger reads measured no faster. */
const HASH_READ_SIZE = 1 << 20;

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** One sentence naming the break: where (line, seq), what, and what it means. */
export function describeBreak(b: LedgerBreak): string {
  switch (b.kind) {
    case "truncated":
      return `line ${b.line} ends without a newline (byte ${b.offset}): the file was cut off in the middle of an entry (truncated)`;
    case "not-json":
      return `line ${b.line} is not JSON (${b.error}): it was edited or damaged`;
    case "not-an-entry":
      return `line ${b.line} is not a ledger entry: ${b.problem}`;
    case "seq":
      return b.found > b.expected
        ? `line ${b.line} has seq ${b.found} where seq ${b.expected} was expected: ${b.found - b.expected === 1 ? `entry ${b.expected} was` : `entries ${b.expected}–${b.found - 1} were`} removed`
        : `line ${b.line} has seq ${b.found} where seq ${b.expected} was expected: entries were reordered or repeated`;
    case "edited":
      return `line ${b.line} (seq ${b.seq}) does not match its own hash: recorded ${b.recorded}, its content hashes to ${b.actual}; the entry was edited after it was appended`;
    case "prev":
      return `line ${b.line} (seq ${b.seq}) names ${short(b.found)} as the entry before it, but seq ${b.seq - 1} hashes to ${short(b.expected)}: seq ${b.seq - 1} was replaced or edited and rehashed`;
    case "artifact-missing":
      return `line ${b.line} (seq ${b.seq}): artifact ${b.name} (sha256 ${b.sha256}) is missing from objects/`;
    case "artifact-tampered":
      return `line ${b.line} (seq ${b.seq}): artifact ${b.name} was tampered with: expected sha256 ${b.expected}, its bytes hash to ${b.actual}`;
    case "artifact-size":
      return `line ${b.line} (seq ${b.seq}): artifact ${b.name} (sha256 ${b.sha256}) has ${b.actualBytes} bytes where the entry recorded ${b.expectedBytes}: it was tampered with`;
    case "checkpoint":
      return `the checkpoint of ${b.verifiedAt} says line ${b.line} is seq ${b.seq} with hash ${short(b.expected)}, but the ledger now has ${b.found}: history before the checkpoint was rewritten (if the ledger was restored from a copy on purpose, remove checkpoint.json and run verify --full)`;
    case "checkpoint-unreadable":
      return `checkpoint.json cannot be read (${b.problem}): remove it and run verify --full`;
  }
}

type Loaded = { ok: true; checkpoint?: Checkpoint } | { ok: false; problem: string };

/** Reads checkpoint.json, when there is one. */
export function readCheckpoint(dir: string): Loaded {
  const file = ledgerFiles(dir).checkpoint;
  if (!existsSync(file)) return { ok: true };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  const c = raw as Partial<Checkpoint> | null;
  if (
    typeof c !== "object" ||
    c === null ||
    !Number.isInteger(c.seq) ||
    (c.seq ?? 0) < 1 ||
    typeof c.hash !== "string" ||
    !HEX64.test(c.hash) ||
    !Number.isInteger(c.offset) ||
    (c.offset ?? -1) < 0 ||
    typeof c.verifiedAt !== "string"
  )
    return { ok: false, problem: "it is not a checkpoint (seq, hash, offset, verifiedAt)" };
  return { ok: true, checkpoint: c as Checkpoint };
}

function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  writeBytesAtomic(
    ledgerFiles(dir).checkpoint,
    Buffer.from(`${JSON.stringify(checkpoint, null, 2)}\n`),
  );
}

/** The lines of a file read in large chunks into one buffer; each view is valid until the next. */
function* linesOf(
  fd: number,
  size: number,
): Generator<{ bytes: Buffer; offset: number; terminated: boolean }> {
  let buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, Math.max(size, 1)));
  let filled = 0; // bytes in buffer
  let base = 0; // file offset of buffer[0]
  let read = 0; // file bytes read so far
  for (;;) {
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf(0x0a, start);
      if (nl < 0 || nl >= filled) break;
      yield { bytes: buffer.subarray(start, nl), offset: base + start, terminated: true };
      start = nl + 1;
    }
    if (read >= size) {
      if (start < filled)
        yield { bytes: buffer.subarray(start, filled), offset: base + start, terminated: false };
      return;
    }
    // Keep the unfinished line, growing the buffer when one line fills it.
    const rest = filled - start;
    if (rest === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, start, filled);
      buffer = bigger;
    } else buffer.copyWithin(0, start, filled);
    base += start;
    filled = rest;
    const n = readSync(fd, buffer, filled, Math.min(buffer.length - filled, size - read), read);
    if (n === 0) {
      // The file shrank while it was read: what is there is all there is.
      size = read;
      continue;
    }
    read += n;
    filled += n;
  }
}

interface ArtifactRef {
  name: string;
  sha256: string;
  bytes: number;
}

/** What an entry line must hold for the chain and artifact checks; a problem otherwise. */
function entryShape(
  value: unknown,
): { seq: number; prev: string; hash: string; artifacts: ArtifactRef[] } | string {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "it is not a JSON object";
  const e = value as Record<string, unknown>;
  if (!Number.isInteger(e.seq) || (e.seq as number) < 1) return "seq is not a positive integer";
  if (typeof e.prev !== "string" || !HEX64.test(e.prev)) return "prev is not a SHA-256";
  if (typeof e.hash !== "string" || !HEX64.test(e.hash)) return "hash is not a SHA-256";
  if (!Array.isArray(e.artifacts)) return "artifacts is not a list";
  for (const [i, a] of (e.artifacts as unknown[]).entries()) {
    const art = a as Partial<ArtifactRef> | null;
    if (
      typeof art !== "object" ||
      art === null ||
      typeof art.name !== "string" ||
      typeof art.sha256 !== "string" ||
      !HEX64.test(art.sha256) ||
      !Number.isInteger(art.bytes)
    )
      return `artifacts[${i}] is not {name, sha256 (64 hex), bytes}`;
  }
  return e as unknown as { seq: number; prev: string; hash: string; artifacts: ArtifactRef[] };
}

/** SHA-256 of an entry line without its hash field: the bytes the entry's hash covers. */
function contentHash(line: Buffer): string | undefined {
  const at = line.length - HASH_TAIL;
  if (at < 1 || !line.subarray(at, at + HASH_KEY.length).equals(HASH_KEY)) return undefined;
  return createHash("sha256").update(line.subarray(0, at)).update(CLOSE).digest("hex");
}

/** SHA-256 of the first `end` bytes of a file, not yet digested; undefined when it is shorter. */
function prefixHash(fd: number, end: number, buffer: Buffer): Hash | undefined {
  const hash = createHash("sha256");
  let at = 0;
  while (at < end) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
    if (n === 0) return undefined;
    hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    at += n;
  }
  return hash;
}

const ARTIFACTS_KEY = Buffer.from('"artifacts":[');

/**
 * The artifacts of a line already verified (its bytes unchanged since): only the artifacts array
 * is parsed, which costs a fraction of parsing the whole entry with its figures.
 */
function artifactsOf(line: Buffer): ArtifactRef[] {
  const at = line.indexOf(ARTIFACTS_KEY);
  // A figure with a key of the same name: parse it all rather than guess which is which.
  if (at < 0 || line.indexOf(ARTIFACTS_KEY, at + 1) >= 0)
    return (JSON.parse(line.toString("utf8")) as { artifacts: ArtifactRef[] }).artifacts;
  const start = at + ARTIFACTS_KEY.length - 1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if ((c === 0x5d || c === 0x7d) && --depth === 0)
      return JSON.parse(line.toString("utf8", start, i + 1)) as ArtifactRef[];
  }
  return (JSON.parse(line.toString("utf8")) as { artifacts: ArtifactRef[] }).artifacts;
}

/**
 * Verifies the ledger in `dir` and returns what it checked and the first break, if any; writes
 * checkpoint.json after a clean verify. Incremental (the default) rehashes only the artifacts of
 * entries after the checkpoint and checks older ones for presence and size; every line's chain and
 * own hash are checked either way (they are small).
 */
export function verifyLedger(dir: string, options: VerifyOptions = {}): VerifyResult {
  const started = performance.now();
  const files = ledgerFiles(dir);
  if (!existsSync(files.entries))
    throw new LedgerError(`${dir} holds no evidence ledger (no ${files.entries})`);
  const full = options.full ?? false;
  const loaded = readCheckpoint(dir);
  const checkpoint = loaded.ok ? loaded.checkpoint : undefined;
  // Entries up to this seq were verified before: incremental checks their artifacts' sizes only.
  const oldUpTo = full || checkpoint === undefined ? 0 : checkpoint.seq;

  let entries = 0;
  let unchangedEntries = 0;
  let artifacts = 0;
  let objectsHashed = 0;
  let bytesHashed = 0;
  let entryBytes = 0;
  let last: { seq: number; hash: string } | undefined;
  let found: LedgerBreak | undefined;
  let checkpointSeen = false;
  const hashed = new Map<string, string>(); // object sha256 → what its bytes hash to
  const sizes = new Map<string, number | undefined>(); // object sha256 → its size, undefined when missing
  const buffer = Buffer.allocUnsafe(HASH_READ_SIZE);
  /** An artifact's presence and size in objects/ (each object looked up once). */
  const presence = (artifact: ArtifactRef, line: number, seq: number): LedgerBreak | undefined => {
    let actualBytes = sizes.get(artifact.sha256);
    if (!sizes.has(artifact.sha256)) {
      actualBytes = statSync(objectPath(dir, artifact.sha256), { throwIfNoEntry: false })?.size;
      sizes.set(artifact.sha256, actualBytes);
    }
    const where = { line, seq, name: artifact.name, sha256: artifact.sha256 };
    if (actualBytes === undefined) return { kind: "artifact-missing", ...where };
    if (actualBytes !== artifact.bytes)
      return { kind: "artifact-size", ...where, expectedBytes: artifact.bytes, actualBytes };
    return undefined;
  };
  let lastOffset = 0;
  let lastEnd = 0;
  // SHA-256 of the verified lines' bytes, for the next incremental verify to trust them unread.
  let prefix = createHash("sha256");

  const finish = (b?: LedgerBreak): VerifyResult => {
    found = b;
    const seconds = (performance.now() - started) / 1000;
    let checkpointWritten = false;
    if (found === undefined && last !== undefined && !options.keepCheckpoint) {
      writeCheckpoint(dir, {
        seq: last.seq,
        hash: last.hash,
        offset: lastOffset,
        end: lastEnd,
        prefixSha256: prefix.digest("hex"),
        verifiedAt: (options.now ?? new Date()).toISOString(),
        full,
      });
      checkpointWritten = true;
    }
    return {
      ledger: dir,
      mode: full ? "full" : "incremental",
      ...(!full && checkpoint !== undefined ? { from: checkpoint } : {}),
      entries,
      unchangedEntries,
      newEntries: entries - Math.min(entries, oldUpTo),
      artifacts,
      objectsHashed,
      bytesHashed,
      entryBytes,
      seconds,
      mbPerSecond: seconds > 0 ? (bytesHashed + entryBytes) / seconds / 1e6 : 0,
      ...(last !== undefined ? { last } : {}),
      ...(found !== undefined ? { break: found } : {}),
      checkpointWritten,
    };
  };

  if (!loaded.ok) return finish({ kind: "checkpoint-unreadable", problem: loaded.problem });

  const fd = openSync(files.entries, "r");
  try {
    const size = fstatSync(fd).size;
    // Incremental: when the bytes up to the checkpoint are those a previous verify checked line by
    // line, their lines are not parsed again, only their artifacts looked up. Otherwise every line
    // is checked, which names what changed.
    let trustedEnd = 0;
    if (!full && checkpoint?.end !== undefined && checkpoint.end <= size) {
      const hashed = prefixHash(fd, checkpoint.end, buffer);
      if (hashed !== undefined && hashed.copy().digest("hex") === checkpoint.prefixSha256) {
        prefix = hashed;
        trustedEnd = checkpoint.end;
      }
    }
    if (trustedEnd > 0) entryBytes += trustedEnd;
    let line = 0;
    for (const { bytes, offset, terminated } of linesOf(fd, size)) {
      line++;
      if (offset < trustedEnd) {
        entries++;
        unchangedEntries++;
        if (offset === checkpoint!.offset) {
          last = { seq: checkpoint!.seq, hash: checkpoint!.hash };
          lastOffset = offset;
          lastEnd = offset + bytes.length + 1;
          checkpointSeen = true;
        }
        for (const artifact of artifactsOf(bytes)) {
          artifacts++;
          const problem = presence(artifact, line, line);
          if (problem !== undefined) return finish(problem);
        }
        continue;
      }
      entryBytes += bytes.length + (terminated ? 1 : 0);
      if (!terminated) {
        // An append in progress while we read is not damage: stop at the last complete line.
        if (statSync(files.entries).size > size) break;
        return finish({ kind: "truncated", line, offset });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString("utf8"));
      } catch (error) {
        return finish({ kind: "not-json", line, error: (error as Error).message });
      }
      const entry = entryShape(parsed);
      if (typeof entry === "string") return finish({ kind: "not-an-entry", line, problem: entry });
      const expectedSeq = (last?.seq ?? 0) + 1;
      if (entry.seq !== expectedSeq)
        return finish({ kind: "seq", line, expected: expectedSeq, found: entry.seq });
      const actual = contentHash(bytes);
      if (actual === undefined)
        return finish({
          kind: "not-an-entry",
          line,
          problem: "hash is not the line's last field (the line was rewritten)",
        });
      if (actual !== entry.hash)
        return finish({ kind: "edited", line, seq: entry.seq, recorded: entry.hash, actual });
      const expectedPrev = last?.hash ?? GENESIS;
      if (entry.prev !== expectedPrev)
        return finish({
          kind: "prev",
          line,
          seq: entry.seq,
          expected: expectedPrev,
          found: entry.prev,
        });
      if (checkpoint !== undefined && entry.seq === checkpoint.seq) {
        checkpointSeen = true;
        if (entry.hash !== checkpoint.hash || offset !== checkpoint.offset)
          return finish({
            kind: "checkpoint",
            line,
            seq: checkpoint.seq,
            expected: checkpoint.hash,
            found:
              entry.hash !== checkpoint.hash
                ? `hash ${short(entry.hash)}`
                : `its line at byte ${offset}, not ${checkpoint.offset}`,
            verifiedAt: checkpoint.verifiedAt,
          });
      }
      last = { seq: entry.seq, hash: entry.hash };
      lastOffset = offset;
      lastEnd = offset + bytes.length + 1;
      prefix.update(bytes).update(NEWLINE);
      entries++;

      const rehash = entry.seq > oldUpTo;
      for (const artifact of entry.artifacts) {
        artifacts++;
        const where = { line, seq: entry.seq, name: artifact.name };
        if (rehash) {
          let digest = hashed.get(artifact.sha256);
          if (digest === undefined) {
            const file = objectPath(dir, artifact.sha256);
            if (!existsSync(file))
              return finish({ kind: "artifact-missing", ...where, sha256: artifact.sha256 });
            const result = hashFile(file, buffer);
            objectsHashed++;
            bytesHashed += result.bytes;
            digest = result.sha256;
            hashed.set(artifact.sha256, digest);
            sizes.set(artifact.sha256, result.bytes);
          }
          if (digest !== artifact.sha256)
            return finish({
              kind: "artifact-tampered",
              ...where,
              expected: artifact.sha256,
              actual: digest,
            });
        }
        const problem = presence(artifact, line, entry.seq);
        if (problem !== undefined) return finish(problem);
      }
    }
  } finally {
    closeSync(fd);
  }
  if (checkpoint !== undefined && !checkpointSeen)
    return finish({
      kind: "checkpoint",
      line: checkpoint.seq,
      seq: checkpoint.seq,
      expected: checkpoint.hash,
      found: `only ${entries} entries`,
      verifiedAt: checkpoint.verifiedAt,
    });
  return finish();
}
