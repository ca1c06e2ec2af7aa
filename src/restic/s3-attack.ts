/**
 * The delete or overwrite of a snapshot's object in an S3 bucket, as ransomware holding restic's
 * keys would send it, and what S3 did with it. On a bucket without versioning the object is simply
 * gone or overwritten. On a versioned bucket the drill also tries to delete the snapshot's version
 * itself, lists the versions and fetches the old one (the responses s3-object-lock.ts reads); when
 * that version survived, the drill makes it current again (deletes the delete marker, or copies the
 * version back on top) so restic sees the snapshot as before. Every request names only the one
 * snapshot object it was given.
 */
import type { TamperAction, TamperOutcome } from "./backend-files.js";
import {
  interpretObjectLockAttack,
  responseHeader,
  type S3Interpretation,
  type S3Response,
} from "./s3-object-lock.js";
import {
  snapshotObjectKey,
  type S3Exchange,
  type S3Location,
  type S3Request,
} from "./s3-objects.js";

const SNAPSHOT_ID = /^[0-9a-f]{64}$/;

function errorCode(r: S3Response): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(r.body)?.[1];
}

function said(r: S3Response): string {
  const code = errorCode(r);
  return `HTTP ${r.status}${code === undefined ? "" : ` ${code}`}`;
}

/** An error S3 returns with a 200 (CopyObject can) counts as an error. */
function succeeded(r: S3Response): boolean {
  return r.status >= 200 && r.status < 300 && !/<Error>/.test(r.body);
}

class Unanswered extends Error {}

/** Sends a request only when it names the snapshot object (or lists versions of exactly it). */
function fenced(exchange: S3Exchange, key: string): (r: S3Request) => Promise<S3Response> {
  return async (request) => {
    const aimed = request.key === key || (request.key === "" && request.query?.prefix === key);
    if (!aimed)
      throw new RangeError(
        `refusing an S3 ${request.method} of "${request.key}": only ${key} may be changed`,
      );
    const reply = await exchange(request);
    if (reply.kind === "failed") throw new Unanswered(reply.detail);
    return reply.response;
  };
}

function withoutVersions(action: TamperAction, write: S3Response): TamperOutcome {
  if (write.status === 403)
    return { kind: "refused", detail: `S3 answered ${said(write)} to the ${action}` };
  if (succeeded(write))
    return {
      kind: "done",
      detail: `S3 answered ${write.status} and keeps no versions of the object: it was ${action === "delete" ? "deleted" : "overwritten"}`,
    };
  return { kind: "failed", detail: `S3 answered ${said(write)} to the ${action}` };
}

/** One sentence per request: what S3 did. */
function whatS3Did(read: S3Interpretation): string {
  return read.attempts
    .map((a) => {
      const request =
        a.request === "delete-object"
          ? "DeleteObject"
          : a.request === "overwrite-object"
            ? "PutObject"
            : "DeleteObject of the snapshot's version";
      return `${request}: ${a.effect} (${a.detail})`;
    })
    .join("; ");
}

function lockText(read: S3Interpretation): string {
  return read.lock === undefined
    ? "no Object Lock retention"
    : `Object Lock ${read.lock.mode} until ${read.lock.retainUntil}`;
}

/**
 * Deletes or overwrites snapshot `id`'s object through `exchange` and reads what S3 did:
 * "done" when the data is gone (no versions kept, or the version itself deleted), "kept" when S3
 * kept the snapshot's version and the drill made it current again, "refused" when S3 refused
 * every request, "failed" when nothing can be concluded.
 */
export async function attackSnapshotObject(
  exchange: S3Exchange,
  repository: S3Location,
  id: string,
  action: TamperAction,
  now: () => Date = () => new Date(),
): Promise<TamperOutcome> {
  if (!SNAPSHOT_ID.test(id)) throw new RangeError(`"${id}" is not a full snapshot id`);
  const key = snapshotObjectKey(repository, id);
  const send = fenced(exchange, key);
  try {
    const before = await send({ method: "HEAD", key });
    if (before.status !== 200)
      return {
        kind: "failed",
        detail: `the snapshot object ${key} could not be read before the ${action}: ${said(before)}`,
      };
    const locked = responseHeader(before, "x-amz-version-id");
    const etag = responseHeader(before, "etag") ?? "";
    const write = await send(
      action === "delete" ? { method: "DELETE", key } : { method: "PUT", key, body: "random" },
    );
    if (locked === undefined || locked === "null") return withoutVersions(action, write);

    const deleteVersion = await send({ method: "DELETE", key, query: { versionId: locked } });
    const listVersions = await send({
      method: "GET",
      key: "",
      query: { prefix: key, versions: "" },
    });
    const getLockedVersion = await send({
      method: "GET",
      key,
      query: { versionId: locked },
      discardBody: true,
    });
    const read = interpretObjectLockAttack(
      {
        key,
        lockedVersionId: locked,
        lockedEtag: etag,
        ...(action === "delete" ? { deleteObject: write } : { putObject: write }),
        deleteVersion,
        listVersions,
        getLockedVersion,
      },
      now(),
    );
    const did = whatS3Did(read);
    const cautions = read.notes.filter((n) => /retention|GOVERNANCE/.test(n));
    const withCautions = (text: string) => [text, ...cautions].join("; ");
    switch (read.verdict) {
      case "destroyable":
        return { kind: "done", detail: withCautions(did) };
      case "unknown":
        return { kind: "failed", detail: withCautions(`${did}; nothing concluded`) };
      case "withstood":
        break;
    }
    if (read.onTop === undefined)
      return {
        kind: "refused",
        detail: withCautions(`${did}; version ${locked} (${lockText(read)}) is still current`),
      };
    const putBack =
      read.onTop.kind === "delete-marker"
        ? await send({ method: "DELETE", key, query: { versionId: read.onTop.versionId } })
        : await send({
            method: "PUT",
            key,
            headers: {
              "x-amz-copy-source": `/${repository.bucket}/${key}?versionId=${encodeURIComponent(locked)}`,
            },
          });
    const how =
      read.onTop.kind === "delete-marker"
        ? `deleting delete marker ${read.onTop.versionId}`
        : `copying it back over version ${read.onTop.versionId}`;
    if (!succeeded(putBack))
      return {
        kind: "failed",
        detail: withCautions(
          `${did}; version ${locked} survived (${lockText(read)}) but ${how} answered ${said(putBack)}: restic does not see the snapshot until it is made current again`,
        ),
      };
    return {
      kind: "kept",
      detail: withCautions(
        `${did}; version ${locked} (${lockText(read)}) survived and was made current again by ${how}`,
      ),
    };
  } catch (error) {
    if (error instanceof Unanswered) return { kind: "failed", detail: error.message };
    throw error;
  }
}
