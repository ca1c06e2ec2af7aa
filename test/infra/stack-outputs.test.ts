// The stack outputs the drill runbooks read: produced by a run under pulumi.runtime.setMocks
// (AWS and the Pulumi engine are mocked because they cannot run here) and checked against the
// published schema, as is the saved copy in examples/millbrook/.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validatorFor } from "../../src/documents/ajv.js";
import {
  SECRET_MASK,
  StackOutputsSchema,
  loadStackOutputs,
  stackOutputJson,
  type StackOutputs,
} from "../../src/infra/stack-outputs.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { mockedStack } from "../fixtures/mocked-stacks.js";

const SAMPLE = path.join(PROJECT_ROOT, "examples", "millbrook", "stack-outputs.prod.json");

describe("stack outputs", () => {
  for (const stack of ["dev", "prod"]) {
    it(`the ${stack} stack's outputs (mocked run) match the published schema`, async () => {
      const { outputs } = await mockedStack(stack);
      const validate = validatorFor(StackOutputsSchema);
      expect(validate(outputs), JSON.stringify(validate.errors)).to.equal(true);
      const typed = outputs as StackOutputs;
      expect(typed.stack).to.equal(stack);
      expect(typed.offsite.region).to.equal("us-west-2");
      expect(typed.vaults.dr.arn).to.match(/^arn:aws:backup:us-west-2:/);
      expect(typed.dr.privateSubnetIds).to.have.length(2);
    });
  }

  it("masks each agent credential as `pulumi stack output --json` does, and nothing else", async () => {
    const run = await mockedStack("prod");
    const printed = JSON.parse(stackOutputJson(run.outputs, run.secrets)) as StackOutputs;
    for (const agent of Object.values(printed.agents)) {
      expect(agent.accessKeyId).to.equal(SECRET_MASK);
      expect(agent.secretAccessKey).to.equal(SECRET_MASK);
      expect(agent.userArn).to.match(/^arn:aws:iam::/);
    }
    expect(printed.offsite).to.deep.equal((run.outputs as StackOutputs).offsite);
    expect(JSON.stringify(printed)).to.not.include(
      (run.outputs as StackOutputs).agents.restic!.secretAccessKey,
    );
  });

  it("examples/millbrook/stack-outputs.prod.json is what a mocked prod run prints (run scripts/write-stack-outputs-sample.ts)", async () => {
    const run = await mockedStack("prod");
    expect(await readFile(SAMPLE, "utf8")).to.equal(stackOutputJson(run.outputs, run.secrets));
  });

  it("loads the saved copy of the sample town's outputs", async () => {
    const loaded = await loadStackOutputs(SAMPLE);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.value.objectives).to.deep.equal({ rtoHours: 24, rpoHours: 24 });
    expect(loaded.value.offsite.lockMode).to.equal("COMPLIANCE");
  });

  describe("a damaged saved copy", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-outputs-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    it("is refused with every problem located by file, line and field", async () => {
      const sample = JSON.parse(await readFile(SAMPLE, "utf8")) as Record<
        string,
        Record<string, unknown>
      >;
      sample.offsite!.lockMode = "FOREVER";
      delete sample.vaults!.dr;
      sample.objectives!.rpoHours = 0;
      const file = path.join(dir, "outputs.json");
      const text = `${JSON.stringify(sample, null, 2)}\n`;
      await writeFile(file, text);
      const loaded = await loadStackOutputs(file);
      if (loaded.ok) throw new Error("should be refused");
      const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
      expect(loaded.problems.map((p) => [p.pointer, p.line])).to.have.deep.members([
        ["/offsite/lockMode", lineOf('"lockMode"')],
        ["/vaults/dr", lineOf('"vaults"')],
        ["/objectives/rpoHours", lineOf('"rpoHours"')],
      ]);
      for (const problem of loaded.problems) expect(problem.file).to.equal(file);
    });

    it("is refused when it is not JSON at all", async () => {
      const file = path.join(dir, "truncated.json");
      await writeFile(file, '{"schemaVersion": 1, "town": "millbrook",');
      const loaded = await loadStackOutputs(file);
      expect(loaded.ok).to.equal(false);
      if (!loaded.ok) expect(loaded.problems[0]!.message).to.match(/is not valid JSON/);
    });
  });
});
