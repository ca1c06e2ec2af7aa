// The alert email's transport security against a real SMTP server (smtp-server) on 127.0.0.1:
// STARTTLS is required unless the workspace says otherwise, implicit TLS (port 465 style) works
// with the town's own CA, and a server that offers no TLS gets neither the password nor the digest.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { sendDigest, type Digest } from "../../src/run/alerts.js";
import type { RunSummary } from "../../src/run/summary.js";
import type { Workspace } from "../../src/workspace/workspace-file.js";
import { generateCertificate, type TlsCertificate } from "../fixtures/tls.js";

const DIGEST: Digest = {
  subject: "Stronghold Town of Ashford 2026-12-05: 1 failure(s)",
  text: "collect failed: 1 of 2 host(s) collected",
  failures: ["collect failed: 1 of 2 host(s) collected"],
  regressions: [],
  recoveries: [],
};

const SUMMARY = {
  schemaVersion: 1,
  town: "Town of Ashford",
  day: "2026-12-05",
  stages: [],
  drills: [],
  comparison: { regressions: [], recoveries: [] },
  exitCode: 1,
} as unknown as RunSummary;

interface Received {
  readonly secure: boolean;
  readonly authed: boolean;
  readonly raw: string;
}

describe("alert email transport security", function () {
  this.timeout(30_000);
  let tmp: string;
  let tls: TlsCertificate;
  const servers: SMTPServer[] = [];

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-smtp-"));
    tls = await generateCertificate(tmp);
    await writeFile(path.join(tmp, "smtp.pass"), "smtp-secret\n");
  });
  after(async () => {
    for (const s of servers) await new Promise((r) => s.close(() => r(undefined)));
    await rm(tmp, { recursive: true, force: true });
  });

  /** Starts a server; resolves with its port and what it received. */
  async function server(options: SMTPServerOptions) {
    const received: Received[] = [];
    const logins: string[] = [];
    const smtp = new SMTPServer({
      ...options,
      onAuth(auth, session, callback) {
        logins.push(`${auth.username} secure=${session.secure}`);
        callback(null, { user: auth.username });
      },
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
        stream.on("end", () => {
          received.push({ secure: session.secure, authed: session.user !== undefined, raw });
          callback();
        });
      },
    });
    servers.push(smtp);
    await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
    return { port: (smtp.server.address() as AddressInfo).port, received, logins };
  }

  const send = (email: NonNullable<Workspace["notifications"]["email"]>) =>
    sendDigest(DIGEST, SUMMARY, { email }, {}, tmp);
  const base = {
    smtpHost: "127.0.0.1",
    user: "stronghold",
    passwordFile: "smtp.pass",
    from: "stronghold@ashford.example",
    to: ["it@ashford.example"],
  };

  it("STARTTLS with the town's CA: logged in and sent over TLS", async () => {
    const s = await server({
      key: await readFile(tls.keyFile),
      cert: await readFile(tls.certFile),
    });
    const result = await send({ ...base, smtpPort: s.port, caFile: tls.certFile });
    expect(result.failed).to.deep.equal([]);
    expect(s.logins).to.deep.equal(["stronghold secure=true"]);
    expect(s.received).to.have.length(1);
    expect(s.received[0]!.secure).to.equal(true);
  });

  it("a certificate no trusted CA signed (no caFile): nothing sent, the channel named as failed", async () => {
    const s = await server({
      key: await readFile(tls.keyFile),
      cert: await readFile(tls.certFile),
    });
    const result = await send({ ...base, smtpPort: s.port });
    expect(result.sent).to.deep.equal([]);
    expect(result.failed).to.have.length(1);
    expect(result.failed[0]).to.match(
      /^email to it@ashford\.example via 127\.0\.0\.1: .*certificate/i,
    );
    expect(s.received).to.have.length(0);
    expect(s.logins).to.deep.equal([]);
  });

  it("a server that offers no STARTTLS gets neither the password nor the digest", async () => {
    const s = await server({ disabledCommands: ["STARTTLS"], allowInsecureAuth: true });
    const result = await send({ ...base, smtpPort: s.port, caFile: tls.certFile });
    expect(result.sent).to.deep.equal([]);
    expect(result.failed).to.have.length(1);
    expect(result.failed[0]).to.match(/STARTTLS/i);
    expect(s.logins).to.deep.equal([]);
    expect(s.received).to.have.length(0);
  });

  it("requireTls: false sends to a plain relay on the same network", async () => {
    const s = await server({ disabledCommands: ["STARTTLS", "AUTH"], authOptional: true });
    const result = await send({
      smtpHost: base.smtpHost,
      from: base.from,
      to: base.to,
      smtpPort: s.port,
      requireTls: false,
    });
    expect(result.failed).to.deep.equal([]);
    expect(s.received).to.have.length(1);
    expect(s.received[0]!.secure).to.equal(false);
  });

  it("secure: true speaks TLS from the first byte (port 465 style)", async () => {
    const s = await server({
      secure: true,
      key: await readFile(tls.keyFile),
      cert: await readFile(tls.certFile),
    });
    const result = await send({ ...base, smtpPort: s.port, secure: true, caFile: tls.certFile });
    expect(result.failed).to.deep.equal([]);
    expect(s.received[0]!.secure).to.equal(true);
    expect(s.received[0]!.raw).to.include("Subject: Stronghold Town of Ashford 2026-12-05");
  });
});
