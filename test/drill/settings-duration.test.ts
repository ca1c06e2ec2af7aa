/**
 * Durations a drill setting takes (`--dwell`) and restore-test's `--pick`: parsed exactly, refused
 * with a message saying why.
 */
import { expect } from "chai";
import {
  durationProblem,
  formatDwell,
  parseDuration,
  parsePick,
  pickProblem,
} from "../../src/drill/runbook/settings.js";

describe("drill setting durations", () => {
  const valid: [string, number][] = [
    ["45s", 45_000],
    ["90m", 5_400_000],
    ["72h", 259_200_000],
    ["5d", 432_000_000],
    ["1d12h", 129_600_000],
    ["1.5h", 5_400_000],
    ["2w", 1_209_600_000],
    ["0s", 0],
  ];
  for (const [text, ms] of valid)
    it(`${text} is ${ms} ms`, () => expect(parseDuration(text)).to.equal(ms));

  const invalid: [string, string][] = [
    ["3 days", "is not a duration like 90m, 72h, 5d or 1d12h"],
    ["72", "is not a duration"],
    ["h", "is not a duration"],
    ["-1d", "is not a duration"],
    ["", "is not a duration"],
    ["400d", "is longer than a year"],
  ];
  for (const [text, says] of invalid)
    it(`"${text}" is refused: ${says}`, () => {
      expect(parseDuration(text)).to.equal(undefined);
      expect(durationProblem(text)).to.include(says);
    });

  it("reads back for people", () => {
    expect(formatDwell(432_000_000)).to.equal("5d");
    expect(formatDwell(129_600_000)).to.equal("1d 12h");
    expect(formatDwell(5_400_000)).to.equal("1h 30m");
    expect(formatDwell(0)).to.equal("0s");
  });
});

describe("restore-test's --pick", () => {
  it("reads newest and random:N", () => {
    expect(parsePick("newest")).to.deep.equal({ kind: "newest" });
    expect(parsePick(" random:7 ")).to.deep.equal({ kind: "random", among: 7 });
    expect(parsePick("random:9999")).to.deep.equal({ kind: "random", among: 9999 });
  });
  for (const text of ["oldest", "random", "random:0", "random:-1", "random:10000", "random:2x", ""])
    it(`refuses "${text}"`, () => {
      expect(parsePick(text)).to.equal(undefined);
      expect(pickProblem(text)).to.include('is not "newest" or "random:N"');
    });
});
