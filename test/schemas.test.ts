import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { publishedSchemas } from "../src/cli/published-schemas.js";
import { POLICIES_DIR, PROJECT_ROOT } from "../src/support/project-root.js";
import { createAjv } from "../src/documents/ajv.js";
import { MACHINE_VALIDATOR_FILE, machineValidatorCode } from "../scripts/validator-code.js";

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
