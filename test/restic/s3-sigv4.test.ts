/**
 * Whether the requests curl sends for the S3 attack carry a signature AWS would accept. s3rver
 * accepts any signature made with its key id, so it cannot tell. Here curl (as the drill runs it:
 * argv and config on stdin from s3RequestCommand) sends each request to a plain HTTP listener on
 * 127.0.0.1 that records it, and the signature is computed again from the recorded request by a
 * SigV4 signer written from AWS's "Signature Version 4 (header-based)" reference — first checked
 * against the two worked examples of that reference (GET Object with Range, GET Bucket with a
 * query), so it is AWS's arithmetic, not ours, that curl's signature is compared with.
 */
import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { execLocal } from "../../src/hosts/transport/local-session.js";
import {
  s3Reply,
  s3RequestCommand,
  type S3Location,
  type S3Request,
} from "../../src/restic/s3-objects.js";
import { Secret } from "../../src/support/secret.js";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) =>
  createHmac("sha256", key).update(data).digest();

function awsEncode(text: string, keepSlash: boolean): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === "/")
        ? c
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** What AWS computes for a request: the canonical request and the signature. */
function awsSignature(input: {
  method: string;
  /** Raw request target: path and query as sent. */
  target: string;
  headers: Record<string, string>;
  signedHeaders: string[];
  payloadHash: string;
  date: string;
  region: string;
  secret: string;
}): string {
  const [path, query = ""] = input.target.split(/\?(.*)/s) as [string, string?];
  const canonicalQuery = query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const [k, v = ""] = p.split(/=(.*)/s) as [string, string?];
      return [awsEncode(decodeURIComponent(k), false), awsEncode(decodeURIComponent(v), false)];
    })
    .sort(([a, av], [b, bv]) => (a! < b! ? -1 : a! > b! ? 1 : av! < bv! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalPath = path
    .split("/")
    .map((segment) => awsEncode(decodeURIComponent(segment), false))
    .join("/");
  const canonicalHeaders = input.signedHeaders
    .map((h) => `${h}:${(input.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonical = [
    input.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    input.signedHeaders.join(";"),
    input.payloadHash,
  ].join("\n");
  const day = input.date.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", input.date, scope, sha256(canonical)].join("\n");
  const key = ["s3", "aws4_request"].reduce<Buffer>(
    (k, part) => hmac(k, part),
    hmac(hmac(`AWS4${input.secret}`, day), input.region),
  );
  return createHmac("sha256", key).update(toSign).digest("hex");
}

describe("the SigV4 signer of this test, on AWS's worked examples", () => {
  const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  it("GET Object with a Range header", () => {
    expect(
      awsSignature({
        method: "GET",
        target: "/test.txt",
        headers: {
          host: "examplebucket.s3.amazonaws.com",
          range: "bytes=0-9",
          "x-amz-content-sha256": empty,
          "x-amz-date": "20130524T000000Z",
        },
        signedHeaders: ["host", "range", "x-amz-content-sha256", "x-amz-date"],
        payloadHash: empty,
        date: "20130524T000000Z",
        region: "us-east-1",
        secret,
      }),
    ).to.equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  });
  it("GET Bucket (List Objects) with max-keys and prefix", () => {
    expect(
      awsSignature({
        method: "GET",
        target: "/?max-keys=2&prefix=J",
        headers: {
          host: "examplebucket.s3.amazonaws.com",
          "x-amz-content-sha256": empty,
          "x-amz-date": "20130524T000000Z",
        },
        signedHeaders: ["host", "x-amz-content-sha256", "x-amz-date"],
        payloadHash: empty,
        date: "20130524T000000Z",
        region: "us-east-1",
        secret,
      }),
    ).to.equal("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  });
});

interface Recorded {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string>;
}

describe("curl --aws-sigv4 as the S3 attack sends it (a recording listener on 127.0.0.1)", function () {
  this.timeout(30_000);
  let server: Server;
  let recorded: Recorded[];
  let repository: S3Location;
  const signing = {
    accessKeyId: new Secret("AKIAIOSFODNN7EXAMPLE"),
    secretAccessKey: new Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    sessionToken: new Secret("FwoGZXIvYXdzEXAMPLESESSIONTOKEN"),
    region: "eu-central-1",
  };
  before(async () => {
    recorded = [];
    server = createServer((req: IncomingMessage, res) => {
      req.resume();
      req.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          headers[k] = Array.isArray(v) ? v.join(",") : (v ?? "");
        recorded.push({ method: req.method ?? "", target: req.url ?? "", headers });
        res.writeHead(req.method === "DELETE" ? 204 : 200, { "x-amz-request-id": "1" });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    repository = {
      kind: "s3",
      endpoint: `http://127.0.0.1:${port}`,
      bucket: "town-offsite",
      prefix: "restic",
    };
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const key = "restic/snapshots/5b1a0e2c9d0f4e7a8b3c6d1e2f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6";
  const requests: S3Request[] = [
    { method: "HEAD", key },
    { method: "DELETE", key },
    { method: "PUT", key, body: "random" },
    { method: "DELETE", key, query: { versionId: "3HL4kqtJlcpX.5Ha3rmFJi7lPKbXGq+Z/q2A" } },
    { method: "GET", key: "", query: { versions: "", prefix: key } },
    { method: "GET", key, query: { versionId: "3HL4kqtJlcpX" }, discardBody: true },
    {
      method: "PUT",
      key,
      headers: { "x-amz-copy-source": `/town-offsite/${key}?versionId=3HL4kqtJlcpX` },
    },
  ];
  for (const request of requests)
    it(`${request.method} ${request.key || "<bucket>"}${request.query ? ` ?${Object.keys(request.query).join("&")}` : ""}${request.headers ? " (CopyObject)" : ""}: AWS's signature, every x-amz-* header signed`, async () => {
      recorded = [];
      const command = s3RequestCommand(repository, signing, request);
      const result = await execLocal(command.argv, { stdin: command.stdin, timeoutMs: 20_000 });
      expect(s3Reply(result).kind, result.stderr).to.equal("response");
      expect(recorded).to.have.length(1);
      const sent = recorded[0]!;
      expect(sent.method).to.equal(request.method);
      const auth =
        /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/(\d{8})\/eu-central-1\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
          sent.headers.authorization ?? "",
        );
      expect(auth, sent.headers.authorization).not.to.equal(null);
      const signedHeaders = auth![2]!.split(";");
      for (const name of Object.keys(sent.headers).filter((h) => h.startsWith("x-amz-")))
        expect(signedHeaders, name).to.include(name);
      expect(signedHeaders).to.include("host");
      expect(sent.headers["x-amz-content-sha256"]).to.equal("UNSIGNED-PAYLOAD");
      expect(sent.headers["x-amz-security-token"]).to.equal(signing.sessionToken.reveal());
      const date = sent.headers["x-amz-date"]!;
      expect(date.slice(0, 8)).to.equal(auth![1]);
      expect(auth![3]).to.equal(
        awsSignature({
          method: sent.method,
          target: sent.target,
          headers: sent.headers,
          signedHeaders,
          payloadHash: "UNSIGNED-PAYLOAD",
          date,
          region: "eu-central-1",
          secret: signing.secretAccessKey.reveal(),
        }),
      );
    });
});
