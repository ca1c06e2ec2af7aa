// The deadline calendar: what falls in the next twelve months, as Markdown and as an RFC 5545
// .ics file that ical.js parses back to the same events.
import { expect } from "chai";
import ICAL from "ical.js";
import { deadlines } from "../../src/budget/deadlines.js";
import { planForecast, priceForecast } from "../../src/budget/forecast.js";
import { renderCalendar } from "../../src/budget/format-calendar.js";
import { foldLine, renderIcs } from "../../src/budget/format-ics.js";
import { loadOsHardwareMinimums } from "../../src/budget/os-hardware.js";
import type { ContractRegister } from "../../src/budget/contracts.js";
import { machineBought, settings } from "./fixtures.js";

const minimums = await loadOsHardwareMinimums();

// BUDGET_AT is 2026-11-20: the window runs to 2027-11-20, both days included.
const LONG =
  "Évaluation, «renouvellement»; licence du logiciel de gestion des permis de construire — 长期支持 🚒 and more text to fold";
const licenses = {
  file: "licenses.csv",
  entries: [
    { product: "Today", seats: 1, licenseType: "Sub", expires: "2026-11-20", line: 2 },
    { product: "Last day", seats: 1, licenseType: "Sub", expires: "2027-11-20", line: 3 },
    { product: "Too late", seats: 1, licenseType: "Sub", expires: "2027-11-21", line: 4 },
    { product: "Yesterday", seats: 1, licenseType: "Sub", expires: "2026-11-19", line: 5 },
    { product: LONG, seats: 3, licenseType: "Sub", expires: "2027-02-28", line: 6 },
    { product: "Perpetual", seats: 1, licenseType: "Perpetual", line: 7 },
  ],
};
const contracts: ContractRegister = {
  file: "contracts.csv",
  contracts: [
    {
      vendor: "Harborview Software",
      service: "ERP hosting",
      annualCents: 100,
      start: "2024-07-01",
      end: "2027-06-30",
      noticeDays: 120,
      noticeBy: "2027-03-02",
      department: "finance",
      performanceNotes: "Slow, but within SLA; review",
      line: 2,
    },
  ],
};
const fleet = [
  machineBought(
    "2024-01-01",
    { hostname: "ws-1", hardware: { warrantyEnd: "2027-01-01" } },
    "2027-10-12",
  ),
  machineBought("2024-01-01", { hostname: "ws-2", department: "police" }, "2027-10-12"),
  machineBought("2024-01-01", { hostname: "ws-3", hardware: { warrantyEnd: "2028-01-01" } }),
  machineBought("2024-01-01", {
    hostname: "gone",
    lifecycle: { status: "disposed" },
    hardware: { warrantyEnd: "2027-01-01" },
  }),
];

describe("deadline calendar", () => {
  it("takes what falls from today to twelve months later, both days included", () => {
    const found = deadlines("2026-11-20", fleet, licenses, contracts);
    expect(found.map((d) => [d.date, d.kind, d.subjects.join(" ")])).to.deep.equal([
      ["2026-11-20", "license-expiry", "Today"],
      ["2027-01-01", "warranty-end", "ws-1"],
      ["2027-02-28", "license-expiry", LONG],
      ["2027-03-02", "contract-notice", "ERP hosting"],
      ["2027-10-12", "os-end-of-support", "ws-1 ws-2"],
      ["2027-11-20", "license-expiry", "Last day"],
    ]);
    const os = found.find((d) => d.kind === "os-end-of-support")!;
    expect(os.title).to.equal("End of support: Windows 11 Enterprise 24H2 (2 machines)");
    expect(os.department).to.equal("town-wide");
  });

  const report = () =>
    priceForecast(planForecast({ fleet, minimums, licenses, contracts, problems: [] }, settings()));

  it("the .ics parses with ical.js into the same events, dates and text", () => {
    const ics = renderIcs(report());
    const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    expect(calendar.getFirstPropertyValue("version")).to.equal("2.0");
    expect(calendar.getFirstPropertyValue("prodid")).to.be.a("string");
    const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
    expect(events).to.have.length(6);
    const long = events.find((e) => e.summary.includes("Évaluation"))!;
    expect(long.summary).to.equal(`License expires: ${LONG} (3 seats)`);
    expect(long.startDate.toString()).to.equal("2027-02-28");
    expect(long.startDate.isDate).to.equal(true);
    expect(long.endDate.toString()).to.equal("2027-03-01");
    const notice = events.find((e) => e.summary.startsWith("Renewal notice"))!;
    expect(notice.description).to.equal(
      "Department: finance\nConcerns: ERP hosting\nSource: contracts.csv line 2\nNotes: Slow, but within SLA; review",
    );
    const uids = events.map((e) => e.uid);
    expect(new Set(uids).size).to.equal(6);
    for (const e of events) {
      expect(e.uid).to.match(/^[0-9a-f]{32}@stronghold$/);
      const stamp = e.component.getFirstPropertyValue("dtstamp") as ICAL.Time;
      expect(stamp.toString()).to.equal("2026-11-20T12:00:00Z");
    }
    // The same inputs give the same file, UIDs included, so a subscribed calendar does not churn.
    expect(renderIcs(report())).to.equal(ics);
  });

  it("the .ics uses CRLF only and folds every line at 75 octets without splitting a character", () => {
    const ics = renderIcs(report());
    expect(ics.endsWith("\r\n")).to.equal(true);
    expect(ics.replace(/\r\n/g, "")).to.not.match(/[\r\n]/);
    const lines = ics.split("\r\n").slice(0, -1);
    expect(lines.some((l) => l.startsWith(" "))).to.equal(true);
    for (const line of lines) {
      expect(Buffer.byteLength(line, "utf8"), line).to.be.at.most(75);
      expect(line).to.not.include("\uFFFD");
    }
  });

  const folds: [text: string, lines: number][] = [
    ["x".repeat(75), 1],
    ["x".repeat(76), 2],
    ["x".repeat(75 + 74), 2],
    ["x".repeat(75 + 75), 3],
    ["é".repeat(40), 2], // 80 octets: 37 characters (74 octets) fit on the first line
  ];
  for (const [text, count] of folds)
    it(`folds ${Buffer.byteLength(text)} octets of ${JSON.stringify(text[0])} into ${count} line(s)`, () => {
      const lines = foldLine(text).split("\r\n");
      expect(lines).to.have.length(count);
      expect(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join("")).to.equal(text);
      for (const l of lines) expect(Buffer.byteLength(l)).to.be.at.most(75);
    });

  it("folds four-octet characters whole: 19 fire engines are 76 octets, 18 fit", () => {
    const text = "🚒".repeat(19);
    const lines = foldLine(text).split("\r\n");
    expect(lines.map((l) => Buffer.byteLength(l))).to.deep.equal([72, 5]);
  });

  it("Markdown lists each deadline with what it concerns and where it comes from", () => {
    const md = renderCalendar(report());
    expect(md).to.include("# IT deadlines from 2026-11-20, twelve months");
    expect(md).to.include(
      "| 2027-03-02 | renewal notice due: Harborview Software, ERP hosting (term ends 2027-06-30) | finance | ERP hosting | contracts.csv line 2 |",
    );
  });
});
