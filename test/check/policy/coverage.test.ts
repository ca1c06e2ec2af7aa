import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { coverageOf } from "../../../src/check/policy/coverage.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { resolvePolicy } from "../../../src/check/policy/resolve.js";
import { bundledCoveragePage } from "../../../src/check/report/bundled-coverage.js";
import { PROJECT_ROOT } from "../../../src/support/project-root.js";

const data = await loadReferenceData();

describe("coverage map (CIS Controls v8, IG1 and IG2)", () => {
  it("the safeguard table holds the 153 v8 safeguards, numbered uniquely, 131 of them in IG1 or IG2", () => {
    const ids = data.cisSafeguards.safeguards.map((s) => s.id);
    expect(ids).to.have.length(153);
    expect(new Set(ids).size).to.equal(153);
    expect(data.cisSafeguards.safeguards.filter((s) => s.ig <= 2)).to.have.length(131);
  });

  it("every CIS Controls reference of every bundled control is a v8 safeguard", async () => {
    const known = new Set(data.cisSafeguards.safeguards.map((s) => s.id));
    const policy = await resolvePolicy({ at: new Date("2026-11-20") });
    for (const c of policy.controls)
      for (const ref of c.meta.references.cisControls ?? [])
        expect(known.has(ref), `${c.meta.id} references ${ref}`).to.equal(true);
  });

  it("maps each safeguard to the controls that reference it, leaves IG3 out and counts per group", () => {
    const coverage = coverageOf(
      [
        { id: "a-one", baseline: "x", references: { cisControls: ["4.7", "12.6", "4.7"] } },
        { id: "b-two", baseline: "y", references: { cisControls: ["4.7", "18.4"] } },
        { id: "c-three", baseline: "y", references: {} },
      ],
      {
        source: "https://example.org/cis",
        safeguards: [
          { id: "4.7", ig: 1, title: "Manage Default Accounts on Enterprise Assets and Software" },
          { id: "5.1", ig: 1, title: "Establish and Maintain an Inventory of Accounts" },
          {
            id: "12.6",
            ig: 2,
            title: "Use of Secure Network Management and Communication Protocols",
          },
          { id: "18.4", ig: 3, title: "Validate Security Measures" },
        ],
      },
    );
    expect(coverage.safeguards.map((s) => [s.id, s.controls.map((c) => c.id)])).to.deep.equal([
      ["4.7", ["a-one", "b-two"]],
      ["5.1", []],
      ["12.6", ["a-one"]],
    ]);
    expect(coverage.summary).to.deep.equal({
      ig1: { covered: 1, total: 2 },
      ig2: { covered: 2, total: 3 },
    });
  });

  it("docs/coverage.md is what scripts/write-coverage.ts generates from the baselines", async () => {
    const onDisk = await readFile(path.join(PROJECT_ROOT, "docs", "coverage.md"), "utf8");
    expect(
      onDisk === (await bundledCoveragePage()),
      "run `npx tsx scripts/write-coverage.ts`",
    ).to.equal(true);
  });

  it("the page lists covered and uncovered safeguards with the baselines' control ids", async () => {
    const page = await bundledCoveragePage();
    expect(page).to.match(
      /\| 4\.7 +\| Manage Default Accounts on Enterprise Assets and Software +\| IG1 +\| `sec-guest-account-disabled`, `sec-netdev-default-credentials`/,
    );
    expect(page).to.include("- 14.1 Establish and Maintain a Security Awareness Program");
  });
});
