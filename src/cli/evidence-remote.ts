/**
 * `stronghold evidence push` and `stronghold evidence verify --remote`: the ledger's offsite copy in
 * the Object Lock bucket the infrastructure stack publishes (its saved stack outputs), reached
 * with the evidence-writer's keys from those outputs or the standard AWS environment variables.
 */
import path from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import type { Command } from "commander";
import { loadValidated } from "../documents/ajv.js";
import { OffsiteError, createOffsiteClient, type OffsiteTarget } from "../evidence/offsite.js";
import { pushEvidence, type PushResult } from "../evidence/push.js";
import { renderRemoteReport, verifyRemote } from "../evidence/verify-remote.js";
import { InputError, UsageError } from "../support/errors.js";
import { Secret, redact } from "../support/secret.js";
import type { Io } from "./io.js";
import { currentWorkspace, workingDir } from "./workspace-settings.js";

const SECRET_MASK = "[secret]";
const Text = Type.String({ minLength: 1 });

/** The part of the stack outputs (schema version 1) the offsite evidence copy reads. */
export const EvidenceOutputsSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    evidence: Type.Object({
      bucket: Type.String({ pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" }),
      prefix: Type.String({ pattern: "^([a-z0-9][a-z0-9-]*/)*$" }),
      region: Type.String({ pattern: "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$" }),
      endpoint: Type.Optional(Type.String({ pattern: "^https://[^/]+/?$" })),
      lockMode: Type.Union([Type.Literal("GOVERNANCE"), Type.Literal("COMPLIANCE")]),
      retentionDays: Type.Integer({ minimum: 1 }),
      writer: Type.Object({
        accessKeyId: Type.Optional(Text),
        secretAccessKey: Type.Optional(Text),
      }),
    }),
  },
  { additionalProperties: true },
);
type EvidenceOutputs = Static<typeof EvidenceOutputsSchema>;

export interface RemoteFlags {
  ledger?: string;
  stackOutputs?: string;
  cacert?: string;
  full?: boolean;
  json?: boolean;
}

interface Resolved {
  readonly ledger: string;
  readonly target: OffsiteTarget;
  readonly where: string;
  readonly secrets: readonly Secret[];
}

async function resolve(flags: RemoteFlags, io: Io): Promise<Resolved> {
  const cwd = workingDir(io);
  const workspace =
    flags.ledger === undefined || flags.stackOutputs === undefined
      ? await currentWorkspace(io)
      : undefined;
  const ledger =
    flags.ledger !== undefined
      ? path.resolve(cwd, flags.ledger)
      : workspace !== undefined
        ? path.join(workspace.evidence, "ledger")
        : undefined;
  if (ledger === undefined)
    throw new UsageError(
      "give --ledger <dir> (or run in a workspace, whose evidence folder holds it)",
    );
  const outputsFile =
    flags.stackOutputs !== undefined
      ? path.resolve(cwd, flags.stackOutputs)
      : workspace?.stackOutputs;
  if (outputsFile === undefined)
    throw new UsageError(
      "give --stack-outputs <file> (a saved `pulumi stack output --json --show-secrets`), or name it as stackOutputs in stronghold.yaml",
    );
  const loaded = await loadValidated(outputsFile, EvidenceOutputsSchema);
  if (!loaded.ok) throw new InputError(loaded.problems);
  const evidence: EvidenceOutputs["evidence"] = loaded.value.evidence;
  const revealed = (v: string | undefined) =>
    v !== undefined && v !== SECRET_MASK ? new Secret(v) : undefined;
  const env = (name: string) => revealed(io.env[name] === "" ? undefined : io.env[name]);
  const fromOutputs = {
    accessKeyId: revealed(evidence.writer.accessKeyId),
    secretAccessKey: revealed(evidence.writer.secretAccessKey),
  };
  const credentials =
    fromOutputs.accessKeyId !== undefined && fromOutputs.secretAccessKey !== undefined
      ? { accessKeyId: fromOutputs.accessKeyId, secretAccessKey: fromOutputs.secretAccessKey }
      : (() => {
          const accessKeyId = env("AWS_ACCESS_KEY_ID");
          const secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
          const sessionToken = env("AWS_SESSION_TOKEN");
          if (accessKeyId === undefined || secretAccessKey === undefined)
            throw new UsageError(
              `${outputsFile}: /evidence/writer holds no keys (saved without --show-secrets?) and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set: give the evidence-writer's keys one way or the other`,
            );
          return {
            accessKeyId,
            secretAccessKey,
            ...(sessionToken === undefined ? {} : { sessionToken }),
          };
        })();
  const endpoint = (evidence.endpoint ?? `https://s3.${evidence.region}.amazonaws.com`).replace(
    /\/$/,
    "",
  );
  const client = createOffsiteClient({
    endpoint,
    region: evidence.region,
    credentials,
    ...(flags.cacert === undefined ? {} : { caFile: path.resolve(cwd, flags.cacert) }),
  });
  return {
    ledger,
    where: `s3://${evidence.bucket}/${evidence.prefix}`,
    secrets: Object.values(credentials),
    target: {
      client,
      bucket: evidence.bucket,
      prefix: evidence.prefix,
      lockMode: evidence.lockMode,
      retentionDays: evidence.retentionDays,
    },
  };
}

function renderPush(result: PushResult, where: string, days: number): string {
  const lines: string[] = [];
  if (result.recordDisagreed !== undefined)
    lines.push(
      `note: pushed.json recorded entry ${result.recordDisagreed.recorded}, the offsite copy ends at ${result.recordDisagreed.remote}: pushing from what the bucket holds`,
    );
  if (result.segment === undefined)
    lines.push(`nothing to push: ${where} already holds entries 1–${result.localLast}`);
  else
    lines.push(
      `pushed entries ${result.segment.first}–${result.segment.last} to ${result.segment.key}, ${result.artifactsPut} artifact(s) uploaded${result.artifactsPresent > 0 ? `, ${result.artifactsPresent} already offsite` : ""}; each object locked for ${days} days`,
    );
  return `${lines.join("\n")}\n`;
}

/** Runs a remote action; an offsite failure is a message and exit 1, never a stack trace. */
async function guarded(io: Io, resolved: Resolved, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof OffsiteError)) throw error;
    io.stderr(`stronghold: ${redact(error.message, resolved.secrets)}\n`);
    return 1;
  } finally {
    resolved.target.client.destroy();
  }
}

/** `stronghold evidence verify --remote`: compares the offsite copy with the local ledger. */
export async function verifyOffsite(flags: RemoteFlags, io: Io): Promise<number> {
  const resolved = await resolve(flags, io);
  return guarded(io, resolved, async () => {
    const report = await verifyRemote(resolved.ledger, resolved.target, {
      full: flags.full === true,
    });
    io.stdout(
      flags.json === true
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderRemoteReport(report, resolved.where),
    );
    return report.ok ? 0 : 1;
  });
}

/** Options of the offsite copy, shared with `evidence verify --remote`. */
export const ledgerOption = [
  "--ledger <dir>",
  "the ledger folder (default: the workspace's <evidence>/ledger)",
] as const;
export const outputsOption = [
  "--stack-outputs <file>",
  "saved `pulumi stack output --json --show-secrets` naming the evidence bucket and writer (default: stackOutputs in stronghold.yaml)",
] as const;
export const cacertOption = [
  "--cacert <file>",
  "PEM file of a CA to trust for the S3 endpoint",
] as const;

/** Registers `push` (and `verify-remote`, the hidden first name of `verify --remote`). */
export function registerEvidenceRemote(
  evidence: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  evidence
    .command("push")
    .description(
      "Copy new ledger entries (one new segment) and their artifacts to the offsite Object Lock bucket, each object locked on upload; never overwrites",
    )
    .option(...ledgerOption)
    .option(...outputsOption)
    .option(...cacertOption)
    .option("--json", "print the result as JSON")
    .action(async (flags: RemoteFlags) => {
      const resolved = await resolve(flags, io);
      setExit(
        await guarded(io, resolved, async () => {
          const result = await pushEvidence(resolved.ledger, resolved.target);
          io.stdout(
            flags.json === true
              ? `${JSON.stringify(result, null, 2)}\n`
              : renderPush(result, resolved.where, resolved.target.retentionDays),
          );
          return 0;
        }),
      );
    });
  // The command's first name, kept for scripts: stronghold evidence verify --remote.
  evidence
    .command("verify-remote", { hidden: true })
    .option(...ledgerOption)
    .option(...outputsOption)
    .option(...cacertOption)
    .option("--full", "download every artifact and rehash it")
    .option("--json", "print the report as JSON")
    .action(async (flags: RemoteFlags) => setExit(await verifyOffsite(flags, io)));
}
