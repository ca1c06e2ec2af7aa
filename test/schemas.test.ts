import type { TSchema } from "@sinclair/typebox";
import { expect } from "chai";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { publishedSchemas } from "../src/cli/published-schemas.js";
import { POLICIES_DIR, PROJECT_ROOT } from "../src/support/project-root.js";
import { createAjv, validatorFor, type ExplainingValidator } from "../src/documents/ajv.js";
import { GENERATED_VALIDATORS, POLICY_FILE_SCHEMAS } from "../scripts/validator-code.js";
import { MachineConfigSchema } from "../src/machine-config/schema.js";
import isMachineConfig from "../src/machine-config/machine-config.validate.cjs";
import { readDocumentSync } from "../src/documents/read-document.js";
import * as policyValidators from "../src/check/policy/policy-files.validate.cjs";
import inventoryValidator from "../src/hosts/inventory.validate.cjs";
import { HostsInventorySchema } from "../src/hosts/inventory-schema.js";
import edrCatalogValidator from "../src/collect/linux/edr-catalog.validate.cjs";
import { EdrCatalogSchema } from "../src/collect/linux/edr-catalog-schema.js";
import { validationProblems } from "../src/documents/validation-problems.js";

type Path = readonly (string | number)[];

/** Every path in a document, the document itself first. */
const pathsOf = (node: unknown, at: Path = []): Path[] => {
  if (node === null || typeof node !== "object") return [at];
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  return [at, ...keys.flatMap((k) => pathsOf((node as Record<string, unknown>)[k], [...at, k]))];
};

/** A copy of the document with the value at a path replaced, or deleted when undefined. */
const changed = (doc: unknown, at: Path, value: unknown): unknown => {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (value !== undefined) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
};

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
  for (const { file, code } of GENERATED_VALIDATORS) {
    it(`${file} is what its schema generates (run npm run validators)`, async () => {
      expect(await readFile(path.join(PROJECT_ROOT, file), "utf8")).to.equal(code());
    });
  }
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

describe("the precompiled policy file, inventory and agent list validators", () => {
  // Compiled with validatorFor's options, each must find the same problems as validatorFor's own
  // validator: on the shipped file, and on copies with a value replaced or deleted.
  const replacements: unknown[] = [null, "", "x", -1, 1.5, true, {}, [], "2026-02-30", undefined];
  const samples: Record<keyof typeof POLICY_FILE_SCHEMAS, string> = {
    baseline: "policies/baselines/security.yaml",
    overlay: "examples/millbrook/overlay.yaml",
    waivers: "examples/millbrook/waivers.yaml",
    osLifecycle: "policies/data/os-lifecycle.yaml",
    softwareCatalog: "policies/data/software-catalog.yaml",
    appLifecycle: "policies/data/app-lifecycle.yaml",
    cisSafeguards: "policies/data/cis-controls-v8.yaml",
  };
  const firstEntries = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.slice(0, 2).map(firstEntries);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, firstEntries(v)]));
  };
  const problemsOf = (
    validate: Pick<ExplainingValidator<unknown>, "errors"> & ((data: unknown) => boolean),
    doc: unknown,
  ) => (validate(doc) ? [] : validationProblems(validate.errors ?? [], "f.yaml"));

  const cases = [
    ...Object.entries(POLICY_FILE_SCHEMAS).map(([name, schema]) => ({
      name,
      schema,
      file: samples[name as keyof typeof samples],
      precompiled: policyValidators[name as keyof typeof samples],
    })),
    {
      name: "hosts inventory",
      schema: HostsInventorySchema as TSchema,
      file: "examples/millbrook/hosts.yaml",
      precompiled: inventoryValidator,
    },
    {
      name: "endpoint-protection agent list",
      schema: EdrCatalogSchema as TSchema,
      file: "policies/data/edr-agents.yaml",
      precompiled: edrCatalogValidator,
    },
  ];
  for (const { name, schema, file, precompiled } of cases) {
    it(`${name}: the same problems as the schema compiled at run time, in ${file}`, () => {
      const doc = readDocumentSync(path.join(PROJECT_ROOT, file));
      if (!doc.ok) throw new Error(`${file}: ${doc.problem.message}`);
      const compiled = validatorFor(schema);
      // Every list cut to its first two entries keeps this to a fraction of a second.
      const sample = firstEntries(doc.value);
      const candidates = [sample];
      for (const at of pathsOf(sample).slice(1)) {
        for (const value of replacements) candidates.push(changed(sample, at, value));
        candidates.push(changed(sample, [...at.slice(0, -1), "unexpected"], 1));
      }
      let refused = 0;
      for (const candidate of candidates) {
        const expected = problemsOf(compiled, candidate);
        expect(problemsOf(precompiled, candidate), JSON.stringify(candidate)).to.deep.equal(
          expected,
        );
        if (expected.length > 0) refused += 1;
      }
      expect(problemsOf(precompiled, doc.value)).to.deep.equal([]);
      expect(refused).to.be.above(50);
    });
  }
});
