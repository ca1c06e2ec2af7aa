/**
 * What an attack on a restic snapshot object means in an S3 bucket with versioning and Object
 * Lock, read from the S3 responses alone. A plain DeleteObject only puts a delete marker on top
 * and an overwrite only adds a newer version: restic no longer sees the snapshot, yet the locked
 * version is still there and restores. Only deleting that version (DeleteObject with its
 * versionId) would destroy it, and COMPLIANCE retention refuses that with AccessDenied.
 */

/** One S3 response as received: status, headers (any case) and body. */
export interface S3Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The responses of one attack on one snapshot object, and what the object was before it. */
export interface S3AttackResponses {
  /** Object key, e.g. "restic/snapshots/<id>". */
  readonly key: string;
  /** The version the snapshot was written as, and its ETag. */
  readonly lockedVersionId: string;
  readonly lockedEtag: string;
  /** DELETE /key — what `restic forget` sends (absent when the attack only overwrote). */
  readonly deleteObject?: S3Response;
  /** PUT /key with other bytes — an overwrite (absent when the attack only deleted). */
  readonly putObject?: S3Response;
  /** DELETE /key?versionId=<locked> — deleting the version itself. */
  readonly deleteVersion: S3Response;
  /** GET /?versions&prefix=<key> — ListObjectVersions, afterwards. */
  readonly listVersions: S3Response;
  /** GET /key?versionId=<locked> — the locked version, afterwards. */
  readonly getLockedVersion: S3Response;
}

/** What one request did to the snapshot. */
export type S3AttemptEffect =
  /** A delete marker now hides the object; its versions are untouched. */
  | "hidden"
  /** A newer version now sits on top; the older ones are untouched. */
  | "shadowed"
  /** S3 refused the request (AccessDenied). */
  | "refused"
  /** The data is gone: an unversioned delete or overwrite, or the version itself deleted. */
  | "destroyed"
  /** A response this interpretation does not know: nothing is concluded from it. */
  | "unexpected";

/** One request and its effect. */
export interface S3Attempt {
  readonly request: "delete-object" | "overwrite-object" | "delete-version";
  readonly effect: S3AttemptEffect;
  readonly detail: string;
}

/** The reading of an attack: whether the locked version survived and still restores. */
export interface S3Interpretation {
  readonly verdict: "withstood" | "destroyable" | "unknown";
  readonly attempts: readonly S3Attempt[];
  /** The locked version is listed with its ETag and returned by GetObject with its versionId. */
  readonly lockedVersionRestorable: boolean;
  /** Object Lock mode and retain-until date GetObject reported for the locked version. */
  readonly lock?: { readonly mode: string; readonly retainUntil: string };
  /** What a person should know (a delete marker to remove, a weak lock mode). */
  readonly notes: readonly string[];
  /** What hides the locked version when it is restorable but not the current one. */
  readonly onTop?: { readonly kind: "delete-marker" | "version"; readonly versionId: string };
}

/** A response header by name, in any case. */
export function responseHeader(r: S3Response, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(r.headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The text of each `<tag>…</tag>` directly in `xml`, in order. */
export function elements(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]!);
}

/** The unescaped, trimmed text of the first `<tag>…</tag>` in `xml`. */
export function field(xml: string, tag: string): string | undefined {
  const found = elements(xml, tag)[0];
  return found === undefined ? undefined : unescapeXml(found.trim());
}

function errorCode(r: S3Response): string | undefined {
  return field(r.body, "Code");
}

function denied(r: S3Response): boolean {
  return r.status === 403 && (errorCode(r) ?? "AccessDenied") === "AccessDenied";
}

function describe(r: S3Response): string {
  const code = errorCode(r);
  return `HTTP ${r.status}${code === undefined ? "" : ` ${code}`}`;
}

function deleteObjectEffect(r: S3Response, locked: string): S3Attempt {
  const request = "delete-object";
  if (denied(r)) return { request, effect: "refused", detail: describe(r) };
  if (r.status !== 204) return { request, effect: "unexpected", detail: describe(r) };
  const marker = responseHeader(r, "x-amz-delete-marker") === "true";
  const version = responseHeader(r, "x-amz-version-id");
  if (marker && version !== undefined && version !== locked)
    return { request, effect: "hidden", detail: `delete marker ${version} put on top` };
  return {
    request,
    effect: "destroyed",
    detail: "deleted without a delete marker: the bucket keeps no versions",
  };
}

function putObjectEffect(r: S3Response, locked: string): S3Attempt {
  const request = "overwrite-object";
  if (denied(r)) return { request, effect: "refused", detail: describe(r) };
  if (r.status !== 200) return { request, effect: "unexpected", detail: describe(r) };
  const version = responseHeader(r, "x-amz-version-id");
  if (version !== undefined && version !== "null" && version !== locked)
    return { request, effect: "shadowed", detail: `new version ${version} put on top` };
  return {
    request,
    effect: "destroyed",
    detail: "overwritten in place: the bucket keeps no versions",
  };
}

function deleteVersionEffect(r: S3Response, locked: string): S3Attempt {
  const request = "delete-version";
  if (denied(r))
    return { request, effect: "refused", detail: `${describe(r)}: version ${locked} is locked` };
  if (r.status === 204)
    return { request, effect: "destroyed", detail: `version ${locked} was deleted` };
  return { request, effect: "unexpected", detail: describe(r) };
}

/** Reads an attack on a snapshot object from S3's responses (see the module comment). */
export function interpretObjectLockAttack(
  responses: S3AttackResponses,
  now: Date,
): S3Interpretation {
  const locked = responses.lockedVersionId;
  const attempts = [
    ...(responses.deleteObject ? [deleteObjectEffect(responses.deleteObject, locked)] : []),
    ...(responses.putObject ? [putObjectEffect(responses.putObject, locked)] : []),
    deleteVersionEffect(responses.deleteVersion, locked),
  ];
  const notes: string[] = [];

  const list = responses.listVersions;
  const versions =
    list.status === 200
      ? elements(list.body, "Version").map((v) => ({
          key: field(v, "Key"),
          versionId: field(v, "VersionId"),
          etag: field(v, "ETag"),
          isLatest: field(v, "IsLatest") === "true",
        }))
      : [];
  const markers =
    list.status === 200
      ? elements(list.body, "DeleteMarker").map((m) => ({
          key: field(m, "Key"),
          versionId: field(m, "VersionId"),
          isLatest: field(m, "IsLatest") === "true",
        }))
      : [];
  const listed = versions.find((v) => v.key === responses.key && v.versionId === locked);
  const listedIntact = listed !== undefined && listed.etag === responses.lockedEtag;

  const got = responses.getLockedVersion;
  const gotIntact =
    got.status === 200 &&
    responseHeader(got, "x-amz-version-id") === locked &&
    responseHeader(got, "etag") === responses.lockedEtag;
  const mode = responseHeader(got, "x-amz-object-lock-mode");
  const retainUntil = responseHeader(got, "x-amz-object-lock-retain-until-date");
  const lock = mode !== undefined && retainUntil !== undefined ? { mode, retainUntil } : undefined;
  const restorable = listedIntact && gotIntact;

  if (lock === undefined) notes.push(`version ${locked} carries no Object Lock retention`);
  else if (Date.parse(lock.retainUntil) <= now.getTime())
    notes.push(`the retention of version ${locked} ended at ${lock.retainUntil}`);
  else if (lock.mode === "GOVERNANCE")
    notes.push(
      `version ${locked} is locked in GOVERNANCE mode: anyone allowed s3:BypassGovernanceRetention can still delete it; COMPLIANCE mode cannot be bypassed`,
    );
  const latestMarker = markers.find((m) => m.key === responses.key && m.isLatest);
  const latestVersion = versions.find((v) => v.key === responses.key && v.isLatest);
  const onTop =
    latestMarker?.versionId !== undefined
      ? { kind: "delete-marker" as const, versionId: latestMarker.versionId }
      : latestVersion?.versionId !== undefined && latestVersion.versionId !== locked
        ? { kind: "version" as const, versionId: latestVersion.versionId }
        : undefined;
  if (restorable && latestMarker !== undefined)
    notes.push(
      `restic no longer lists the snapshot: delete marker ${latestMarker.versionId ?? "?"} hides version ${locked}; delete the marker (DeleteObject with its versionId) to bring it back`,
    );
  else if (restorable && latestVersion !== undefined && latestVersion.versionId !== locked)
    notes.push(
      `version ${latestVersion.versionId ?? "?"} now sits on top of ${locked}: copy ${locked} back over it (CopyObject with versionId) before restic reads the snapshot`,
    );

  const destroyed = attempts.some((a) => a.effect === "destroyed");
  const verdict =
    destroyed || (list.status === 200 && got.status === 404 && !listed)
      ? "destroyable"
      : restorable && attempts.every((a) => a.effect !== "unexpected")
        ? "withstood"
        : "unknown";
  return {
    verdict,
    attempts,
    lockedVersionRestorable: restorable,
    ...(lock ? { lock } : {}),
    notes,
    ...(restorable && onTop ? { onTop } : {}),
  };
}
