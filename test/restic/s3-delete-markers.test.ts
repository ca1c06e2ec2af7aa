/**
 * Bringing back what `restic forget` and `forget --prune` deleted on a versioned S3 bucket, against
 * recorded ListObjectVersions, HeadObject and DeleteObject responses in the shapes the S3 API
 * reference documents (test/fixtures/s3-recorded.ts): no S3 server with versioning runs on this
 * machine. The 405 is what s3rver (no versioning) really answers; the lab test
 * test/drill/canary-s3-lock.test.ts runs the same code after real restic commands.
 */
import { expect } from "chai";
import type { S3Response } from "../../src/restic/s3-object-lock.js";
import { unhideDeletedObjects } from "../../src/restic/s3-delete-markers.js";
import type { S3Exchange, S3Location, S3Request } from "../../src/restic/s3-objects.js";
import { RETAIN_UNTIL, accessDenied, listVersions, requestLine } from "../fixtures/s3-recorded.js";

const ID = "5b1a0e2c9d0f4e7a8b3c6d1e2f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6";
const OTHER = "0123456789abcdef".repeat(4);
const REPO: S3Location = {
  kind: "s3",
  endpoint: "https://s3.eu-central-1.amazonaws.com",
  bucket: "town-offsite",
  prefix: "restic",
};
const SNAP = `restic/snapshots/${ID}`;
const PACK = `restic/data/3f/${OTHER}`;
const INDEX1 = `restic/index/${"a".repeat(64)}`;
const INDEX2 = `restic/index/${"b".repeat(64)}`;
const NEW_INDEX = `restic/index/${"c".repeat(64)}`;
/** When the attempt began, by this machine's clock (S3's agrees unless a case says otherwise). */
const SINCE = new Date("2026-12-05T06:00:00.000Z");
const at = (seconds: number) => new Date(SINCE.getTime() + seconds * 1000);

const amz = { "x-amz-request-id": "4442587FB7D0A2F9", "x-amz-id-2": "vlR7PnpV2Ce81puOABG+Wu0=" };

function marker(key: string, versionId: string, when: Date): string {
  return `  <DeleteMarker>
    <Key>${key}</Key>
    <VersionId>${versionId}</VersionId>
    <IsLatest>true</IsLatest>
    <LastModified>${when.toISOString()}</LastModified>
    <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>
  </DeleteMarker>`;
}

function version(key: string, versionId: string, latest: boolean, when = at(-3600)): string {
  return `  <Version>
    <Key>${key}</Key>
    <VersionId>${versionId}</VersionId>
    <IsLatest>${latest}</IsLatest>
    <LastModified>${when.toISOString()}</LastModified>
    <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>
    <Size>421</Size>
    <StorageClass>STANDARD</StorageClass>
  </Version>`;
}

/** After `restic forget`: the snapshot's marker, an older marker, a lock's and one outside the prefix. */
const FORGET_LISTING = [
  version("restic/config", "Cfg1", true),
  marker(`restic/data/99/${"9".repeat(64)}`, "OldMarker", at(-1200)),
  version(`restic/data/99/${"9".repeat(64)}`, "OldData", false, at(-7200)),
  marker(`restic/locks/${OTHER}`, "LockMarker", at(2)),
  marker(SNAP, "SnapMarker", at(2)),
  version(SNAP, "SnapV1", false),
  marker(`restic-old/snapshots/${OTHER}`, "OutsideMarker", at(2)),
  version(`restic-old/snapshots/${OTHER}`, "OutsideV1", false),
];

/** After `restic forget --prune`, in two pages: the pack, two old indexes and the snapshot hidden. */
const PRUNE_PAGES = [
  [
    version("restic/config", "Cfg1", true),
    marker(PACK, "PackMarker", at(6)),
    version(PACK, "PackV1", false),
    marker(INDEX1, "Index1Marker", at(7)),
  ],
  [
    version(INDEX1, "Index1V1", false),
    marker(INDEX2, "Index2Marker", at(7)),
    version(INDEX2, "Index2V1", false),
    version(NEW_INDEX, "Index3V1", true, at(5)),
    marker(SNAP, "SnapMarker", at(3)),
    version(SNAP, "SnapV1", false),
  ],
];

function page(entries: readonly string[], next?: { key: string; version: string }): S3Response {
  const listed = listVersions("restic/", [
    ...entries,
    ...(next
      ? [
          `  <NextKeyMarker>${next.key}</NextKeyMarker>\n  <NextVersionIdMarker>${next.version}</NextVersionIdMarker>`,
        ]
      : []),
  ]);
  return {
    ...listed,
    body: next ? listed.body.replace(/<IsTruncated>false/, "<IsTruncated>true") : listed.body,
  };
}

const headOf = (versionId: string): S3Response => ({
  status: 200,
  headers: {
    ...amz,
    "x-amz-version-id": versionId,
    "x-amz-object-lock-mode": "COMPLIANCE",
    "x-amz-object-lock-retain-until-date": RETAIN_UNTIL,
  },
  body: "",
});

const markerDeleted = (versionId: string): S3Response => ({
  status: 204,
  headers: { ...amz, "x-amz-delete-marker": "true", "x-amz-version-id": versionId },
  body: "",
});

/** A bucket answering listings from `pages` (the Date header `dateAt`), HEAD and DELETE by versionId. */
function bucket(
  pages: readonly S3Response[],
  options: {
    dateAt?: Date | undefined;
    replace?: Record<string, S3Response | "no answer">;
  } = {},
): { exchange: S3Exchange; sent: string[] } {
  const sent: string[] = [];
  const dated = (r: S3Response): S3Response =>
    options.dateAt === undefined
      ? r
      : { ...r, headers: { ...r.headers, Date: options.dateAt.toUTCString() } };
  const exchange: S3Exchange = (request: S3Request) => {
    const line = requestLine(request);
    sent.push(line);
    const override = options.replace?.[line];
    if (override === "no answer")
      return Promise.resolve({
        kind: "failed",
        detail: "curl could not reach the S3 endpoint: timed out",
      });
    const response =
      override ??
      (request.method === "GET"
        ? pages[request.query?.["key-marker"] === undefined ? 0 : 1]!
        : request.method === "HEAD"
          ? headOf(request.query!.versionId!)
          : markerDeleted(request.query!.versionId!));
    return Promise.resolve({ kind: "response", response: dated(response) });
  };
  return { exchange, sent };
}

const LIST = "GET ?prefix=restic/&versions";
const LOCK = `Object Lock COMPLIANCE until ${RETAIN_UNTIL}`;
/** This machine's clock when each reply arrives: 10 s after the attempt began. */
const NOW = () => at(10);

describe("bringing back what restic forget and prune deleted on a versioned S3 bucket (recorded responses)", () => {
  it("forget: only the snapshot's current marker put since the attempt began is deleted", async () => {
    const { exchange, sent } = bucket([page(FORGET_LISTING)], { dateAt: at(10) });
    const outcome = await unhideDeletedObjects(exchange, REPO, ID, SINCE, NOW);
    expect(sent).to.deep.equal([
      LIST,
      `HEAD ${SNAP}?versionId=SnapV1`,
      `DELETE ${SNAP}?versionId=SnapMarker`,
    ]);
    expect(outcome).to.deep.equal({
      kind: "unhidden",
      objects: 1,
      detail: `delete markers removed: 1 objects (snapshots 1, packs 0, index files 0), each version under them still there (the snapshot's: ${LOCK}); 1 lock file(s) left deleted (a lock brought back would block the repository)`,
    });
  });

  it("prune: the listing is read page by page; pack and indexes come back before the snapshot", async () => {
    const pages = [
      page(PRUNE_PAGES[0]!, { key: INDEX1, version: "Index1Marker" }),
      page(PRUNE_PAGES[1]!),
    ];
    const { exchange, sent } = bucket(pages, { dateAt: at(10) });
    const outcome = await unhideDeletedObjects(exchange, REPO, ID, SINCE, NOW);
    expect(sent).to.deep.equal([
      LIST,
      `${LIST}&key-marker=${INDEX1}&version-id-marker=Index1Marker`,
      `HEAD ${PACK}?versionId=PackV1`,
      `HEAD ${INDEX1}?versionId=Index1V1`,
      `HEAD ${INDEX2}?versionId=Index2V1`,
      `HEAD ${SNAP}?versionId=SnapV1`,
      `DELETE ${PACK}?versionId=PackMarker`,
      `DELETE ${INDEX1}?versionId=Index1Marker`,
      `DELETE ${INDEX2}?versionId=Index2Marker`,
      `DELETE ${SNAP}?versionId=SnapMarker`,
    ]);
    expect(outcome.kind).to.equal("unhidden");
    expect(outcome.detail).to.equal(
      `delete markers removed: 4 objects (snapshots 1, packs 1, index files 2), each version under them still there (the snapshot's: ${LOCK})`,
    );
  });

  it("S3's clock runs 10 minutes ahead: the window follows its Date header", async () => {
    const ahead = (seconds: number) => at(600 + seconds);
    const listing = [
      // Put by something else 60 s before the attempt began, by S3's clock.
      marker(PACK, "EarlierMarker", ahead(-60)),
      version(PACK, "PackV1", false),
      marker(SNAP, "SnapMarker", ahead(2)),
      version(SNAP, "SnapV1", false),
    ];
    const { exchange, sent } = bucket([page(listing)], { dateAt: ahead(10) });
    const outcome = await unhideDeletedObjects(exchange, REPO, ID, SINCE, NOW);
    expect(outcome.kind).to.equal("unhidden");
    expect(sent.filter((l) => l.startsWith("DELETE"))).to.deep.equal([
      `DELETE ${SNAP}?versionId=SnapMarker`,
    ]);
  });

  const cases: {
    name: string;
    listing: S3Response;
    replace?: Record<string, S3Response | "no answer">;
    dateAt?: Date | undefined;
    kind: string;
    detail: string;
    sent: string[];
  }[] = [
    {
      name: "no versioning (s3rver answers ListObjectVersions with 405): gone",
      listing: {
        status: 405,
        headers: { "Content-Type": "application/xml" },
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>MethodNotAllowed</Code><Message>The specified method is not allowed against this resource.</Message></Error>',
      },
      kind: "gone",
      detail:
        "ListObjectVersions answered HTTP 405 MethodNotAllowed: the storage keeps no versions, restic's deletes are final",
      sent: [LIST],
    },
    {
      name: "versioning never enabled (every VersionId null, no marker): gone",
      listing: page([version("restic/config", "null", true)]),
      kind: "gone",
      detail:
        "ListObjectVersions lists no versions and no delete markers: the bucket keeps no versions, restic's deletes are final",
      sent: [LIST],
    },
    {
      name: "the snapshot's marker is older than the attempt: nothing deleted",
      listing: page([marker(SNAP, "SnapMarker", at(-60)), version(SNAP, "SnapV1", false)]),
      dateAt: at(10),
      kind: "gone",
      detail: `ListObjectVersions shows no delete marker put since the attempt began on ${SNAP}: its deletion is not undone`,
      sent: [LIST],
    },
    {
      name: "no Date header: markers up to 2 minutes older than the attempt still count",
      listing: page([marker(SNAP, "SnapMarker", at(-100)), version(SNAP, "SnapV1", false)]),
      dateAt: undefined,
      kind: "unhidden",
      detail: `delete markers removed: 1 objects (snapshots 1, packs 0, index files 0), each version under them still there (the snapshot's: ${LOCK})`,
      sent: [LIST, `HEAD ${SNAP}?versionId=SnapV1`, `DELETE ${SNAP}?versionId=SnapMarker`],
    },
    {
      name: "no version under the snapshot's marker: gone, nothing deleted",
      listing: page([
        marker(PACK, "PackMarker", at(2)),
        version(PACK, "PackV1", false),
        marker(SNAP, "SnapMarker", at(2)),
      ]),
      dateAt: at(10),
      kind: "gone",
      detail: `delete marker SnapMarker on ${SNAP} hides no version: the object is gone`,
      sent: [LIST, `HEAD ${PACK}?versionId=PackV1`],
    },
    {
      name: "the version under a marker cannot be read: gone, nothing deleted",
      listing: page([marker(SNAP, "SnapMarker", at(2)), version(SNAP, "SnapV1", false)]),
      dateAt: at(10),
      replace: {
        [`HEAD ${SNAP}?versionId=SnapV1`]: { status: 404, headers: {}, body: "" },
      },
      kind: "gone",
      detail: `version SnapV1 of ${SNAP} under delete marker SnapMarker cannot be read (HeadObject answered HTTP 404)`,
      sent: [LIST, `HEAD ${SNAP}?versionId=SnapV1`],
    },
    {
      name: "the marker's removal is refused: failed, with what S3 said",
      listing: page([marker(SNAP, "SnapMarker", at(2)), version(SNAP, "SnapV1", false)]),
      dateAt: at(10),
      replace: { [`DELETE ${SNAP}?versionId=SnapMarker`]: accessDenied },
      kind: "failed",
      detail: `DeleteObject of delete marker SnapMarker on ${SNAP} answered HTTP 403 AccessDenied: 0 of 1 delete markers removed (snapshots 1, packs 0, index files 0)`,
      sent: [LIST, `HEAD ${SNAP}?versionId=SnapV1`, `DELETE ${SNAP}?versionId=SnapMarker`],
    },
    {
      name: "a pack's marker cannot be removed: the snapshot stays hidden, failed",
      listing: page([
        marker(PACK, "PackMarker", at(2)),
        version(PACK, "PackV1", false),
        marker(SNAP, "SnapMarker", at(2)),
        version(SNAP, "SnapV1", false),
      ]),
      dateAt: at(10),
      replace: { [`DELETE ${PACK}?versionId=PackMarker`]: accessDenied },
      kind: "failed",
      detail: `DeleteObject of delete marker PackMarker on ${PACK} answered HTTP 403 AccessDenied; the snapshot's delete marker SnapMarker was left in place: 0 of 2 delete markers removed (snapshots 1, packs 1, index files 0)`,
      sent: [
        LIST,
        `HEAD ${PACK}?versionId=PackV1`,
        `HEAD ${SNAP}?versionId=SnapV1`,
        `DELETE ${PACK}?versionId=PackMarker`,
      ],
    },
    {
      name: "a version without retention is named",
      listing: page([marker(SNAP, "SnapMarker", at(2)), version(SNAP, "SnapV1", false)]),
      dateAt: at(10),
      replace: {
        [`HEAD ${SNAP}?versionId=SnapV1`]: {
          status: 200,
          headers: { "x-amz-version-id": "SnapV1" },
          body: "",
        },
      },
      kind: "unhidden",
      detail: `delete markers removed: 1 objects (snapshots 1, packs 0, index files 0), each version under them still there (the snapshot's: no Object Lock retention); version SnapV1 of ${SNAP} carries no Object Lock retention`,
      sent: [LIST, `HEAD ${SNAP}?versionId=SnapV1`, `DELETE ${SNAP}?versionId=SnapMarker`],
    },
    {
      name: "no answer to the listing: failed",
      listing: page([]),
      replace: { [LIST]: "no answer" },
      kind: "failed",
      detail: "curl could not reach the S3 endpoint: timed out",
      sent: [LIST],
    },
    {
      name: "a truncated listing without NextKeyMarker: failed",
      listing: {
        ...page([]),
        body: page([]).body.replace(/<IsTruncated>false/, "<IsTruncated>true"),
      },
      kind: "failed",
      detail:
        "ListObjectVersions was truncated without a new NextKeyMarker: the listing cannot go on",
      sent: [LIST],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { exchange, sent } = bucket([c.listing], {
        dateAt: "dateAt" in c ? c.dateAt : at(10),
        ...(c.replace ? { replace: c.replace } : {}),
      });
      const outcome = await unhideDeletedObjects(exchange, REPO, ID, SINCE, NOW);
      expect(outcome.kind).to.equal(c.kind);
      expect(outcome.detail).to.equal(c.detail);
      expect(sent).to.deep.equal(c.sent);
    });

  it("a repository at the bucket's root: only restic's folders, listed from the root", async () => {
    const root: S3Location = { ...REPO, prefix: "" };
    const listing = [
      marker(`notes/${OTHER}`, "NotesMarker", at(2)),
      version(`notes/${OTHER}`, "NotesV1", false),
      marker(`snapshots/${ID}`, "SnapMarker", at(2)),
      version(`snapshots/${ID}`, "SnapV1", false),
    ];
    const { exchange, sent } = bucket([{ ...page(listing) }], { dateAt: at(10) });
    const outcome = await unhideDeletedObjects(exchange, root, ID, SINCE, NOW);
    expect(outcome.kind).to.equal("unhidden");
    expect(sent).to.deep.equal([
      "GET ?prefix&versions",
      `HEAD snapshots/${ID}?versionId=SnapV1`,
      `DELETE snapshots/${ID}?versionId=SnapMarker`,
    ]);
  });

  it("refuses a snapshot id that is not a full one", async () => {
    const { exchange, sent } = bucket([page(FORGET_LISTING)]);
    let thrown: unknown;
    try {
      await unhideDeletedObjects(exchange, REPO, ID.slice(0, 8), SINCE, NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(RangeError);
    expect(sent).to.deep.equal([]);
  });
});
