/**
 * A target as one attempt of one step reaches it: every command journaled (secrets redacted,
 * output truncated), marked with the run (run-commands.ts), capped at the step's deadline and
 * refused once the step is stopped or the host declared lost; restic and file changes fenced to
 * what the step declared.
 */
import { Restic } from "../../restic/restic.js";
import { tamperCommand, tamperOutcome } from "../../restic/backend-files.js";
import type { RepositoryLocation } from "../../restic/repository.js";
import { Secret } from "../../support/secret.js";
import { attackSnapshotObject } from "../../restic/s3-attack.js";
import { unhideDeletedObjects } from "../../restic/s3-delete-markers.js";
import {
  s3Reply,
  s3RequestCommand,
  signingRegion,
  type S3Exchange,
  type S3Location,
  type S3Signing,
} from "../../restic/s3-objects.js";
import type { InventoryHost } from "../../hosts/inventory.js";
import { buildManifest } from "../manifest/manifest.js";
import {
  TransportError,
  shellQuote,
  type ExecOptions,
  type ExecResult,
  type HostSession,
} from "../../hosts/transport/session.js";
import type { DrillHost, DrillRestic, OwnCredentials } from "../runbook/context.js";
import { FencingError, StepAborted, StepFailure } from "../runbook/failures.js";
import { fencedFiles } from "../fencing/fenced-files.js";
import { isWithin, pathShapeProblem, resolveOnHost, stripSlash } from "../fencing/fencing.js";
import { OUTPUT_LIMIT, truncate, type Journal } from "../results/journal.js";
import type { TargetSessions } from "./target-sessions.js";
import { commandEnvironment, describeProcesses, stopCommand } from "./run-commands.js";

/** The offsite repository and how to open it. */
export interface BackupAccess {
  readonly repository: RepositoryLocation;
  readonly password: Secret;
  readonly env: Readonly<Record<string, Secret | string>>;
}

/** Everything one step attempt's view of a target is built from. */
export interface DrillHostInput {
  readonly host: InventoryHost;
  readonly step: string;
  /** Put in every command's environment, so the run's commands can be found and stopped. */
  readonly marker: string;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly sessions: TargetSessions;
  readonly journal: Journal;
  /** Paths the step declared on this host. */
  readonly allowed: readonly string[];
  /** The host's sandbox with links resolved at the start of the run. */
  readonly resolvedSandbox: readonly string[];
  readonly backup?: BackupAccess;
  /** The plan's repository: all a host opening it with its own credentials gets from the run. */
  readonly repository?: RepositoryLocation;
  /** Snapshot ids this run took: the only ones it may forget. */
  readonly taken: Set<string>;
  /** Called when the step first uses the host (to stop its commands on interrupt). */
  readonly onUse: (host: InventoryHost) => void;
}

/** The keys restic gets in its environment on the host, to sign S3 requests with; none given, none. */
function s3Signing(
  repository: S3Location,
  env: Readonly<Record<string, Secret | string>>,
): S3Signing | undefined {
  const secret = (name: string): Secret | undefined => {
    const value = env[name];
    return value === undefined || value === ""
      ? undefined
      : typeof value === "string"
        ? new Secret(value)
        : value;
  };
  const accessKeyId = secret("AWS_ACCESS_KEY_ID");
  const secretAccessKey = secret("AWS_SECRET_ACCESS_KEY");
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const token = secret("AWS_SESSION_TOKEN");
  const region = env.AWS_DEFAULT_REGION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(token ? { sessionToken: token } : {}),
    region: signingRegion(repository, typeof region === "string" ? region : region?.reveal()),
  };
}

/** A direct change to the repository's storage is one small request. */
const TAMPER_TIMEOUT_MS = 60_000;

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "stopped";
}

/** A timed-out command's children run on: stopped (best effort, journaled) before the step goes on. */
async function stopTimedOut(
  session: HostSession,
  marked: Readonly<Record<string, string>>,
  step: string,
  journal: Journal,
): Promise<void> {
  try {
    const found = await stopCommand(session, marked, { termBoundMs: 2_000, timeoutMs: 10_000 });
    if (found.stopped.length > 0)
      journal.write({
        event: "note",
        step,
        message: `stopped ${describeProcesses(found.stopped)} a timed-out command left running on ${session.host.name}`,
      });
  } catch (error) {
    journal.write({ event: "note", step, message: (error as Error).message });
  }
}

/** A target as one attempt of one step reaches it (see the module comment). */
export function drillHost(input: DrillHostInput): DrillHost {
  const { host, step, journal, sessions, signal } = input;

  const remaining = (): number => {
    if (signal.aborted)
      throw new StepAborted(
        `step ${step} was ${abortReason(signal)}; no further command on ${host.name}`,
      );
    const left = input.deadline - Date.now();
    if (left <= 0)
      throw new StepAborted(`step ${step} ran out of time before its next command on ${host.name}`);
    return left;
  };

  const exec = async (
    argv: readonly string[],
    options: ExecOptions & { label?: string },
    journaled: boolean,
  ): Promise<ExecResult> => {
    const left = remaining();
    const session = await sessions.get(host);
    input.onUse(host);
    const { label, ...execOptions } = options;
    const timeoutMs = Math.max(1, Math.min(execOptions.timeoutMs ?? Infinity, left));
    const started = Date.now();
    const command = label ?? argv.map(shellQuote).join(" ");
    const marked = commandEnvironment(input.marker);
    try {
      const result = await session.exec(argv, {
        ...execOptions,
        timeoutMs,
        env: { ...execOptions.env, ...marked },
      });
      if (result.timedOut) await stopTimedOut(session, marked, step, journal);
      if (journaled)
        journal.write({
          event: "command",
          step,
          host: host.name,
          command: truncate(command, OUTPUT_LIMIT),
          code: result.code,
          durationMs: Date.now() - started,
          ...(result.timedOut ? { timedOut: true } : {}),
          stdout: truncate(result.stdout, OUTPUT_LIMIT),
          stderr: truncate(result.stderr, OUTPUT_LIMIT),
        });
      return result;
    } catch (error) {
      if (error instanceof TransportError && error.reason === "connection-lost")
        await sessions.drop(host);
      journal.write({
        event: "command",
        step,
        host: host.name,
        command: truncate(command, OUTPUT_LIMIT),
        code: null,
        durationMs: Date.now() - started,
        error: (error as Error).message,
      });
      throw error;
    }
  };

  const session = (journaled: boolean): HostSession => ({
    host,
    exec: (argv, options = {}) => exec(argv, options, journaled),
    close: () => Promise.resolve(),
  });

  const checkAllowed = (path: string, what: string): void => {
    const shape = pathShapeProblem(path);
    if (shape !== undefined) throw new FencingError(`step ${step}: ${what} ${path} ${shape}`);
    if (!input.allowed.some((root) => isWithin(stripSlash(path), root)))
      throw new FencingError(
        `step ${step} may not ${what} ${path} on ${host.name}: it declared only ${input.allowed.length === 0 ? "no paths" : input.allowed.join(", ")}`,
      );
  };

  const onlyOurs = (snapshotId: string, what: string): void => {
    const ours = [...input.taken].some(
      (id) => id.startsWith(snapshotId) || snapshotId.startsWith(id),
    );
    if (!ours)
      throw new FencingError(
        `step ${step} may not ${what} snapshot ${snapshotId}: a drill ${what === "forget" ? "forgets" : "changes"} only the snapshots it took`,
      );
  };

  const restic = (own?: OwnCredentials): DrillRestic => {
    const backup = input.backup;
    // The host's own password file (and its own cloud keys, read by restic there): nothing
    // secret of the runner's goes to it.
    const credentials =
      own !== undefined
        ? { password: { fileOnHost: own.passwordFile }, env: {} }
        : backup && { password: backup.password, env: { ...backup.env } };
    const repository = input.repository ?? backup?.repository;
    if (repository === undefined || credentials === undefined)
      throw new StepFailure(`step ${step} needs the offsite repository, and none was given`);
    const r = new Restic({
      session: session(false),
      repository,
      ...credentials,
      timeoutMs: remaining(),
      onCommand: (e) =>
        journal.write({
          event: "command",
          step,
          host: host.name,
          command: truncate(e.redacted, OUTPUT_LIMIT),
          code: e.code,
          durationMs: e.endedAt.getTime() - e.startedAt.getTime(),
          stdout: truncate(e.stdout, OUTPUT_LIMIT),
          stderr: truncate(e.stderr, OUTPUT_LIMIT),
        }),
    });
    // S3 requests sent with curl on the host, signed with restic's keys there; none known, none.
    const s3Exchange = (s3: S3Location): S3Exchange | undefined => {
      const signing = s3Signing(s3, credentials.env);
      if (signing === undefined) return undefined;
      return async (request) => {
        const command = s3RequestCommand(s3, signing, request);
        const result = await exec(
          command.argv,
          { stdin: command.stdin, label: command.label, timeoutMs: TAMPER_TIMEOUT_MS },
          true,
        );
        if (result.timedOut)
          return { kind: "failed", detail: `no answer within ${TAMPER_TIMEOUT_MS / 1000} s` };
        return s3Reply(result);
      };
    };
    return {
      repositoryLabel: r.repositoryLabel,
      version: () => r.version(),
      snapshots: (options) => r.snapshots(options),
      snapshotBefore: (instant, options) => r.snapshotBefore(instant, options),
      ls: (id) => r.ls(id),
      eachNode: (id, onNode) => r.eachNode(id, onNode),
      lsFolders: (id, folders) => r.lsFolders(id, folders),
      tree: (id) => r.tree(id),
      restoreSize: (ids, include) => r.restoreSize(ids, include),
      check: (options) => r.check(options),
      backup: async (dir, options) => {
        const summary = await r.backup(dir, options);
        input.taken.add(summary.snapshotId);
        return summary;
      },
      restore: async (snapshotId, target, options) => {
        checkAllowed(target, "restore into");
        const real = (await resolveOnHost(session(true), [target], remaining())).get(target);
        if (real === undefined || !input.resolvedSandbox.some((root) => isWithin(real, root)))
          throw new FencingError(
            `step ${step}: restore target ${target} on ${host.name} resolves to ${real ?? "nothing"}, outside the sandbox`,
          );
        return r.restore(snapshotId, target, options);
      },
      forget: async (snapshotId) => {
        onlyOurs(snapshotId, "forget");
        await r.forget(snapshotId);
      },
      forgetAndPrune: async (snapshotIds) => {
        for (const id of snapshotIds) onlyOurs(id, "forget and prune");
        await r.forgetAndPrune(snapshotIds);
      },
      tamperSnapshotFile: async (snapshotId, action) => {
        onlyOurs(snapshotId, `${action} the file of`);
        if (repository.kind === "s3") {
          const exchange = s3Exchange(repository);
          if (exchange === undefined)
            return {
              kind: "unsupported",
              detail:
                "the S3 keys restic uses on the host are its own and unknown to the drill: the object cannot be attacked with them",
            };
          return attackSnapshotObject(exchange, repository, snapshotId, action);
        }
        const command = tamperCommand(repository, snapshotId, action);
        if ("unsupported" in command) return { kind: "unsupported", detail: command.unsupported };
        const result = await exec(
          command.argv,
          { stdin: command.stdin, label: command.label, timeoutMs: TAMPER_TIMEOUT_MS },
          true,
        );
        if (result.timedOut)
          return { kind: "failed", detail: `no answer within ${TAMPER_TIMEOUT_MS / 1000} s` };
        return tamperOutcome(repository, action, result);
      },
      unhideDeletedObjects: async (snapshotId, since) => {
        onlyOurs(snapshotId, "bring back the deleted objects of");
        if (repository.kind !== "s3")
          return { kind: "unsupported", detail: "restic's deletes are final in this storage" };
        const exchange = s3Exchange(repository);
        if (exchange === undefined)
          return {
            kind: "unsupported",
            detail:
              "the S3 keys restic uses on the host are unknown to the drill: delete markers cannot be looked for with them",
          };
        return unhideDeletedObjects(exchange, repository, snapshotId, since);
      },
    };
  };

  return {
    name: host.name,
    session: session(true),
    exec: (argv, options = {}) => exec(argv, options, true),
    run: async (argv, options = {}) => {
      const result = await exec(argv, options, true);
      if (result.code !== 0) {
        const why = result.timedOut
          ? "timed out"
          : `exit ${result.code ?? `signal ${result.signal ?? "?"}`}`;
        const last = result.stderr.trim().split("\n").at(-1) ?? "";
        throw new StepFailure(
          `${argv[0] ?? "command"} on ${host.name} failed (${why})${last ? `: ${last}` : ""}`,
        );
      }
      return result.stdout;
    },
    manifest: async (root, options) => {
      // A local manifest is hashed in this process, without a command: check here what exec would.
      remaining();
      sessions.refuseIfLost(host);
      input.onUse(host);
      return buildManifest(session(true), root, options);
    },
    restic,
    files: () =>
      fencedFiles(
        { name: host.name, exec: (argv, options) => exec(argv, options, true) },
        step,
        input.allowed,
        input.resolvedSandbox,
      ),
  };
}
