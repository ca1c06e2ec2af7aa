// The precompiled machine-config validator answers `date` and `date-time` from the text's
// characters first (src/machine-config/date-formats.cjs): these hold it to ajv-formats' answers.
import { expect } from "chai";
import fc from "fast-check";
import { createRequire } from "node:module";
import formats from "../../src/machine-config/date-formats.cjs";

const require = createRequire(import.meta.url);
const { fullFormats } = require("ajv-formats/dist/formats") as {
  fullFormats: Record<"date" | "date-time", { validate: (text: string) => boolean }>;
};

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
const year = fc.oneof(
  fc.constantFrom("2000", "1900", "2024", "2023", "2100", "0000", "9999"),
  fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, "0")),
);
const date = fc.tuple(year, two(19), two(39)).map(([y, m, d]) => `${y}-${m}-${d}`);
const fraction = fc.oneof(
  fc.constant(""),
  fc.constant("."),
  fc.stringMatching(/^\.[0-9]{1,9}$/),
  fc.constantFrom(".5x", ".٣"),
);
const zone = fc.constantFrom("Z", "z", "", "+05:30", "-08:00", "+0530", "+24:00", "-23:59", "ZZ");
const dateTime = fc
  .tuple(
    date,
    fc.constantFrom("T", "t", " ", "\u00a0", "TT", "X"),
    two(29),
    two(69),
    two(69),
    fraction,
    zone,
  )
  .map(([d, sep, h, m, s, f, z]) => `${d}${sep}${h}:${m}:${s}${f}${z}`);
// Almost plain: one character of a plain text changed to another.
const nearly = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(text, fc.nat(), fc.constantFrom("-", ":", "T", "Z", ".", "0", "9", "a", " ", "\n", "٣"))
    .map(([t, at, c]) => {
      const i = at % t.length;
      return t.slice(0, i) + c + t.slice(i + 1);
    });

describe("date formats of the precompiled machine-config validator", () => {
  for (const [format, plain] of [
    ["date", date],
    ["date-time", dateTime],
  ] as const) {
    it(`${format}: the same answer as ajv-formats, plain or not`, () => {
      const text = fc.oneof(plain, nearly(plain), fc.string(), fc.string({ unit: "binary" }));
      fc.assert(
        fc.property(text, (t) => {
          expect(formats[format].validate(t), JSON.stringify(t)).to.equal(
            fullFormats[format].validate(t),
          );
        }),
        { numRuns: 20_000 },
      );
    });
  }

  it("answers the texts a collector writes, leap days and seconds' fractions included", () => {
    const valid = ["2024-02-29", "2000-02-29", "2026-11-20", "2026-12-31"];
    const invalid = ["2023-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-00-10"];
    for (const t of valid) expect(formats.date.validate(t), t).to.equal(true);
    for (const t of invalid) expect(formats.date.validate(t), t).to.equal(false);
    expect(formats["date-time"].validate("2026-11-20T12:00:00.000Z")).to.equal(true);
    expect(formats["date-time"].validate("2026-11-20T12:00:00Z")).to.equal(true);
    expect(formats["date-time"].validate("2026-11-20T24:00:00Z")).to.equal(false);
    expect(formats["date-time"].validate("2026-11-20T12:00:00.Z")).to.equal(false);
    // A leap second and an offset: ajv-formats' answer.
    expect(formats["date-time"].validate("2016-12-31T23:59:60Z")).to.equal(true);
    expect(formats["date-time"].validate("2026-11-20T12:00:00+01:00")).to.equal(true);
  });
});
