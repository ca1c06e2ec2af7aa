/**
 * Restore test results read back from AWS Backup: the JSON `aws backup list-restore-jobs` or
 * `aws backup describe-restore-job` prints (AWS Backup API reference, ListRestoreJobs and
 * DescribeRestoreJob), judged per restore job and per restore testing plan against the stack's
 * RTO and validation window. A file that is not such JSON is refused with every problem located.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { validatorFor } from "../documents/ajv.js";
import type { InputProblem } from "../documents/input-problem.js";
import { lineOf, toPointer } from "../documents/locate.js";
import { readDocument } from "../documents/read-document.js";
import { validationProblems } from "../documents/validation-problems.js";
import { InputError, UsageError } from "../support/errors.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import { loadStackConfigFile } from "./config-file.js";

/** A timestamp as the AWS CLI prints it (ISO 8601) or as the API returns it (Unix seconds). */
const Timestamp = Type.Union([Type.String({ minLength: 1 }), Type.Number({ minimum: 0 })]);

/** One restore job, with the fields this reads; AWS's other fields are kept out of the way. */
export const RestoreJobSchema = Type.Object(
  {
    RestoreJobId: Type.String({ minLength: 1 }),
    Status: Type.Union(
      ["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"].map((s) => Type.Literal(s)),
    ),
    StatusMessage: Type.Optional(Type.String()),
    CreationDate: Timestamp,
    CompletionDate: Type.Optional(Timestamp),
    ResourceType: Type.Optional(Type.String()),
    CreatedResourceArn: Type.Optional(Type.String()),
    RecoveryPointArn: Type.Optional(Type.String()),
    CreatedBy: Type.Optional(Type.Object({ RestoreTestingPlanArn: Type.Optional(Type.String()) })),
    ValidationStatus: Type.Optional(
      Type.Union(["FAILED", "SUCCESSFUL", "TIMED_OUT", "VALIDATING"].map((s) => Type.Literal(s))),
    ),
    ValidationStatusMessage: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type RestoreJob = Static<typeof RestoreJobSchema>;

const ListSchema = Type.Object(
  { RestoreJobs: Type.Array(RestoreJobSchema), NextToken: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const ArraySchema = Type.Array(RestoreJobSchema);

/** A job as read: its dates parsed, and where it sits in the file. */
export interface ReadJob {
  readonly job: RestoreJob;
  readonly created: Date;
  readonly completed: Date | undefined;
  readonly pointer: string;
}

export type ReadJobs =
  | { readonly ok: true; readonly jobs: readonly ReadJob[]; readonly truncated: boolean }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A timestamp of the file as a Date, or undefined when it is no date. */
function toDate(value: string | number): Date | undefined {
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  if (typeof value === "string" && !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Reads the output of list-restore-jobs, describe-restore-job, or an array of jobs. */
export async function readRestoreJobs(file: string): Promise<ReadJobs> {
  const doc = await readDocument(file);
  if (!doc.ok) return { ok: false, problems: [doc.problem] };
  const value = doc.value;
  const [schema, base, list] = Array.isArray(value)
    ? ([ArraySchema, "", (v: unknown) => v as RestoreJob[]] as const)
    : isRecord(value) && "RestoreJobs" in value
      ? ([
          ListSchema,
          "/RestoreJobs",
          (v: unknown) => (v as Static<typeof ListSchema>).RestoreJobs,
        ] as const)
      : isRecord(value) && "RestoreJobId" in value
        ? ([RestoreJobSchema, "", (v: unknown) => [v as RestoreJob]] as const)
        : ([undefined, "", () => []] as const);
  if (schema === undefined) {
    return {
      ok: false,
      problems: [
        {
          file,
          pointer: "",
          line: 1,
          message:
            'is not a restore job list: expected what `aws backup list-restore-jobs --output json` prints ({ "RestoreJobs": [...] }), what `aws backup describe-restore-job` prints (one job with RestoreJobId), or an array of such jobs',
        },
      ],
    };
  }
  const validate = validatorFor(schema as typeof ArraySchema);
  if (!validate(value)) {
    return {
      ok: false,
      problems: validationProblems(validate.errors ?? [], file, { text: doc.text }),
    };
  }
  const problems: InputProblem[] = [];
  const jobs: ReadJob[] = [];
  const single = !Array.isArray(value) && base === "";
  list(value).forEach((job, i) => {
    const pointer = single ? "" : `${base}/${i}`;
    const at = (field: string) => `${pointer}${toPointer([field])}`;
    const located = (field: string, message: string): InputProblem => {
      const line = lineOf(doc.text, at(field));
      return { file, pointer: at(field), ...(line === undefined ? {} : { line }), message };
    };
    const created = toDate(job.CreationDate);
    const completed = job.CompletionDate === undefined ? undefined : toDate(job.CompletionDate);
    if (created === undefined) {
      problems.push(located("CreationDate", `"${job.CreationDate}" is not a date`));
    }
    if (job.CompletionDate !== undefined && completed === undefined) {
      problems.push(located("CompletionDate", `"${job.CompletionDate}" is not a date`));
    }
    if (created !== undefined && completed !== undefined && completed < created) {
      problems.push(located("CompletionDate", "is before CreationDate"));
    }
    if (job.Status === "COMPLETED" && job.CompletionDate === undefined) {
      problems.push(located("CompletionDate", "is required for a COMPLETED job"));
    }
    if (created !== undefined) jobs.push({ job, created, completed, pointer });
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    jobs,
    truncated: isRecord(value) && typeof value.NextToken === "string",
  };
}

/** What a restore job shows, judged. */
export type JobVerdict =
  | { readonly kind: "passed"; readonly reason: string }
  | { readonly kind: "failed"; readonly reason: string }
  | { readonly kind: "overdue"; readonly reason: string }
  | { readonly kind: "pending"; readonly reason: string };

/** The stack settings a judgement needs. */
export interface RestoreTestTargets {
  readonly rtoHours: number;
  /** restoreTesting.validationWindowHours; AWS's longest, 168, when the stack has none. */
  readonly validationWindowHours: number;
  /** When the judgement is made. */
  readonly at: Date;
}

export interface JobResult {
  readonly restoreJobId: string;
  readonly resourceType: string;
  readonly status: RestoreJob["Status"];
  readonly validationStatus: string;
  readonly created: string;
  readonly completed?: string;
  /** Hours from creation to completion, once completed. */
  readonly restoreHours?: number;
  readonly verdict: JobVerdict;
}

/** Results of one restore testing plan, or of the restores no plan started. */
export interface PlanResult {
  /** The plan's ARN; undefined for restores started by hand or by a drill. */
  readonly planArn?: string;
  readonly verdict: "passed" | "failed" | "pending";
  readonly jobs: readonly JobResult[];
  /** The slowest completed restore, in hours. */
  readonly slowestHours?: number;
}

export interface RestoreTestSummary {
  readonly rtoHours: number;
  readonly validationWindowHours: number;
  readonly at: string;
  /** The file held a NextToken: AWS has more jobs than it listed. */
  readonly truncated: boolean;
  readonly plans: readonly PlanResult[];
  readonly failed: boolean;
}

const hours = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100;

/** One job against the RTO and the validation window. */
export function judgeJob(read: ReadJob, targets: RestoreTestTargets): JobVerdict {
  const { job, created, completed } = read;
  const message = (text: string | undefined) => (text ? `: ${text}` : "");
  if (job.Status === "FAILED" || job.Status === "ABORTED") {
    return { kind: "failed", reason: `restore ${job.Status}${message(job.StatusMessage)}` };
  }
  if (job.Status !== "COMPLETED" || completed === undefined) {
    const age = hours(targets.at.getTime() - created.getTime());
    return age > targets.rtoHours
      ? {
          kind: "overdue",
          reason: `restore still ${job.Status} after ${age} h (RTO ${targets.rtoHours} h)`,
        }
      : { kind: "pending", reason: `restore ${job.Status}` };
  }
  const took = hours(completed.getTime() - created.getTime());
  if (took > targets.rtoHours) {
    return {
      kind: "failed",
      reason: `restore took ${took} h, over the RTO of ${targets.rtoHours} h`,
    };
  }
  const isTest = job.CreatedBy?.RestoreTestingPlanArn !== undefined;
  switch (job.ValidationStatus) {
    case "SUCCESSFUL":
      return {
        kind: "passed",
        reason: `restored in ${took} h, validated${message(job.ValidationStatusMessage)}`,
      };
    case "FAILED":
      return { kind: "failed", reason: `validation FAILED${message(job.ValidationStatusMessage)}` };
    case "TIMED_OUT":
      return {
        kind: "failed",
        reason: `validation TIMED_OUT${message(job.ValidationStatusMessage)}`,
      };
    default: {
      // VALIDATING, or no validation status yet (the schema admits no other value).
      if (!isTest)
        return {
          kind: "passed",
          reason: `restored in ${took} h (not a restore test: no validation)`,
        };
      const due = completed.getTime() + targets.validationWindowHours * 3_600_000;
      return targets.at.getTime() > due
        ? {
            kind: "overdue",
            reason: `no validation result ${targets.validationWindowHours} h after the restore (${job.ValidationStatus ?? "none reported"})`,
          }
        : {
            kind: "pending",
            reason: `restored in ${took} h, validation ${job.ValidationStatus ?? "not reported yet"}`,
          };
    }
  }
}

/** Every job judged, grouped by the restore testing plan that started it. */
export function summarizeRestoreTests(
  jobs: readonly ReadJob[],
  targets: RestoreTestTargets,
  truncated = false,
): RestoreTestSummary {
  const groups = new Map<string | undefined, ReadJob[]>();
  for (const read of jobs) {
    const plan = read.job.CreatedBy?.RestoreTestingPlanArn;
    groups.set(plan, [...(groups.get(plan) ?? []), read]);
  }
  const plans: PlanResult[] = [...groups]
    .sort(([a], [b]) => (a ?? "\uffff").localeCompare(b ?? "\uffff"))
    .map(([planArn, reads]) => {
      const results = [...reads]
        .sort((a, b) => a.created.getTime() - b.created.getTime())
        .map((read): JobResult => {
          const restoreHours =
            read.completed === undefined
              ? undefined
              : hours(read.completed.getTime() - read.created.getTime());
          return {
            restoreJobId: read.job.RestoreJobId,
            resourceType: read.job.ResourceType ?? "unknown",
            status: read.job.Status,
            validationStatus: read.job.ValidationStatus ?? "-",
            created: read.created.toISOString(),
            ...(read.completed === undefined ? {} : { completed: read.completed.toISOString() }),
            ...(restoreHours === undefined ? {} : { restoreHours }),
            verdict: judgeJob(read, targets),
          };
        });
      const kinds = results.map((r) => r.verdict.kind);
      const verdict = kinds.some((k) => k === "failed" || k === "overdue")
        ? "failed"
        : kinds.includes("passed")
          ? "passed"
          : "pending";
      const times = results.flatMap((r) => (r.restoreHours === undefined ? [] : [r.restoreHours]));
      return {
        ...(planArn === undefined ? {} : { planArn }),
        verdict,
        jobs: results,
        ...(times.length === 0 ? {} : { slowestHours: Math.max(...times) }),
      };
    });
  return {
    rtoHours: targets.rtoHours,
    validationWindowHours: targets.validationWindowHours,
    at: targets.at.toISOString(),
    truncated,
    plans,
    failed: plans.some((p) => p.verdict === "failed"),
  };
}

/** AWS Backup's longest validation window, for a stack without restore testing settings. */
export const LONGEST_VALIDATION_WINDOW_HOURS = 168;

/**
 * Reads the jobs and the stack's objectives (stacks/Pulumi.<stack>.yaml) and judges them; an
 * unusable file or stack settings file is an InputError listing every problem.
 */
export async function restoreTestReport(options: {
  readonly file: string;
  readonly stack: string;
  readonly at: Date;
  readonly projectRoot?: string;
}): Promise<RestoreTestSummary> {
  const settings = path.join(
    options.projectRoot ?? PROJECT_ROOT,
    "stacks",
    `Pulumi.${options.stack}.yaml`,
  );
  if (!existsSync(settings)) {
    throw new UsageError(`--stack ${options.stack}: no ${path.relative(process.cwd(), settings)}`);
  }
  const problems: InputProblem[] = [];
  const config = loadStackConfigFile(settings);
  if (!config.ok) problems.push(...config.problems);
  const read = await readRestoreJobs(options.file);
  if (!read.ok) problems.push(...read.problems);
  if (!config.ok || !read.ok) throw new InputError(problems);
  return summarizeRestoreTests(
    read.jobs,
    {
      rtoHours: config.config.objectives.rtoHours,
      validationWindowHours:
        config.config.restoreTesting?.validationWindowHours ?? LONGEST_VALIDATION_WINDOW_HOURS,
      at: options.at,
    },
    read.truncated,
  );
}
