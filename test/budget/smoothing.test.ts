// Levelling the capital spend: replacements move within the tolerance, later ones first, their
// later cycles follow them, and a machine is never moved past its OS end of support.
import { expect } from "chai";
import { planForecast, priceForecast } from "../../src/budget/forecast.js";
import { loadOsHardwareMinimums } from "../../src/budget/os-hardware.js";
import { loadPriceList } from "../../src/budget/prices.js";
import { smooth, type Smoothing } from "../../src/budget/smoothing.js";
import type { FleetMachine } from "../../src/budget/replacements.js";
import { machineBought, settings, tempFolder } from "./fixtures.js";

const minimums = await loadOsHardwareMinimums();
const dir = tempFolder();

const WIN10_TPM12 = {
  os: { name: "Windows 10 Pro", version: "22H2", edition: "Pro" },
  hardware: { tpmVersion: "1.2", memoryGiB: 8, cpu: "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz" },
};

/** Machines priced $1,000 each, smoothed, without inflation. */
async function levelled(fleet: FleetMachine[], smoothing: Smoothing, years = 5) {
  const { prices } = await loadPriceList(
    await dir.file("prices.csv", "Class,Model,Unit Cost\nworkstation,,1000\n"),
  );
  const plan = planForecast({ fleet, minimums, prices, problems: [] }, settings({ years }));
  return priceForecast(smooth(plan, smoothing));
}

const named = (hostname: string, purchase: string, extra = {}, eos?: string) =>
  machineBought(purchase, { hostname, ...extra }, eos);

const capital = (report: Awaited<ReturnType<typeof levelled>>) =>
  report.totals.map((t) => [t.fiscalYear, t.capitalCents]);

describe("smoothing the capital spend", () => {
  it("moves the latest-due replacement of a year above the cap to the next year", async () => {
    const report = await levelled(
      [named("a", "2024-09-10"), named("b", "2025-04-30")],
      { kind: "max-per-year", capCents: 100_000, toleranceMonths: 12 },
      2,
    );
    expect(report.moves).to.deep.equal([
      {
        subject: "b",
        department: "clerk",
        due: "2028-04-30",
        fromYear: 2028,
        toYear: 2029,
        reason:
          "FY2028 capital $2,000.00 is above $1,000.00: moved later, within 12 months of its due date",
      },
    ]);
    expect(capital(report)).to.deep.equal([
      [2028, 100_000],
      [2029, 100_000],
    ]);
    expect(report.smoothing).to.deep.equal({
      kind: "max-per-year",
      capCents: 100_000,
      toleranceMonths: 12,
      overCap: [],
    });
  });

  const eosCases: { name: string; extra: object; eos: string; moved: string[] }[] = [
    {
      name: "hardware that cannot run Windows 11 stays before support ends; the other moves",
      extra: WIN10_TPM12,
      eos: "2028-03-31",
      moved: ["a"],
    },
    {
      name: "hardware that may not run it (facts unknown) is treated the same",
      extra: { os: WIN10_TPM12.os },
      eos: "2028-03-31",
      moved: ["a"],
    },
    {
      name: "hardware known to run it may move past the old OS's end",
      extra: { ...WIN10_TPM12, hardware: { ...WIN10_TPM12.hardware, tpmVersion: "2.0" } },
      eos: "2028-03-31",
      moved: ["b"],
    },
  ];
  for (const c of eosCases)
    it(`never past OS end of support: ${c.name}`, async () => {
      // b is due 2028-04-30 by age; a on 2027-09-11.
      const report = await levelled(
        [named("a", "2024-09-10"), named("b", "2025-04-30", c.extra, c.eos)],
        { kind: "max-per-year", capCents: 100_000, toleranceMonths: 12 },
        2,
      );
      expect(report.moves.map((m) => m.subject)).to.deep.equal(c.moved);
      for (const line of report.lines.filter((l) => l.subject === "b"))
        if (c.moved[0] === "a") expect(line.fiscalYear).to.equal(2028);
    });

  it("an OS-driven replacement is not moved past the end it is due for", async () => {
    const report = await levelled(
      [named("a", "2025-06-01"), named("b", "2025-06-02", WIN10_TPM12, "2027-12-31")],
      { kind: "max-per-year", capCents: 100_000, toleranceMonths: 12 },
      2,
    );
    const b = report.lines.find((l) => l.subject === "b")!;
    expect(b).to.include({ reason: "os-end-of-support", due: "2028-01-01", fiscalYear: 2028 });
    expect(report.moves.map((m) => m.subject)).to.deep.equal(["a"]);
  });

  it("moves nothing beyond the tolerance and names the years still above the cap", async () => {
    const report = await levelled(
      [named("a", "2024-09-10"), named("b", "2024-10-10")],
      { kind: "max-per-year", capCents: 100_000, toleranceMonths: 3 },
      2,
    );
    expect(report.moves).to.deep.equal([]);
    expect(report.smoothing!.overCap).to.deep.equal([2028]);
  });

  it("pulls a replacement into an earlier year with room when moving later cannot help", async () => {
    const report = await levelled(
      [named("a", "2025-08-01"), named("b", "2025-08-02")],
      { kind: "max-per-year", capCents: 100_000, toleranceMonths: 12 },
      2,
    );
    expect(report.moves.map((m) => [m.subject, m.fromYear, m.toYear])).to.deep.equal([
      ["a", 2029, 2028],
    ]);
    expect(report.moves[0]!.reason).to.match(/moved earlier, within 12 months/);
  });

  it("a moved replacement's next cycle moves with it", async () => {
    const report = await levelled([named("a", "2024-09-10"), named("b", "2024-09-11")], {
      kind: "max-per-year",
      capCents: 100_000,
      toleranceMonths: 12,
    });
    const b = report.lines.filter((l) => l.subject === "b").map((l) => l.fiscalYear);
    expect(b).to.deep.equal([2029, 2032]);
    const a = report.lines.filter((l) => l.subject === "a").map((l) => l.fiscalYear);
    expect(a).to.deep.equal([2028, 2031]);
  });

  it("--level caps each year at the horizon's average", async () => {
    const report = await levelled(
      [named("a", "2024-09-10"), named("b", "2024-12-01"), named("c", "2025-01-01")],
      { kind: "level", toleranceMonths: 12 },
      3,
    );
    // 3 replacements in FY2028 and none after within 3 years: $1,000.00 a year. c (due
    // 2028-01-02) moves to FY2029; b and a could only go there too, and FY2029 is then full.
    expect(report.smoothing!.capCents).to.equal(100_000);
    expect(report.moves.map((m) => m.subject)).to.deep.equal(["c"]);
    expect(capital(report)).to.deep.equal([
      [2028, 200_000],
      [2029, 100_000],
      [2030, 0],
    ]);
    expect(report.smoothing!.overCap).to.deep.equal([2028]);
  });
});
