/**
 * How a step fails on purpose (a verification found a difference), how the fences refuse, and
 * which failures are worth another try.
 */
import { ResticError, TRANSIENT_RESTIC_FAILURES } from "../../restic/restic.js";
import { TransportError, type TransportFailure } from "../../hosts/transport/session.js";
import { ManifestError } from "../manifest/manifest.js";

/** A step's own verdict: what is wrong, with the details the report lists under it. */
export class StepFailure extends Error {
  override name = "StepFailure";
  constructor(
    message: string,
    readonly details: readonly string[] = [],
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** A destructive change outside the declared paths or the sandbox, or a target that is no drill target. */
export class FencingError extends Error {
  override name = "FencingError";
}

/** The step was stopped (timeout or interrupt) and its next command refused. */
export class StepAborted extends Error {
  override name = "StepAborted";
}

const RETRYABLE_TRANSPORT: ReadonlySet<TransportFailure> = new Set([
  "unreachable",
  "timeout",
  "connection-lost",
]);

/**
 * Whether another try could succeed: for a lock, a dropped connection or a deadline; never for a
 * verdict, a fence, a wrong password, an unreadable or corrupt repository or a missing tool.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof StepFailure) return error.retryable;
  if (error instanceof ResticError) return TRANSIENT_RESTIC_FAILURES.has(error.reason);
  if (error instanceof TransportError) return RETRYABLE_TRANSPORT.has(error.reason);
  if (error instanceof ManifestError) return true;
  return false;
}

/** The one line a person reads; unexpected errors are marked as such, without a stack trace. */
export function describeError(error: unknown): string {
  if (
    error instanceof StepFailure ||
    error instanceof FencingError ||
    error instanceof StepAborted ||
    error instanceof ResticError ||
    error instanceof TransportError ||
    error instanceof ManifestError
  )
    return error.message;
  if (error instanceof Error) return `unexpected ${error.name}: ${error.message}`;
  return `unexpected failure: ${String(error)}`;
}

/** Lines under the message: a verdict's details, or a restic/transport reason (with restic's own lines). */
export function errorDetails(error: unknown): readonly string[] {
  if (error instanceof StepFailure) return error.details;
  if (error instanceof ResticError)
    return [`restic failure: ${error.reason}`, ...error.output.map((l) => `restic: ${l}`)];
  if (error instanceof TransportError) return [`transport failure: ${error.reason}`];
  return [];
}
