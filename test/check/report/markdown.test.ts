import { expect } from "chai";
import { render, renderMarkdown } from "../../../src/check/report/markdown.js";
import { cell } from "../../../src/output/markdown-text.js";
import { HOSTILE_REMEDIATION, largeReport, sampleReport } from "../../fixtures/sample-report.js";
import { textOf } from "./helpers.js";

describe("markdown reporter", () => {
  const md = textOf(render, sampleReport());

  it("states the verdict and the fleet score", () => {
    expect(md).to.include("❌ **Gate failed** — fleet score **61.3**");
    expect(md).to.include("- fleet score 61.3 is below 80");
    const passed = sampleReport({
      gate: { failOn: "high", minScore: 0, passed: true, reasons: [] },
    });
    expect(textOf(render, passed)).to.include("✅ **Gate passed**");
  });

  it("says near the top what the run's controls cover of CIS Controls v8 IG1 and IG2", () => {
    const top = md.slice(0, md.indexOf("## Scores"));
    expect(top).to.include(
      "CIS Controls v8 coverage: these controls check 2 of 2 IG1 safeguards and 2 of 3 IG1 and IG2 " +
        "safeguards; 0 IG1 and 1 IG1 and IG2 safeguards are not checked ([Coverage](#coverage)).",
    );
  });

  it("has a Coverage section: counts per group, the safeguards not checked, and where the full map is", () => {
    const section = md.slice(
      md.indexOf("## Coverage"),
      md.indexOf("\n## ", md.indexOf("## Coverage") + 1),
    );
    expect(section).to.include("| IG1 | 2 | 0 | 2 |");
    expect(section).to.include("| IG1 and IG2 | 2 | 1 | 3 |");
    expect(section).to.include("`docs/coverage.md`");
    expect(section).to.include("| `12.4` | 2 | Establish and Maintain Architecture Diagram(s) |");
    expect(section).not.to.include("18.4");
  });

  it("caps the safeguards not checked, IG1 first, and counts the rest", () => {
    const report = sampleReport();
    const safeguards = [
      ...Array.from({ length: 3 }, (_, i) => ({
        id: `9.${i + 1}`,
        title: `IG2 safeguard ${i + 1}`,
        implementationGroup: 2 as const,
        controls: [],
      })),
      { id: "10.1", title: "IG1 safeguard", implementationGroup: 1 as const, controls: [] },
    ];
    const text = textOf((r, w) => renderMarkdown(r, w, { maxControls: 2 }), {
      ...report,
      coverage: { ...report.coverage, safeguards },
    });
    const rows = text.split("\n").filter((l) => /^\| `(9|10)\./.test(l));
    expect(rows).to.deep.equal([
      "| `10.1` | 1 | IG1 safeguard |",
      "| `9.1` | 2 | IG2 safeguard 1 |",
    ]);
    expect(text).to.include("2 more safeguards not checked");
  });

  it("escapes pipes and markup in cell values", () => {
    expect(md).to.include("Antivirus \\| EDR is installed and running");
    expect(md).to.include("Machine is &lt;listed&gt; in the asset register &amp; reports");
    expect(md).to.include('lib-&lt;&amp;"kiosk&gt;');
    // Every table row has as many unescaped pipes as its header.
    for (const table of md.split("\n\n").filter((b) => b.startsWith("| "))) {
      const widths = table.split("\n").map((row) => row.split(/(?<!\\)\|/).length);
      expect(new Set(widths).size, table).to.equal(1);
    }
  });

  const escapes: [string, string][] = [
    ["a|b", "a\\|b"],
    ["*bold* _it_", "\\*bold\\* \\_it\\_"],
    ["[link](x)", "\\[link\\](x)"],
    ["<script>&", "&lt;script&gt;&amp;"],
    ["two\nlines", "two<br>lines"],
    ["back\\slash `code`", "back\\\\slash \\`code\\`"],
  ];
  for (const [input, output] of escapes) {
    it(`escapes ${JSON.stringify(input)}`, () => expect(cell(input)).to.equal(output));
  }

  it("has score tables by department and site, top controls, waivers, problems and reproduction", () => {
    expect(md).to.include("| Department | Score |");
    expect(md).to.include("| Site | Score |");
    expect(md).to.include("| `disk-encryption-enabled` | critical |");
    expect(md).to.include("## Expired waivers");
    expect(md).to.include(
      "| `examples/fleet.jsonl:3` | `/os/version` | must be string (found 11) |",
    );
    expect(md).to.include("stronghold check --at 2025-03-01T08:00:00.000Z");
  });

  it("says how to fix each top failing control, escaped", () => {
    expect(md).to.include(
      "| `disk-encryption-enabled` | critical | Disk encryption is enabled | 2 | 0 | Remediation of disk-encryption-enabled. |",
    );
    expect(md).to.include(`| ${cell(HOSTILE_REMEDIATION)} |`);
    expect(cell(HOSTILE_REMEDIATION)).to.not.match(/(?<!\\)[|`*[<]/);
  });

  it("says why each failing machine fails, next to the control", () => {
    expect(md).to.include(
      "| pc-01 | police | town-hall | 47.4 | `disk-encryption-enabled`: /security/diskEncryption: found false, expected true |",
    );
    const kiosk = md.split("\n").find((l) => l.startsWith("| lib-&lt;"));
    expect(kiosk).to.include(
      '`disk-encryption-enabled`: /security/diskEncryption: found "unknown", expected true; /security/tpm: found absent, expected a TPM 2.0 chip<br>',
    );
    expect(kiosk).to.include(
      '`antivirus-running`: could not be evaluated: check threw: Cannot read properties of undefined (reading "running") &amp; &lt;more&gt;',
    );
  });

  it("caps the failing machines table and counts the rest", () => {
    const text = textOf((r, w) => renderMarkdown(r, w, { maxMachines: 10 }), largeReport(30));
    expect(text).to.include("## Failing machines (30)");
    expect(text.match(/^\| pc-\d{5} \|/gm)).to.have.length(10);
    expect(text).to.include("…and 20 more failing machines.");
  });
});
