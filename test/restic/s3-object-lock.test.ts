/**
 * Reading an attack on a restic snapshot object in an S3 bucket with versioning and Object Lock.
 *
 * S3 Object Lock cannot run on this machine: s3rver, the only S3 server here, has neither
 * versioning nor Object Lock (PutBucketVersioning 409, ListObjectVersions 405). So the responses
 * are AWS S3 responses written down in the shapes the S3 API reference documents
 * (test/fixtures/s3-recorded.ts), recorded by hand from that reference, not captured live from an
 * AWS account.
 */
import { expect } from "chai";
import {
  interpretObjectLockAttack,
  type S3AttackResponses,
} from "../../src/restic/s3-object-lock.js";
import {
  ETAG,
  LOCKED,
  MARKER,
  NEWER,
  accessDenied,
  deleteMarkerAdded,
  getLocked,
  listVersions as recordedListing,
  markerEntry as recordedMarker,
  newVersionAdded,
  noSuchVersion as recordedNoSuchVersion,
  versionEntry as recordedVersion,
} from "../fixtures/s3-recorded.js";

const KEY = "restic/snapshots/5b1a0e2c9d0f4e7a8b3c6d1e2f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6";
const NOW = new Date("2026-12-05T06:00:00Z");
const amz = { "x-amz-request-id": "4442587FB7D0A2F9", "x-amz-id-2": "vlR7PnpV2Ce81puOABG+Wu0=" };
const listVersions = (entries: string) => recordedListing(KEY, [entries]);
const markerEntry = (latest: boolean) => recordedMarker(KEY, latest);
const versionEntry = (id: string, etag: string, latest: boolean) =>
  recordedVersion(KEY, id, etag, latest);
const noSuchVersion = recordedNoSuchVersion(KEY);

/** The locked bucket: hidden by a marker, shadowed by a version, the version delete refused. */
function lockedBucket(): S3AttackResponses {
  return {
    key: KEY,
    lockedVersionId: LOCKED,
    lockedEtag: ETAG,
    deleteObject: deleteMarkerAdded,
    putObject: newVersionAdded,
    deleteVersion: accessDenied,
    listVersions: listVersions(
      [markerEntry(true), versionEntry(NEWER, '"8b1a9953c4611296a827abf8c47804d7"', false)]
        .concat(versionEntry(LOCKED, ETAG, false))
        .join("\n"),
    ),
    getLockedVersion: getLocked("COMPLIANCE", "2027-01-04T00:00:00.000Z"),
  };
}

describe("S3 Object Lock: reading an attack on a snapshot object (recorded AWS response shapes)", () => {
  it("versioned + COMPLIANCE: the delete only hides, the overwrite only shadows, the version delete is refused; the locked version restores", () => {
    const read = interpretObjectLockAttack(lockedBucket(), NOW);
    expect(read.attempts.map((a) => `${a.request} ${a.effect}`)).to.deep.equal([
      "delete-object hidden",
      "overwrite-object shadowed",
      "delete-version refused",
    ]);
    expect(read.verdict).to.equal("withstood");
    expect(read.lockedVersionRestorable).to.equal(true);
    expect(read.lock).to.deep.equal({
      mode: "COMPLIANCE",
      retainUntil: "2027-01-04T00:00:00.000Z",
    });
    expect(read.notes).to.deep.equal([
      `restic no longer lists the snapshot: delete marker ${MARKER} hides version ${LOCKED}; delete the marker (DeleteObject with its versionId) to bring it back`,
    ]);
  });

  const cases: {
    name: string;
    change: Partial<S3AttackResponses>;
    verdict: string;
    says?: string;
  }[] = [
    {
      name: "the version delete succeeds (no lock): destroyable",
      change: {
        deleteVersion: { status: 204, headers: { ...amz, "x-amz-version-id": LOCKED }, body: "" },
        listVersions: listVersions(markerEntry(true)),
        getLockedVersion: noSuchVersion,
      },
      verdict: "destroyable",
    },
    {
      name: "an unversioned bucket: DeleteObject removes the object outright",
      change: { deleteObject: { status: 204, headers: amz, body: "" } },
      verdict: "destroyable",
    },
    {
      name: "the locked version is gone from the listing and GetObject answers NoSuchVersion",
      change: { listVersions: listVersions(markerEntry(true)), getLockedVersion: noSuchVersion },
      verdict: "destroyable",
    },
    {
      name: "GOVERNANCE mode: withstood, with a note that it can be bypassed",
      change: { getLockedVersion: getLocked("GOVERNANCE", "2027-01-04T00:00:00.000Z") },
      verdict: "withstood",
      says: "GOVERNANCE mode: anyone allowed s3:BypassGovernanceRetention",
    },
    {
      name: "a retention that already ended is named",
      change: { getLockedVersion: getLocked("COMPLIANCE", "2026-12-01T00:00:00.000Z") },
      verdict: "withstood",
      says: "the retention of version",
    },
    {
      name: "a response it does not know (500) concludes nothing",
      change: {
        deleteVersion: {
          status: 500,
          headers: amz,
          body: "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
        },
      },
      verdict: "unknown",
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const read = interpretObjectLockAttack({ ...lockedBucket(), ...c.change }, NOW);
      expect(read.verdict).to.equal(c.verdict);
      if (c.says !== undefined) expect(read.notes.join("\n")).to.include(c.says);
    });

  it("an overwrite with no delete marker: the note says to copy the locked version back", () => {
    const read = interpretObjectLockAttack(
      {
        ...lockedBucket(),
        deleteObject: accessDenied,
        listVersions: listVersions(
          [
            versionEntry(NEWER, '"8b1a9953c4611296a827abf8c47804d7"', true),
            versionEntry(LOCKED, ETAG, false),
          ].join("\n"),
        ),
      },
      NOW,
    );
    expect(read.verdict).to.equal("withstood");
    expect(read.attempts[0]!.effect).to.equal("refused");
    expect(read.notes).to.deep.equal([
      `version ${NEWER} now sits on top of ${LOCKED}: copy ${LOCKED} back over it (CopyObject with versionId) before restic reads the snapshot`,
    ]);
  });
});
