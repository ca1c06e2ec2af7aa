/**
 * Reading an attack on a restic snapshot object in an S3 bucket with versioning and Object Lock.
 *
 * S3 Object Lock cannot run on this machine: s3rver, the only S3 server here, has neither
 * versioning nor Object Lock (PutBucketVersioning 409, ListObjectVersions 405). So the responses
 * below are AWS S3 responses written down in the shapes the S3 API reference documents for
 * DeleteObject, PutObject, ListObjectVersions, GetObject with versionId and the AccessDenied error
 * of DeleteObject with a versionId under COMPLIANCE retention — recorded by hand from that
 * reference, not captured live from an AWS account.
 */
import { expect } from "chai";
import {
  interpretObjectLockAttack,
  type S3AttackResponses,
  type S3Response,
} from "../../src/restic/s3-object-lock.js";

const KEY = "restic/snapshots/5b1a0e2c9d0f4e7a8b3c6d1e2f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6";
const LOCKED = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY.5Ha3rmFJi7lPKbXGqgZq2AaGSaRMj0";
const MARKER = "QUpfdndhfd8438MNFDN93jdnJFkdmqnh893";
const NEWER = "kMzw0c4tJRJ0pD8xbN4nX3lTqu2JLyGd";
const ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';
const NOW = new Date("2026-12-05T06:00:00Z");

const amz = { "x-amz-request-id": "4442587FB7D0A2F9", "x-amz-id-2": "vlR7PnpV2Ce81puOABG+Wu0=" };

/** DeleteObject without versionId on a versioned bucket: 204, a delete marker's version id. */
const deleteMarkerAdded: S3Response = {
  status: 204,
  headers: { ...amz, "x-amz-delete-marker": "true", "x-amz-version-id": MARKER },
  body: "",
};

/** PutObject over the key on a versioned bucket: 200, the new version's id. */
const newVersionAdded: S3Response = {
  status: 200,
  headers: { ...amz, ETag: '"8b1a9953c4611296a827abf8c47804d7"', "x-amz-version-id": NEWER },
  body: "",
};

/** DeleteObject with the locked versionId under COMPLIANCE retention. */
const accessDenied: S3Response = {
  status: 403,
  headers: { ...amz, "Content-Type": "application/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>vlR7PnpV2Ce81puOABG+Wu0=</HostId></Error>`,
};

function listVersions(entries: string): S3Response {
  return {
    status: 200,
    headers: { ...amz, "Content-Type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>stronghold-offsite</Name>
  <Prefix>${KEY}</Prefix>
  <KeyMarker></KeyMarker>
  <VersionIdMarker></VersionIdMarker>
  <MaxKeys>1000</MaxKeys>
  <IsTruncated>false</IsTruncated>
${entries}
</ListVersionsResult>`,
  };
}

const markerEntry = (latest: boolean) => `  <DeleteMarker>
    <Key>${KEY}</Key>
    <VersionId>${MARKER}</VersionId>
    <IsLatest>${latest}</IsLatest>
    <LastModified>2026-12-05T05:59:58.000Z</LastModified>
    <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>
  </DeleteMarker>`;
const versionEntry = (id: string, etag: string, latest: boolean) => `  <Version>
    <Key>${KEY}</Key>
    <VersionId>${id}</VersionId>
    <IsLatest>${latest}</IsLatest>
    <LastModified>2026-12-05T05:59:50.000Z</LastModified>
    <ETag>${etag.replace(/"/g, "&quot;")}</ETag>
    <Size>421</Size>
    <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>
    <StorageClass>STANDARD</StorageClass>
  </Version>`;

function getLocked(mode: string, retainUntil: string): S3Response {
  return {
    status: 200,
    headers: {
      ...amz,
      "Last-Modified": "Sat, 05 Dec 2026 05:59:50 GMT",
      ETag: ETAG,
      "Content-Length": "421",
      "Content-Type": "application/octet-stream",
      "x-amz-version-id": LOCKED,
      "x-amz-object-lock-mode": mode,
      "x-amz-object-lock-retain-until-date": retainUntil,
    },
    body: "<421 bytes of the encrypted snapshot>",
  };
}

const noSuchVersion: S3Response = {
  status: 404,
  headers: { ...amz, "Content-Type": "application/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchVersion</Code><Message>The specified version does not exist.</Message><Key>${KEY}</Key><VersionId>${LOCKED}</VersionId></Error>`,
};

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
