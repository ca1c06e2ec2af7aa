// The restore-testing validation Lambda's code, exactly as the program ships it, run in-process
// with stand-ins for the AWS SDK's EC2 and Backup clients (AWS cannot be reached here; the
// stand-ins answer as the EC2 and AWS Backup APIs document and record what the code reports).
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { RESTORE_VALIDATION_SOURCE } from "../../src/infra/components/restore-validation-code.js";

type Json = Record<string, unknown>;
type Handler = (event: unknown) => Promise<Json>;
interface Module {
  makeHandler(clients: Json): Handler;
}

const PLAN =
  "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:millbrook_prod_restore_testing-45725b";
const INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0";
const VOLUME = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0";

/** An EC2 stand-in whose DescribeInstanceStatus answers each call with the next status. */
function ec2(statuses: Json[], volumeState = "available") {
  const calls: Json[] = [];
  return {
    calls,
    client: {
      describeInstanceStatus: (input: Json) => {
        calls.push(input);
        return Promise.resolve({
          InstanceStatuses: [statuses[Math.min(calls.length - 1, statuses.length - 1)]],
        });
      },
      describeVolumes: (input: Json) => {
        calls.push(input);
        return Promise.resolve({ Volumes: [{ State: volumeState }] });
      },
    },
  };
}
const status = (state: string, system: string, instance: string) => ({
  InstanceState: { Name: state },
  SystemStatus: { Status: system },
  InstanceStatus: { Status: instance },
});

/** A Backup stand-in: one restore job, and the validation results reported. */
function backup(job: Json) {
  const reported: Json[] = [];
  return {
    reported,
    client: {
      describeRestoreJob: (input: Json) =>
        Promise.resolve({ RestoreJobId: input.RestoreJobId, ...job }),
      putRestoreValidationResult: (input: Json) => {
        reported.push(input);
        return Promise.resolve({});
      },
    },
  };
}
const event = { "detail-type": "Restore Job State Change", detail: { restoreJobId: "job-1" } };

describe("the restore-testing validation Lambda (its shipped code, AWS SDK clients stood in)", () => {
  let dir: string;
  let mod: Module;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-validation-"));
    const file = path.join(dir, "index.mjs");
    await writeFile(file, RESTORE_VALIDATION_SOURCE);
    mod = (await import(pathToFileURL(file).href)) as Module;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = async (job: Json, ec2Client: ReturnType<typeof ec2>) => {
    const b = backup(job);
    const logs: string[] = [];
    const result = await mod.makeHandler({
      ec2: ec2Client.client,
      backup: b.client,
      planArn: PLAN,
      sleep: () => Promise.resolve(),
      log: (line: string) => logs.push(line),
    })(event);
    return { result, reported: b.reported, logs };
  };
  const completed = (type: string, arn: string) => ({
    Status: "COMPLETED",
    ResourceType: type,
    CreatedResourceArn: arn,
    CreatedBy: { RestoreTestingPlanArn: PLAN },
  });

  it("reports SUCCESSFUL once a restored instance passes both status checks, waiting while they initialise", async () => {
    const stub = ec2([
      status("pending", "initializing", "initializing"),
      status("running", "ok", "ok"),
    ]);
    const { reported, logs } = await run(completed("EC2", INSTANCE), stub);
    expect(stub.calls).to.deep.equal([
      { InstanceIds: ["i-0123456789abcdef0"], IncludeAllInstances: true },
      { InstanceIds: ["i-0123456789abcdef0"], IncludeAllInstances: true },
    ]);
    expect(reported).to.deep.equal([
      {
        RestoreJobId: "job-1",
        ValidationStatus: "SUCCESSFUL",
        ValidationStatusMessage: "instance running, system and instance status checks ok",
      },
    ]);
    expect(JSON.parse(logs[0]!)).to.include({ restoreJobId: "job-1", status: "SUCCESSFUL" });
  });

  it("reports FAILED for an impaired instance, and for one that never gets ready", async () => {
    const impaired = await run(
      completed("EC2", INSTANCE),
      ec2([status("running", "ok", "impaired")]),
    );
    expect(impaired.reported[0]).to.include({ ValidationStatus: "FAILED" });
    expect(impaired.reported[0]!.ValidationStatusMessage).to.equal(
      "instance running, system ok, instance impaired",
    );
    const stuck = await run(
      completed("EC2", INSTANCE),
      ec2([status("running", "initializing", "initializing")]),
    );
    expect(stuck.reported[0]).to.deep.include({
      ValidationStatus: "FAILED",
      ValidationStatusMessage: "status checks not ok within 12 minutes",
    });
  });

  it("checks a restored volume is available", async () => {
    const ok = await run(completed("EBS", VOLUME), ec2([], "available"));
    expect(ok.reported[0]).to.include({
      ValidationStatus: "SUCCESSFUL",
      ValidationStatusMessage: "volume available",
    });
    const bad = await run(completed("EBS", VOLUME), ec2([], "error"));
    expect(bad.reported[0]).to.include({
      ValidationStatus: "FAILED",
      ValidationStatusMessage: "volume error",
    });
  });

  it("reports an API error as FAILED with its message instead of leaving the job unvalidated", async () => {
    const failing = {
      calls: [],
      client: {
        describeInstanceStatus: () => Promise.reject(new Error("UnauthorizedOperation")),
        describeVolumes: () => Promise.reject(new Error("unused")),
      },
    };
    const { reported } = await run(completed("EC2", INSTANCE), failing);
    expect(reported).to.deep.equal([
      {
        RestoreJobId: "job-1",
        ValidationStatus: "FAILED",
        ValidationStatusMessage: "validation error: UnauthorizedOperation",
      },
    ]);
  });

  it("leaves other plans' jobs and unfinished jobs alone", async () => {
    const other = await run(
      { ...completed("EC2", INSTANCE), CreatedBy: { RestoreTestingPlanArn: `${PLAN}-other` } },
      ec2([]),
    );
    expect(other.reported).to.deep.equal([]);
    expect(other.result).to.deep.equal({ skipped: "not this stack's restore test" });
    const running = await run({ ...completed("EC2", INSTANCE), Status: "RUNNING" }, ec2([]));
    expect(running.reported).to.deep.equal([]);
  });
});
