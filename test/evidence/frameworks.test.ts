// The framework map (policies/data/evidence-frameworks.yaml) and the ids the baselines use: every
// CIS safeguard and CSF subcategory named anywhere exists in the data files; a broken map is
// reported with its place in the file.
import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { RUNBOOKS } from "../../runbooks/index.js";
import {
  FRAMEWORK_FILES,
  loadEvidenceFrameworks,
  loadFrameworkCatalog,
  unknownIds,
} from "../../src/evidence/frameworks.js";
import { POLICIES_DIR } from "../../src/support/project-root.js";

const RUNBOOK_IDS = RUNBOOKS.map((r) => r.meta.id);

describe("evidence framework map", () => {
  it("loads, and maps every runbook", async () => {
    const loaded = await loadEvidenceFrameworks(RUNBOOK_IDS);
    expect(loaded.ok, loaded.ok ? "" : JSON.stringify(loaded.problems)).to.equal(true);
    if (!loaded.ok) return;
    expect(Object.keys(loaded.map.drills).sort()).to.deep.equal([...RUNBOOK_IDS].sort());
  });

  it("a passing restore test is evidence for CIS 11.5 and CSF PR.DS-11 and RC.RP-03", async () => {
    const loaded = await loadEvidenceFrameworks(RUNBOOK_IDS);
    if (!loaded.ok) throw new Error("map does not load");
    expect(loaded.map.drills["restore-test"]!.cis).to.include("11.5");
    expect(loaded.map.drills["restore-test"]!.csf).to.include.members(["PR.DS-11", "RC.RP-03"]);
    expect(loaded.map.drills["backup-integrity"]!.cis).to.include.members(["11.2", "11.3"]);
    expect(loaded.map.drills["site-loss"]!.cis).to.include("11.4");
    expect(loaded.map.infraPlan.cis).to.include.members(["11.3", "11.4"]);
    expect(loaded.map.collect.csf).to.include.members(["ID.AM-01", "ID.AM-02"]);
  });

  it("every cisControls and csf reference of every baseline exists in the data files", async () => {
    const catalog = await loadFrameworkCatalog();
    if (!catalog.ok) throw new Error(JSON.stringify(catalog.problems));
    const dir = path.join(POLICIES_DIR, "baselines");
    const problems = [];
    for (const name of (await readdir(dir)).filter((f) => f.endsWith(".yaml"))) {
      const file = path.join(dir, name);
      const text = await readFile(file, "utf8");
      const doc = parse(text) as {
        controls: { references?: { cisControls?: string[]; csf?: string[] } }[];
      };
      problems.push(
        ...unknownIds(
          doc.controls.map((c, i) => ({
            pointer: `/controls/${i}/references`,
            ...(c.references?.cisControls ? { cis: c.references.cisControls } : {}),
            ...(c.references?.csf ? { csf: c.references.csf } : {}),
          })),
          catalog.catalog,
          file,
          text,
        ),
      );
    }
    expect(problems).to.deep.equal([]);
  });

  describe("a broken map is reported, located", () => {
    let tmp: string;
    before(async () => (tmp = await mkdtemp(path.join(tmpdir(), "stronghold-frameworks-"))));
    after(() => rm(tmp, { recursive: true, force: true }));

    const cases: [string, (text: string) => string, RegExp][] = [
      [
        "an unknown CIS safeguard",
        (t) => t.replace('cis: ["11.5"]', 'cis: ["11.9"]'),
        /evidence-frameworks\.yaml:\d+ \/drills\/restore-test\/cis\/0 "11\.9" is not a CIS Controls v8 safeguard/,
      ],
      [
        "a CSF id not in the subcategory list",
        (t) => t.replace('csf: ["ID.AM-01", "ID.AM-02"]', 'csf: ["ID.AM-01", "ID.AM-99"]'),
        /\/collect\/csf\/1 "ID\.AM-99" is not in nist-csf-2\.0\.yaml/,
      ],
      [
        "a runbook that does not exist",
        (t) => t.replace("  site-loss:", "  site-gone:"),
        /\/drills\/site-gone no runbook "site-gone"/,
      ],
      [
        "a misspelt field",
        (t) => t.replace("infraPlan:", "infraplan:"),
        /evidence-frameworks\.yaml/,
      ],
    ];
    for (const [name, edit, expected] of cases)
      it(name, async () => {
        const file = path.join(tmp, "evidence-frameworks.yaml");
        await writeFile(file, edit(await readFile(FRAMEWORK_FILES.map, "utf8")));
        const loaded = await loadEvidenceFrameworks(RUNBOOK_IDS, { ...FRAMEWORK_FILES, map: file });
        expect(loaded.ok).to.equal(false);
        if (loaded.ok) return;
        const text = loaded.problems
          .map(
            (p) =>
              `${path.basename(p.file)}${p.line === undefined ? "" : `:${p.line}`} ${p.pointer} ${p.message}`,
          )
          .join("\n");
        expect(text).to.match(expected);
        for (const p of loaded.problems) expect(p.file).to.equal(file);
      });
  });
});
