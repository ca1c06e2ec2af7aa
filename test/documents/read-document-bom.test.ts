/** A UTF-8 byte-order mark, as Windows tools write it, is not part of the document. */
import { expect } from "chai";
import { parseText } from "../../src/documents/read-document.js";

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
