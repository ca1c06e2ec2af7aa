// What each backup agent may do, evaluated: the requests its client really sends (agent-requests.ts)
// against the identity and resource policies the prod and dev programs register under mocks,
// with @cloud-copilot/iam-simulate standing in for IAM's evaluation. AWS is not involved.
import { expect } from "chai";
import path from "node:path";
import type { MockedRun } from "../../src/infra/mock-run.js";
import { mockedStack } from "../fixtures/mocked-stacks.js";
import { loadStackConfigFile } from "../../src/infra/config-file.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import {
  ADMIN_REQUESTS,
  AWS_BACKUP_REQUESTS,
  BREAK_GLASS_REQUESTS,
  DEPLOYER_REQUESTS,
  RESTIC_REQUESTS,
  RESTORE_REQUESTS,
  VEEAM_REQUESTS,
  type AgentTarget,
  type Estate,
  type RequestRow,
  type RoleRow,
} from "./agent-requests.js";
import { evaluate, evaluateIdentity, type Principal } from "./iam-evaluation.js";
import { summarizeAgentAccess, type AccessVerdict } from "../../src/infra/plan-agent-access.js";

async function loadConfig(stack: string) {
  const parsed = loadStackConfigFile(path.join(PROJECT_ROOT, "stacks", `Pulumi.${stack}.yaml`));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return Promise.resolve(parsed.config);
}

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
          trailName: `millbrook-${stack}-backup-audit`,
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
            trailName: `millbrook-${stack}-backup-audit`,
          },
          VEEAM_REQUESTS,
        );
      });
    }
  });
}

interface Vault {
  readonly arn: string;
  readonly kmsKeyArn: string;
  readonly region: string;
}

/** Runs a role's table; roles outside the program carry AdministratorAccess (stood in). */
async function roleTable(
  run: MockedRun,
  who: Principal,
  estate: Estate,
  rows: readonly RoleRow[],
  external: readonly string[],
) {
  const mismatches: string[] = [];
  for (const row of rows) {
    const request = row.request(estate);
    const result = await evaluate(run, who, request, external);
    if ((result === "Allowed") !== (row.expect === "allow")) {
      mismatches.push(
        `${row.call} on ${request.resource}: expected ${row.expect}, got ${result} (${row.why})`,
      );
    }
  }
  expect(mismatches).to.deep.equal([]);
}

const ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

for (const stack of ["dev", "prod"]) {
  describe(`role access evaluated on the ${stack} program (iam-simulate, AWS mocked)`, () => {
    let run: MockedRun;
    let estate: Estate;
    let roles: { deployer: string; admin: string; breakGlass: string };
    before(async () => {
      run = await mockedStack(stack);
      const offsite = run.outputs.offsite as Offsite;
      const vaults = run.outputs.vaults as { primary: Vault };
      estate = {
        offsite: {
          bucket: offsite.bucket,
          prefix: "restic/",
          keyArn: offsite.kmsKeyArn,
          region: offsite.region,
          trailName: `millbrook-${stack}-backup-audit`,
        },
        vaultArn: vaults.primary.arn,
        vaultKeyArn: vaults.primary.kmsKeyArn,
        vaultRegion: vaults.primary.region,
      };
      const config = await loadConfig(stack);
      roles = config.accessRoles;
    });

    const external = (name: () => string, rows: readonly RoleRow[], title: string) =>
      it(title, async () => {
        await roleTable(run, { kind: "role", name: name() }, estate, rows, [ADMINISTRATOR_ACCESS]);
      });
    external(
      () => roles.admin,
      ADMIN_REQUESTS,
      "the town's admin role (AdministratorAccess): reads settings, changes and destroys nothing that protects backups",
    );
    external(
      () => roles.deployer,
      DEPLOYER_REQUESTS,
      "the deployer role: the only one that changes policies, keys and locks; destroys nothing",
    );
    external(
      () => roles.breakGlass,
      BREAK_GLASS_REQUESTS,
      "the break-glass role: the only one that can disable a key or schedule its deletion",
    );

    it("AWS Backup's service role: uses the vault key through AWS Backup, destroys nothing", async () => {
      const role = run.resources.find(
        (r) => r.type === "aws:iam/role:Role" && r.name === "vaults-service-role",
      )!;
      await roleTable(run, { kind: "role", name: role.id! }, estate, AWS_BACKUP_REQUESTS, []);
    });

    it("the DR restore role: reads the offsite backups through S3, changes nothing", async () => {
      const role = run.resources.find(
        (r) => r.type === "aws:iam/role:Role" && r.name === "dr-restore-role",
      )!;
      await roleTable(run, { kind: "role", name: role.id! }, estate, RESTORE_REQUESTS, []);
    });
  });
}

/** The destructive requests that act on objects (the rest act on the bucket or the key). */
const OBJECT_ACTIONS = new Set([
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:BypassGovernanceRetention",
  "s3:PutObjectRetention",
]);

// The plan's per-agent summary ships (it cannot use the AGPL evaluator); here each of its
// verdicts is checked against the full evaluation of the same program.
for (const stack of ["dev", "prod"]) {
  describe(`the plan's agent access summary of ${stack} agrees with iam-simulate`, () => {
    it("allowed where the summary says allowed, never allowed where it says denied or not granted", async () => {
      const run = await mockedStack(stack);
      const agents = run.outputs.agents as Record<string, AgentOutput>;
      const offsite = run.outputs.offsite as Offsite;
      const disagreements: string[] = [];
      for (const access of summarizeAgentAccess(run.resources)) {
        const agent = agents[access.agent]!;
        const who: Principal = { kind: "user", name: agent.userName, path: "/stronghold/" };
        const bucketArn = `arn:aws:s3:::${agent.bucket}`;
        const targets = (action: string, verdict: AccessVerdict): string[] => {
          if (verdict.kind === "allowed") return verdict.on.map((r) => r.replace(/\*$/, "x"));
          if (action.startsWith("kms:")) return [offsite.kmsKeyArn];
          return OBJECT_ACTIONS.has(action)
            ? [`${bucketArn}/${agent.prefix}locks/x`, `${bucketArn}/${agent.prefix}data/x`]
            : [bucketArn];
        };
        for (const { action, verdict } of access.requests) {
          for (const resource of targets(action, verdict)) {
            // Identity policies only, as the summary: resource policies could only deny more.
            const result = await evaluateIdentity(run, who, { action, resource });
            if ((result === "Allowed") !== (verdict.kind === "allowed")) {
              disagreements.push(
                `${access.agent} ${action} on ${resource}: summary ${verdict.kind}, evaluated ${result}`,
              );
            }
          }
        }
      }
      expect(disagreements).to.deep.equal([]);
    });
  });
}
