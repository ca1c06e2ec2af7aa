// `stronghold run`'s push stage: with evidencePush in stronghold.yaml the run ends by copying the
// ledger offsite (evidence push) to s3rver over TLS on 127.0.0.1, trusted through evidencePush.caFile;
// an unreachable bucket is a failed stage with its reason, and the ledger is left as it was.
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOffsiteClient } from "../../src/evidence/offsite.js";
import { Secret } from "../../src/support/secret.js";
import { startS3rver, type S3Server } from "../fixtures/s3rver.js";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";
import { readLedgerEntries } from "../evidence/ledger-files.js";

const BUCKET = "town-offsite";
const KEY_ID = "S3RVER";
const SECRET_KEY = "evidence-writer-secret-Rk2mWq9";

function stronghold(cwd: string, ...args: string[]) {
  return strongholdInProcess(args, { cwd });
}

const kinds = (ws: string) =>
  readLedgerEntries(path.join(ws, "evidence", "ledger")).map((e) => e.kind);

describe("stronghold run: the push stage (s3rver over TLS)", function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;
  let server: S3Server;
  let admin: S3Client;

  beforeEach(async () => {
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), "run-push-")));
    server = await startS3rver(path.join(tmp, "server"));
    admin = createOffsiteClient({
      endpoint: server.endpoint,
      region: "us-west-2",
      credentials: { accessKeyId: new Secret(KEY_ID), secretAccessKey: new Secret(SECRET_KEY) },
      caFile: server.caCertFile,
    });
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const init = await stronghold(tmp, "init", "town", "--time-zone", "UTC");
    expect(init.code, init.stderr).to.equal(0);
    ws = path.join(tmp, "town");
    writeFileSync(
      path.join(ws, "evidence-outputs.json"),
      JSON.stringify({
        schemaVersion: 1,
        evidence: {
          bucket: BUCKET,
          prefix: "evidence/",
          region: "us-west-2",
          endpoint: server.endpoint,
          lockMode: "GOVERNANCE",
          retentionDays: 30,
          writer: { accessKeyId: KEY_ID, secretAccessKey: SECRET_KEY },
        },
      }),
    );
    const yaml = readFileSync(path.join(ws, "stronghold.yaml"), "utf8").replace(
      /^stackOutputs:.*\n/m,
      "",
    );
    writeFileSync(path.join(ws, "stronghold.yaml"), yaml);
    appendFileSync(
      path.join(ws, "stronghold.yaml"),
      `stackOutputs: evidence-outputs.json\nevidencePush:\n  caFile: ${server.caCertFile}\n`,
    );
  });
  afterEach(async () => {
    admin.destroy();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const keys = async () =>
    ((await admin.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? [])
      .map((o) => o.Key!)
      .sort();

  it("copies the entries before tonight's own offsite, the run's entry with the next night's", async () => {
    const first = await stronghold(
      ws,
      "run",
      "--only",
      "windows,push",
      "--at",
      "2026-06-29T02:15:00Z",
    );
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(first.stdout).to.match(/^ {2}push +passed .*nothing to copy yet/m);
    const second = await stronghold(
      ws,
      "run",
      "--only",
      "windows,push",
      "--at",
      "2026-06-30T02:15:00Z",
    );
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    expect(second.stdout).to.match(/^ {2}push +passed .*pushed entries 1–1 /m);
    expect(kinds(ws)).to.deep.equal(["run", "run"]);
    const segments = (await keys()).filter((k) => k.startsWith("evidence/entries/"));
    expect(segments).to.have.length(1);
    const all =
      second.stdout +
      second.stderr +
      readFileSync(path.join(ws, "evidence", "runs", "2026-06-30T02-15-00Z", "push.log"), "utf8");
    expect(all).not.to.include(SECRET_KEY);
  });

  it("an unreachable bucket fails the stage with its reason and leaves the ledger alone", async () => {
    await stronghold(ws, "run", "--only", "windows", "--at", "2026-06-29T02:15:00Z");
    const before = readFileSync(path.join(ws, "evidence", "ledger", "entries.jsonl"), "utf8");
    await server.stop();
    const ran = await stronghold(
      ws,
      "run",
      "--only",
      "windows,push",
      "--at",
      "2026-06-30T02:15:00Z",
    );
    expect(ran.code).to.equal(1);
    expect(ran.stdout).to.match(/^ {2}push +(failed|error) /m);
    expect(ran.stdout + ran.stderr).not.to.match(/\n\s+at /);
    const after = readFileSync(path.join(ws, "evidence", "ledger", "entries.jsonl"), "utf8");
    expect(after.startsWith(before)).to.equal(true);
    server = await startS3rver(path.join(tmp, "server2"));
  });

  it("without evidencePush the stage is skipped and says why", async () => {
    const yaml = readFileSync(path.join(ws, "stronghold.yaml"), "utf8").replace(
      /^evidencePush:\n {2}caFile: .*\n/m,
      "",
    );
    writeFileSync(path.join(ws, "stronghold.yaml"), yaml);
    const ran = await stronghold(ws, "run", "--only", "push");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    expect(ran.stdout).to.match(/^ {2}push +skipped .*no evidencePush in stronghold\.yaml/m);
  });
});
