/**
 * The attack on a snapshot's object in S3 and the curl requests that carry it. The versioned,
 * Object Lock cases run against recorded AWS S3 response shapes (test/fixtures/s3-recorded.ts):
 * no S3 server with versioning runs on this machine. The bucket without versions and the curl
 * command itself are also exercised for real against s3rver by test/drill/runbook-ransomware.test.ts.
 */
import { expect } from "chai";
import { attackSnapshotObject } from "../../src/restic/s3-attack.js";
import type { S3Response } from "../../src/restic/s3-object-lock.js";
import {
  parseCurlResponse,
  requestUrl,
  s3Reply,
  s3RequestCommand,
  signingRegion,
  snapshotObjectKey,
  type S3Exchange,
  type S3Location,
  type S3Request,
} from "../../src/restic/s3-objects.js";
import { Secret } from "../../src/support/secret.js";
import {
  LOCKED,
  MARKER,
  RETAIN_UNTIL,
  accessDenied,
  getLocked,
  recordedLockedBucket,
  requestLine,
} from "../fixtures/s3-recorded.js";

const ID = "5b1a0e2c9d0f4e7a8b3c6d1e2f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6";
const REPO: S3Location = {
  kind: "s3",
  endpoint: "https://s3.eu-central-1.amazonaws.com",
  bucket: "town-offsite",
  prefix: "restic",
};
const KEY = `restic/snapshots/${ID}`;

/** The recorded bucket, with the answer to some requests (by request line) replaced. */
function changed(replace: Record<string, S3Response | "no answer">): {
  exchange: S3Exchange;
  sent: string[];
} {
  const bucket = recordedLockedBucket();
  const sent: string[] = [];
  return {
    sent,
    exchange: async (request: S3Request) => {
      const line = requestLine(request);
      const override = replace[line];
      if (override === undefined) {
        const answer = await bucket.exchange(request);
        sent.push(line);
        return answer;
      }
      sent.push(line);
      if (override === "no answer")
        return { kind: "failed", detail: "curl could not reach the S3 endpoint: timed out" };
      return { kind: "response", response: override };
    },
  };
}

describe("S3 attack on a snapshot object (recorded Object Lock responses)", () => {
  it("delete on a locked bucket: marker on top, version delete refused, marker removed again: kept", async () => {
    const { exchange, sent } = recordedLockedBucket();
    const outcome = await attackSnapshotObject(exchange, REPO, ID, "delete");
    expect(sent).to.deep.equal([
      `HEAD ${KEY}`,
      `DELETE ${KEY}`,
      `DELETE ${KEY}?versionId=${LOCKED}`,
      `GET ?prefix=${KEY}&versions`,
      `GET ${KEY}?versionId=${LOCKED}`,
      `DELETE ${KEY}?versionId=${MARKER}`,
    ]);
    expect(outcome).to.deep.equal({
      kind: "kept",
      detail: `DeleteObject: hidden (delete marker ${MARKER} put on top); DeleteObject of the snapshot's version: refused (HTTP 403 AccessDenied: version ${LOCKED} is locked); version ${LOCKED} (Object Lock COMPLIANCE until ${RETAIN_UNTIL}) survived and was made current again by deleting delete marker ${MARKER}`,
    });
  });

  it("overwrite on a locked bucket: a newer version on top, the locked one copied back over it: kept", async () => {
    const { exchange, sent } = recordedLockedBucket();
    const outcome = await attackSnapshotObject(exchange, REPO, ID, "overwrite");
    expect(sent[1]).to.equal(`PUT ${KEY} <random>`);
    expect(sent.at(-1)).to.equal(
      `PUT ${KEY} copy-source /town-offsite/${KEY}?versionId=${encodeURIComponent(LOCKED)}`,
    );
    expect(outcome.kind).to.equal("kept");
    expect(outcome.detail).to.match(/^PutObject: shadowed \(new version \S+ put on top\); /);
    expect(outcome.detail).to.include("made current again by copying it back over version");
  });

  const cases: {
    name: string;
    action: "delete" | "overwrite";
    replace: Record<string, S3Response | "no answer">;
    kind: string;
    says: string;
    requests?: number;
  }[] = [
    {
      name: "versioned without a lock: the version delete succeeds, destroyed",
      action: "delete",
      replace: {
        [`DELETE ${KEY}?versionId=${LOCKED}`]: { status: 204, headers: {}, body: "" },
        [`GET ${KEY}?versionId=${LOCKED}`]: { status: 404, headers: {}, body: "" },
      },
      kind: "done",
      says: `DeleteObject of the snapshot's version: destroyed (version ${LOCKED} was deleted)`,
      requests: 5,
    },
    {
      name: "the delete marker cannot be removed: the version survived, but restic does not see it",
      action: "delete",
      replace: { [`DELETE ${KEY}?versionId=${MARKER}`]: accessDenied },
      kind: "failed",
      says: `but deleting delete marker ${MARKER} answered HTTP 403 AccessDenied: restic does not see the snapshot until it is made current again`,
    },
    {
      name: "GOVERNANCE mode: kept, with the warning that it can be bypassed",
      action: "delete",
      replace: { [`GET ${KEY}?versionId=${LOCKED}`]: getLocked("GOVERNANCE", RETAIN_UNTIL) },
      kind: "kept",
      says: "anyone allowed s3:BypassGovernanceRetention can still delete it",
    },
    {
      name: "no answer to the listing: nothing concluded, the reason named",
      action: "delete",
      replace: { [`GET ?prefix=${KEY}&versions`]: "no answer" },
      kind: "failed",
      says: "curl could not reach the S3 endpoint: timed out",
      requests: 4,
    },
    {
      name: "the object is not there before the attack",
      action: "overwrite",
      replace: {
        [`HEAD ${KEY}`]: { status: 404, headers: {}, body: "" },
      },
      kind: "failed",
      says: `the snapshot object ${KEY} could not be read before the overwrite: HTTP 404`,
      requests: 1,
    },
    {
      name: "a bucket without versioning: the delete removes the object",
      action: "delete",
      replace: {
        [`HEAD ${KEY}`]: { status: 200, headers: { ETag: '"abc"' }, body: "" },
        [`DELETE ${KEY}`]: { status: 204, headers: {}, body: "" },
      },
      kind: "done",
      says: "S3 answered 204 and keeps no versions of the object: it was deleted",
      requests: 2,
    },
    {
      name: "a bucket without versioning whose policy denies PutObject: refused",
      action: "overwrite",
      replace: {
        [`HEAD ${KEY}`]: { status: 200, headers: { ETag: '"abc"' }, body: "" },
        [`PUT ${KEY} <random>`]: accessDenied,
      },
      kind: "refused",
      says: "S3 answered HTTP 403 AccessDenied to the overwrite",
      requests: 2,
    },
    {
      name: "both the delete and the version delete refused: refused, nothing to put back",
      action: "delete",
      replace: { [`DELETE ${KEY}`]: accessDenied },
      kind: "refused",
      says: `version ${LOCKED} (Object Lock COMPLIANCE until ${RETAIN_UNTIL}) is still current`,
      requests: 5,
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { exchange, sent } = changed(c.replace);
      const outcome = await attackSnapshotObject(exchange, REPO, ID, c.action);
      expect(outcome.kind, outcome.detail).to.equal(c.kind);
      expect(outcome.detail).to.include(c.says);
      if (c.requests !== undefined) expect(sent).to.have.length(c.requests);
    });

  it("never sends a request for another object, and wants a full snapshot id", async () => {
    const { exchange, sent } = recordedLockedBucket();
    await attackSnapshotObject(exchange, REPO, ID, "delete");
    for (const line of sent) expect(line).to.include(KEY);
    let error: unknown;
    try {
      await attackSnapshotObject(exchange, REPO, ID.slice(0, 8), "delete");
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.include("is not a full snapshot id");
  });
});

describe("S3 requests as curl commands", () => {
  const signing = {
    accessKeyId: new Secret("AKIAEXAMPLEKEYID0001"),
    secretAccessKey: new Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    sessionToken: new Secret("FwoGZXIvYXdzEXAMPLETOKEN"),
    region: "eu-central-1",
  };

  it("restic's key for a snapshot: <prefix>/snapshots/<id>, or snapshots/<id> at the bucket root", () => {
    expect(snapshotObjectKey(REPO, ID)).to.equal(KEY);
    expect(snapshotObjectKey({ ...REPO, prefix: "" }, ID)).to.equal(`snapshots/${ID}`);
    expect(snapshotObjectKey({ ...REPO, prefix: "town/restic" }, ID)).to.equal(
      `town/restic/snapshots/${ID}`,
    );
  });

  it("virtual-hosted on AWS, path-style on any other endpoint or a dotted bucket over TLS", () => {
    const get: S3Request = { method: "GET", key: "", query: { versions: "", prefix: KEY } };
    expect(requestUrl(REPO, get)).to.equal(
      `https://town-offsite.s3.eu-central-1.amazonaws.com/?prefix=restic%2Fsnapshots%2F${ID}&versions=`,
    );
    const custom = { ...REPO, endpoint: "https://127.0.0.1:9000" };
    expect(requestUrl(custom, { method: "HEAD", key: KEY })).to.equal(
      `https://127.0.0.1:9000/town-offsite/${KEY}`,
    );
    expect(requestUrl({ ...REPO, bucket: "town.offsite" }, { method: "HEAD", key: KEY })).to.equal(
      `https://s3.eu-central-1.amazonaws.com/town.offsite/${KEY}`,
    );
    expect(
      requestUrl(REPO, { method: "DELETE", key: KEY, query: { versionId: "a.b+c/d" } }),
    ).to.equal(`https://town-offsite.s3.eu-central-1.amazonaws.com/${KEY}?versionId=a.b%2Bc%2Fd`);
  });

  it("the signing region: the repository's, then AWS_DEFAULT_REGION, then the endpoint's", () => {
    expect(signingRegion({ ...REPO, region: "us-west-2" }, "eu-west-1")).to.equal("us-west-2");
    expect(signingRegion(REPO, "eu-west-1")).to.equal("eu-west-1");
    expect(signingRegion(REPO, undefined)).to.equal("eu-central-1");
    expect(signingRegion({ ...REPO, endpoint: "https://127.0.0.1:9000" }, undefined)).to.equal(
      "us-east-1",
    );
  });

  it("keys and token only in the config on stdin; argv and label hold none", () => {
    const command = s3RequestCommand({ ...REPO, caCertFile: "/etc/ssl/town-ca.pem" }, signing, {
      method: "PUT",
      key: KEY,
      body: "random",
    });
    const secrets = [
      signing.accessKeyId.reveal(),
      signing.secretAccessKey.reveal(),
      signing.sessionToken.reveal(),
    ];
    for (const s of secrets) {
      expect(command.argv.join(" ")).not.to.include(s);
      expect(command.label).not.to.include(s);
      expect(command.stdin).to.include(s);
    }
    expect(command.stdin).to.include(
      `user = "${signing.accessKeyId.reveal()}:${signing.secretAccessKey.reveal()}"`,
    );
    expect(command.stdin).to.include('aws-sigv4 = "aws:amz:eu-central-1:s3"');
    expect(command.stdin).to.include('header = "x-amz-content-sha256: UNSIGNED-PAYLOAD"');
    expect(command.stdin).to.include('cacert = "/etc/ssl/town-ca.pem"');
    expect(command.label).to.equal(
      `curl --aws-sigv4 aws:amz:eu-central-1:s3 -X PUT --data-binary <random bytes> https://town-offsite.s3.eu-central-1.amazonaws.com/${KEY}`,
    );
  });

  it("reads curl's dumped headers and body, skipping a 100 Continue", () => {
    const response = parseCurlResponse(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nx-amz-request-id: 1\r\nContent-Type: application/xml\r\n\r\n<Error><Code>AccessDenied</Code></Error>",
    );
    expect(response).to.deep.equal({
      status: 403,
      headers: { "x-amz-request-id": "1", "Content-Type": "application/xml" },
      body: "<Error><Code>AccessDenied</Code></Error>",
    });
    expect(parseCurlResponse("curl: (7) Failed to connect")).to.equal(undefined);
  });

  it("no response: curl missing, or curl's own error named", () => {
    expect(s3Reply({ code: 127, stdout: "", stderr: "sh: curl: not found" })).to.deep.equal({
      kind: "failed",
      detail: "curl is not installed on the host",
    });
    expect(
      s3Reply({
        code: 60,
        stdout: "",
        stderr: "curl: (60) SSL certificate problem: unable to get local issuer certificate",
      }),
    ).to.deep.equal({
      kind: "failed",
      detail:
        "curl could not reach the S3 endpoint: curl: (60) SSL certificate problem: unable to get local issuer certificate",
    });
    expect(
      s3Reply({ code: 0, stdout: "HTTP/1.1 204 No Content\r\n\r\n", stderr: "" }),
    ).to.deep.equal({ kind: "response", response: { status: 204, headers: {}, body: "" } });
  });
});
