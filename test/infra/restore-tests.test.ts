// stronghold infra restore-tests: AWS Backup's restore job JSON (the shapes ListRestoreJobs and
// DescribeRestoreJob document, as the AWS CLI prints them and as the API returns them) judged
// against the sample stacks' RTO and validation window; bad files refused with located problems.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  judgeJob,
  readRestoreJobs,
  type ReadJob,
  type RestoreJob,
} from "../../src/infra/restore-tests.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { type CliRun, strongholdInProcess } from "../fixtures/stronghold-in-process.js";

const SAMPLE = path.join(PROJECT_ROOT, "examples", "millbrook", "restore-jobs.json");
const PLAN =
  "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:millbrook_prod_restore_testing-45725b";

function run(...args: string[]): Promise<CliRun> {
  return strongholdInProcess(["infra", "restore-tests", ...args]);
}

/** A restore test job that completed in 20 minutes and validated, at 06:00 on 16 November. */
function job(change: Partial<RestoreJob> = {}): RestoreJob {
  return {
    RestoreJobId: "JOB-1",
    Status: "COMPLETED",
    CreationDate: "2026-11-16T06:00:00.000000+00:00",
    CompletionDate: "2026-11-16T06:20:00.000000+00:00",
    ResourceType: "EC2",
    CreatedBy: { RestoreTestingPlanArn: PLAN },
    ValidationStatus: "SUCCESSFUL",
    ValidationStatusMessage: "instance running, system and instance status checks ok",
    ...change,
  };
}

const asRead = (j: RestoreJob): ReadJob => ({
  job: j,
  created: new Date(String(j.CreationDate)),
  completed: j.CompletionDate === undefined ? undefined : new Date(String(j.CompletionDate)),
  pointer: "",
});

const targets = (at: string) => ({ rtoHours: 24, validationWindowHours: 4, at: new Date(at) });

describe("infra restore-tests", function () {
  this.timeout(30_000);

  describe("judging one job (RTO 24 h, validation window 4 h)", () => {
    const later = "2026-11-20T12:00:00Z";
    const cases: [string, Partial<RestoreJob>, string, string, RegExp][] = [
      [
        "restored and validated",
        {},
        later,
        "passed",
        /restored in 0\.33 h, validated: instance running/,
      ],
      [
        "restore FAILED",
        { Status: "FAILED", StatusMessage: "AMI not found" },
        later,
        "failed",
        /restore FAILED: AMI not found/,
      ],
      ["restore ABORTED", { Status: "ABORTED" }, later, "failed", /restore ABORTED/],
      [
        "restored after the RTO",
        { CompletionDate: "2026-11-17T07:30:00Z" },
        later,
        "failed",
        /took 25\.5 h, over the RTO of 24 h/,
      ],
      [
        "validation FAILED",
        { ValidationStatus: "FAILED", ValidationStatusMessage: "volume error" },
        later,
        "failed",
        /validation FAILED: volume error/,
      ],
      ["validation TIMED_OUT", { ValidationStatus: "TIMED_OUT" }, later, "failed", /TIMED_OUT/],
      [
        "still validating within the window",
        { ValidationStatus: "VALIDATING" },
        "2026-11-16T08:00:00Z",
        "pending",
        /validation VALIDATING/,
      ],
      [
        "no validation result past the window",
        { ValidationStatus: undefined, ValidationStatusMessage: undefined },
        "2026-11-16T10:21:00Z",
        "overdue",
        /no validation result 4 h after the restore/,
      ],
      [
        "still RUNNING within the RTO",
        { Status: "RUNNING", CompletionDate: undefined, ValidationStatus: undefined },
        "2026-11-16T09:00:00Z",
        "pending",
        /restore RUNNING/,
      ],
      [
        "still RUNNING past the RTO",
        { Status: "RUNNING", CompletionDate: undefined, ValidationStatus: undefined },
        "2026-11-17T07:00:00Z",
        "overdue",
        /still RUNNING after 25 h \(RTO 24 h\)/,
      ],
      [
        "a restore by hand, never validated",
        { CreatedBy: undefined, ValidationStatus: undefined, ValidationStatusMessage: undefined },
        later,
        "passed",
        /not a restore test/,
      ],
    ];
    for (const [name, change, at, kind, reason] of cases) {
      it(`${name}: ${kind}`, () => {
        const verdict = judgeJob(asRead(job(change)), targets(at));
        expect(verdict.kind).to.equal(kind);
        expect(verdict.reason).to.match(reason);
      });
    }
  });

  describe("the sample town's jobs (examples/millbrook/restore-jobs.json)", () => {
    it("fails prod's plan on the police RMS server's impaired status check, exit 1", async () => {
      const { code, stdout } = await run(SAMPLE, "--stack", "prod", "--at", "2026-11-20T12:00:00Z");
      expect(code).to.equal(1);
      expect(stdout).to.include(
        "RTO 24 h, validation window 4 h, judged at 2026-11-20T12:00:00.000Z",
      );
      expect(stdout).to.include(
        "FAIL  millbrook_prod_restore_testing-45725b (4 jobs, slowest restore 0.36 h of 24 h)",
      );
      expect(stdout).to.match(
        /FAIL {2}E3A1C5B7-.*validation FAILED: instance running, system ok, instance impaired/,
      );
      expect(stdout).to.include("PASS  restores not started by a restore testing plan (1 job");
      expect(stdout).to.include("FAILED: a restore test failed or is overdue");
    });

    it("as JSON: every job with its verdict, and the plan's", async () => {
      const { code, stdout } = await run(
        SAMPLE,
        "--stack",
        "prod",
        "--at",
        "2026-11-20T12:00:00Z",
        "--format",
        "json",
      );
      expect(code).to.equal(1);
      const json = JSON.parse(stdout) as {
        schemaVersion: number;
        failed: boolean;
        plans: { planArn?: string; verdict: string; jobs: { verdict: { kind: string } }[] }[];
      };
      expect(json.schemaVersion).to.equal(1);
      expect(json.failed).to.equal(true);
      expect(json.plans.map((p) => [p.planArn, p.verdict])).to.deep.equal([
        [PLAN, "failed"],
        [undefined, "passed"],
      ]);
      expect(json.plans[0]!.jobs.map((j) => j.verdict.kind)).to.deep.equal([
        "passed",
        "passed",
        "failed",
        "passed",
      ]);
    });

    it("as Markdown, escaped", async () => {
      const { stdout } = await run(
        SAMPLE,
        "--stack",
        "prod",
        "--at",
        "2026-11-20",
        "--format",
        "markdown",
      );
      expect(stdout).to.include("### FAIL millbrook\\_prod\\_restore\\_testing-45725b");
      expect(stdout).to.include("| FAIL | E3A1C5B7-9D2F-4B6E-8C0A-1F3E5D7B9A20 | EC2 |");
      expect(stdout).to.include("**A restore test failed or is overdue.**");
    });

    it("judged against dev's settings, whose stack has no restore testing: 168 h window, RTO 48 h", async () => {
      const { stdout } = await run(SAMPLE, "--stack", "dev", "--at", "2026-11-20T12:00:00Z");
      expect(stdout).to.include("RTO 48 h, validation window 168 h");
    });
  });

  describe("other shapes AWS prints", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-restore-tests-"))));
    after(() => rm(dir, { recursive: true, force: true }));
    const file = async (name: string, content: unknown) => {
      const f = path.join(dir, name);
      await writeFile(f, typeof content === "string" ? content : JSON.stringify(content, null, 2));
      return f;
    };

    it("describe-restore-job's one job, with the API's Unix timestamps: exit 0", async () => {
      const f = await file("describe.json", {
        ...job(),
        CreationDate: 1794808800,
        CompletionDate: 1794810000.5,
      });
      const read = await readRestoreJobs(f);
      expect(read.ok && read.jobs[0]!.created.toISOString()).to.equal("2026-11-16T06:00:00.000Z");
      const { code, stdout } = await run(f, "--stack", "prod", "--at", "2026-11-20");
      expect(code).to.equal(0);
      expect(stdout).to.include("No failed or overdue restore test");
    });

    it("an array of jobs, and a list with NextToken said to be incomplete", async () => {
      const array = await file("array.json", [job(), job({ RestoreJobId: "JOB-2" })]);
      expect((await run(array, "--stack", "prod", "--at", "2026-11-20")).code).to.equal(0);
      const listed = await file("listed.json", { RestoreJobs: [job()], NextToken: "abc" });
      const { stdout } = await run(listed, "--stack", "prod", "--at", "2026-11-20");
      expect(stdout).to.include("The file ends with a NextToken");
    });
  });

  describe("bad input: every problem located, exit 2", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-restore-tests-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    it("lists each broken field with its line", async () => {
      const text = JSON.stringify(
        {
          RestoreJobs: [
            job(),
            job({ RestoreJobId: "JOB-2", Status: "DONE" }),
            job({ RestoreJobId: "JOB-3", CreationDate: "last Tuesday" }),
            job({ RestoreJobId: "JOB-4", CompletionDate: undefined }),
            job({ RestoreJobId: "JOB-5", CompletionDate: "2026-11-15T00:00:00Z" }),
          ],
        },
        null,
        2,
      );
      const f = path.join(dir, "broken.json");
      await writeFile(f, text);
      const first = await readRestoreJobs(f);
      expect(first.ok).to.equal(false);
      expect(first.ok ? [] : first.problems.map((p) => p.pointer)).to.deep.equal([
        "/RestoreJobs/1/Status",
      ]);
      // With the status fixed, the dates are read.
      await writeFile(f, text.replace('"DONE"', '"COMPLETED"'));
      const { code, stderr } = await run(f, "--stack", "prod");
      expect(code).to.equal(2);
      expect(stderr).to.match(
        /broken\.json:\d+: \/RestoreJobs\/2\/CreationDate: "last Tuesday" is not a date/,
      );
      expect(stderr).to.match(
        /broken\.json:\d+: \/RestoreJobs\/3\/CompletionDate: is required for a COMPLETED job/,
      );
      expect(stderr).to.match(
        /broken\.json:\d+: \/RestoreJobs\/4\/CompletionDate: is before CreationDate/,
      );
      expect(stderr).not.to.include("    at ");
    });

    it("refuses JSON that is not restore jobs, and a file that is not JSON", async () => {
      const other = path.join(dir, "other.json");
      await writeFile(other, JSON.stringify({ BackupJobs: [] }));
      const a = await run(other, "--stack", "prod");
      expect(a.code).to.equal(2);
      expect(a.stderr).to.include("other.json:1: is not a restore job list");
      const garbage = path.join(dir, "garbage.json");
      await writeFile(garbage, "{ RestoreJobs: [");
      const b = await run(garbage, "--stack", "prod");
      expect(b.code).to.equal(2);
      expect(b.stderr).to.include("garbage.json");
      expect(b.stderr).not.to.include("internal error");
    });

    it("refuses an unknown stack, a missing file and a bad --at", async () => {
      expect((await run(SAMPLE, "--stack", "staging")).stderr).to.include("--stack staging: no ");
      const missing = await run(path.join(dir, "nope.json"), "--stack", "prod");
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.include("nope.json");
      const at = await run(SAMPLE, "--stack", "prod", "--at", "Tuesday");
      expect(at.code).to.equal(2);
      expect(at.stderr).to.include('--at "Tuesday" is not a date');
    });
  });

  it("keeps docs/infrastructure.md's options table true to --help", async () => {
    const { stdout } = await run("--help");
    const page = await readFile(path.join(PROJECT_ROOT, "docs", "infrastructure.md"), "utf8");
    const section = page.slice(page.indexOf("### Restore test results in a report"));
    for (const option of ["--stack <name>", "--format <format>", "--at <date>"]) {
      expect(stdout).to.include(option);
      expect(section).to.include(`\`${option}\``);
    }
  });
});
