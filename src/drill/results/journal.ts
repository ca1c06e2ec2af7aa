/**
 * The run's journal: one JSON object per line, appended as things happen and never rewritten, so
 * it survives a crash up to its last line. Every string is redacted (secrets, URL passwords)
 * before it is written, and command output is truncated.
 */
import { appendFileSync, closeSync, fsyncSync, openSync } from "node:fs";
import { redact, type Secret } from "../../support/secret.js";
import type { DrillMetrics, DrillVerdict, StepStatus } from "./run-record.js";

/** Longest command output kept per stream. */
export const OUTPUT_LIMIT = 4096;
/** Longest serialised step output kept. */
export const DATA_LIMIT = 2048;

/** A target as the journal and reports record it. */
export interface JournalTarget {
  readonly key: string;
  readonly role: string;
  readonly host: string;
  readonly transport: string;
  readonly destructive: boolean;
  readonly sandbox: readonly string[];
}

/** Everything a journal records, one kind per line. */
export type JournalEvent =
  | {
      readonly event: "run-start";
      readonly runId: string;
      readonly runbook: { readonly id: string; readonly title: string };
      readonly inventory: string;
      readonly repository?: string;
      readonly targets: readonly JournalTarget[];
      readonly settings: unknown;
      readonly rtoMinutes: number;
      readonly rpoMinutes: number;
      readonly steps: readonly { phase: string; name: string; kind: string }[];
    }
  | {
      readonly event: "fence";
      readonly outcome: "ok" | "refused" | "failed";
      readonly details: readonly string[];
    }
  | {
      readonly event: "step-start";
      readonly step: string;
      readonly phase: string;
      readonly kind: string;
      readonly attempt: number;
      readonly timeoutMs: number;
    }
  | {
      readonly event: "command";
      readonly step: string;
      readonly host: string;
      readonly command: string;
      readonly code: number | null;
      readonly durationMs: number;
      readonly timedOut?: boolean;
      readonly stdout?: string;
      readonly stderr?: string;
      readonly error?: string;
    }
  | { readonly event: "note" | "warning"; readonly step: string; readonly message: string }
  | { readonly event: "fact"; readonly step: string; readonly fact: unknown }
  | {
      readonly event: "attempt-failed";
      readonly step: string;
      readonly attempt: number;
      readonly error: string;
      readonly retryInMs: number;
    }
  | {
      readonly event: "step-end";
      readonly step: string;
      readonly phase: string;
      readonly status: StepStatus;
      readonly attempts: number;
      readonly durationMs: number;
      readonly error?: string;
      readonly details?: readonly string[];
      readonly output?: string;
    }
  | { readonly event: "signal"; readonly signal: string; readonly action: string }
  | {
      readonly event: "run-end";
      readonly verdict: DrillVerdict;
      readonly metrics: DrillMetrics;
    };

/** A journal line as written: the event plus its sequence number and time. */
export type JournalLine = JournalEvent & { readonly seq: number; readonly at: string };

/** Cuts text to `limit` characters, saying how much was left out. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}

/** Every string inside `value` redacted; Secrets already serialise as "[redacted]". */
export function redactDeep(value: unknown, secrets: readonly Secret[]): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function")
      return redactDeep(JSON.parse(JSON.stringify(value)), secrets);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  }
  return value;
}

/** A step's output for the journal: JSON, redacted, cut to DATA_LIMIT. */
export function summariseOutput(value: unknown, secrets: readonly Secret[]): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(redactDeep(value, secrets)) ?? "undefined";
  } catch {
    text = "(not serialisable)";
  }
  return truncate(text, DATA_LIMIT);
}

/** An append-only JSON Lines file for one run; refuses a file that already exists. */
export class Journal {
  private seq = 0;
  constructor(
    readonly file: string,
    private readonly secrets: () => readonly Secret[],
  ) {
    // Created empty and exclusively: a journal is never appended to by two runs.
    closeSync(openSync(file, "wx", 0o644));
  }

  write(event: JournalEvent): void {
    this.seq += 1;
    const line = redactDeep(
      { seq: this.seq, at: new Date().toISOString(), ...event },
      this.secrets(),
    );
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }

  /** Flushes the journal to disk (at the end of a run). */
  sync(): void {
    const fd = openSync(this.file, "a");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
