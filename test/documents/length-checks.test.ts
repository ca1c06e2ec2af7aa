// The precompiled validators test a string's UTF-16 length before counting its characters; a
// property test holds them to the answers of ajv's own code, astral characters included.
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import AjvModule from "ajv";
import standaloneModule from "ajv/dist/standalone/index.js";
import { lengthChecksByUnitsFirst } from "../../scripts/validator-code.js";

type Validate = (data: unknown) => boolean;
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const standaloneCode = (standaloneModule as unknown as { default: typeof standaloneModule })
  .default as unknown as (ajv: InstanceType<typeof Ajv>, validate: unknown) => string;
const require = createRequire(import.meta.url);

/** Loads generated CommonJS code as Node loads the generated files: from a .cjs file. */
function load(code: string, dir: string, name: string): Validate {
  const file = path.join(dir, `${name}.cjs`);
  // Its requires of ajv's runtime resolve from this project, not from the temporary folder.
  const resolved = code.replace(
    /require\("(ajv\/[^"]+)"\)/g,
    (_all, id: string) => `require(${JSON.stringify(require.resolve(id))})`,
  );
  writeFileSync(file, resolved);
  return require(file) as Validate;
}

describe("length checks by UTF-16 units first", () => {
  const schema = {
    type: "object",
    properties: {
      short: { type: "string", minLength: 3, maxLength: 5 },
      name: { type: "string", minLength: 1, maxLength: 12 },
    },
  };
  const ajv = new Ajv({ code: { source: true }, allErrors: false });
  const compiled = ajv.compile(schema);
  const code = standaloneCode(ajv, compiled);
  const rewritten = lengthChecksByUnitsFirst(code);
  const dir = mkdtempSync(path.join(tmpdir(), "stronghold-length-checks-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const original = load(code, dir, "original");
  const units = load(rewritten, dir, "rewritten");

  it("rewrites every count ajv generated", () => {
    expect(rewritten).to.not.equal(code);
    expect(rewritten).to.match(/\.length > 5 && func\d+\(\w+\) > 5\)/);
    expect(rewritten).to.match(/\.length < 6 && func\d+\(\w+\) < 3\)/);
    expect(rewritten.match(/func\d+\(\w+\) [<>] \d+/g)).to.have.length(4);
  });

  it("answers as ajv's own code for strings of any mix of one- and two-unit characters", () => {
    // Letters, an accented letter, emoji and a CJK character outside the BMP (two units each).
    const char = fc.constantFrom("a", "é", "😀", "𠀀", " ");
    const text = fc.array(char, { maxLength: 16 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(text, text, (short, name) => {
        const data = { short, name };
        expect(units(data), JSON.stringify(data)).to.equal(original(data));
        expect(original(data)).to.equal(compiled(data));
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves code without length checks as it is", () => {
    expect(lengthChecksByUnitsFirst("const x = 1;")).to.equal("const x = 1;");
  });
});
