// The EventBridge rules on AWS Backup job events (the prod stack under mocks: AWS and the Pulumi
// engine mocked) against the example events AWS documents ("Monitoring AWS Backup events using
// Amazon EventBridge", AWS Backup developer guide): backup and copy job events carry the job's
// state in detail.state, restore job events in detail.status. The events below keep the fields
// of those examples a pattern can look at. EventBridge itself is not available here; `matches`
// implements the part of its pattern language the rules use (exact values in arrays, nested
// objects), so a rule naming the wrong field fails the test instead of never firing in AWS.
import { expect } from "chai";
import type { ALERTING_JOB_STATES } from "../../src/infra/components/alerts.js";
import { mockedStack, Resources } from "../fixtures/mocked-stacks.js";

type Json = Record<string, unknown>;

const event = (detailType: string, detail: Json): Json => ({
  version: "0",
  "detail-type": detailType,
  source: "aws.backup",
  account: "1112233445566",
  region: "us-west-2",
  detail,
});

/** AWS's documented examples (ids shortened). */
const DOCUMENTED = {
  backupFailed: event("Backup Job State Change", {
    backupJobId: "34176239-e96d-4e1d-9fad-529dbb3c3556",
    resourceType: "type",
    state: "FAILED",
  }),
  backupCompleted: event("Backup Job State Change", {
    backupJobId: "a827233a-d405-4a86-a440-759fa94f34dd",
    state: "COMPLETED",
  }),
  copyFailed: event("Copy Job State Change", {
    copyJobId: "47C8EF56-74D8-059D-1301-C5BE1D5C926E",
    resourceType: "EC2",
    state: "FAILED",
  }),
  copyRunning: event("Copy Job State Change", {
    copyJobId: "0175DE71-5784-589F-D8AC-541ACCB4CAC8",
    state: "RUNNING",
  }),
  restoreFailed: event("Restore Job State Change", {
    restoreJobId: "1B234A56-789B-01CD-2A34-4567A08901FD",
    resourceType: "EC2",
    status: "FAILED",
  }),
  restoreRunning: event("Restore Job State Change", {
    restoreJobId: "1B234A56-789B-01CD-2A34-4567A08901FD",
    resourceType: "EBS",
    status: "RUNNING",
  }),
  restoreCompleted: event("Restore Job State Change", {
    restoreJobId: "AB123456-78C9-0123-456D-789012E34567",
    resourceType: "RDS",
    status: "COMPLETED",
  }),
};

/** EventBridge matching for exact-value patterns: every pattern field present and one of its values. */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((p) => p === value);
  if (typeof pattern !== "object" || pattern === null) return false;
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(pattern).every(([key, sub]) => matches(sub, (value as Json)[key]));
}

describe("AWS Backup job event rules against AWS's documented events (prod, mocked)", function () {
  this.timeout(60_000);
  let r: Resources;
  before(async () => (r = new Resources((await mockedStack("prod")).resources)));

  const patternOf = (name: string) =>
    JSON.parse(
      String(r.named("aws:cloudwatch/eventRule:EventRule", name).inputs.eventPattern),
    ) as Json;

  it("the matcher itself: the field must exist with one of the values", () => {
    expect(matches({ detail: { state: ["FAILED"] } }, DOCUMENTED.backupFailed)).to.equal(true);
    expect(matches({ detail: { state: ["FAILED"] } }, DOCUMENTED.restoreFailed)).to.equal(false);
    expect(matches({ detail: { status: ["FAILED"] } }, DOCUMENTED.restoreFailed)).to.equal(true);
  });

  const cases: [keyof typeof ALERTING_JOB_STATES, Json, Json][] = [
    ["backup-job-failed", DOCUMENTED.backupFailed, DOCUMENTED.backupCompleted],
    ["copy-job-failed", DOCUMENTED.copyFailed, DOCUMENTED.copyRunning],
    ["restore-job-failed", DOCUMENTED.restoreFailed, DOCUMENTED.restoreRunning],
  ];
  for (const [rule, failed, fine] of cases) {
    it(`${rule} fires on AWS's FAILED example and not on a job that is fine, in both regions`, () => {
      for (const side of ["primary", "dr"]) {
        const pattern = patternOf(`alerts-${side}-${rule}`);
        expect(matches(pattern, failed), `${side} ${rule}`).to.equal(true);
        expect(matches(pattern, fine), `${side} ${rule}`).to.equal(false);
      }
    });
  }

  it("restore-job-failed reads detail.status: with detail.state it would never fire", () => {
    const pattern = patternOf("alerts-primary-restore-job-failed");
    expect(pattern.detail).to.deep.equal({ status: ["FAILED", "ABORTED"] });
    const wrong = { ...pattern, detail: { state: ["FAILED", "ABORTED"] } };
    expect(matches(wrong, DOCUMENTED.restoreFailed)).to.equal(false);
  });

  it("the validation Lambda hears completed restore jobs only", () => {
    const pattern = patternOf("restore-validation-restore-jobs");
    expect(matches(pattern, DOCUMENTED.restoreCompleted)).to.equal(true);
    expect(matches(pattern, DOCUMENTED.restoreRunning)).to.equal(false);
    expect(matches(pattern, DOCUMENTED.restoreFailed)).to.equal(false);
    expect(matches(pattern, DOCUMENTED.copyFailed)).to.equal(false);
  });
});
