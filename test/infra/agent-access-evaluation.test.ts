// What each backup agent may do, evaluated: the requests its client really sends (agent-requests.ts)
// against the identity and resource policies the prod and dev programs register under mocks,
// with @cloud-copilot/iam-simulate standing in for IAM's evaluation. AWS is not involved.
import { expect } from "chai";
import type { MockedRun } from "../../src/infra/mock-run.js";
import { mockedStack } from "../fixtures/mocked-stacks.js";
import {
  RESTIC_REQUESTS,
  VEEAM_REQUESTS,
  type AgentTarget,
  type RequestRow,
} from "./agent-requests.js";
import { evaluate, type Principal } from "./iam-evaluation.js";

interface AgentOutput {
  readonly userName: string;
  readonly bucket: string;
  readonly prefix: string;
}
interface Offsite {
  readonly bucket: string;
  readonly kmsKeyArn: string;
  readonly region: string;
}

/** Runs every row of a table for one agent and reports each mismatch by its call. */
async function table(
  run: MockedRun,
  who: Principal,
  target: AgentTarget,
  rows: readonly RequestRow[],
) {
  const mismatches: string[] = [];
  for (const row of rows) {
    const result = await evaluate(run, who, row.request(target));
    const allowed = result === "Allowed";
    if (allowed !== (row.expect === "allow")) {
      mismatches.push(`${row.call}: expected ${row.expect}, got ${result} (${row.why})`);
    }
  }
  expect(mismatches).to.deep.equal([]);
}

for (const stack of ["dev", "prod"]) {
  describe(`agent access evaluated on the ${stack} program (iam-simulate, AWS mocked)`, () => {
    let run: MockedRun;
    let agents: Record<string, AgentOutput>;
    let offsite: Offsite;
    before(async () => {
      run = await mockedStack(stack);
      agents = run.outputs.agents as Record<string, AgentOutput>;
      offsite = run.outputs.offsite as Offsite;
    });

    it("restic: every request it makes is allowed, every destructive one denied", async () => {
      const agent = agents.restic!;
      await table(
        run,
        { kind: "user", name: agent.userName, path: "/stronghold/" },
        {
          bucket: offsite.bucket,
          prefix: agent.prefix,
          keyArn: offsite.kmsKeyArn,
          region: offsite.region,
        },
        RESTIC_REQUESTS,
      );
    });

    if (stack === "prod") {
      it("veeam: its documented set is allowed on its own bucket, every destructive request denied", async () => {
        const agent = agents.veeam!;
        expect(agent.bucket).to.not.equal(offsite.bucket);
        await table(
          run,
          { kind: "user", name: agent.userName, path: "/stronghold/" },
          {
            bucket: agent.bucket,
            prefix: agent.prefix,
            keyArn: offsite.kmsKeyArn,
            region: offsite.region,
          },
          VEEAM_REQUESTS,
        );
      });
    }
  });
}
