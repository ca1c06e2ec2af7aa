/**
 * Schema errors a person can act on: only the union branch that fits best, "did you mean" for a
 * wrong case or a close misspelling, what an object must contain, and the bundled baseline ids.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { validatorFor } from "../../src/documents/ajv.js";
import { validationProblems } from "../../src/documents/validation-problems.js";
import { MachineConfigSchema } from "../../src/machine-config/schema.js";
import { DrillConfigSchema } from "../../src/drill/planning/config.js";
import { resolvePolicy } from "../../src/check/policy/resolve.js";
import { InputError } from "../../src/support/errors.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import path from "node:path";

type Json = Record<string, unknown>;
const object = (m: Json, key: string): Json => m[key] as Json;
const firstSoftware = (m: Json): Json => (m.software as Json[])[0]!;

const sample = (): Json =>
  parse(
    readFileSync(path.join(PROJECT_ROOT, "examples/millbrook/machines/dpw-srv-01.yaml"), "utf8"),
  ) as Json;

function machineProblems(change: (m: Json) => void): { pointer: string; message: string }[] {
  const machine = sample();
  change(machine);
  const validate = validatorFor(MachineConfigSchema);
  expect(validate(machine), "the changed machine should be invalid").to.equal(false);
  return validationProblems(validate.errors ?? [], "m.yaml").map(({ pointer, message }) => ({
    pointer,
    message,
  }));
}

describe("schema problems", () => {
  const cases: {
    name: string;
    change: (m: Json) => void;
    expected: { pointer: string; message: RegExp }[];
  }[] = [
    {
      name: 'a wrong field in a list that may also be "unknown" reports the field only',
      change: (m) => (firstSoftware(m).name = 3),
      expected: [{ pointer: "/software/0/name", message: /^must be string$/ }],
    },
    {
      name: "a misspelt key in a list entry suggests the known key, without union noise",
      change: (m) => {
        const entry = firstSoftware(m);
        entry.verison = entry.version;
        delete entry.version;
      },
      expected: [{ pointer: "/software/0/verison", message: /did you mean "version"\?/ }],
    },
    {
      name: "a bad address in a list reports the address, not the list",
      change: (m) => (m.ipAddresses = ["10.0.0.300"]),
      expected: [
        { pointer: "/ipAddresses/0", message: /must be a valid ipv4 or must be a valid ipv6/ },
      ],
    },
    {
      name: "a role in the wrong case suggests the right one",
      change: (m) => (m.role = "Laptop"),
      expected: [{ pointer: "/role", message: /must be .*"laptop".*\(did you mean "laptop"\?\)$/ }],
    },
    {
      name: "a flag that is neither boolean nor unknown keeps both alternatives",
      change: (m) => (object(m, "security").smbv1Enabled = "maybe"),
      expected: [
        { pointer: "/security/smbv1Enabled", message: /^must be boolean or must be "unknown"$/ },
      ],
    },
    {
      name: "a missing field says what the object must contain",
      change: (m) => delete object(m, "os").name,
      expected: [
        { pointer: "/os/name", message: /is required \(\/os must contain family, name, version\)/ },
      ],
    },
    {
      name: "a missing object says what it must contain",
      change: (m) => delete m.os,
      expected: [{ pointer: "/os", message: /is required: an object with family, name, version/ }],
    },
    {
      name: "a misspelt top-level key suggests the nearest allowed one",
      change: (m) => {
        m.serialNumbr = m.serialNumber;
        delete m.serialNumber;
      },
      expected: [
        { pointer: "/serialNumber", message: /is required/ },
        { pointer: "/serialNumbr", message: /did you mean "serialNumber"\?/ },
      ],
    },
    {
      name: "a key nothing resembles gets no guess",
      change: (m) => (m.zzqx = 1),
      expected: [{ pointer: "/zzqx", message: /^is not a known field \(check the spelling/ }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = machineProblems(c.change);
      expect(
        found.map((p) => p.pointer),
        JSON.stringify(found),
      ).to.deep.equal(c.expected.map((e) => e.pointer));
      c.expected.forEach((e, i) => expect(found[i]?.message).to.match(e.message));
    });
  }

  it("a drill config's repo: suggests repository:", () => {
    const validate = validatorFor(DrillConfigSchema);
    expect(validate({ version: 1, repo: "rest:http://127.0.0.1:8000/" })).to.equal(false);
    const [p, ...more] = validationProblems(validate.errors ?? [], "drill.yaml");
    expect(more).to.deep.equal([]);
    expect(p?.pointer).to.equal("/repo");
    expect(p?.message).to.match(/did you mean "repository"\?/);
  });

  it("an unknown bundled baseline id lists the valid ids instead of a missing file", async () => {
    const error = await resolvePolicy({ baselines: ["hipaa"], at: new Date() }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(InputError);
    const [p, ...more] = (error as InputError).problems;
    expect(more).to.deep.equal([]);
    expect(p?.file).to.equal("--baseline");
    expect(p?.message).to.not.match(/ENOENT/);
    expect(p?.message).to.match(
      /"hipaa" is not a bundled baseline.*acceptable-use, lifecycle, security/,
    );
  });

  it("a misspelt baseline id suggests the one meant", async () => {
    const error = await resolvePolicy({ baselines: ["securty"], at: new Date() }).catch(
      (e: unknown) => e,
    );
    expect((error as InputError).problems[0]?.message).to.match(/did you mean "security"\?/);
  });
});
