import { expect } from "chai";
import { render, renderTable } from "../../../src/check/report/table.js";
import {
  HOSTILE_HOST,
  HOSTILE_REMEDIATION,
  largeReport,
  sampleReport,
} from "../../fixtures/sample-report.js";
import { ANSI, chunksOf, textOf } from "./helpers.js";

const plain = (report = sampleReport(), maxMachines?: number) =>
  textOf(
    (r, w) => renderTable(r, w, { color: false, ...(maxMachines ? { maxMachines } : {}) }),
    report,
  );

describe("table reporter", () => {
  it("has no ANSI codes when color is false, and has them when true", () => {
    expect(plain()).not.to.match(ANSI);
    expect(textOf(render, sampleReport())).not.to.match(ANSI);
    expect(textOf((r, w) => renderTable(r, w, { color: true }), sampleReport())).to.match(ANSI);
  });

  it("prints the header: evaluation time, baselines and overlay", () => {
    const text = plain();
    expect(text).to.include("2025-03-01T08:00:00.000Z");
    expect(text).to.include("town-workstation 1.2.0");
    expect(text).to.include("millbrook (policies/overlays/millbrook.yaml)");
    expect(plain(sampleReport({ overlay: undefined }))).to.match(/Overlay\s+none/);
  });

  it("aligns the score columns of departments and sites", () => {
    const lines = plain().split("\n");
    const start = lines.findIndex((l) => l.includes("DEPARTMENT"));
    const header = lines[start] as string;
    const scoreEnd = header.indexOf("SCORE") + "SCORE".length;
    for (const line of lines.slice(start + 1, start + 4)) {
      expect(line.slice(scoreEnd - 5, scoreEnd)).to.match(/^\s*\d+\.\d$/);
    }
  });

  it("lists the worst controls first, with severity and title", () => {
    const text = plain();
    const worst = text.slice(text.indexOf("Worst controls"));
    expect(worst.indexOf("disk-encryption-enabled")).to.be.lessThan(
      worst.indexOf("asset-registered"),
    );
    expect(worst).to.match(
      /2\s+0\s+critical\s+disk-encryption-enabled\s+Disk encryption is enabled/,
    );
  });

  it("lists failing machines lowest score first, and counts the rest", () => {
    const text = plain(sampleReport(), 2);
    expect(text).to.include("Failing machines (3)");
    expect(text.indexOf("LAPTOP-0042")).to.be.lessThan(text.indexOf(HOSTILE_HOST));
    expect(text).to.include("…and 1 more");
    expect(text).not.to.match(/pc-01\s+police\s+47\.4/);
  });

  it("says why each failing machine fails: the evidence of each failed control, the error of each broken check", () => {
    const text = plain();
    const machines = text.slice(text.indexOf("Failing machines"), text.indexOf("Waivers"));
    expect(machines).to.include(
      '      disk-encryption-enabled: /security/diskEncryption: found "unknown", expected true; /security/tpm: found absent, expected a TPM 2.0 chip\n',
    );
    expect(machines).to.include(
      '      antivirus-running: could not be evaluated: check threw: Cannot read properties of undefined (reading "running") & <more>\n',
    );
    expect(machines).to.include(
      "      asset-registered: (whole machine): found absent, expected a config collected from this register asset\n",
    );
    // The evidence follows its machine's line.
    expect(machines.indexOf("pc-01")).to.be.lessThan(
      machines.indexOf("disk-encryption-enabled: /security/diskEncryption: found false"),
    );
  });

  it("says how to fix each of the worst controls", () => {
    const text = plain();
    const worst = text.slice(text.indexOf("Worst controls"), text.indexOf("Failing machines"));
    expect(worst).to.match(
      /disk-encryption-enabled\s+Disk encryption is enabled\n\s+fix: Remediation of disk-encryption-enabled\.\n/,
    );
    expect(worst).to.include(`fix: ${HOSTILE_REMEDIATION}`);
  });

  it("flags expired waivers and shows valid ones", () => {
    const text = plain();
    expect(text).to.match(
      /disk-encryption-enabled\s+EXPIRED waiver W-7 by A\. Smith, expires 2024-01-01/,
    );
    expect(text).to.include("waived: W-12 by J. Doe (IT director), expires 2099-12-31");
  });

  it("prints every input problem with file:line pointer message, however many", () => {
    const problems = Array.from({ length: 250 }, (_, i) => ({
      file: "examples/fleet.jsonl",
      pointer: `/machines/${i}`,
      line: i + 1,
      message: `problem ${i}`,
    }));
    const text = plain(sampleReport({ problems }));
    expect(text).to.include("Input problems (250)");
    for (const p of problems)
      expect(text).to.include(`examples/fleet.jsonl:${p.line} ${p.pointer}  ${p.message}\n`);
    expect(plain()).to.include("examples/broken.yaml  not valid YAML: bad indentation");
  });

  it("prints warnings and the gate verdict with its reasons", () => {
    const text = plain();
    expect(text).to.include("license-compliance skipped");
    expect(text).to.include("Gate: FAILED (fail on high, minimum score 80)");
    expect(text).to.include("  - fleet score 61.3 is below 80");
    const passed = sampleReport({
      gate: { failOn: "critical", minScore: 0, passed: true, reasons: [] },
    });
    expect(plain(passed)).to.include("Gate: PASSED");
  });

  it("writes one chunk per failing machine", () => {
    const chunks = chunksOf(render, sampleReport());
    expect(chunks.filter((c) => /^ {2}(LAPTOP-0042|pc-01) +police /.test(c))).to.have.length(2);
  });
});

describe("table reporter on a large fleet", () => {
  it("caps waivers, expired first, and counts the rest", () => {
    const text = textOf(
      (r, w) => renderTable(r, w, { color: false, maxWaivers: 5 }),
      largeReport(40),
    );
    expect(text).to.include("Waivers (0 expired, 40 valid)");
    expect(text.match(/waived: W-12/g)).to.have.length(5);
    expect(text).to.include("  …and 35 more\n");
    const sample = plain();
    expect(sample.indexOf("EXPIRED")).to.be.lessThan(sample.indexOf("waived: W-12"));
  });
});
