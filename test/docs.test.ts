// The README's examples are run, not just read: its overlay and waivers must load as written.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { loadValidated } from "../src/documents/ajv.js";
import { WaiversSchema } from "../src/check/policy/baseline-schema.js";
import { resolvePolicy } from "../src/check/policy/resolve.js";

async function yamlBlocks(): Promise<string[]> {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe("README examples", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-docs-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("the overlay example tailors the bundled baselines", async () => {
    const block = (await yamlBlocks()).find((b) => /^extends:/m.test(b));
    expect(block).to.be.a("string");
    const file = path.join(dir, "overlay.yaml");
    await writeFile(file, block!);
    const policy = await resolvePolicy({ at: new Date("2026-11-20"), overlayFile: file });
    const overlay = parse(block!) as { deselect: string[] };
    for (const id of overlay.deselect)
      expect(policy.controls.map((c) => c.meta.id)).to.not.include(id);
  });

  it("the waivers example is a valid waivers file", async () => {
    const block = (await yamlBlocks()).find((b) => /^waivers:/m.test(b));
    const file = path.join(dir, "waivers.yaml");
    await writeFile(file, block!);
    const loaded = await loadValidated(file, WaiversSchema);
    expect(loaded.ok, JSON.stringify(loaded)).to.equal(true);
  });
});
