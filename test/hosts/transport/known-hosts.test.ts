/** known_hosts matching as OpenSSH does it. */
import { expect } from "chai";
import { createHmac, randomBytes } from "node:crypto";
import { patternsMatch, verifyHostKey } from "../../../src/hosts/transport/known-hosts.js";

const keyA = Buffer.from("key-a");
const keyB = Buffer.from("key-b");
const line = (patterns: string, key: Buffer) => `${patterns} ssh-ed25519 ${key.toString("base64")}`;

describe("known_hosts", () => {
  it("matches plain names, ports, wildcards and negations", () => {
    expect(patternsMatch("fs01,10.0.0.5", "10.0.0.5")).to.equal(true);
    expect(patternsMatch("[127.0.0.1]:2222", "[127.0.0.1]:2222")).to.equal(true);
    expect(patternsMatch("[127.0.0.1]:2222", "127.0.0.1")).to.equal(false);
    expect(patternsMatch("*.millbrook.gov,!kiosk*.millbrook.gov", "fs.millbrook.gov")).to.equal(
      true,
    );
    expect(patternsMatch("*.millbrook.gov,!kiosk*.millbrook.gov", "kiosk1.millbrook.gov")).to.equal(
      false,
    );
    expect(patternsMatch("fs0?", "fs01")).to.equal(true);
  });

  it("matches hashed entries (HashKnownHosts yes)", () => {
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update("[10.0.0.5]:2222").digest("base64");
    const hashed = `|1|${salt.toString("base64")}|${hash}`;
    expect(verifyHostKey(line(hashed, keyA), "10.0.0.5", 2222, keyA)).to.equal("match");
    expect(verifyHostKey(line(hashed, keyA), "10.0.0.6", 2222, keyA)).to.equal("unknown-host");
  });

  it("tells a match from a mismatch, an unknown host and a revoked key", () => {
    const text = [
      "# comment",
      line("fs01", keyA),
      line("web", keyA),
      `@revoked web ssh-ed25519 ${keyB.toString("base64")}`,
    ].join("\n");
    expect(verifyHostKey(text, "fs01", 22, keyA)).to.equal("match");
    expect(verifyHostKey(text, "fs01", 22, keyB)).to.equal("mismatch");
    expect(verifyHostKey(text, "db01", 22, keyA)).to.equal("unknown-host");
    expect(verifyHostKey(text, "web", 22, keyB)).to.equal("revoked");
  });
});
