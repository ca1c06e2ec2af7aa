/** known_hosts matching as OpenSSH does it. */
import { expect } from "chai";
import { createHmac, randomBytes } from "node:crypto";
import { hostPatterns, KnownHosts } from "../../../src/hosts/transport/known-hosts.js";

const keyA = Buffer.from("key-a");
const keyB = Buffer.from("key-b");
const line = (patterns: string, key: Buffer) => `${patterns} ssh-ed25519 ${key.toString("base64")}`;
const patternsMatch = (patterns: string, name: string) => hostPatterns(patterns)(name);

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
    const knownHosts = new KnownHosts(line(hashed, keyA));
    expect(knownHosts.verify("10.0.0.5", 2222, keyA)).to.equal("match");
    expect(knownHosts.verify("10.0.0.6", 2222, keyA)).to.equal("unknown-host");
  });

  it("tells a match from a mismatch, an unknown host and a revoked key", () => {
    const text = [
      "# comment",
      line("fs01", keyA),
      line("web", keyA),
      `@revoked web ssh-ed25519 ${keyB.toString("base64")}`,
    ].join("\n");
    const knownHosts = new KnownHosts(text);
    expect(knownHosts.verify("fs01", 22, keyA)).to.equal("match");
    expect(knownHosts.verify("fs01", 22, keyB)).to.equal("mismatch");
    expect(knownHosts.verify("db01", 22, keyA)).to.equal("unknown-host");
    expect(knownHosts.verify("web", 22, keyB)).to.equal("revoked");
  });

  it("refuses a revoked key even where an earlier line accepts it, as ssh does", () => {
    const accepted = line("web,fs0?", keyB);
    const revoked = `@revoked web ssh-ed25519 ${keyB.toString("base64")}`;
    for (const text of [`${accepted}\n${revoked}`, `${revoked}\n${accepted}`]) {
      const knownHosts = new KnownHosts(text);
      expect(knownHosts.verify("web", 22, keyB), text).to.equal("revoked");
      expect(knownHosts.verify("fs01", 22, keyB), text).to.equal("match");
    }
  });

  it("gives every host its own verdict from one parsed file, whatever was asked before", () => {
    // One parse serves a whole run: compiled patterns must not carry state between hosts
    // (a global RegExp's lastIndex would).
    const text = [
      line("*.millbrook.gov,!kiosk*.millbrook.gov", keyA),
      `@revoked fs02 ssh-ed25519 ${keyB.toString("base64")}`,
      line("[10.0.0.5]:2222,fs0?", keyB),
      `@cert-authority *.millbrook.gov ssh-ed25519 ${keyB.toString("base64")}`,
    ].join("\n");
    const knownHosts = new KnownHosts(text);
    const asked: [string, number, Buffer, string][] = [
      ["fs.millbrook.gov", 22, keyA, "match"],
      ["fs.millbrook.gov", 22, keyA, "match"],
      ["kiosk1.millbrook.gov", 22, keyA, "unknown-host"],
      ["fs.millbrook.gov", 22, keyB, "mismatch"],
      ["10.0.0.5", 2222, keyB, "match"],
      ["10.0.0.5", 22, keyB, "unknown-host"],
      ["fs01", 22, keyB, "match"],
      ["fs02", 22, keyB, "revoked"],
      ["fs01", 22, keyB, "match"],
    ];
    for (const [host, port, key, verdict] of asked)
      expect(knownHosts.verify(host, port, key), `${host}:${port}`).to.equal(verdict);
  });
});
