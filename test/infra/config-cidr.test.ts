import { expect } from "chai";
import {
  formatCidr,
  overlaps,
  parseCidr,
  subnetOf,
  type Ipv4Block,
} from "../../src/support/cidr.js";

const block = (text: string): Ipv4Block => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
  return parsed.block;
};

describe("CIDR arithmetic for the DR network", () => {
  for (const text of ["10.90.0.0/16", "0.0.0.0/0", "192.168.10.128/25", "203.0.113.10/32"]) {
    it(`parses and prints ${text}`, () => expect(formatCidr(block(text))).to.equal(text));
  }

  const malformed: [string, RegExp][] = [
    ["10.90.0/16", /not an IPv4 CIDR block/],
    ["10.90.0.0", /not an IPv4 CIDR block/],
    ["10.90.0.0/ 16", /not an IPv4 CIDR block/],
    ["10.256.0.0/16", /octet above 255/],
    ["10.90.0.0/33", /prefix length above 32/],
    ["10.90.1.0/16", /host bits set \(the network is 10\.90\.0\.0\/16\)/],
  ];
  for (const [text, reason] of malformed) {
    it(`refuses ${text}`, () => {
      const parsed = parseCidr(text);
      expect(parsed.ok).to.equal(false);
      if (!parsed.ok) expect(parsed.reason).to.match(reason);
    });
  }

  it("carves subnets in order and refuses one past the end", () => {
    const vpc = block("10.91.0.0/20");
    expect(formatCidr(subnetOf(vpc, 23, 0))).to.equal("10.91.0.0/23");
    expect(formatCidr(subnetOf(vpc, 23, 7))).to.equal("10.91.14.0/23");
    expect(() => subnetOf(vpc, 23, 8)).to.throw(RangeError, /only 8 \/23 subnets/);
    expect(() => subnetOf(vpc, 19, 0)).to.throw(RangeError);
  });

  it("knows which blocks overlap", () => {
    expect(overlaps(block("10.90.0.0/16"), block("10.90.200.0/24"))).to.equal(true);
    expect(overlaps(block("10.90.0.0/16"), block("10.91.0.0/16"))).to.equal(false);
    expect(overlaps(block("0.0.0.0/0"), block("203.0.113.10/32"))).to.equal(true);
  });
});
