/**
 * The ledger's offsite copy against a real S3-compatible server: s3rver over TLS on 127.0.0.1,
 * trusted through the test's own CA. s3rver ignores Object Lock, so every request the SDK sends
 * is recorded (a middleware at the deserialize step, which sees the request as signed and sent)
 * and each PUT's lock and checksum headers are asserted.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { EntryDraft, LedgerEntry } from "../../src/evidence/entry.js";
import { appendEntry, ledgerFiles, storeContent } from "../../src/evidence/ledger.js";
import {
  createOffsiteClient,
  OffsiteError,
  type OffsiteTarget,
} from "../../src/evidence/offsite.js";
import { pushEvidence, pushedFile } from "../../src/evidence/push.js";
import { verifyRemote } from "../../src/evidence/verify-remote.js";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import { Secret } from "../../src/support/secret.js";
import { startS3rver, type S3Server } from "../fixtures/s3rver.js";

const BUCKET = "town-offsite";
const PREFIX = "evidence/";
const DAYS = 2555;
const NOW = new Date("2026-12-05T21:00:00.000Z");
// s3rver knows only the key id S3RVER and checks no signature; these stand for the evidence-writer's keys and must never print.
const KEY_ID = "S3RVER";
const SECRET_KEY = "evidence-writer-secret-Zq8pLx3vTn";

interface SentRequest {
  readonly method: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

function clientFor(server: S3Server): S3Client {
  return createOffsiteClient({
    endpoint: server.endpoint,
    region: "us-west-2",
    credentials: { accessKeyId: new Secret(KEY_ID), secretAccessKey: new Secret(SECRET_KEY) },
    caFile: server.caCertFile,
  });
}

/** Records every request the client sends, and runs `after` once each response came back. */
function recording(
  client: S3Client,
  after?: (request: SentRequest) => Promise<void>,
): SentRequest[] {
  const sent: SentRequest[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as {
        method: string;
        path: string;
        headers: Record<string, string>;
        body?: unknown;
      };
      const key = decodeURIComponent(request.path.replace(`/${BUCKET}/`, "").replace(/^\//, ""));
      const lower = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const entry: SentRequest = {
        method: request.method,
        key,
        headers: lower,
        ...(request.body instanceof Uint8Array ? { body: request.body } : {}),
      };
      sent.push(entry);
      const result = await next(args);
      if (after !== undefined) await after(entry);
      return result;
    },
    { step: "deserialize", name: "recordRequests" },
  );
  return sent;
}

const puts = (sent: readonly SentRequest[]) => sent.filter((r) => r.method === "PUT");

let counter = 0;
function draft(dir: string, shared: string): EntryDraft {
  counter++;
  return {
    kind: "check",
    at: new Date(NOW.getTime() - counter * 86_400_000).toISOString(),
    subject: "millbrook",
    verdict: counter % 3 === 0 ? "failed" : "passed",
    inputs: [{ role: "baseline", name: "cis-linux", sha256: "a".repeat(64) }],
    metrics: { machines: 56, failing: counter % 5 },
    frameworks: { cis: ["4.1"], csf: ["PR.PS-01"] },
    artifacts: [
      storeContent(
        dir,
        "stronghold-report.json",
        JSON.stringify({ run: counter, n: "x".repeat(counter * 50) }),
      ),
      storeContent(dir, "baseline-summary.txt", shared),
    ],
  };
}

function append(dir: string, n: number): void {
  for (let i = 0; i < n; i++)
    appendEntry(dir, draft(dir, "the same summary every night\n"), { now: NOW });
}

/**
 * Waits until the object is stored whole. s3rver answers a PUT of a buffer before its file is
 * written (it ends the write stream and goes on), where S3's PUT is atomic; a server restarted
 * on the same folder at once can find the file still empty.
 */
async function untilStored(client: S3Client, key: string, bytes: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const head = await client
      .send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
      .catch(() => undefined);
    if (head?.ContentLength === bytes) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect.fail(`s3rver never stored ${key} whole (${bytes} bytes)`);
}

async function remoteKeys(client: S3Client): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

describe("evidence offsite copy (s3rver over TLS)", function () {
  this.timeout(60_000);
  let dir: string;
  let server: S3Server;
  let ledger: string;
  let admin: S3Client;

  const target = (client: S3Client): OffsiteTarget => ({
    client,
    bucket: BUCKET,
    prefix: PREFIX,
    lockMode: "COMPLIANCE",
    retentionDays: DAYS,
  });

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "stronghold-evidence-offsite-")));
    server = await startS3rver(join(dir, "server"));
    admin = clientFor(server);
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    ledger = join(dir, "ledger");
  });

  afterEach(async () => {
    admin.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("locks and checksums every put, keys artifacts by SHA-256 and entries as one segment", async () => {
    append(ledger, 3);
    const client = clientFor(server);
    const sent = recording(client);
    const result = await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();

    expect(result.segment?.first).to.equal(1);
    expect(result.segment?.last).to.equal(3);
    // 3 reports + 1 summary shared by all three entries.
    expect(result.artifactsPut).to.equal(4);
    const put = puts(sent);
    expect(put).to.have.length(5);
    const retain = new Date(NOW.getTime() + DAYS * 86_400_000).toISOString();
    for (const request of put) {
      expect(request.headers["x-amz-object-lock-mode"], request.key).to.equal("COMPLIANCE");
      const until = request.headers["x-amz-object-lock-retain-until-date"]!;
      expect(until, request.key).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(new Date(until).toISOString(), request.key).to.equal(retain);
      expect(request.headers["if-none-match"], request.key).to.equal("*");
      const body = request.body!;
      expect(request.headers["x-amz-checksum-sha256"], request.key).to.equal(
        createHash("sha256").update(body).digest("base64"),
      );
      expect(request.headers["content-md5"], request.key).to.equal(
        createHash("md5").update(body).digest("base64"),
      );
    }
    // The segment is last: artifacts it names are offsite before it is.
    expect(put.at(-1)!.key).to.match(
      /^evidence\/entries\/000000000001-000000000003-[0-9a-f]{64}\.jsonl$/,
    );
    for (const request of put.slice(0, -1)) {
      const sha = createHash("sha256").update(request.body!).digest("hex");
      expect(request.key).to.equal(`evidence/objects/${sha}`);
    }
    // The segment holds the local lines byte for byte.
    const local = await readFile(ledgerFiles(ledger).entries, "utf8");
    const stored = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: put.at(-1)!.key }));
    expect(await stored.Body!.transformToString()).to.equal(local);
    const record = JSON.parse(await readFile(pushedFile(ledger), "utf8")) as { lastSeq: number };
    expect(record.lastSeq).to.equal(3);
  });

  it("pushes nothing the second time, and only a new segment after new entries", async () => {
    append(ledger, 3);
    let client = clientFor(server);
    await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();

    client = clientFor(server);
    let sent = recording(client);
    const again = await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    expect(again.segment).to.equal(undefined);
    expect(puts(sent)).to.deep.equal([]);

    const before = await remoteKeys(admin);
    append(ledger, 2);
    client = clientFor(server);
    sent = recording(client);
    const next = await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    expect(next.segment).to.include({ first: 4, last: 5 });
    // Two new reports; the shared summary is offsite already and is not even asked for again.
    expect(next.artifactsPut).to.equal(2);
    for (const request of puts(sent)) expect(before, request.key).to.not.include(request.key);
    const after = await remoteKeys(admin);
    expect(after.filter((k) => k.includes("/entries/"))).to.have.length(2);
    expect(after).to.include.members(before);
  });

  it("resumes after the server dies halfway, re-sending nothing that arrived", async () => {
    append(ledger, 4);
    let client = clientFor(server);
    let uploaded = 0;
    const sent = recording(client, async (request) => {
      if (request.method === "PUT" && ++uploaded === 2) await server.stop();
    });
    let failure: unknown;
    try {
      await pushEvidence(ledger, { ...target(client) }, { now: NOW, concurrency: 1 });
    } catch (error) {
      failure = error;
    }
    client.destroy();
    expect(failure).to.be.instanceOf(OffsiteError);
    expect((failure as Error).message).to.match(
      /^(checking|uploading) s3:\/\/town-offsite\/evidence\/objects\/[0-9a-f]{64} failed: /,
    );
    const arrived = puts(sent)
      .slice(0, 2)
      .map((r) => r.key);

    // The same data folder behind a new port (and a new certificate).
    admin.destroy();
    server = await startS3rver(join(dir, "server"));
    admin = clientFor(server);
    for (const request of puts(sent).slice(0, 2))
      await untilStored(admin, request.key, request.body?.length ?? 0);
    expect((await remoteKeys(admin)).filter((k) => k.includes("/entries/"))).to.deep.equal([]);

    client = clientFor(server);
    const resent = recording(client);
    const result = await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    expect(result.artifactsPresent).to.equal(2);
    expect(result.artifactsPut).to.equal(3);
    expect(result.segment).to.include({ first: 1, last: 4 });
    for (const request of puts(resent)) expect(arrived).to.not.include(request.key);
    const report = await verifyRemote(ledger, target(admin));
    expect(report.ok, JSON.stringify(report)).to.equal(true);
  });

  it("does not trust pushed.json: the bucket's listing decides where to continue", async () => {
    append(ledger, 2);
    let client = clientFor(server);
    await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    await writeFile(
      pushedFile(ledger),
      JSON.stringify({
        bucket: BUCKET,
        prefix: PREFIX,
        lastSeq: 9,
        lastHash: "f".repeat(64),
        pushedAt: "",
      }),
    );
    append(ledger, 1);
    client = clientFor(server);
    const result = await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    expect(result.recordDisagreed).to.deep.equal({ recorded: 9, remote: 2 });
    expect(result.segment).to.include({ first: 3, last: 3 });
  });

  it("treats a HEAD answered 403 (AWS, without an unconditional ListBucket) as unknown: the conditional put decides", async () => {
    append(ledger, 2);
    let client = clientFor(server);
    await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    append(ledger, 1);
    const existing = new Set(await remoteKeys(admin));
    client = clientFor(server);
    // AWS's documented answers, which s3rver does not give: 403 to a HEAD of any key for a caller
    // without an unconditional s3:ListBucket, and 412 PreconditionFailed to a put with
    // If-None-Match: * on an existing key (s3rver ignores the header and would overwrite).
    const answered: string[] = [];
    client.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as {
          method: string;
          path: string;
          headers: Record<string, string>;
        };
        const key = decodeURIComponent(request.path.replace(`/${BUCKET}/`, ""));
        const status =
          request.method === "HEAD"
            ? 403
            : request.method === "PUT" &&
                request.headers["if-none-match"] === "*" &&
                existing.has(key)
              ? 412
              : undefined;
        if (status === undefined) return next(args);
        answered.push(`${request.method} ${status}`);
        throw Object.assign(new Error(status === 403 ? "Forbidden" : "PreconditionFailed"), {
          name: status === 403 ? "403" : "PreconditionFailed",
          $metadata: { httpStatusCode: status },
        });
      },
      { step: "deserialize", name: "awsAnswers" },
    );
    const result = await pushEvidence(ledger, target(client), { now: NOW });
    client.destroy();
    // The new report is put; the summary shared with entries 1–2 is refused as already there.
    expect(result).to.include({ artifactsPut: 1, artifactsPresent: 1 });
    expect(result.segment).to.include({ first: 3, last: 3 });
    expect(answered.sort()).to.deep.equal(["HEAD 403", "HEAD 403", "PUT 412"]);
  });

  it("refuses to run beside another push of the same ledger, naming its pid", async () => {
    append(ledger, 1);
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await writeFile(join(ledger, "push.lock"), `${other.pid}\n`);
      const client = clientFor(server);
      const sent = recording(client);
      let failure: unknown;
      try {
        await pushEvidence(ledger, target(client), { now: NOW });
      } catch (error) {
        failure = error;
      }
      client.destroy();
      expect(failure).to.be.instanceOf(OffsiteError);
      expect((failure as Error).message).to.equal(
        `another evidence push (pid ${other.pid}) holds ${join(ledger, "push.lock")}: nothing was pushed`,
      );
      expect(sent).to.deep.equal([]);
    } finally {
      other.kill();
    }
  });

  describe("verify --remote", () => {
    beforeEach(async () => {
      append(ledger, 4);
      const client = clientFor(server);
      await pushEvidence(ledger, target(client), { now: NOW });
      client.destroy();
    });

    it("a clean copy matches", async () => {
      const report = await verifyRemote(ledger, target(admin));
      expect(report).to.include({
        ok: true,
        remoteLast: 4,
        localLast: 4,
        segments: 1,
        artifactsChecked: 5,
      });
      expect(report.problems).to.deep.equal([]);
    });

    it("names local entries not pushed yet, without failing", async () => {
      append(ledger, 2);
      const report = await verifyRemote(ledger, target(admin));
      expect(report.ok).to.equal(true);
      expect(report.unpushed).to.deep.equal({ from: 5, to: 6 });
    });

    it("names the first entry a rewritten local ledger differs at, even when it chains", async () => {
      const lines = (await readFile(ledgerFiles(ledger).entries, "utf8")).trimEnd().split("\n");
      // A forger rebuilds the ledger from entry 3 with a different verdict: a valid chain locally.
      await writeFile(ledgerFiles(ledger).entries, `${lines.slice(0, 2).join("\n")}\n`);
      const third = JSON.parse(lines[2]!) as LedgerEntry;
      const { kind, at, subject, inputs, frameworks, artifacts } = third;
      appendEntry(
        ledger,
        {
          kind,
          at,
          subject,
          inputs,
          frameworks,
          artifacts,
          verdict: "passed",
          metrics: { failing: 0 },
        },
        { now: NOW },
      );
      const report = await verifyRemote(ledger, target(admin));
      expect(report.ok).to.equal(false);
      expect(report.firstDifference?.seq).to.equal(3);
      expect(report.firstDifference?.remote).to.equal(
        (JSON.parse(lines[2]!) as { hash: string }).hash,
      );
      expect(report.missingLocally).to.deep.equal({ from: 4, to: 4 });
    });

    it("names an edited local line at its seq", async () => {
      const lines = (await readFile(ledgerFiles(ledger).entries, "utf8")).split("\n");
      lines[2] = lines[2]!.replace(/"verdict":"[a-z]+"/, '"verdict":"edited"');
      await writeFile(ledgerFiles(ledger).entries, lines.join("\n"));
      const report = await verifyRemote(ledger, target(admin));
      expect(report.firstDifference?.seq).to.equal(3);
      expect(report.firstDifference?.local).to.match(/does not match its hash/);
    });

    it("names the entries a truncated local ledger lost; push refuses to continue from it", async () => {
      const lines = (await readFile(ledgerFiles(ledger).entries, "utf8")).split("\n");
      await writeFile(ledgerFiles(ledger).entries, `${lines.slice(0, 2).join("\n")}\n`);
      const report = await verifyRemote(ledger, target(admin));
      expect(report.ok).to.equal(false);
      expect(report.firstDifference).to.equal(undefined);
      expect(report.missingLocally).to.deep.equal({ from: 3, to: 4 });
      append(ledger, 3);
      const client = clientFor(server);
      const sent = recording(client);
      let failure: unknown;
      try {
        await pushEvidence(ledger, target(client), { now: NOW });
      } catch (error) {
        failure = error;
      }
      client.destroy();
      expect((failure as Error).message).to.match(/local entry 4 differs from the offsite copy/);
      expect(puts(sent)).to.deep.equal([]);
    });

    it("names an offsite segment that does not chain, and a gap between segments", async () => {
      append(ledger, 2);
      const client = clientFor(server);
      await pushEvidence(ledger, target(client), { now: NOW });
      client.destroy();
      const segments = (await remoteKeys(admin)).filter((k) => k.includes("/entries/"));
      expect(segments).to.have.length(2);
      // Only someone bypassing Object Lock could do this on S3: s3rver lets the test.
      const got = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: segments[0]! }));
      const text = await got.Body!.transformToString();
      await admin.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: segments[0]!,
          Body: text.replace(/"verdict":"[a-z]+"/, '"verdict":"rewritten"'),
        }),
      );
      const edited = await verifyRemote(ledger, target(admin));
      expect(edited.ok).to.equal(false);
      expect(edited.remoteLast).to.equal(0);
      expect(edited.problems.map((p) => p.key)).to.deep.equal([segments[0]]);
      expect(edited.problems[0]!.message).to.match(
        /^line 1: entry 1's content does not match its hash/,
      );

      await admin.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: segments[0]! }));
      const gap = await verifyRemote(ledger, target(admin));
      expect(gap.problems.map((p) => [p.key, p.message])).to.deep.equal([
        [
          segments[1],
          "does not continue the offsite copy at entry 1 (a segment is missing or overlaps)",
        ],
      ]);
    });

    it("names an artifact missing offsite, and --full one whose bytes changed", async () => {
      const keys = (await remoteKeys(admin)).filter((k) => k.includes("/objects/"));
      await admin.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[0]! }));
      // Same size, other bytes: only a download and rehash sees it (s3rver keeps no checksum).
      const got = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[1]! }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      bytes[0] = bytes[0]! ^ 1;
      await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: keys[1]!, Body: bytes }));

      const quick = await verifyRemote(ledger, target(admin));
      expect(quick.problems.map((p) => [p.key, p.message])).to.deep.equal([
        [keys[0], quick.problems[0]!.message],
      ]);
      expect(quick.problems[0]!.message).to.match(/missing offsite/);
      const full = await verifyRemote(ledger, target(admin), { full: true });
      expect(full.problems.map((p) => p.key)).to.deep.equal([keys[0], keys[1]].sort());
      expect(full.problems.find((p) => p.key === keys[1])!.message).to.match(
        /offsite bytes hash to/,
      );
    });
  });

  describe("the CLI", () => {
    async function run(
      args: string[],
      env: NodeJS.ProcessEnv = {},
    ): Promise<{ code: number; out: string; err: string }> {
      let out = "";
      let err = "";
      const io: Io = {
        stdout: (s) => void (out += s),
        stderr: (s) => void (err += s),
        stdin: process.stdin,
        env,
        isTTY: false,
        cwd: dir,
      };
      const code = await main(["node", "stronghold", ...args], io);
      return { code, out, err };
    }

    async function outputs(bucket = BUCKET, masked = false): Promise<string> {
      const file = join(dir, "stack-outputs.json");
      await writeFile(
        file,
        JSON.stringify({
          schemaVersion: 1,
          evidence: {
            bucket,
            prefix: PREFIX,
            region: "us-west-2",
            endpoint: server.endpoint,
            lockMode: "GOVERNANCE",
            retentionDays: 30,
            writer: masked
              ? { accessKeyId: "[secret]", secretAccessKey: "[secret]" }
              : { accessKeyId: KEY_ID, secretAccessKey: SECRET_KEY },
          },
        }),
      );
      return file;
    }

    it("pushes, verifies and never prints the writer's keys", async () => {
      append(ledger, 2);
      const file = await outputs();
      const common = ["--ledger", ledger, "--stack-outputs", file, "--cacert", server.caCertFile];
      const first = await run(["evidence", "push", ...common]);
      expect(first, first.err).to.include({ code: 0 });
      expect(first.out).to.match(
        /pushed entries 1–2 to evidence\/entries\/.*, 3 artifact\(s\) uploaded; each object locked for 30 days/,
      );
      const second = await run(["evidence", "push", ...common]);
      expect(second.out).to.match(/^nothing to push/);
      const verify = await run(["evidence", "verify", "--remote", ...common]);
      expect(verify.code, verify.err).to.equal(0);
      expect(verify.out).to.match(/offsite copy matches the local ledger/);
      // verify-remote, the command's first name, still answers the same.
      const alias = await run(["evidence", "verify-remote", ...common]);
      expect(alias).to.deep.include({ code: 0, out: verify.out });
      const all = [first, second, verify, alias].map((r) => r.out + r.err).join("");
      for (const secret of [KEY_ID, SECRET_KEY]) expect(all).to.not.include(secret);
      expect(await readFile(pushedFile(ledger), "utf8")).to.not.include(SECRET_KEY);
    });

    it("reports an unreachable bucket and an untrusted certificate as messages, exit 1", async () => {
      append(ledger, 1);
      const missing = await run([
        "evidence",
        "push",
        "--ledger",
        ledger,
        "--stack-outputs",
        await outputs("no-such-bucket"),
        "--cacert",
        server.caCertFile,
      ]);
      expect(missing.code).to.equal(1);
      expect(missing.err).to.match(
        /^stronghold: listing s3:\/\/no-such-bucket\/evidence\/entries\/ failed: NoSuchBucket/,
      );
      const untrusted = await run([
        "evidence",
        "push",
        "--ledger",
        ledger,
        "--stack-outputs",
        await outputs(),
      ]);
      expect(untrusted.code).to.equal(1);
      expect(untrusted.err).to.match(/failed: .*certificate/i);
      for (const r of [missing, untrusted]) {
        expect(r.err).to.not.match(/\n\s+at /);
        expect(r.err + r.out).to.not.include(SECRET_KEY);
      }
    });

    it("takes the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when the outputs mask them", async () => {
      append(ledger, 1);
      const file = await outputs(BUCKET, true);
      const args = ["evidence", "push", "--ledger", ledger, "--stack-outputs", file];
      const without = await run([...args, "--cacert", server.caCertFile]);
      expect(without.code).to.equal(2);
      expect(without.err).to.match(
        /\/evidence\/writer holds no keys .* AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY are not set/,
      );
      const withEnv = await run([...args, "--cacert", server.caCertFile], {
        AWS_ACCESS_KEY_ID: KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      });
      expect(withEnv.code, withEnv.err).to.equal(0);
      expect(withEnv.out + withEnv.err).to.not.include(SECRET_KEY);
    });

    it("push refuses a folder without a ledger; verify --remote names everything offsite as missing locally", async () => {
      append(ledger, 2);
      const file = await outputs();
      const common = ["--stack-outputs", file, "--cacert", server.caCertFile];
      expect((await run(["evidence", "push", "--ledger", ledger, ...common])).code).to.equal(0);
      const gone = join(dir, "wiped");
      const push = await run(["evidence", "push", "--ledger", gone, ...common]);
      expect(push.code).to.equal(1);
      expect(push.err).to.equal(
        `stronghold: ${gone} holds no evidence ledger (no entries.jsonl): nothing to push; give --ledger <dir>\n`,
      );
      const verify = await run([
        "evidence",
        "verify",
        "--remote",
        "--ledger",
        gone,
        "--format",
        "json",
        ...common,
      ]);
      expect(verify.code).to.equal(1);
      const report = JSON.parse(verify.out) as { missingLocally: unknown; localLast: number };
      expect(report).to.deep.include({ localLast: 0, missingLocally: { from: 1, to: 2 } });
    });

    it("refuses stack outputs without the evidence bucket, located", async () => {
      const file = join(dir, "old-outputs.json");
      await writeFile(file, JSON.stringify({ schemaVersion: 1, offsite: {} }));
      const result = await run(["evidence", "push", "--ledger", ledger, "--stack-outputs", file]);
      expect(result.code).to.equal(2);
      expect(result.err).to.include(`${file}`);
      expect(result.err).to.match(/evidence/);
    });
  });
});
