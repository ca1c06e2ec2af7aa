/** File names as bytes and text: exact both ways, and as restic ls --json shows them. */
import { expect } from "chai";
import { lsForm, nameFromBytes, nameToBytes, nulSeparated } from "../../src/support/file-names.js";

const latin1 = (s: string) => Buffer.from(s, "latin1");

describe("file names as bytes and text", () => {
  const cases: [string, Buffer, string][] = [
    ["plain ASCII", Buffer.from("budget 2026.csv"), "budget 2026.csv"],
    ["UTF-8 accents and emoji", Buffer.from("Müller 😀.txt"), "Müller 😀.txt"],
    ["Latin-1 ü", latin1("M\xfcller.txt"), "M\\xfcller.txt"],
    ["Latin-1 ö, the name that reads the same in ls", latin1("M\xf6ller.txt"), "M\\xf6ller.txt"],
    ["a cut UTF-8 sequence at the end", Buffer.from([0x61, 0xc3]), "a\\xc3"],
    ["an overlong slash", Buffer.from([0xc0, 0xaf]), "\\xc0\\xaf"],
    ["a UTF-16 surrogate in UTF-8", Buffer.from([0xed, 0xa0, 0x80]), "\\xed\\xa0\\x80"],
    ["valid text around a bad byte", Buffer.from([0xe6, 0x96, 0x87, 0xff, 0x41]), "文\\xffA"],
    // Text that reads like an escape: its backslash is escaped, so it is not taken for byte fc.
    ["a typed backslash-x-f-c", Buffer.from("back\\xfc.txt"), "back\\x5cxfc.txt"],
    ["a typed escape beside a real byte", latin1("\\xe9-\xe9"), "\\x5cxe9-\\xe9"],
    ["a backslash that reads as nothing", Buffer.from("a\\b\\x1"), "a\\b\\x1"],
  ];
  for (const [what, bytes, text] of cases)
    it(`${what}: ${JSON.stringify(text)}, and back`, () => {
      expect(nameFromBytes(bytes)).to.equal(text);
      expect(nameToBytes(text).equals(bytes)).to.equal(true);
    });

  it("two Latin-1 names stay two names, and read the same in restic ls", () => {
    const a = nameFromBytes(latin1("M\xfcller.txt"));
    const b = nameFromBytes(latin1("M\xf6ller.txt"));
    expect(a).to.not.equal(b);
    expect(lsForm(a)).to.equal("M\uFFFDller.txt").and.equal(lsForm(b));
    expect(lsForm("Müller.txt")).to.equal("Müller.txt");
    expect(lsForm(nameFromBytes(Buffer.from("back\\xfc.txt")))).to.equal("back\\xfc.txt");
  });

  it("lists paths NUL-separated as their bytes", () => {
    const list = nulSeparated(["a", "M\\xfcller"], "./");
    expect(list.equals(Buffer.concat([Buffer.from("./a\0"), latin1("./M\xfcller\0")]))).to.equal(
      true,
    );
  });
});
