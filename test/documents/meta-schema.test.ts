import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { createAjv } from "../../src/documents/ajv.js";
import { ajvOptions } from "../../src/documents/ajv-options.js";
import validateMetaSchema2020 from "../../src/documents/meta-schema-2020.validate.cjs";
import { POLICIES_DIR } from "../../src/support/project-root.js";

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** ajv itself, compiling its meta-schema as it did before the validator was precompiled. */
const ajvOwn = (fast = false) => addFormats(new Ajv2020(ajvOptions({ untrusted: true, fast })));

type Parameters = Record<string, { schema: object; default: unknown }>;

/** A check fragment with each {"$param": name} replaced by the parameter's default, as resolved. */
function withDefaults(node: unknown, parameters: Parameters): unknown {
  if (Array.isArray(node)) return node.map((n) => withDefaults(n, parameters));
  if (node === null || typeof node !== "object") return node;
  const name = (node as { $param?: string }).$param;
  if (name !== undefined) return parameters[name]?.default;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withDefaults(v, parameters)]));
}

/** Every check fragment and parameter schema of the bundled baselines. */
function baselineSchemas(): object[] {
  const found: object[] = [];
  for (const id of ["security", "lifecycle", "acceptable-use"]) {
    const file = path.join(POLICIES_DIR, "baselines", `${id}.yaml`);
    const baseline = parse(readFileSync(file, "utf8")) as {
      controls: { check: { schema?: object }; parameters?: Parameters }[];
    };
    for (const control of baseline.controls) {
      const parameters = control.parameters ?? {};
      if (control.check.schema)
        found.push(withDefaults(control.check.schema, parameters) as object);
      for (const p of Object.values(parameters)) found.push(p.schema);
    }
  }
  return found;
}

const invalid: [string, object][] = [
  ["a minimum that is not a number", { properties: { a: { minimum: "eight" } } }],
  ["an unknown type", { type: "strin" }],
  ["properties that are not an object", { properties: 3 }],
  ["required as a string", { required: "hostname" }],
  ["an enum that is not a list", { properties: { a: { enum: "a" } } }],
  ["a negative maxLength deep down", { properties: { a: { items: { maxLength: -1 } } } }],
  ["an empty anyOf", { anyOf: [] }],
  ["a definition with a wrong type", { $defs: { x: { type: 1 } } }],
  ["two mistakes at once", { type: "strin", properties: { a: { minimum: "eight" } } }],
  ["dependentRequired with a number", { dependentRequired: { a: [1] } }],
];

describe("the precompiled 2020-12 meta-schema validator", () => {
  it("accepts every schema of the bundled baselines, as ajv does", () => {
    const schemas = baselineSchemas();
    expect(schemas.length).to.be.above(40);
    const own = ajvOwn();
    for (const schema of schemas) {
      expect(own.validateSchema(schema), JSON.stringify(schema)).to.equal(true);
      expect(validateMetaSchema2020(schema), JSON.stringify(schema)).to.equal(true);
    }
  });

  for (const [name, schema] of invalid) {
    it(`refuses ${name} with ajv's own errors and message`, () => {
      const own = ajvOwn();
      expect(own.validateSchema(schema)).to.equal(false);
      expect(validateMetaSchema2020(schema)).to.equal(false);
      expect(validateMetaSchema2020.errors).to.deep.equal(own.errors);
      const ours = createAjv({ untrusted: true });
      expect(() => ours.compile(schema)).to.throw(
        `schema is invalid: ${own.errorsText(own.errors)}`,
      );
    });
  }

  it("names every mistake of a schema, also for the yes/no instances, where ajv named the first", () => {
    const [, schema] = invalid.find(([name]) => name === "two mistakes at once")!;
    const messageOf = (compile: () => unknown): string => {
      try {
        compile();
      } catch (error) {
        return (error as Error).message;
      }
      return expect.fail("compiled a schema the meta-schema refuses");
    };
    const every = messageOf(() => createAjv({ untrusted: true, fast: true }).compile(schema));
    expect(every).to.match(/data\/type must be equal to one of the allowed values/);
    expect(every).to.match(/data\/properties\/a\/minimum must be number/);
    const first = messageOf(() => ajvOwn(true).compile(schema));
    expect(first.length).to.be.below(every.length);
  });

  it("leaves a schema that names its own meta-schema to ajv", () => {
    const ours = createAjv({ untrusted: true });
    expect(() => ours.compile({ $schema: "https://example.org/unknown" })).to.throw(
      /no schema with key or ref "https:\/\/example.org\/unknown"/,
    );
    expect(
      ours.validateSchema({ $schema: "https://json-schema.org/draft/2020-12/schema" }),
    ).to.equal(true);
  });
});
