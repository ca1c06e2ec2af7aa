import { expect } from "chai";
import fc from "fast-check";
import { formatIpv4, parseIpv4 } from "../../src/support/cidr.js";

/** The address as the pattern `a.b.c.d` (one to three digits, each at most 255) reads it. */
function byPattern(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.constantFrom("256", "999", "0255", "00", "007", "1000", "", "-1", "1e2", " 1", "٣"),
);
const nearlyAddress = fc
  .tuple(fc.array(octet, { minLength: 1, maxLength: 6 }), fc.constantFrom("", "\n", " ", "/24"))
  .map(([octets, tail]) => octets.join(".") + tail);
const anyText = fc.string({
  unit: fc.constantFrom("0", "1", "2", "5", "9", ".", " ", "a", ":", "\n"),
  maxLength: 20,
});

describe("parseIpv4", () => {
  it("reads every address a.b.c.d, and back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (address) => {
        expect(parseIpv4(formatIpv4(address))).to.equal(address);
      }),
      { numRuns: 20_000 },
    );
  });

  it("answers as the a.b.c.d pattern does for nearly-addresses and other texts", () => {
    for (const texts of [nearlyAddress, anyText]) {
      fc.assert(
        fc.property(texts, (text) => {
          expect(parseIpv4(text), JSON.stringify(text)).to.equal(byPattern(text));
        }),
        { numRuns: 20_000 },
      );
    }
  });

  it("refuses what is not four octets of at most three digits", () => {
    for (const text of [
      "1.2.3",
      "1.2.3.4.5",
      "1.2.3.256",
      "1..3.4",
      ".1.2.3",
      "1.2.3.",
      "1.2.3.0004",
    ])
      expect(parseIpv4(text), text).to.equal(undefined);
    expect(parseIpv4("010.001.000.255")).to.equal(10 * 2 ** 24 + 1 * 2 ** 16 + 255);
  });
});
