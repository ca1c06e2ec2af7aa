import { expect } from "chai";
import fc from "fast-check";
import { ageInDays, parseInstant } from "../../../src/check/controls/dates.js";
import { PROPERTY_CASES } from "../../fixtures/seeded.js";

const AT = new Date("2026-11-20T12:00:00Z");

describe("ageInDays and parseInstant", () => {
  it("counts whole days for a date and exact days for a date-time", () => {
    expect(ageInDays("2026-11-19", AT)).to.equal(1);
    expect(ageInDays("2026-11-20", AT)).to.equal(0);
    expect(ageInDays("2026-11-19T12:00:00Z", AT)).to.equal(1);
    expect(ageInDays("2026-11-20T06:00:00+00:00", AT)).to.equal(0.25);
    expect(ageInDays("2026-11-21", AT)).to.equal(-1);
  });

  const notDates = [
    "2026-13-01",
    "2026-02-30x",
    "20261120xx",
    "2026/11/20",
    "2026-11-2",
    "",
    "2026-11-20T25:00Z",
    "2026-11-20T12:00",
  ];
  it("answers undefined for texts that are not ISO dates, asked once or again", () => {
    for (let round = 0; round < 2; round++) {
      for (const text of notDates) {
        expect(ageInDays(text, AT), text).to.equal(undefined);
        expect(parseInstant(text), text).to.equal(undefined);
      }
    }
    expect(parseInstant(20261120)).to.equal(undefined);
  });

  it("gives the same answers for 12,000 consecutive days, asked twice", () => {
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000);
    const texts = Array.from({ length: 12_000 }, (_, i) => day(i).toISOString().slice(0, 10));
    for (let round = 0; round < 2; round++) {
      texts.forEach((text, i) => {
        expect(parseInstant(text)?.getTime()).to.equal(day(i).getTime());
      });
    }
  });
});

describe("a YYYY-MM-DD date read by character codes", () => {
  const at = new Date(Date.UTC(2026, 10, 20));
  /** What Date.parse makes of the date at midnight UTC, the reading the dates must agree with. */
  const byDateParse = (text: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const digits = (n: number) =>
    fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, "0"));
  const nearlyDates = fc
    .tuple(
      fc.oneof(
        digits(4),
        fc.constantFrom(
          "0000",
          "0099",
          "1600",
          "1900",
          "2000",
          "2100",
          "9999",
          "２０２６",
          "20 6",
          "-001",
          "202:",
        ),
      ),
      fc.oneof(
        digits(2),
        fc.constantFrom("00", "01", "02", "12", "13", "1a", " 1", "+1", "0:", "1/"),
      ),
      fc.oneof(
        digits(2),
        fc.constantFrom("00", "28", "29", "30", "31", "32", "99", "1.", "-1", "2:"),
      ),
      fc.constantFrom("-", "-", "-", "/", "x"),
      fc.constantFrom("-", "-", "-", "/", "."),
    )
    .map(([y, m, d, sep, sep2]) => `${y}${sep}${m}${sep2}${d}`);
  const tenCharacters = fc.string({
    unit: fc.constantFrom("0", "1", "2", "9", "-", "T", " ", "/", ":", "\u0660"),
    minLength: 10,
    maxLength: 10,
  });

  it("gives the instant Date.parse gives, or undefined where it gives none", () => {
    for (const texts of [nearlyDates, tenCharacters]) {
      fc.assert(
        fc.property(texts, (text) => {
          expect(parseInstant(text)?.getTime(), text).to.equal(byDateParse(text));
        }),
        { numRuns: PROPERTY_CASES },
      );
    }
  });

  it("counts days across every day of four hundred years and their roll-overs", () => {
    for (let year = 1800; year < 2200; year++) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const text = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          expect(ageInDays(text, at), text).to.equal(
            (at.getTime() - byDateParse(text)!) / 86_400_000,
          );
        }
      }
    }
  });
});
