/** Secrets never print, and redaction removes them (and URL passwords) from any text. */
import { expect } from "chai";
import { inspect } from "node:util";
import { redact, Secret } from "../../src/support/secret.js";

describe("Secret", () => {
  const secret = new Secret("hunter2-very-secret");

  it("reveals its value only when asked", () => {
    expect(secret.reveal()).to.equal("hunter2-very-secret");
  });

  it("prints as [redacted] through String, templates, JSON and inspect", () => {
    expect(String(secret)).to.equal("[redacted]");
    expect(`${String(secret)}`).to.equal("[redacted]");
    expect(JSON.stringify({ password: secret })).to.equal('{"password":"[redacted]"}');
    expect(inspect({ password: secret })).to.not.include("hunter2");
    expect(inspect(secret)).to.equal("[redacted]");
  });
});

describe("redact", () => {
  const cases: { name: string; text: string; secrets: string[]; want: string }[] = [
    {
      name: "every occurrence of a secret",
      text: "pw=abc123 again abc123",
      secrets: ["abc123"],
      want: "pw=[redacted] again [redacted]",
    },
    {
      name: "the longer of two overlapping secrets whole",
      text: "token abc123xyz",
      secrets: ["abc", "abc123xyz"],
      want: "token [redacted]",
    },
    {
      name: "a URL password without being told it",
      text: "rest:https://backup:s3cr3t@offsite.example:8000/town",
      secrets: [],
      want: "rest:https://backup:[redacted]@offsite.example:8000/town",
    },
    {
      name: "nothing for an empty secret",
      text: "plain text",
      secrets: [""],
      want: "plain text",
    },
    {
      name: "secrets with regular-expression characters literally",
      text: "key a.b*c+(d) and axbbc",
      secrets: ["a.b*c+(d)"],
      want: "key [redacted] and axbbc",
    },
  ];
  for (const c of cases) {
    it(`replaces ${c.name}`, () => {
      expect(
        redact(
          c.text,
          c.secrets.map((s) => new Secret(s)),
        ),
      ).to.equal(c.want);
    });
  }

  it("leaves a URL without a password alone", () => {
    expect(redact("rest:http://127.0.0.1:8000/ and sftp:user@host:/srv", [])).to.equal(
      "rest:http://127.0.0.1:8000/ and sftp:user@host:/srv",
    );
  });
});
