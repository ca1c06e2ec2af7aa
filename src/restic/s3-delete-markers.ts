/**
 * Undoing `restic forget` (and `forget --prune`) of one snapshot on an S3 bucket with versioning:
 * restic's deletes there only put delete markers on top, so the snapshot's file, and for a prune
 * its packs and the old index files, still have their earlier versions. The drill lists the
 * versions under the repository, picks the delete markers that are current and were put since the
 * attempt began, checks that a version lies under each, and deletes those markers by their
 * versionId so the versions become current again. Fenced: only keys of restic's snapshots, data
 * and index folders under this repository's prefix, only markers put in the attempt's window, the
 * snapshot's own key among them, and only versionIds the listing flagged as delete markers are
 * ever deleted — a data version never is. Lock files are left hidden: a lock brought back would
 * keep restic from opening the repository.
 */
import { elements, field, responseHeader, type S3Response } from "./s3-object-lock.js";
import {
  snapshotObjectKey,
  type S3Exchange,
  type S3Location,
  type S3Request,
} from "./s3-objects.js";

/** What became of the objects restic deleted. */
export type UnhideOutcome =
  /** Every delete marker the attempt put on the snapshot's objects was removed. */
  | { readonly kind: "unhidden"; readonly objects: number; readonly detail: string }
  /** The objects are gone for good (no versions kept, no marker on the snapshot, no version under one). */
  | { readonly kind: "gone"; readonly detail: string }
  /** A listing or a marker removal failed: nothing can be said of the objects. */
  | { readonly kind: "failed"; readonly detail: string }
  /** The repository is not reached this way (not S3, or S3 keys the drill does not know). */
  | { readonly kind: "unsupported"; readonly detail: string };

/**
 * Markers put up to this long before the attempt began (by S3's clock, from its `Date` header)
 * still count: LastModified and Date have whole seconds, and a request takes a while.
 */
export const MARKER_WINDOW_TOLERANCE_MS = 5_000;
/** Without a `Date` header S3's clock is unknown: markers this much older than the attempt count too. */
export const UNMEASURED_SKEW_MS = 120_000;
/** Stops a listing that never ends (a server repeating its page). */
const MAX_PAGES = 100_000;

const SNAPSHOT_ID = /^[0-9a-f]{64}$/;
/** restic's folders whose deletes are brought back, in the order they are (snapshot last). */
const RESTORED_FOLDERS = ["data", "index", "snapshots"] as const;

/** One entry of ListObjectVersions. */
interface Listed {
  readonly kind: "version" | "marker";
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  /** Milliseconds since the epoch, NaN when unreadable. */
  readonly lastModified: number;
}

class Unanswered extends Error {}

function said(r: S3Response): string {
  const code = field(r.body, "Code");
  return `HTTP ${r.status}${code === undefined ? "" : ` ${code}`}`;
}

function entries(body: string, tag: "Version" | "DeleteMarker"): Listed[] {
  return elements(body, tag).map((e) => ({
    kind: tag === "Version" ? ("version" as const) : ("marker" as const),
    key: field(e, "Key") ?? "",
    versionId: field(e, "VersionId") ?? "",
    isLatest: field(e, "IsLatest") === "true",
    lastModified: Date.parse(field(e, "LastModified") ?? ""),
  }));
}

function lockText(head: S3Response, now: Date): { text: string; caution?: string } {
  const mode = responseHeader(head, "x-amz-object-lock-mode");
  const until = responseHeader(head, "x-amz-object-lock-retain-until-date");
  if (mode === undefined || until === undefined)
    return { text: "no Object Lock retention", caution: "carries no Object Lock retention" };
  if (Date.parse(until) <= now.getTime())
    return { text: `Object Lock ${mode} ended ${until}`, caution: `retention ended at ${until}` };
  if (mode === "GOVERNANCE")
    return {
      text: `Object Lock GOVERNANCE until ${until}`,
      caution:
        "is locked in GOVERNANCE mode (anyone allowed s3:BypassGovernanceRetention can delete it)",
    };
  return { text: `Object Lock ${mode} until ${until}` };
}

/**
 * After `restic forget` of snapshot `id` began at `since` (this machine's clock) and left it gone:
 * removes the delete markers the attempt put on the repository's objects (see the module comment).
 */
export async function unhideDeletedObjects(
  exchange: S3Exchange,
  repository: S3Location,
  id: string,
  since: Date,
  now: () => Date = () => new Date(),
): Promise<UnhideOutcome> {
  if (!SNAPSHOT_ID.test(id)) throw new RangeError(`"${id}" is not a full snapshot id`);
  const base = repository.prefix === "" ? "" : `${repository.prefix}/`;
  const snapshotKey = snapshotObjectKey(repository, id);
  const folderOf = (key: string): string | undefined =>
    key.startsWith(base) ? key.slice(base.length).split("/")[0] : undefined;
  const restorable = (key: string) =>
    (RESTORED_FOLDERS as readonly (string | undefined)[]).includes(folderOf(key));

  // Filled in as the listing is read: what HEAD and DELETE may name.
  const versionsOf = new Map<string, Set<string>>();
  const chosenMarkers = new Map<string, string>();
  const send = async (request: S3Request): Promise<S3Response> => {
    const versionId = request.query?.versionId;
    const allowed =
      (request.method === "GET" &&
        request.key === "" &&
        request.query?.prefix === base &&
        request.query.versions === "") ||
      (request.method === "HEAD" &&
        versionId !== undefined &&
        versionsOf.get(request.key)?.has(versionId) === true) ||
      (request.method === "DELETE" &&
        versionId !== undefined &&
        chosenMarkers.get(request.key) === versionId);
    if (!allowed || (request.key !== "" && !restorable(request.key)))
      throw new RangeError(
        `refusing an S3 ${request.method} of "${request.key}"${versionId === undefined ? "" : ` version ${versionId}`}: only delete markers this attempt put under ${base || "the bucket"} may be removed`,
      );
    const reply = await exchange(request);
    if (reply.kind === "failed") throw new Unanswered(reply.detail);
    return reply.response;
  };

  try {
    // 1. Every version and delete marker under the repository, page by page.
    const listed: Listed[] = [];
    let windowStart: number | undefined;
    let page: { key?: string; version?: string } = {};
    for (let n = 0; ; n++) {
      if (n === MAX_PAGES)
        return { kind: "failed", detail: `ListObjectVersions did not end after ${n} pages` };
      const list = await send({
        method: "GET",
        key: "",
        query: {
          prefix: base,
          versions: "",
          ...(page.key !== undefined ? { "key-marker": page.key } : {}),
          ...(page.version !== undefined ? { "version-id-marker": page.version } : {}),
        },
      });
      const received = now().getTime();
      if (list.status !== 200 || !/<ListVersionsResult[\s>]/.test(list.body)) {
        const versionless = list.status === 405 || list.status === 501;
        return {
          kind: versionless ? "gone" : "failed",
          detail: `ListObjectVersions answered ${said(list)}${versionless ? ": the storage keeps no versions, restic's deletes are final" : ": the deleted objects could not be looked for"}`,
        };
      }
      if (windowStart === undefined) {
        const date = Date.parse(responseHeader(list, "date") ?? "");
        windowStart = Number.isNaN(date)
          ? since.getTime() - UNMEASURED_SKEW_MS
          : since.getTime() + (date - received) - MARKER_WINDOW_TOLERANCE_MS;
      }
      listed.push(...entries(list.body, "Version"), ...entries(list.body, "DeleteMarker"));
      if (field(list.body, "IsTruncated") !== "true") break;
      const next = {
        key: field(list.body, "NextKeyMarker"),
        version: field(list.body, "NextVersionIdMarker"),
      };
      if (next.key === undefined || (next.key === page.key && next.version === page.version))
        return {
          kind: "failed",
          detail:
            "ListObjectVersions was truncated without a new NextKeyMarker: the listing cannot go on",
        };
      page = next;
    }
    if (windowStart === undefined) throw new Error("unreachable: no listing page was read");
    const from = windowStart;

    // 2. The current markers put since the attempt began, on restic's data, index and snapshots.
    const fresh = listed.filter(
      (e) => e.kind === "marker" && e.isLatest && e.key.startsWith(base) && e.lastModified >= from,
    );
    const chosen = fresh.filter((e) => restorable(e.key));
    const locks = fresh.filter((e) => folderOf(e.key) === "locks").length;
    if (!chosen.some((e) => e.key === snapshotKey)) {
      const versioned = listed.some((e) => e.kind === "marker" || e.versionId !== "null");
      return {
        kind: "gone",
        detail: versioned
          ? `ListObjectVersions shows no delete marker put since the attempt began on ${snapshotKey}: its deletion is not undone`
          : "ListObjectVersions lists no versions and no delete markers: the bucket keeps no versions, restic's deletes are final",
      };
    }

    // 3. Under each marker, the version it hides: it must still be there.
    const versions = listed.filter((e) => e.kind === "version");
    for (const v of versions) {
      const known = versionsOf.get(v.key) ?? new Set<string>();
      known.add(v.versionId);
      versionsOf.set(v.key, known);
    }
    const cautions: string[] = [];
    let snapshotLock = "";
    const hidden: { marker: Listed; version: string }[] = [];
    for (const marker of chosen) {
      // S3 lists a key's versions newest first; the hidden one is the newest that is no marker.
      const under = versions
        .filter((v) => v.key === marker.key && !(v.lastModified > marker.lastModified))
        .sort((a, b) => b.lastModified - a.lastModified)[0];
      if (under === undefined)
        return {
          kind: "gone",
          detail: `delete marker ${marker.versionId} on ${marker.key} hides no version: the object is gone`,
        };
      const head = await send({
        method: "HEAD",
        key: marker.key,
        query: { versionId: under.versionId },
      });
      if (head.status !== 200 || responseHeader(head, "x-amz-version-id") !== under.versionId)
        return {
          kind: "gone",
          detail: `version ${under.versionId} of ${marker.key} under delete marker ${marker.versionId} cannot be read (HeadObject answered ${said(head)})`,
        };
      const lock = lockText(head, now());
      if (marker.key === snapshotKey) snapshotLock = lock.text;
      if (lock.caution !== undefined)
        cautions.push(`version ${under.versionId} of ${marker.key} ${lock.caution}`);
      hidden.push({ marker, version: under.versionId });
    }

    // 4. Remove the markers: packs and indexes first, the snapshot last, so restic never lists a
    // snapshot whose data is still hidden.
    for (const { marker } of hidden) chosenMarkers.set(marker.key, marker.versionId);
    const order = (key: string) =>
      RESTORED_FOLDERS.indexOf(folderOf(key) as (typeof RESTORED_FOLDERS)[number]);
    const refused: string[] = [];
    let removedCount = 0;
    for (const { marker } of [...hidden].sort(
      (a, b) => order(a.marker.key) - order(b.marker.key),
    )) {
      if (marker.key === snapshotKey && refused.length > 0) {
        // Its data is still hidden: a snapshot listed again could not be restored.
        refused.push(`the snapshot's delete marker ${marker.versionId} was left in place`);
        break;
      }
      const removed = await send({
        method: "DELETE",
        key: marker.key,
        query: { versionId: marker.versionId },
      });
      if (removed.status < 200 || removed.status >= 300 || /<Error>/.test(removed.body))
        refused.push(
          `DeleteObject of delete marker ${marker.versionId} on ${marker.key} answered ${said(removed)}`,
        );
      else removedCount += 1;
    }
    const count = (folder: string) =>
      hidden.filter((h) => folderOf(h.marker.key) === folder).length;
    const what = `snapshots ${count("snapshots")}, packs ${count("data")}, index files ${count("index")}`;
    const left =
      locks > 0
        ? `; ${locks} lock file(s) left deleted (a lock brought back would block the repository)`
        : "";
    const withCautions = (text: string) => [text, ...cautions].join("; ");
    if (refused.length > 0)
      return {
        kind: "failed",
        detail: withCautions(
          `${refused.join("; ")}: ${removedCount} of ${hidden.length} delete markers removed (${what})`,
        ),
      };
    return {
      kind: "unhidden",
      objects: hidden.length,
      detail: withCautions(
        `delete markers removed: ${hidden.length} objects (${what}), each version under them still there (the snapshot's: ${snapshotLock})${left}`,
      ),
    };
  } catch (error) {
    if (error instanceof Unanswered) return { kind: "failed", detail: error.message };
    throw error;
  }
}
