/**
 * The ledger's offsite copy in an Object Lock bucket: artifacts keyed by their SHA-256
 * (`<prefix>objects/<sha256>`) and entries as immutable segments
 * (`<prefix>entries/<first seq>-<last seq>-<hash of the last>.jsonl`, seqs zero-padded so keys
 * sort in ledger order). Nothing is ever written twice under one key, so nothing is overwritten.
 */
import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { Secret } from "../support/secret.js";
import type { LedgerEntry } from "./entry.js";
import { entryHash, ledgerFiles } from "./ledger.js";

/** Object Lock modes S3 accepts on a put. */
export type OffsiteLockMode = "GOVERNANCE" | "COMPLIANCE";

/** Where the offsite copy lives and how long each object stays locked. */
export interface OffsiteTarget {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix ending in "/" (e.g. "evidence/"), or "" for the bucket's root. */
  readonly prefix: string;
  readonly lockMode: OffsiteLockMode;
  /** Every object's retain-until date is this many days after its put. */
  readonly retentionDays: number;
}

/** The offsite copy cannot be read or written (network, credentials, permissions, a foreign key). */
export class OffsiteError extends Error {
  override name = "OffsiteError";
}

const SEQ_DIGITS = 12;
const SEGMENT = /^(\d{12})-(\d{12})-([0-9a-f]{64})\.jsonl$/;

/** The key of an artifact with this SHA-256. */
export const objectKey = (prefix: string, sha256: string) => `${prefix}objects/${sha256}`;

/** The key of the segment holding entries first..last, the last with this hash. */
export function segmentKey(prefix: string, first: number, last: number, lastHash: string): string {
  const pad = (n: number) => String(n).padStart(SEQ_DIGITS, "0");
  return `${prefix}entries/${pad(first)}-${pad(last)}-${lastHash}.jsonl`;
}

/** One segment as its key names it. */
export interface RemoteSegment {
  readonly key: string;
  readonly first: number;
  readonly last: number;
  readonly lastHash: string;
}

/** What the listing of `<prefix>entries/` holds: its segments in seq order, and keys that are not segments. */
export interface RemoteListing {
  readonly segments: readonly RemoteSegment[];
  readonly foreign: readonly string[];
}

/** Lists the segments under `<prefix>entries/`, sorted by first seq. */
export async function listSegments(target: OffsiteTarget): Promise<RemoteListing> {
  const segments: RemoteSegment[] = [];
  const foreign: string[] = [];
  const base = `${target.prefix}entries/`;
  let token: string | undefined;
  do {
    const page = await target.client.send(
      new ListObjectsV2Command({
        Bucket: target.bucket,
        Prefix: base,
        ...(token === undefined ? {} : { ContinuationToken: token }),
      }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? "";
      const match = SEGMENT.exec(key.slice(base.length));
      if (match === null) foreign.push(key);
      else
        segments.push({
          key,
          first: Number(match[1]),
          last: Number(match[2]),
          lastHash: match[3]!,
        });
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  segments.sort((a, b) => a.first - b.first || a.last - b.last);
  return { segments, foreign };
}

/**
 * Where the segments stop covering 1, 2, 3… without a gap or overlap: the seq the next segment
 * should start at and the segment that does not, or undefined when they are contiguous.
 */
export function segmentGap(
  segments: readonly RemoteSegment[],
): { readonly expected: number; readonly segment: RemoteSegment } | undefined {
  let next = 1;
  for (const segment of segments) {
    if (segment.first !== next || segment.last < segment.first) return { expected: next, segment };
    next = segment.last + 1;
  }
  return undefined;
}

/** One line of a ledger file: the entry, or why it is not one. */
export type LedgerLine =
  | { readonly ok: true; readonly entry: LedgerEntry; readonly text: string }
  | { readonly ok: false; readonly line: number; readonly problem: string };

/**
 * Parses ledger lines (the local entries.jsonl or a segment) and checks each entry's own hash;
 * chaining between entries is the caller's to check.
 */
export function parseLedgerLines(text: string): LedgerLine[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, i): LedgerLine => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return { ok: false, line: i + 1, problem: "not JSON (edited or damaged)" };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return { ok: false, line: i + 1, problem: "not an entry object" };
    const entry = parsed as LedgerEntry;
    if (!Number.isInteger(entry.seq) || typeof entry.hash !== "string")
      return { ok: false, line: i + 1, problem: "has no seq or hash" };
    const { hash, ...unhashed } = entry;
    if (entryHash(unhashed) !== hash)
      return {
        ok: false,
        line: i + 1,
        problem: `entry ${entry.seq}'s content does not match its hash (edited)`,
      };
    return { ok: true, entry, text: line };
  });
}

/** The local ledger's lines, or none when it has no entries file yet. */
export function readLocalLedger(dir: string): LedgerLine[] {
  const file = ledgerFiles(dir).entries;
  if (!existsSync(file)) return [];
  return parseLedgerLines(readFileSync(file, "utf8"));
}

/** SHA-256 hex as the base64 S3's x-amz-checksum-sha256 carries. */
export const checksumOf = (sha256Hex: string) => Buffer.from(sha256Hex, "hex").toString("base64");

/** The retain-until date of an object put at `now`. */
export function retainUntil(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

/** How to reach the bucket: endpoint, region, keys and the CA to trust. */
export interface OffsiteConnection {
  /** https://s3.<region>.amazonaws.com, or an S3-compatible server's URL. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: {
    readonly accessKeyId: Secret;
    readonly secretAccessKey: Secret;
    readonly sessionToken?: Secret;
  };
  /** PEM file of a CA to trust besides the system's (a private S3-compatible server). */
  readonly caFile?: string;
}

/**
 * An S3 client for the offsite copy. Checksums only where we set them (every put carries its own
 * SHA-256): the SDK's default streaming checksums are stored as object bytes by some S3-compatible
 * servers. Path-style addressing off AWS, where a bucket is not a host name.
 */
export function createOffsiteClient(connection: OffsiteConnection): S3Client {
  // package.json pins the SDK to a release that supports Node 20; its warning about later
  // releases needing Node 22 would only be noise in every nightly run's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const host = new URL(connection.endpoint).hostname;
  return new S3Client({
    region: connection.region,
    endpoint: connection.endpoint,
    forcePathStyle: !host.endsWith(".amazonaws.com"),
    credentials: {
      accessKeyId: connection.credentials.accessKeyId.reveal(),
      secretAccessKey: connection.credentials.secretAccessKey.reveal(),
      ...(connection.credentials.sessionToken === undefined
        ? {}
        : { sessionToken: connection.credentials.sessionToken.reveal() }),
    },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(connection.caFile === undefined
      ? {}
      : {
          requestHandler: {
            httpsAgent: new Agent({ ca: readFileSync(connection.caFile), keepAlive: true }),
          },
        }),
  });
}
