/** restic repository specs: parsed into a closed union, printed back, read from stack outputs. */
import { expect } from "chai";
import {
  parseRepository,
  repositoryFromStackOutputs,
  repositoryString,
  type RepositoryLocation,
} from "../../src/backup/repository.js";
import { UsageError } from "../../src/errors.js";

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
  const outputs = () => ({
    offsiteBucketName: "millbrook-offsite-backups",
    offsiteBucketRegion: "eu-central-1",
    resticPrefix: "restic/fileservers",
    kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/abc",
  });

  it("maps the offsite bucket, region and prefix to an s3 location", () => {
    const result = repositoryFromStackOutputs(outputs(), "prod-outputs.json");
    expect(result).to.deep.equal({
      ok: true,
      location: {
        kind: "s3",
        endpoint: "https://s3.eu-central-1.amazonaws.com",
        bucket: "millbrook-offsite-backups",
        prefix: "restic/fileservers",
        region: "eu-central-1",
      },
    });
    if (result.ok)
      expect(repositoryString(result.location)).to.equal(
        "s3:https://s3.eu-central-1.amazonaws.com/millbrook-offsite-backups/restic/fileservers",
      );
  });

  it("defaults the prefix to restic", () => {
    const withoutPrefix: Record<string, unknown> = outputs();
    delete withoutPrefix.resticPrefix;
    const result = repositoryFromStackOutputs(withoutPrefix, "prod-outputs.json");
    expect(result.ok && result.location.kind === "s3" && result.location.prefix).to.equal("restic");
  });

  it("reports every problem with the file and the field", () => {
    const result = repositoryFromStackOutputs(
      { offsiteBucketRegion: "Frankfurt", resticPrefix: "/abs/" },
      "prod-outputs.json",
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    const byPointer = Object.fromEntries(result.problems.map((p) => [p.pointer, p]));
    expect(Object.keys(byPointer).sort()).to.deep.equal([
      "/offsiteBucketName",
      "/offsiteBucketRegion",
      "/resticPrefix",
    ]);
    expect(byPointer["/offsiteBucketName"]!.message).to.equal("is required");
    expect(byPointer["/offsiteBucketRegion"]!.message).to.include("AWS region");
    for (const p of result.problems) expect(p.file).to.equal("prod-outputs.json");
  });

  it("refuses something that is not an object", () => {
    const result = repositoryFromStackOutputs(["not", "outputs"], "x.json");
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.problems[0]!.message).to.equal("must be object");
  });
});
