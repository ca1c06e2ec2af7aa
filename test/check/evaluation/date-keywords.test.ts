import { expect } from "chai";
import { createAjv } from "../../../src/documents/ajv.js";
import { addDateKeywords } from "../../../src/check/controls/keywords.js";

describe("date keywords: ages relative to the evaluation time", () => {
  const at = new Date("2026-11-20T12:00:00Z");
  const ajv = createAjv();
  addDateKeywords(ajv, at);
  const maxAge30 = ajv.compile({ maxAgeDays: 30 });
  const remaining0 = ajv.compile({ minDaysRemaining: 0 });

  const cases: [string, (v: unknown) => boolean, unknown, boolean][] = [
    ["a date exactly 30 days old passes (whole days)", maxAge30, "2026-10-21", true],
    ["a date 31 days old fails", maxAge30, "2026-10-20", false],
    ["a date-time 29.5 days old passes", maxAge30, "2026-10-22T00:00:00Z", true],
    ["a date-time 30.5 days old fails", maxAge30, "2026-10-21T00:00:00Z", false],
    ["unknown fails", maxAge30, "unknown", false],
    ["a number fails", maxAge30, 20261120, false],
    ["garbage fails", maxAge30, "last tuesday", false],
    ["a warranty ending today still passes", remaining0, "2026-11-20", true],
    ["a warranty that ended yesterday fails", remaining0, "2026-11-19", false],
    ["unknown warranty fails", remaining0, "unknown", false],
  ];
  for (const [name, validate, value, expected] of cases) {
    it(name, () => expect(validate(value)).to.equal(expected));
  }
});
