/** restic repository specs: parsed into a closed union, printed back, read from stack outputs. */
import { expect } from "chai";
import {
  parseRepository,
  repositoryFromStackOutputs,
  repositoryString,
  type RepositoryLocation,
} from "../../src/restic/repository.js";
import { UsageError } from "../../src/support/errors.js";

describe("parseRepository / repositoryString", () => {
  const cases: { spec: string; want: RepositoryLocation; printed?: string }[] = [
    { spec: "/srv/backup/repo", want: { kind: "local", path: "/srv/backup/repo" } },
    {
      spec: "local:/srv/backup/repo",
      want: { kind: "local", path: "/srv/backup/repo" },
      printed: "/srv/backup/repo",
    },
    { spec: "local:relative/repo", want: { kind: "local", path: "relative/repo" } },
    {
      spec: "sftp:backup@nas01:/volume1/restic",
      want: { kind: "sftp", user: "backup", host: "nas01", path: "/volume1/restic" },
    },
    {
      spec: "sftp:nas01:restic",
      want: { kind: "sftp", host: "nas01", path: "restic" },
    },
    {
      spec: "sftp://backup@127.0.0.1:2222//srv/restic",
      want: { kind: "sftp", user: "backup", host: "127.0.0.1", port: 2222, path: "/srv/restic" },
    },
    {
      spec: "s3:https://127.0.0.1:9000/offsite/town/restic",
      want: {
        kind: "s3",
        endpoint: "https://127.0.0.1:9000",
        bucket: "offsite",
        prefix: "town/restic",
      },
    },
    {
      spec: "s3:s3.eu-central-1.amazonaws.com/town-offsite",
      want: {
        kind: "s3",
        endpoint: "https://s3.eu-central-1.amazonaws.com",
        bucket: "town-offsite",
        prefix: "",
      },
      printed: "s3:https://s3.eu-central-1.amazonaws.com/town-offsite",
    },
    {
      spec: "rest:http://127.0.0.1:8000/",
      want: { kind: "rest", url: "http://127.0.0.1:8000/" },
    },
    {
      spec: "rest:https://user:pass@backup.example/town/",
      want: { kind: "rest", url: "https://user:pass@backup.example/town/" },
    },
  ];
  for (const c of cases) {
    it(`parses ${c.spec} and prints it back`, () => {
      const location = parseRepository(c.spec);
      expect(location).to.deep.equal(c.want);
      expect(repositoryString(location)).to.equal(c.printed ?? c.spec);
      expect(parseRepository(repositoryString(location))).to.deep.equal(c.want);
    });
  }

  const invalid: { spec: string; message: RegExp }[] = [
    { spec: "", message: /is empty/ },
    { spec: "b2:bucket/path", message: /unsupported backend "b2"/ },
    { spec: "s3:https://key:secret@host/bucket", message: /must not carry credentials/ },
    { spec: "s3:https://127.0.0.1:9000/", message: /names no bucket/ },
    { spec: "rest:ftp://host/", message: /must use http or https/ },
    { spec: "sftp:nohostorpath", message: /sftp:\[user@\]host:path/ },
    { spec: "local:", message: /names no path/ },
  ];
  for (const c of invalid) {
    it(`refuses ${JSON.stringify(c.spec)} with a usage error saying what is expected`, () => {
      let thrown: unknown;
      try {
        parseRepository(c.spec);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(UsageError);
      expect((thrown as Error).message).to.match(c.message);
      expect((thrown as Error).message).to.include("expected /path");
      expect((thrown as Error).message).to.not.include(":secret@");
    });
  }
});

describe("repositoryFromStackOutputs", () => {
  /** Trimmed from a saved `pulumi stack output --json` of the prod stack (schema version 1). */
  const outputs = () => ({
    schemaVersion: 1,
    town: "millbrook",
    stack: "prod",
    offsite: {
      bucket: "offsite-bucket-77dd842",
      bucketArn: "arn:aws:s3:::offsite-bucket-77dd842",
      region: "us-west-2",
      endpoint: "https://s3.us-west-2.amazonaws.com",
      lockMode: "COMPLIANCE",
      lockDays: 400,
    },
    objectives: { rtoHours: 24, rpoHours: 24 },
    agents: {
      restic: {
        userName: "millbrook-prod-restic-backup-agent",
        prefix: "restic/",
        accessKeyId: "[secret]",
        secretAccessKey: "[secret]",
      },
      veeam: { prefix: "veeam/", accessKeyId: "[secret]", secretAccessKey: "[secret]" },
    },
  });

  it("maps the offsite bucket, its endpoint and region, and restic's prefix to an s3 location", () => {
    const result = repositoryFromStackOutputs(outputs(), "stack-outputs.prod.json");
    expect(result).to.deep.equal({
      ok: true,
      location: {
        kind: "s3",
        endpoint: "https://s3.us-west-2.amazonaws.com",
        bucket: "offsite-bucket-77dd842",
        prefix: "restic",
        region: "us-west-2",
      },
    });
    if (result.ok)
      expect(repositoryString(result.location)).to.equal(
        "s3:https://s3.us-west-2.amazonaws.com/offsite-bucket-77dd842/restic",
      );
  });

  it("derives the regional endpoint when the outputs carry none", () => {
    const o = outputs();
    delete (o.offsite as { endpoint?: string }).endpoint;
    o.offsite.region = "eu-central-1";
    const result = repositoryFromStackOutputs(o, "x.json");
    expect(result.ok && result.location.kind === "s3" && result.location.endpoint).to.equal(
      "https://s3.eu-central-1.amazonaws.com",
    );
  });

  it("hands over restic's keys as secrets only when they were saved with --show-secrets", () => {
    const o = outputs();
    o.agents.restic.accessKeyId = "AKIAEXAMPLE0001";
    o.agents.restic.secretAccessKey = "wJalrXUtnFEMI/K7MDENG";
    const result = repositoryFromStackOutputs(o, "x.json");
    if (!result.ok) throw new Error("expected ok");
    expect(result.credentials?.accessKeyId.reveal()).to.equal("AKIAEXAMPLE0001");
    expect(result.credentials?.secretAccessKey.reveal()).to.equal("wJalrXUtnFEMI/K7MDENG");
    expect(JSON.stringify(result)).to.not.include("wJalr");
  });

  it("reports every problem with the file and the field", () => {
    const result = repositoryFromStackOutputs(
      {
        schemaVersion: 2,
        offsite: { region: "Oregon", endpoint: "http://s3.example" },
        agents: { veeam: { prefix: "veeam/" } },
      },
      "stack-outputs.prod.json",
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    const byPointer = Object.fromEntries(result.problems.map((p) => [p.pointer, p.message]));
    expect(Object.keys(byPointer).sort()).to.deep.equal([
      "/agents/restic",
      "/offsite/bucket",
      "/offsite/endpoint",
      "/offsite/region",
      "/schemaVersion",
    ]);
    expect(byPointer["/offsite/bucket"]).to.match(/^is required \(\/offsite must contain .*bucket/);
    expect(byPointer["/agents/restic"]).to.match(/^is required/);
    expect(byPointer["/schemaVersion"]).to.equal("must be 1");
    expect(byPointer["/offsite/region"]).to.include("AWS region");
    for (const p of result.problems) expect(p.file).to.equal("stack-outputs.prod.json");
  });

  it("refuses something that is not an object", () => {
    const result = repositoryFromStackOutputs(["not", "outputs"], "x.json");
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.problems[0]!.message).to.equal("must be object");
  });
});
