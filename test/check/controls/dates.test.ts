import { expect } from "chai";
import { ageInDays, parseInstant } from "../../../src/check/controls/dates.js";

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

  it("gives the same answers across more distinct dates than it keeps", () => {
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000);
    const texts = Array.from({ length: 12_000 }, (_, i) => day(i).toISOString().slice(0, 10));
    for (let round = 0; round < 2; round++) {
      texts.forEach((text, i) => {
        expect(parseInstant(text)?.getTime()).to.equal(day(i).getTime());
      });
    }
  });
});
