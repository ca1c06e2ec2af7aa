import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { resolvePolicy } from "../../../src/check/policy/resolve.js";
import { InputError } from "../../../src/support/errors.js";

const at = new Date("2026-11-20T12:00:00Z");

const baseline = {
  id: "town-test",
  title: "Test baseline",
  version: "1.0.0",
  description: "Two controls to tailor.",
  appliesTo: { lifecycleStatus: ["active"] },
  controls: [
    {
      id: "sec-password-length",
      title: "Passwords are long",
      severity: "high",
      rationale: "Long passwords resist guessing.",
      remediation: "Set the minimum length.",
      references: { cisControls: ["5.2"] },
      parameters: {
        minLength: {
          description: "Minimum length",
          schema: { type: "integer", minimum: 8 },
          default: 14,
        },
      },
      check: {
        schema: {
          required: ["security"],
          properties: {
            security: {
              required: ["passwordPolicy"],
              properties: {
                passwordPolicy: {
                  required: ["minLength"],
                  properties: { minLength: { type: "integer", minimum: { $param: "minLength" } } },
                },
              },
            },
          },
        },
      },
    },
    {
      id: "sec-guest-disabled",
      title: "Guest is disabled",
      severity: "medium",
      rationale: "Anonymous access.",
      remediation: "Disable the guest account.",
      references: {},
      appliesTo: { osFamily: ["windows"] },
      check: {
        schema: { properties: { security: { properties: { guestEnabled: { const: false } } } } },
      },
    },
  ],
};

async function expectProblems(promise: Promise<unknown>): Promise<InputError["problems"]> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("policy resolution: baselines tailored by an overlay", () => {
  let dir: string;
  let overlayFile: string;
  const writeOverlay = (overlay: object) => writeFile(overlayFile, stringify(overlay));

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-policy-"));
    await writeFile(path.join(dir, "base.yaml"), stringify(baseline));
    overlayFile = path.join(dir, "overlay.yaml");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("inherits the baseline's applicability and defaults", async () => {
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const policy = await resolvePolicy({ at, overlayFile });
    expect(policy.controls.map((c) => c.meta.id)).to.deep.equal([
      "sec-password-length",
      "sec-guest-disabled",
    ]);
    const [length, guest] = policy.controls;
    expect(length?.meta.appliesTo).to.deep.equal({ lifecycleStatus: ["active"] });
    expect(guest?.meta.appliesTo).to.deep.equal({
      lifecycleStatus: ["active"],
      osFamily: ["windows"],
    });
    expect(length?.meta.parameters).to.deep.equal({ minLength: 14 });
    expect(policy.overlay).to.deep.equal({ name: "t", file: overlayFile });
  });

  it("overrides severities and parameters, and the check uses the new value", async () => {
    await writeOverlay({
      name: "t",
      extends: ["./base.yaml"],
      controls: { "sec-password-length": { severity: "critical", parameters: { minLength: 16 } } },
    });
    const [length] = (await resolvePolicy({ at, overlayFile })).controls;
    expect(length?.meta.severity).to.equal("critical");
    expect(length?.meta.parameters).to.deep.equal({ minLength: 16 });
    const validate =
      length?.evaluator.kind === "schema" ? length.evaluator.validate.isValid : undefined;
    expect(validate?.({ security: { passwordPolicy: { minLength: 15 } } })).to.equal(false);
    expect(validate?.({ security: { passwordPolicy: { minLength: 16 } } })).to.equal(true);
  });

  it("fills a title's {parameter} placeholders with the values in force", async () => {
    const templated = structuredClone(baseline);
    templated.controls[0]!.title = "Passwords are at least {minLength} characters";
    await writeFile(path.join(dir, "base.yaml"), stringify(templated));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    expect((await resolvePolicy({ at, overlayFile })).controls[0]?.meta.title).to.equal(
      "Passwords are at least 14 characters",
    );
    await writeOverlay({
      name: "t",
      extends: ["./base.yaml"],
      controls: { "sec-password-length": { parameters: { minLength: 16 } } },
    });
    expect((await resolvePolicy({ at, overlayFile })).controls[0]?.meta.title).to.equal(
      "Passwords are at least 16 characters",
    );
  });

  it("refuses a title placeholder naming no parameter of the control", async () => {
    const templated = structuredClone(baseline);
    templated.controls[0]!.title = "Passwords are at least {minLenght} characters";
    await writeFile(path.join(dir, "base.yaml"), stringify(templated));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const problems = await expectProblems(resolvePolicy({ at, overlayFile }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.deep.include({
      pointer: "/controls/0/title",
      message: 'names parameter {minLenght}, which control "sec-password-length" does not have',
    });
  });

  it("selects and deselects controls", async () => {
    await writeOverlay({ name: "t", extends: ["./base.yaml"], deselect: ["sec-guest-disabled"] });
    expect((await resolvePolicy({ at, overlayFile })).controls.map((c) => c.meta.id)).to.deep.equal(
      ["sec-password-length"],
    );
    await writeOverlay({ name: "t", extends: ["./base.yaml"], select: ["sec-guest-disabled"] });
    expect((await resolvePolicy({ at, overlayFile })).controls.map((c) => c.meta.id)).to.deep.equal(
      ["sec-guest-disabled"],
    );
  });

  const invalid: { name: string; overlay: object; pointer: string; message: RegExp }[] = [
    {
      name: "an unknown control in deselect",
      overlay: { deselect: ["sec-nope-control"] },
      pointer: "/deselect/0",
      message: /unknown control "sec-nope-control"/,
    },
    {
      name: "an unknown control in select",
      overlay: { select: ["sec-nope-control"] },
      pointer: "/select/0",
      message: /unknown control/,
    },
    {
      name: "an unknown control in controls",
      overlay: { controls: { "sec-nope-control": { severity: "low" } } },
      pointer: "/controls/sec-nope-control",
      message: /unknown control/,
    },
    {
      name: "an unknown parameter",
      overlay: { controls: { "sec-password-length": { parameters: { minLenght: 12 } } } },
      pointer: "/controls/sec-password-length/parameters/minLenght",
      message: /has no parameter "minLenght" \(it has: minLength\)/,
    },
    {
      name: "a parameter value its schema refuses",
      overlay: { controls: { "sec-password-length": { parameters: { minLength: 4 } } } },
      pointer: "/controls/sec-password-length/parameters/minLength",
      message: /must be >= 8/,
    },
    {
      name: "an unknown severity",
      overlay: { controls: { "sec-password-length": { severity: "urgent" } } },
      pointer: "/controls/sec-password-length/severity",
      message: /must be/,
    },
    {
      name: "an unknown top-level field",
      overlay: { extend: ["x"] },
      pointer: "/extend",
      message: /not a known field/,
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}, naming the file and field`, async () => {
      await writeOverlay({ name: "t", extends: ["./base.yaml"], ...c.overlay });
      const problems = await expectProblems(resolvePolicy({ at, overlayFile }));
      const problem = problems.find((p) => p.pointer === c.pointer);
      expect(problem, JSON.stringify(problems)).to.not.equal(undefined);
      expect(problem?.file).to.equal(overlayFile);
      expect(problem?.message).to.match(c.message);
    });
  }

  it("refuses a check that refers to an undeclared parameter, and a duplicate control id", async () => {
    const broken = structuredClone(baseline) as typeof baseline & { controls: object[] };
    (broken.controls[1] as { check: object }).check = {
      schema: { properties: { x: { minimum: { $param: "nope" } } } },
    };
    broken.controls.push(baseline.controls[0]!);
    await writeFile(path.join(dir, "base.yaml"), stringify(broken));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const problems = await expectProblems(resolvePolicy({ at, overlayFile }));
    expect(problems.map((p) => p.message).join("\n")).to.match(
      /parameter "nope", which the control does not declare/,
    );
    expect(problems.map((p) => p.message).join("\n")).to.match(
      /duplicates control "sec-password-length"/,
    );
  });

  it("refuses a check with a misspelt keyword, which would otherwise always pass", async () => {
    const broken = structuredClone(baseline);
    (broken.controls[1] as { check: object }).check = {
      schema: { properties: { security: { properties: { guestEnabled: { cosnt: false } } } } },
    };
    await writeFile(path.join(dir, "base.yaml"), stringify(broken));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const [problem] = await expectProblems(resolvePolicy({ at, overlayFile }));
    expect(problem?.pointer).to.equal("/controls/1/check/schema");
    expect(problem?.message).to.match(/unknown keyword: "cosnt"/);
    expect(problem?.line).to.be.a("number");
  });

  it("keeps a check's 2020-12 meaning where draft-07 would read a keyword differently", async () => {
    const strict = structuredClone(baseline);
    (strict.controls[1] as { check: object }).check = {
      schema: {
        properties: {
          security: {
            anyOf: [{ properties: { guestEnabled: { const: false } } }],
            unevaluatedProperties: false,
          },
        },
      },
    };
    await writeFile(path.join(dir, "base.yaml"), stringify(strict));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const [, guest] = (await resolvePolicy({ at, overlayFile })).controls;
    const validate = guest?.evaluator.kind === "schema" ? guest.evaluator.validate : undefined;
    expect(validate?.isValid({ security: { guestEnabled: false } })).to.equal(true);
    expect(validate?.isValid({ security: { guestEnabled: false, other: 1 } })).to.equal(false);
  });

  it("refuses a check the 2020-12 meta-schema refuses, with its message", async () => {
    const broken = structuredClone(baseline);
    (broken.controls[1] as { check: object }).check = {
      schema: { properties: { security: { minimum: "eight" } } },
    };
    await writeFile(path.join(dir, "base.yaml"), stringify(broken));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const [problem] = await expectProblems(resolvePolicy({ at, overlayFile }));
    expect(problem?.pointer).to.equal("/controls/1/check/schema");
    expect(problem?.message).to.match(
      /^is not a valid JSON Schema: schema is invalid: .*minimum must be number/,
    );
  });

  it("names every mistake the 2020-12 meta-schema finds in a check, in one problem", async () => {
    const broken = structuredClone(baseline);
    (broken.controls[1] as { check: object }).check = {
      schema: { type: "objekt", properties: { security: { minimum: "eight" } } },
    };
    await writeFile(path.join(dir, "base.yaml"), stringify(broken));
    await writeOverlay({ name: "t", extends: ["./base.yaml"] });
    const problems = await expectProblems(resolvePolicy({ at, overlayFile }));
    expect(problems).to.have.length(1);
    expect(problems[0]?.pointer).to.equal("/controls/1/check/schema");
    expect(problems[0]?.line).to.be.a("number");
    expect(problems[0]?.message).to.match(/^is not a valid JSON Schema: schema is invalid: /);
    expect(problems[0]?.message).to.match(/data\/type must be equal to one of the allowed values/);
    expect(problems[0]?.message).to.match(/data\/properties\/security\/minimum must be number/);
  });

  it("refuses a missing baseline file", async () => {
    await writeOverlay({ name: "t", extends: ["./missing.yaml"] });
    const [problem] = await expectProblems(resolvePolicy({ at, overlayFile }));
    expect(problem?.file).to.equal(path.join(dir, "missing.yaml"));
    expect(problem?.message).to.match(/cannot be read: ENOENT/);
  });
});
