/** `stronghold infra plan`: what `pulumi up` would create, with the policy pack's verdict, offline. */
import { InvalidArgumentError, Option, type Command } from "commander";
import { PLAN_FORMATS, PLAN_RENDERERS, type PlanFormat } from "../infra/plan-formats.js";
import { restoreTestReport } from "../infra/restore-tests.js";
import {
  RESTORE_TEST_FORMATS,
  RESTORE_TEST_RENDERERS,
  type RestoreTestFormat,
} from "../infra/restore-tests-render.js";
import { parseAt } from "./check-command.js";
import { wantsColor, type Io } from "./io.js";
import path from "node:path";
import { frameworksOf } from "../evidence/frameworks.js";
import { recordInfraPlan } from "../evidence/record-infra-plan.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import {
  addLedgerOptions,
  evidenceFrameworks,
  hashInputs,
  ledgerTarget,
  recordEvidence,
  storeText,
  type LedgerFlag,
} from "./evidence-ledger.js";

interface PlanCommandOptions {
  stack?: string[];
  format: PlanFormat;
  policyConfig?: string;
  dataGb?: number;
  color?: boolean;
  ledger?: LedgerFlag;
}

async function plan(options: PlanCommandOptions, io: Io): Promise<number> {
  // Loaded on use: the Pulumi SDKs take a second to load, which no other command should pay.
  const { planStacks } = await import("../infra/plan.js");
  const result = await planStacks({
    ...(options.stack === undefined ? {} : { stacks: options.stack.flatMap((s) => s.split(",")) }),
    ...(options.policyConfig === undefined ? {} : { policyConfigFile: options.policyConfig }),
    ...(options.dataGb === undefined ? {} : { dataGb: options.dataGb }),
  });
  PLAN_RENDERERS[options.format](result, io.stdout, { color: wantsColor(io, options.color) });
  const code = result.blocked ? 1 : 0;
  const target = await ledgerTarget(options.ledger, io);
  if (target === undefined) return code;
  const map = await evidenceFrameworks();
  const at = target.at ?? new Date().toISOString();
  // One entry per stack: each is its own subject with its own verdict.
  let worst = code;
  for (const stack of result.stacks) {
    const recorded = await recordEvidence(
      target,
      (t) =>
        recordInfraPlan({
          plan: stack,
          at,
          inputs: hashInputs(t, [
            {
              role: "stack-settings",
              file: path.join(PROJECT_ROOT, "stacks", `Pulumi.${stack.stack}.yaml`),
            },
            {
              role: "policy-config",
              file:
                stack.policyConfig === undefined
                  ? undefined
                  : path.resolve(PROJECT_ROOT, stack.policyConfig),
            },
          ]),
          artifacts: [
            storeText(t, `plan-${stack.stack}.json`, `${JSON.stringify(stack, null, 2)}\n`),
          ],
          frameworks: frameworksOf(map.infraPlan),
          ...(t.run === undefined ? {} : { run: t.run }),
        }),
      io,
      code,
    );
    worst = Math.max(worst, recorded);
  }
  return worst;
}

interface RestoreTestsOptions {
  stack: string;
  format: RestoreTestFormat;
  at?: string;
}

async function restoreTests(file: string, options: RestoreTestsOptions, io: Io): Promise<number> {
  const summary = await restoreTestReport({ file, stack: options.stack, at: parseAt(options.at) });
  RESTORE_TEST_RENDERERS[options.format](summary, io.stdout);
  return summary.failed ? 1 : 0;
}

/** Adds `infra` and its `plan` and `restore-tests` subcommands to the program. */
export function registerInfraCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const infra = program
    .command("infra")
    .summary("the offsite backup storage and DR environment (Pulumi programs)")
    .description(
      "The Pulumi programs for the town's offsite backups and pilot-light DR environment.\nDeploy them with the Pulumi CLI (see docs/infrastructure.md); `infra plan` previews them offline.",
    );
  const planCommand = infra
    .command("plan")
    .summary("show offline what `pulumi up` would create, and the policy pack's verdict")
    .description(
      [
        "Run each stack's program under Pulumi's mocks (no AWS credentials, no Pulumi CLI) and",
        "print its resources as a tree with their security settings (regions, lock mode and",
        "days, encryption keys, retention, vault locks, copy targets, agent permissions), then",
        "the verdict of the CrossGuard pack in policies/crossguard, with the configuration that",
        "stack's CI passes (policies/crossguard/config/<stack>.json when it exists).",
        "",
        "Ids and ARNs in the output are made up by the mocks.",
        "",
        "Exit codes:",
        "  0  no mandatory policy violation",
        "  1  a mandatory violation, or a policy that could not run",
        "  2  usage errors, or a stack or policy configuration that is unusable (all listed)",
        "  3  planned, but an evidence entry was not appended to the ledger",
      ].join("\n"),
    )
    .option("--stack <name...>", "stacks to plan (default: every stacks/Pulumi.<stack>.yaml)")
    .addOption(
      new Option("--format <format>", "output format").choices([...PLAN_FORMATS]).default("table"),
    )
    .option(
      "--policy-config <file>",
      "policy pack configuration for every stack, as `pulumi preview --policy-pack-config` takes it",
    )
    .option(
      "--data-gb <gb>",
      "estimate each stack's monthly cost for this much backup data (prices: policies/data/aws-prices.yaml)",
      (value: string) => {
        const gb = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value) || !(gb > 0)) {
          throw new InvalidArgumentError("expected a positive number of gigabytes, such as 2000");
        }
        return gb;
      },
    )
    .option("--color", "force colour in the table")
    .option("--no-color", "no colour (NO_COLOR is honoured too)");
  addLedgerOptions(planCommand).action(async (options: PlanCommandOptions) => {
    setExit(await plan(options, io));
  });
  infra
    .command("restore-tests")
    .summary("judge AWS Backup's restore test results against the stack's RTO")
    .description(
      [
        "Read what `aws backup list-restore-jobs --output json` (or describe-restore-job) printed",
        "and judge every restore job, grouped by the restore testing plan that started it: a",
        "test passes when the restore COMPLETED within the stack's objectives.rtoHours and its",
        "validation came back SUCCESSFUL; it fails when the restore FAILED or was ABORTED, took",
        "longer than the RTO, or validation FAILED or TIMED_OUT; it is overdue when a restore is",
        "still running past the RTO, or no validation result came within the stack's",
        "restoreTesting.validationWindowHours (168 without restore testing settings).",
        "",
        "Exit codes:",
        "  0  no failed or overdue restore test",
        "  1  a restore test failed or is overdue",
        "  2  usage errors, or a file or stack settings file that is unusable (all listed)",
      ].join("\n"),
    )
    .argument("<file>", "JSON from aws backup list-restore-jobs or describe-restore-job")
    .requiredOption(
      "--stack <name>",
      "the stack whose settings hold the RTO (stacks/Pulumi.<name>.yaml)",
    )
    .addOption(
      new Option("--format <format>", "output format")
        .choices([...RESTORE_TEST_FORMATS])
        .default("table"),
    )
    .option("--at <date>", "judge as of this time, YYYY-MM-DD or ISO 8601 (default: now)")
    .action(async (file: string, options: RestoreTestsOptions) => {
      setExit(await restoreTests(file, options, io));
    });
}
