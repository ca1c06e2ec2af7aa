/**
 * One way to run a command on a host, whatever the transport: argv in, exit code and output out.
 * Transport failures are typed, so a drill or a collection can report "host key mismatch" rather
 * than a stack trace, and go on with the other hosts.
 */
import type { InventoryHost } from "../inventory.js";

export interface ExecOptions {
  /**
   * Fed to the command's standard input (the way to pass a secret: never in argv); bytes for
   * file names that are not UTF-8.
   */
  readonly stdin?: string | Buffer;
  /**
   * Kills the command after this long; the result then has `timedOut: true`, without waiting for
   * processes the command started (the kill reaches only the command itself).
   */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Output beyond this many bytes per stream is dropped and `truncated` set (default 64 MiB). */
  readonly maxOutputBytes?: number;
  /**
   * Standard output chunk by chunk as it arrives, for output too large to hold whole (a listing
   * of every file): the result's `stdout` is then empty, and no limit applies to it.
   */
  readonly onStdout?: (chunk: Buffer) => void;
  /**
   * Added to the command's environment. Not for secrets: over SSH it is part of the command line
   * (`env NAME=value …`), since sshd accepts only the variables its AcceptEnv names.
   */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ExecResult {
  /** null when the command was killed by a signal or timed out. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly truncated: boolean;
}

export interface HostSession {
  readonly host: InventoryHost;
  /** Runs argv without a shell on the local side; over SSH each argument is quoted for the remote shell. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export const TRANSPORT_FAILURES = [
  "unreachable",
  "timeout",
  "auth-failed",
  "key-unreadable",
  "agent-unavailable",
  "host-key-unknown",
  "host-key-mismatch",
  "host-key-revoked",
  "connection-lost",
  "transport-refused",
] as const;
export type TransportFailure = (typeof TRANSPORT_FAILURES)[number];

/** A host could not be reached or the connection broke: the reason is one of a closed set. */
export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    readonly reason: TransportFailure,
    readonly hostName: string,
    message: string,
  ) {
    super(`${hostName}: ${message}`);
  }
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** POSIX shell quoting: the argument arrives as exactly one word, whatever it contains. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Collects a stream's chunks up to a byte limit. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
