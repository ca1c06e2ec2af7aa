import { expect } from "chai";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { publishedSchemas } from "../src/cli/published-schemas.js";
import { POLICIES_DIR, PROJECT_ROOT } from "../src/support/project-root.js";
import { createAjv } from "../src/documents/ajv.js";
import { MACHINE_VALIDATOR_FILE, machineValidatorCode } from "../scripts/validator-code.js";
import { MachineConfigSchema } from "../src/machine-config/schema.js";
import isMachineConfig from "../src/machine-config/machine-config.validate.cjs";
import { readDocumentSync } from "../src/documents/read-document.js";

describe("published JSON Schemas", () => {
  for (const [file, text] of publishedSchemas()) {
    it(`policies/schemas/${file} is what the TypeBox source generates (run npm run schemas)`, async () => {
      expect(await readFile(path.join(POLICIES_DIR, "schemas", file), "utf8")).to.equal(text);
    });
    it(`${file} is a valid draft 2020-12 schema`, () => {
      const ajv = createAjv();
      expect(() => ajv.compile(JSON.parse(text) as object)).to.not.throw();
    });
  }
});

describe("precompiled validators", () => {
  it(`${MACHINE_VALIDATOR_FILE} is what the machine-config schema generates (run npm run validators)`, async () => {
    expect(await readFile(path.join(PROJECT_ROOT, MACHINE_VALIDATOR_FILE), "utf8")).to.equal(
      machineValidatorCode(),
    );
  });
});

describe("the precompiled machine-config validator", () => {
  // Compiled by ajv's draft-07 class from a split copy of the schema, it must answer exactly as
  // the 2020-12 schema does: on every sample machine, and on copies with each field replaced by
  // a value around the schema's limits or deleted, and with an unknown key in each object.
  const replacements: unknown[] = [
    null,
    "",
    "unknown",
    -1,
    1.5,
    true,
    {},
    [],
    "x".repeat(257),
    "\u{1F600}".repeat(256),
    "2026-02-30",
    "2026-11-18T25:00:00Z",
    "fe80::1",
    undefined,
  ];
  type Path = readonly (string | number)[];
  const pathsOf = (node: unknown, at: Path = []): Path[] => {
    if (node === null || typeof node !== "object") return [at];
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    return [at, ...keys.flatMap((k) => pathsOf((node as Record<string, unknown>)[k], [...at, k]))];
  };
  const changed = (machine: unknown, at: Path, value: unknown): unknown => {
    const copy = structuredClone(machine) as Record<string | number, unknown>;
    let parent = copy;
    for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = at[at.length - 1]!;
    if (value !== undefined) parent[last] = value;
    else if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
    return copy;
  };

  it("accepts and refuses what the 2020-12 schema does, on the sample town and changes to it", async () => {
    const dir = path.join(PROJECT_ROOT, "examples", "millbrook", "machines");
    const full = createAjv({ fast: true }).compile(MachineConfigSchema);
    let compared = 0;
    let accepted = 0;
    // One machine of each OS family and role keeps this to a few seconds.
    const kinds = new Set<string>();
    for (const file of (await readdir(dir)).sort()) {
      const doc = readDocumentSync(path.join(dir, file));
      if (!doc.ok) throw new Error(`${file}: ${doc.problem.message}`);
      const machine = doc.value as { os?: { family?: string }; role?: string };
      const kind = `${machine.os?.family} ${machine.role}`;
      if (kinds.has(kind)) continue;
      kinds.add(kind);
      const candidates = [doc.value];
      for (const at of pathsOf(doc.value).slice(1)) {
        for (const value of replacements) candidates.push(changed(doc.value, at, value));
        const target = at.reduce<unknown>(
          (n, k) => (n as Record<string | number, unknown>)[k],
          doc.value,
        );
        if (target !== null && typeof target === "object" && !Array.isArray(target))
          candidates.push(changed(doc.value, [...at, "unexpected"], 1));
      }
      for (const candidate of candidates) {
        const expected = full(candidate);
        if (isMachineConfig(candidate) !== expected)
          expect.fail(
            `${file}: ${JSON.stringify(candidate)} should be ${expected ? "accepted" : "refused"}`,
          );
        compared += 1;
        if (expected) accepted += 1;
      }
    }
    // Both answers must occur often, or the comparison proves little.
    expect(accepted).to.be.above(500);
    expect(compared - accepted).to.be.above(5000);
  });
});
