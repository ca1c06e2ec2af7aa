/**
 * `evidence push`: copies the ledger's new entries (one new segment object) and the artifacts they
 * name to the offsite Object Lock bucket, every put carrying its own retention and SHA-256
 * checksum. Artifacts go first and the segment last, so a push that fails halfway leaves nothing
 * the offsite copy would point to in vain, and the next push resumes where the bucket stands.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { acquireLock } from "../support/lock.js";
import { GENESIS, type EntryArtifact, type LedgerEntry } from "./entry.js";
import { ledgerFiles, objectPath, sha256Of } from "./ledger.js";
import {
  checksumOf,
  listSegments,
  objectKey,
  OffsiteError,
  readLocalLedger,
  retainUntil,
  segmentGap,
  segmentKey,
  type OffsiteTarget,
} from "./offsite.js";

/** The local record of the last push (a hint: the bucket's listing decides). */
export interface PushedRecord {
  readonly bucket: string;
  readonly prefix: string;
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly pushedAt: string;
}

/** What a push did. */
export interface PushResult {
  /** The last seq the offsite copy held before this push. */
  readonly remoteBefore: number;
  readonly localLast: number;
  /** The new segment, when there were new entries. */
  readonly segment?: { readonly key: string; readonly first: number; readonly last: number };
  /** Artifacts uploaded now, and those already offsite (an earlier, interrupted push). */
  readonly artifactsPut: number;
  readonly artifactsPresent: number;
  /** pushed.json disagreed with the bucket (a push that failed after its upload, or a reset bucket). */
  readonly recordDisagreed?: { readonly recorded: number; readonly remote: number };
}

export interface PushOptions {
  readonly now?: Date;
  /** Uploads at once (default 4). */
  readonly concurrency?: number;
}

/**
 * Content-MD5 as well as the SHA-256 checksum: S3 requires an integrity header on a put with
 * Object Lock headers, and S3-compatible servers without flexible checksums know only this one.
 */
const md5Of = (body: Uint8Array) => createHash("md5").update(body).digest("base64");

/** Where the push record lives in a ledger folder. */
export const pushedFile = (dir: string) => path.join(dir, "pushed.json");
const pushLockFile = (dir: string) => path.join(dir, "push.lock");

function readPushed(dir: string): PushedRecord | undefined {
  const file = pushedFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PushedRecord;
  } catch {
    // A damaged record is only a hint lost: the bucket's listing is what counts.
    return undefined;
  }
}

function writePushed(dir: string, record: PushedRecord): void {
  const file = pushedFile(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The HTTP status of an SDK error, when it has one. */
export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

/** An SDK failure as a message naming the request, never the credentials. */
export function describeFailure(what: string, error: unknown): OffsiteError {
  const e = error as { name?: string; message?: string };
  const status = statusOf(error);
  return new OffsiteError(
    `${what} failed: ${e.name ?? "Error"}${status === undefined ? "" : ` (HTTP ${status})`}: ${e.message ?? String(error)}`,
  );
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure wins. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

/** The local entries, which must chain: a broken ledger is not pushed. */
function localEntries(dir: string): LedgerEntry[] {
  const file = ledgerFiles(dir).entries;
  const entries: LedgerEntry[] = [];
  for (const line of readLocalLedger(dir)) {
    if (!line.ok)
      throw new OffsiteError(
        `${file}:${line.line}: ${line.problem}: run stronghold evidence verify; nothing was pushed`,
      );
    const expected = entries.length + 1;
    const prev = entries.at(-1)?.hash ?? GENESIS;
    if (line.entry.seq !== expected || line.entry.prev !== prev)
      throw new OffsiteError(
        `${file}:${expected}: entry ${line.entry.seq} does not follow entry ${expected - 1} (removed, reordered or rewritten): run stronghold evidence verify; nothing was pushed`,
      );
    entries.push(line.entry);
  }
  return entries;
}

/** Copies what the offsite copy lacks; see the module comment. */
export async function pushEvidence(
  dir: string,
  target: OffsiteTarget,
  options: PushOptions = {},
): Promise<PushResult> {
  if (!existsSync(ledgerFiles(dir).entries))
    throw new OffsiteError(
      `${dir} holds no evidence ledger (no entries.jsonl): nothing to push; give --ledger <dir>`,
    );
  const lock = acquireLock(pushLockFile(dir));
  if (!lock.ok)
    throw new OffsiteError(
      `another evidence push (pid ${lock.holder}) holds ${pushLockFile(dir)}: nothing was pushed`,
    );
  try {
    return await pushLocked(dir, target, options);
  } finally {
    lock.lock.release();
  }
}

async function pushLocked(
  dir: string,
  target: OffsiteTarget,
  options: PushOptions,
): Promise<PushResult> {
  const now = options.now ?? new Date();
  const local = localEntries(dir);
  const where = `s3://${target.bucket}/${target.prefix}`;
  let listing;
  try {
    listing = await listSegments(target);
  } catch (error) {
    throw describeFailure(`listing ${where}entries/`, error);
  }
  const gap = segmentGap(listing.segments);
  if (gap !== undefined)
    throw new OffsiteError(
      `the offsite copy ${where} does not continue at entry ${gap.expected} (${gap.segment.key}): run stronghold evidence verify --remote; nothing was pushed`,
    );
  const top = listing.segments.at(-1);
  const remoteLast = top?.last ?? 0;
  if (remoteLast > local.length)
    throw new OffsiteError(
      `the offsite copy holds entries 1–${remoteLast} but the local ledger ends at ${local.length}: it was truncated or replaced, and the offsite copy is the record; run stronghold evidence verify --remote; nothing was pushed`,
    );
  if (top !== undefined && local[remoteLast - 1]!.hash !== top.lastHash)
    throw new OffsiteError(
      `local entry ${remoteLast} differs from the offsite copy (${top.key}): the local ledger was rewritten; run stronghold evidence verify --remote; nothing was pushed`,
    );

  const recorded = readPushed(dir);
  const sameTarget = recorded?.bucket === target.bucket && recorded.prefix === target.prefix;
  const recordDisagreed =
    recorded !== undefined && sameTarget && recorded.lastSeq !== remoteLast
      ? { recorded: recorded.lastSeq, remote: remoteLast }
      : undefined;
  const fresh = local.slice(remoteLast);
  const record = (last: LedgerEntry | undefined) =>
    writePushed(dir, {
      bucket: target.bucket,
      prefix: target.prefix,
      lastSeq: last?.seq ?? 0,
      lastHash: last?.hash ?? GENESIS,
      pushedAt: now.toISOString(),
    });
  const base = {
    remoteBefore: remoteLast,
    localLast: local.length,
    ...(recordDisagreed === undefined ? {} : { recordDisagreed }),
  };
  if (fresh.length === 0) {
    record(local.at(-1));
    return { ...base, artifactsPut: 0, artifactsPresent: 0 };
  }

  const lockHeaders = {
    ObjectLockMode: target.lockMode,
    ObjectLockRetainUntilDate: retainUntil(now, target.retentionDays),
  } as const;
  const artifacts = new Map<string, EntryArtifact>();
  for (const entry of fresh) for (const a of entry.artifacts) artifacts.set(a.sha256, a);
  let put = 0;
  let present = 0;
  await pool([...artifacts.values()], options.concurrency ?? 4, async (artifact) => {
    const key = objectKey(target.prefix, artifact.sha256);
    if (await existsOffsite(target, key, artifact)) {
      present++;
      return;
    }
    const file = objectPath(dir, artifact.sha256);
    if (!existsSync(file))
      throw new OffsiteError(
        `${file}: artifact ${artifact.name} of a new entry is missing from the ledger: run stronghold evidence verify; nothing more was pushed`,
      );
    const body = readFileSync(file);
    if (sha256Of(body) !== artifact.sha256)
      throw new OffsiteError(
        `${file}: artifact ${artifact.name} no longer has its hash (tampered): run stronghold evidence verify; nothing more was pushed`,
      );
    try {
      await target.client.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: "application/octet-stream",
          ChecksumSHA256: checksumOf(artifact.sha256),
          ContentMD5: md5Of(body),
          IfNoneMatch: "*",
          ...lockHeaders,
        }),
      );
      put++;
    } catch (error) {
      // 412: the object appeared since the HEAD (a concurrent push from another machine).
      if (statusOf(error) === 412) present++;
      else throw describeFailure(`uploading s3://${target.bucket}/${key}`, error);
    }
  });

  const first = fresh[0]!.seq;
  const last = fresh.at(-1)!;
  const key = segmentKey(target.prefix, first, last.seq, last.hash);
  const body = Buffer.from(fresh.map((e) => `${JSON.stringify(e)}\n`).join(""));
  try {
    await target.client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: "application/x-ndjson",
        ChecksumSHA256: checksumOf(sha256Of(body)),
        ContentMD5: md5Of(body),
        IfNoneMatch: "*",
        ...lockHeaders,
      }),
    );
  } catch (error) {
    if (statusOf(error) === 412)
      throw new OffsiteError(
        `s3://${target.bucket}/${key} was written by another push meanwhile: run stronghold evidence verify --remote`,
      );
    throw describeFailure(`uploading s3://${target.bucket}/${key}`, error);
  }
  record(last);
  return {
    ...base,
    segment: { key, first, last: last.seq },
    artifactsPut: put,
    artifactsPresent: present,
  };
}

/** Whether the artifact is offsite already, with its size; a different size is refused. */
async function existsOffsite(
  target: OffsiteTarget,
  key: string,
  artifact: EntryArtifact,
): Promise<boolean> {
  try {
    const head = await target.client.send(
      new HeadObjectCommand({ Bucket: target.bucket, Key: key }),
    );
    if (head.ContentLength !== undefined && head.ContentLength !== artifact.bytes)
      throw new OffsiteError(
        `s3://${target.bucket}/${key} holds ${head.ContentLength} bytes, not the ${artifact.bytes} of ${artifact.name}: run stronghold evidence verify --remote`,
      );
    return true;
  } catch (error) {
    if (error instanceof OffsiteError) throw error;
    // S3 answers 403 instead of 404 for a missing key unless the caller may list the bucket
    // without a prefix condition, which the evidence-writer may not: the put's If-None-Match
    // then decides (412 when the object is there after all).
    const status = statusOf(error);
    if (status === 404 || status === 403) return false;
    throw describeFailure(`checking s3://${target.bucket}/${key}`, error);
  }
}
