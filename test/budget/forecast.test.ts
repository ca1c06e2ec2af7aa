// The forecast core: fiscal years, refresh dates measured as lcm-hardware-age measures them,
// OS-driven early replacement, server warranties, prices and inflation, renewals and contracts.
import { expect } from "chai";
import { fiscalYear, fiscalYearOf, parseFiscalYearStart } from "../../src/budget/fiscal-year.js";
import { planForecast, priceForecast } from "../../src/budget/forecast.js";
import { inflate } from "../../src/budget/money.js";
import { loadOsHardwareMinimums } from "../../src/budget/os-hardware.js";
import { loadPriceList } from "../../src/budget/prices.js";
import { loadContracts } from "../../src/budget/contracts.js";
import { UsageError } from "../../src/support/errors.js";
import { evaluateControlById } from "../../src/check/evaluation/evaluate-one.js";
import { machineBought, settings, tempFolder } from "./fixtures.js";

const minimums = await loadOsHardwareMinimums();

describe("fiscal years", () => {
  const cases: [start: string, day: string, year: number][] = [
    ["07-01", "2027-06-30", 2027],
    ["07-01", "2027-07-01", 2028],
    ["07-01", "2028-02-29", 2028],
    ["01-01", "2027-01-01", 2027],
    ["01-01", "2027-12-31", 2027],
    ["10-01", "2027-09-30", 2027],
    ["10-01", "2027-10-01", 2028],
  ];
  for (const [start, day, year] of cases)
    it(`starting ${start}, ${day} is in FY${year}`, () => {
      expect(fiscalYearOf(day, parseFiscalYearStart(start))).to.equal(year);
      const fy = fiscalYear(year, parseFiscalYearStart(start));
      expect(day >= fy.start && day <= fy.end, `${fy.start}..${fy.end}`).to.equal(true);
    });

  it("FY2028 starting 1 July runs from 1 July 2027 to 30 June 2028", () => {
    expect(fiscalYear(2028, parseFiscalYearStart("07-01"))).to.deep.equal({
      year: 2028,
      label: "FY2028",
      start: "2027-07-01",
      end: "2028-06-30",
    });
  });

  for (const bad of ["7-1", "13-01", "02-29", "06-31", "july"])
    it(`refuses --fiscal-year-start ${bad}`, () => {
      expect(() => parseFiscalYearStart(bad)).to.throw(UsageError, /--fiscal-year-start/);
    });
});

describe("hardware replacements", () => {
  const plan = (fleet: Parameters<typeof planForecast>[0]["fleet"], s = settings()) =>
    priceForecast(planForecast({ fleet, minimums, problems: [] }, s));

  // A workstation falls due the day lcm-hardware-age starts failing it: older than 3 × 365 days.
  const dueCases: [purchase: string, due: string, fiscalYear: number, late: boolean][] = [
    ["2025-06-30", "2028-06-30", 2028, false], // 30 June: the last day of FY2028
    ["2025-07-01", "2028-07-01", 2029, false], // 1 July: the first day of FY2029
    ["2024-02-29", "2027-03-01", 2028, true], // leap day; due in FY2027, before the horizon
    ["2028-02-29", "2031-03-01", 2031, false], // bought on a leap day in the future
    ["2020-03-01", "2023-03-02", 2028, true], // long overdue: in the first year
  ];
  for (const [purchase, due, fy, late] of dueCases)
    it(`a workstation bought ${purchase} is due ${due}, budgeted in FY${fy}`, () => {
      const report = plan([machineBought(purchase)]);
      const first = report.lines[0]!;
      expect(first).to.include({ kind: "replacement", due, fiscalYear: fy, late });
      expect(first.reason).to.equal("refresh-age");
    });

  it("a replacement starts a new cycle inside the horizon, priced by class", () => {
    const report = plan([machineBought("2024-09-10")]);
    expect(report.lines.map((l) => [l.due, l.fiscalYear, l.item])).to.deep.equal([
      ["2027-09-11", 2028, "EliteDesk 800 G9 Mini"],
      ["2030-09-11", 2031, "workstation (next cycle)"],
    ]);
  });

  it("skips machines that are not active and lists those it cannot place", () => {
    const spare = machineBought("2020-01-01", { lifecycle: { status: "spare" } });
    const undated = machineBought("unknown");
    const report = plan([spare, undated]);
    expect(report.lines).to.deep.equal([]);
    expect(report.unscheduled).to.deep.equal([
      {
        subject: "th-clerk-ws-01",
        department: "clerk",
        source: "machines/th-clerk-ws-01.yaml",
        reason: "purchase date unknown (hardware.purchaseDate): cannot tell when it falls due",
      },
    ]);
    const noCycle = plan([machineBought("2024-01-01")], settings({ refreshYears: { server: 5 } }));
    expect(noCycle.unscheduled[0]!.reason).to.match(/no refresh cycle for class workstation/);
  });

  const WIN10 = { os: { name: "Windows 10 Pro", version: "22H2", edition: "Pro" } };
  const osCases: {
    name: string;
    hardware: Record<string, unknown>;
    due: string;
    reason: string;
    detail: RegExp;
  }[] = [
    {
      name: "TPM 1.2 cannot run Windows 11: replaced when support ends",
      hardware: { tpmVersion: "1.2", memoryGiB: 8, cpu: "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz" },
      due: "2027-10-13",
      reason: "os-end-of-support",
      detail: /support ends 2027-10-12; it cannot run Windows 11: TPM 1.2 \(needs 2.0\)/,
    },
    {
      name: "a 7th-generation Core cannot run Windows 11",
      hardware: { tpmVersion: "2.0", memoryGiB: 8, cpu: "Intel(R) Core(TM) i5-7500 CPU @ 3.40GHz" },
      due: "2027-10-13",
      reason: "os-end-of-support",
      detail: /CPU Intel\(R\) Core\(TM\) i5-7500 CPU @ 3.40GHz is not supported/,
    },
    {
      name: "hardware that meets the minimum keeps its refresh date",
      hardware: { tpmVersion: "2.0", memoryGiB: 8, cpu: "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz" },
      due: "2028-06-30",
      reason: "refresh-age",
      detail: /^3-year refresh cycle for workstation \(bought 2025-06-30\)$/,
    },
    {
      name: "unknown CPU, TPM and memory: refresh date, and the line says what is unknown",
      hardware: {},
      due: "2028-06-30",
      reason: "refresh-age",
      detail: /whether it can run Windows 11 is unknown \(TPM version, memory, CPU unknown\)/,
    },
    {
      name: "a CPU the table does not list is unknown, not guessed",
      hardware: { tpmVersion: "2.0", memoryGiB: 16, cpu: "Intel(R) Xeon(R) W-2225 CPU @ 4.10GHz" },
      due: "2028-06-30",
      reason: "refresh-age",
      detail:
        /unknown \(CPU Intel\(R\) Xeon\(R\) W-2225 CPU @ 4.10GHz \(not in the table\) unknown\)/,
    },
  ];
  for (const c of osCases)
    it(`OS end of support: ${c.name}`, () => {
      const m = machineBought("2025-06-30", { ...WIN10, hardware: c.hardware }, "2027-10-12");
      const line = plan([m]).lines[0]!;
      expect(line).to.include({ due: c.due, reason: c.reason });
      expect(line.detail).to.match(c.detail);
    });

  it("an OS missing from the end-of-support table is said so", () => {
    const line = plan([machineBought("2025-06-30")]).lines[0]!;
    expect(line.detail).to.match(
      /Windows 11 Enterprise 24H2 is not in the OS end-of-support table/,
    );
  });

  it("a server falls due when its warranty ends, if that comes before its refresh", () => {
    const server = machineBought("2024-01-10", {
      role: "server",
      hardware: { warrantyEnd: "2028-01-09" },
    });
    expect(plan([server]).lines[0]).to.include({
      due: "2028-01-10",
      reason: "warranty-end",
      fiscalYear: 2028,
    });
  });
});

describe("prices and inflation", () => {
  const dir = tempFolder();

  const inflation: [rate: number, years: number, cents: number][] = [
    [0.03, 0, 100_000],
    [0.03, 1, 103_000],
    [0.03, 2, 106_090],
    [0.03, 3, 109_273], // 1092.727 rounds once, at the end, not year by year
    [0.025, 5, 113_141],
    [0, 4, 100_000],
  ];
  for (const [rate, years, cents] of inflation)
    it(`$1,000.00 at ${rate * 100} % over ${years} fiscal year(s) is ${cents} cents`, () => {
      expect(inflate(100_000, rate, years)).to.equal(cents);
    });

  it("prices by model before class, adds install and disposal, inflates per fiscal year", async () => {
    const file = await dir.file(
      "prices.csv",
      "Class,Model,Unit Cost,Install Cost,Disposal Cost\n" +
        'workstation,,"$1,000.00",150,25.50\n' +
        ",EliteDesk 800 G9 Mini,1200,100,\n",
    );
    const { prices, problems } = await loadPriceList(file);
    expect(problems).to.deep.equal([]);
    const report = priceForecast(
      planForecast(
        { fleet: [machineBought("2024-09-10")], minimums, prices, problems: [] },
        settings({ inflation: 0.03 }),
      ),
    );
    // FY2028 is one year after FY2027 (today): model price 1300.00 × 1.03.
    // FY2031 is four years after: class price 1175.50 × 1.03⁴.
    expect(report.lines.map((l) => [l.fiscalYear, l.costCents, l.priceSource])).to.deep.equal([
      [2028, 133_900, `${file} line 3`],
      [2031, Math.round(117_550 * 1.03 ** 4), `${file} line 2`],
    ]);
    expect(report.request).to.deep.equal({
      fiscalYear: 2028,
      capitalCents: 133_900,
      operatingCents: 0,
      unpricedLines: 0,
    });
  });

  it("an asset with no price is reported as unpriced, never as zero", async () => {
    const file = await dir.file("prices.csv", "Class,Model,Unit Cost\nlaptop,,900\n");
    const { prices } = await loadPriceList(file);
    const report = priceForecast(
      planForecast(
        { fleet: [machineBought("2025-01-01")], minimums, prices, problems: [] },
        settings(),
      ),
    );
    expect(report.lines[0]!.costCents).to.equal(null);
    expect(report.totals[0]).to.include({ capitalCents: 0, unpricedLines: 1 });
    expect(report.totals[0]!.departments).to.deep.equal([
      { department: "clerk", capitalCents: 0, operatingCents: 0, unpricedLines: 1 },
    ]);
  });

  const badRows: [row: string, pointer: string, message: RegExp][] = [
    ["desktop,,900", "/Class", /"desktop" is not a class: expected one of workstation, laptop/],
    [",,900", "/Class", /and Model are both empty/],
    [
      "laptop,,nine hundred",
      "/Unit Cost",
      /must be an amount such as 1234.50, found "nine hundred"/,
    ],
    ["laptop,,900,-5", "/Install Cost", /must be an amount .* or empty, found "-5"/],
    ["laptop,,900,,1.234", "/Disposal Cost", /found "1.234"/],
  ];
  for (const [row, pointer, message] of badRows)
    it(`locates the bad prices.csv row "${row}" at ${pointer}`, async () => {
      const file = await dir.file(
        "prices.csv",
        `Class,Model,Unit Cost,Install Cost,Disposal Cost\nworkstation,,1000\n${row}\n`,
      );
      const { prices, problems } = await loadPriceList(file);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ file, line: 3, pointer });
      expect(problems[0]!.message).to.match(message);
      expect(prices.byClass.get("workstation")?.unitCents).to.equal(100_000);
    });
});

describe("software renewals and contracts", () => {
  const dir = tempFolder();
  const licenses = {
    file: "licenses.csv",
    entries: [
      {
        product: "AutoCAD",
        seats: 2,
        licenseType: "Subscription",
        expires: "2027-03-31",
        unitCostCents: 200_000,
        department: "public-works",
        line: 2,
      },
      {
        product: "ArcGIS Pro",
        seats: 3,
        licenseType: "ELA",
        expires: "2027-09-30",
        annualCostCents: 500_000,
        line: 3,
      },
      { product: "Zoom", seats: 5, licenseType: "Subscription", expires: "2028-01-15", line: 4 },
      {
        product: "PaperCut MF",
        seats: 1,
        licenseType: "Perpetual",
        annualCostCents: 30_000,
        line: 5,
      },
      {
        product: "SQL Server",
        seats: 1,
        licenseType: "Perpetual",
        unitCostCents: 400_000,
        line: 6,
      },
    ],
  };

  it("renews subscriptions yearly from their expiry, prices seats × unit or the annual cost", () => {
    const report = priceForecast(
      planForecast({ fleet: [], minimums, licenses, problems: [] }, settings({ years: 2 })),
    );
    expect(
      report.lines.map((l) => [l.fiscalYear, l.subject, l.due ?? "", l.costCents, l.department]),
    ).to.deep.equal([
      [2028, "AutoCAD", "2027-04-01", 400_000, "public-works"],
      [2028, "PaperCut MF", "", 30_000, "town-wide"],
      [2028, "ArcGIS Pro", "2027-10-01", 500_000, "town-wide"],
      [2028, "Zoom", "2028-01-16", null, "town-wide"],
      [2029, "AutoCAD", "2029-04-01", 400_000, "public-works"],
      [2029, "PaperCut MF", "", 30_000, "town-wide"],
      [2029, "ArcGIS Pro", "2028-10-01", 500_000, "town-wide"],
      [2029, "Zoom", "2029-01-16", null, "town-wide"],
    ]);
    expect(report.lines.find((l) => l.subject === "AutoCAD")!.detail).to.match(
      /lapsed before FY2028/,
    );
    expect(report.lines.find((l) => l.subject === "Zoom")!.detail).to.match(
      /no Unit Cost or Annual Cost/,
    );
    expect(report.totals[0]).to.include({ operatingCents: 930_000, unpricedLines: 1 });
  });

  it("reads contracts.csv: in-term years at the signed cost, continuance years inflated, notice dates", async () => {
    const file = await dir.file(
      "contracts.csv",
      "Vendor,Service,Annual Cost,Start,End,Renewal Notice Days,Owner Department,Performance Notes\n" +
        'Tyler Technologies,MUNIS ERP hosting,"42,000",2025-07-01,2028-06-30,90,finance,Slow ticket response in 2026\n',
    );
    const { register, problems } = await loadContracts(file);
    expect(problems).to.deep.equal([]);
    expect(register.contracts[0]).to.include({ noticeBy: "2028-04-01", annualCents: 4_200_000 });
    const report = priceForecast(
      planForecast(
        { fleet: [], minimums, contracts: register, problems: [] },
        settings({ years: 2, inflation: 0.04 }),
      ),
    );
    expect(report.lines.map((l) => [l.fiscalYear, l.reason, l.costCents])).to.deep.equal([
      [2028, "contract-term", 4_200_000],
      [2029, "contract-continuance", 4_542_720],
    ]);
    expect(report.lines[1]!.detail).to.match(
      /decide by 2028-04-01 \(Slow ticket response in 2026\)/,
    );
  });

  const badContracts: [row: string, pointer: string, message: RegExp][] = [
    ["Tyler,MUNIS,lots,2025-07-01,2028-06-30,90,finance", "/Annual Cost", /must be an amount/],
    [
      "Tyler,MUNIS,100,2025-13-01,2028-06-30,90,finance",
      "/Start",
      /must be a date YYYY-MM-DD, found "2025-13-01"/,
    ],
    ["Tyler,MUNIS,100,2025-07-01,2024-06-30,90,finance", "/End", /is before the start/],
    [
      "Tyler,MUNIS,100,2025-07-01,2028-06-30,ninety,finance",
      "/Renewal Notice Days",
      /whole number/,
    ],
    ["Tyler,MUNIS,100,2025-07-01,2028-06-30,90,", "/Owner Department", /is empty/],
  ];
  for (const [row, pointer, message] of badContracts)
    it(`locates the bad contracts.csv row at ${pointer}`, async () => {
      const file = await dir.file(
        "contracts.csv",
        `Vendor,Service,Annual Cost,Start,End,Renewal Notice Days,Owner Department\n${row}\n`,
      );
      const { register, problems } = await loadContracts(file);
      expect(register.contracts).to.deep.equal([]);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ file, line: 2, pointer });
      expect(problems[0]!.message).to.match(message);
    });

  it("refuses a contracts register without its columns, naming them", async () => {
    const file = await dir.file("contracts.csv", "Vendor,Service\nTyler,MUNIS\n");
    await loadContracts(file).then(
      () => expect.fail("loaded"),
      (error: Error) =>
        expect(error.message).to.match(/contracts.csv:1: lacks the column\(s\) Annual Cost, Start/),
    );
  });
});

describe("due dates agree with lcm-hardware-age", () => {
  // The day a replacement falls due is the first day the control fails the machine: it passes
  // the day before. Checked through the real control, at midday and at the last millisecond.
  const purchases: [purchase: string, role: "workstation" | "kiosk" | "server"][] = [
    ["2024-02-29", "workstation"],
    ["2023-03-01", "workstation"],
    ["2025-06-30", "workstation"],
    ["2022-08-09", "kiosk"],
    ["2020-02-29", "server"],
    ["2023-12-31", "server"],
  ];
  for (const [purchase, role] of purchases)
    it(`a ${role} bought ${purchase}`, async () => {
      const fleetMachine = machineBought(purchase, {
        role,
        hardware: { warrantyEnd: "2040-01-01" },
      });
      const report = priceForecast(
        planForecast({ fleet: [fleetMachine], minimums, problems: [] }, settings({ years: 30 })),
      );
      const due = report.lines[0]!.due!;
      const dayBefore = new Date(Date.parse(`${due}T00:00:00Z`) - 1);
      const status = async (at: Date) =>
        (await evaluateControlById("lcm-hardware-age", fleetMachine.machine, { at })).status;
      expect(await status(dayBefore), `the day before ${due}`).to.equal("pass");
      expect(await status(new Date(`${due}T00:00:00Z`)), due).to.equal("fail");
      expect(await status(new Date(`${due}T12:00:00Z`)), due).to.equal("fail");
    });
});

describe("a machine without a purchase date", () => {
  it("still falls due at its server warranty end, saying the refresh age was not counted", () => {
    const server = machineBought("unknown", {
      role: "server",
      hardware: { warrantyEnd: "2028-01-09" },
    });
    const report = priceForecast(
      planForecast({ fleet: [server], minimums, problems: [] }, settings()),
    );
    expect(report.unscheduled).to.deep.equal([]);
    expect(report.lines[0]).to.include({ due: "2028-01-10", reason: "warranty-end" });
    expect(report.lines[0]!.detail).to.include("refresh age not counted");
  });
});
