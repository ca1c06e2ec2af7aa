/** A UTF-8 byte-order mark, as Windows tools write it, is not part of the document. */
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseText, readDocumentSync } from "../../src/documents/read-document.js";

describe("documents with a byte-order mark", () => {
  for (const [file, text] of [
    ["m.json", '\uFEFF{"hostname": "pc1"}'],
    ["m.yaml", "\uFEFFhostname: pc1\n"],
  ] as const) {
    it(`reads ${file} as if the mark were absent`, () => {
      const doc = parseText(text, file);
      expect(doc.ok && doc.value).to.deep.equal({ hostname: "pc1" });
    });
  }
});

describe("documents saved as UTF-16 (Windows PowerShell 5.1's > and Out-File)", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-utf16-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  const text = '{"hostname": "pc1", "note": "Gemeinde Übersee"}';
  const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const bigEndian = Buffer.from(littleEndian);
  bigEndian.swap16();
  for (const [name, bytes] of [
    ["little-endian", littleEndian],
    ["big-endian", bigEndian],
  ] as const) {
    it(`reads a ${name} file with its byte-order mark`, async () => {
      const file = path.join(dir, `${name}.json`);
      await writeFile(file, bytes);
      const doc = readDocumentSync(file);
      expect(doc.ok && doc.value).to.deep.equal({ hostname: "pc1", note: "Gemeinde Übersee" });
    });
  }

  it("still calls UTF-16 without a byte-order mark a binary file", async () => {
    const file = path.join(dir, "no-bom.json");
    await writeFile(file, Buffer.from(text, "utf16le"));
    const doc = readDocumentSync(file);
    expect(doc.ok ? "" : doc.problem.message).to.match(/binary file/);
  });
});
