import { expect } from "chai";
import type { CheckReport } from "../../../src/check/evaluation/report-model.js";
import {
  DEFAULT_FILE_NAMES,
  FORMATS,
  REPORTERS,
  isFormat,
  renderToString,
} from "../../../src/check/report/index.js";
import { largeReport, sampleReport } from "../../fixtures/sample-report.js";
import { chunksOf } from "./helpers.js";

describe("report formats", () => {
  it("has a renderer and a distinct file name for every format", () => {
    expect(FORMATS).to.deep.equal(["table", "json", "junit", "sarif", "markdown"]);
    expect(DEFAULT_FILE_NAMES).to.deep.equal({
      table: "stronghold-report.txt",
      json: "stronghold-report.json",
      junit: "stronghold-report.junit.xml",
      sarif: "stronghold-report.sarif",
      markdown: "stronghold-report.md",
    });
    expect(isFormat("sarif")).to.equal(true);
    expect(isFormat("toString")).to.equal(false);
  });

  for (const format of FORMATS) {
    describe(format, () => {
      it("writes in several chunks that join to the whole document", () => {
        const report = sampleReport();
        const chunks = chunksOf(REPORTERS[format].render, report);
        expect(chunks.length).to.be.greaterThan(report.subjects.length);
        expect(chunks.join("")).to.equal(renderToString(format, report));
        expect(chunks.every((c) => typeof c === "string")).to.equal(true);
      });

      it("streams a large fleet: at least one write per machine, no chunk grows with the fleet", () => {
        const report: CheckReport = largeReport(2000);
        const chunks = chunksOf(REPORTERS[format].render, report);
        // The table and Markdown list only the worst machines; the full formats write each one.
        const perMachine = format === "table" || format === "markdown" ? 1 : report.subjects.length;
        expect(chunks.length).to.be.at.least(perMachine);
        const largest = Math.max(...chunks.map((c) => c.length));
        expect(largest, `largest chunk of ${format}`).to.be.below(20_000);
      });

      it("is deterministic", () => {
        expect(renderToString(format, sampleReport())).to.equal(
          renderToString(format, sampleReport()),
        );
      });
    });
  }
});
