/**
 * `evidence verify --remote`: reads the offsite segments, checks that they chain, compares them
 * with the local ledger seq by seq, and checks that every artifact they name is offsite with its
 * size and checksum (downloaded and rehashed with `full`). The offsite copy is the record: where
 * the two differ, the local ledger is the one that changed.
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { GENESIS, type EntryArtifact, type LedgerEntry } from "./entry.js";
import {
  checksumOf,
  listSegments,
  objectKey,
  parseLedgerLines,
  readLocalLedger,
  segmentGap,
  type OffsiteTarget,
} from "./offsite.js";
import { describeFailure, statusOf } from "./push.js";

/** A problem of the offsite copy itself. */
export interface RemoteProblem {
  /** The object concerned. */
  readonly key: string;
  readonly message: string;
}

/** What verify --remote found. */
export interface RemoteReport {
  readonly segments: number;
  /** The last seq of the offsite copy that chains from the first. */
  readonly remoteLast: number;
  readonly localLast: number;
  /** Offsite objects that are not what they should be (a gap, a broken chain, a missing artifact). */
  readonly problems: readonly RemoteProblem[];
  /** The first seq where the local entry is not the offsite one. */
  readonly firstDifference?: {
    readonly seq: number;
    readonly local: string;
    readonly remote: string;
  };
  /** Entries offsite but no longer in the local ledger (truncated or replaced). */
  readonly missingLocally?: { readonly from: number; readonly to: number };
  /** Local entries not pushed yet. */
  readonly unpushed?: { readonly from: number; readonly to: number };
  readonly artifactsChecked: number;
  /** Whether artifacts were downloaded and rehashed. */
  readonly full: boolean;
  /** No problem, no difference, nothing missing locally (unpushed entries are not a failure). */
  readonly ok: boolean;
}

async function download(target: OffsiteTarget, key: string): Promise<Uint8Array> {
  try {
    const object = await target.client.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: key }),
    );
    if (object.Body === undefined) return new Uint8Array();
    return await object.Body.transformToByteArray();
  } catch (error) {
    throw describeFailure(`downloading s3://${target.bucket}/${key}`, error);
  }
}

/** The offsite entries that chain from GENESIS, and the problems that stopped them. */
async function remoteEntries(
  target: OffsiteTarget,
): Promise<{ entries: LedgerEntry[]; segments: number; problems: RemoteProblem[] }> {
  let listing;
  try {
    listing = await listSegments(target);
  } catch (error) {
    throw describeFailure(`listing s3://${target.bucket}/${target.prefix}entries/`, error);
  }
  const problems: RemoteProblem[] = listing.foreign.map((key) => ({
    key,
    message: "is not a segment of this ledger (its name is not <first>-<last>-<hash>.jsonl)",
  }));
  const gap = segmentGap(listing.segments);
  const contiguous =
    gap === undefined
      ? listing.segments
      : listing.segments.slice(0, listing.segments.indexOf(gap.segment));
  if (gap !== undefined)
    problems.push({
      key: gap.segment.key,
      message: `does not continue the offsite copy at entry ${gap.expected} (a segment is missing or overlaps)`,
    });
  const entries: LedgerEntry[] = [];
  for (const segment of contiguous) {
    const text = Buffer.from(await download(target, segment.key)).toString("utf8");
    const lines = parseLedgerLines(text);
    let broken: string | undefined;
    for (const line of lines) {
      if (!line.ok) {
        broken = `line ${line.line}: ${line.problem}`;
        break;
      }
      const expected = entries.length + 1;
      if (line.entry.seq !== expected || line.entry.prev !== (entries.at(-1)?.hash ?? GENESIS)) {
        broken = `entry ${line.entry.seq} does not follow entry ${expected - 1}`;
        break;
      }
      entries.push(line.entry);
    }
    if (broken === undefined && entries.at(-1)?.seq !== segment.last)
      broken = `holds entries up to ${entries.at(-1)?.seq ?? 0}, its name says ${segment.last}`;
    if (broken === undefined && entries.at(-1)?.hash !== segment.lastHash)
      broken = "its last entry's hash is not the one its name carries";
    if (broken !== undefined) {
      problems.push({ key: segment.key, message: broken });
      // Entries past a broken segment cannot be trusted to chain; stop at the last good one.
      entries.splice(segment.first - 1);
      break;
    }
  }
  return { entries, segments: listing.segments.length, problems };
}

/** S3's answer for a missing key to a caller without an unconditional s3:ListBucket. */
const forbidden = (artifact: EntryArtifact) =>
  `artifact ${artifact.name} is missing offsite, or these keys may not read it (HTTP 403)`;

async function checkArtifact(
  target: OffsiteTarget,
  artifact: EntryArtifact,
  full: boolean,
): Promise<RemoteProblem | undefined> {
  const key = objectKey(target.prefix, artifact.sha256);
  if (full) {
    let bytes: Uint8Array;
    try {
      const object = await target.client.send(
        new GetObjectCommand({ Bucket: target.bucket, Key: key }),
      );
      bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (statusOf(error) === 404 || (error as Error).name === "NoSuchKey")
        return { key, message: `artifact ${artifact.name} is missing offsite` };
      if (statusOf(error) === 403) return { key, message: forbidden(artifact) };
      throw describeFailure(`downloading s3://${target.bucket}/${key}`, error);
    }
    const sha = createHash("sha256").update(bytes).digest("hex");
    return sha === artifact.sha256
      ? undefined
      : { key, message: `artifact ${artifact.name}'s offsite bytes hash to ${sha}` };
  }
  try {
    const head = await target.client.send(
      new HeadObjectCommand({ Bucket: target.bucket, Key: key, ChecksumMode: "ENABLED" }),
    );
    if (head.ContentLength !== undefined && head.ContentLength !== artifact.bytes)
      return {
        key,
        message: `artifact ${artifact.name} is ${head.ContentLength} bytes offsite, ${artifact.bytes} in the ledger`,
      };
    // S3 answers the full-object checksum it stored at the put; a server that keeps none says nothing.
    if (head.ChecksumSHA256 !== undefined && head.ChecksumSHA256 !== checksumOf(artifact.sha256))
      return { key, message: `artifact ${artifact.name}'s offsite checksum is not its SHA-256` };
    return undefined;
  } catch (error) {
    if (statusOf(error) === 404)
      return { key, message: `artifact ${artifact.name} is missing offsite` };
    if (statusOf(error) === 403) return { key, message: forbidden(artifact) };
    throw describeFailure(`checking s3://${target.bucket}/${key}`, error);
  }
}

/** Compares the offsite copy with the local ledger in `dir`; see the module comment. */
export async function verifyRemote(
  dir: string,
  target: OffsiteTarget,
  options: { readonly full?: boolean } = {},
): Promise<RemoteReport> {
  const full = options.full ?? false;
  const remote = await remoteEntries(target);
  const problems = [...remote.problems];
  const local = readLocalLedger(dir);
  const remoteLast = remote.entries.length;
  const localLast = local.length;

  let firstDifference: RemoteReport["firstDifference"];
  for (let i = 0; i < Math.min(remoteLast, localLast); i++) {
    const line = local[i]!;
    const remoteHash = remote.entries[i]!.hash;
    const localHash = !line.ok
      ? `line ${line.line}: ${line.problem}`
      : line.entry.seq !== i + 1
        ? `entry ${line.entry.seq} in its place`
        : line.entry.hash;
    if (localHash !== remoteHash) {
      firstDifference = { seq: i + 1, local: localHash, remote: remoteHash };
      break;
    }
  }

  const artifacts = new Map<string, EntryArtifact>();
  for (const entry of remote.entries) for (const a of entry.artifacts) artifacts.set(a.sha256, a);
  const queue = [...artifacts.values()];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, queue.length) }, async () => {
      while (next < queue.length) {
        const problem = await checkArtifact(target, queue[next++]!, full);
        if (problem !== undefined) problems.push(problem);
      }
    }),
  );
  problems.sort((a, b) => a.key.localeCompare(b.key));

  const missingLocally =
    remoteLast > localLast ? { from: localLast + 1, to: remoteLast } : undefined;
  const unpushed = localLast > remoteLast ? { from: remoteLast + 1, to: localLast } : undefined;
  return {
    segments: remote.segments,
    remoteLast,
    localLast,
    problems,
    ...(firstDifference === undefined ? {} : { firstDifference }),
    ...(missingLocally === undefined ? {} : { missingLocally }),
    ...(unpushed === undefined ? {} : { unpushed }),
    artifactsChecked: artifacts.size,
    full,
    ok: problems.length === 0 && firstDifference === undefined && missingLocally === undefined,
  };
}

/** The report as lines for a terminal. */
export function renderRemoteReport(report: RemoteReport, where: string): string {
  const lines: string[] = [
    `offsite ${where}: ${report.segments} segment(s), entries 1–${report.remoteLast}; local ledger: entries 1–${report.localLast}; ${report.artifactsChecked} artifact(s) ${report.full ? "downloaded and rehashed" : "checked (size and checksum)"}`,
  ];
  if (report.firstDifference !== undefined)
    lines.push(
      `DIFFERS at entry ${report.firstDifference.seq}: offsite ${report.firstDifference.remote}, local ${report.firstDifference.local} (the local ledger was rewritten from here; the offsite copy is the record)`,
    );
  if (report.missingLocally !== undefined)
    lines.push(
      `MISSING LOCALLY: entries ${report.missingLocally.from}–${report.missingLocally.to} are offsite but not in the local ledger (truncated or replaced)`,
    );
  for (const p of report.problems) lines.push(`OFFSITE ${p.key}: ${p.message}`);
  if (report.unpushed !== undefined)
    lines.push(
      `not pushed yet: entries ${report.unpushed.from}–${report.unpushed.to} (stronghold evidence push)`,
    );
  lines.push(
    report.ok ? "offsite copy matches the local ledger" : "offsite copy and local ledger DIFFER",
  );
  return `${lines.join("\n")}\n`;
}
