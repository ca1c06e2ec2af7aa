/** The XML property-list reader: every value kind, entities, and documents it must refuse. */
import { expect } from "chai";
import { parsePlist, plistEntry } from "../../../src/collect/macos/plist.js";

describe("XML property lists", () => {
  it("reads every value kind, in order, after a banner line", () => {
    const result = parsePlist(
      `Getting global account policies
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <!-- a comment -->
  <key>s</key><string>a &lt; b &amp; &#233;</string>
  <key>i</key><integer>-5</integer>
  <key>r</key><real>1.5e2</real>
  <key>t</key><true/>
  <key>f</key><false/>
  <key>d</key><date>2024-03-27T22:41:37Z</date>
  <key>b</key><data>
    AAEC
  </data>
  <key>e</key><string/>
  <key>a</key><array><integer>1</integer><array/><dict/></array>
</dict>
</plist>`,
    );
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    const root = result.value;
    expect(root.kind === "dict" && [...root.entries.keys()]).to.deep.equal([
      "s",
      "i",
      "r",
      "t",
      "f",
      "d",
      "b",
      "e",
      "a",
    ]);
    expect(plistEntry(root, "s")).to.deep.equal({ kind: "string", value: "a < b & é" });
    expect(plistEntry(root, "i")).to.deep.equal({ kind: "integer", value: -5 });
    expect(plistEntry(root, "r")).to.deep.equal({ kind: "real", value: 150 });
    expect(plistEntry(root, "t")).to.deep.equal({ kind: "boolean", value: true });
    expect(plistEntry(root, "f")).to.deep.equal({ kind: "boolean", value: false });
    expect(plistEntry(root, "d")).to.deep.equal({ kind: "date", value: "2024-03-27T22:41:37Z" });
    expect(plistEntry(root, "b")).to.deep.equal({ kind: "data", value: "AAEC" });
    expect(plistEntry(root, "e")).to.deep.equal({ kind: "string", value: "" });
    expect(plistEntry(root, "a")).to.deep.equal({
      kind: "array",
      items: [
        { kind: "integer", value: 1 },
        { kind: "array", items: [] },
        { kind: "dict", entries: new Map() },
      ],
    });
    expect(plistEntry(plistEntry(root, "a"), "x")).to.equal(undefined);
  });

  for (const [label, text, problem] of [
    ["no plist element", "Error: Operation is not supported by the directory node.", /no <plist>/],
    ["cut off", "<plist><dict><key>a</key>", /ends early/],
    ["a value without a key", "<plist><dict><string>x</string></dict></plist>", /expected <key>/],
    ["an integer that is none", "<plist><integer>12a</integer></plist>", /<integer> holds "12a"/],
    ["an unknown element", "<plist><set/></plist>", /unexpected <set\/>/],
    ["two values", "<plist><true/><false/></plist>", /more than one value/],
    ["an empty plist", "<plist></plist>", /empty/],
  ] as const)
    it(`${label} → a problem, not a value`, () => {
      const result = parsePlist(text);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.problem).to.match(problem);
    });
});
