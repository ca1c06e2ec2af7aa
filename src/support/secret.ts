/**
 * Secrets (repository passwords, cloud keys) travel as `Secret` values that never print, and any
 * text leaving the process for a journal or report goes through `redact` first.
 */
import { inspect } from "node:util";

const REDACTED = "[redacted]";

/** A value that never prints: toString/JSON/inspect give "[redacted]". */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value itself, for the one place that must hand it to a tool. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

// `scheme://user:password@host`: the password part, whatever the scheme.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi;

/** Replaces every occurrence of the given secrets (and URL passwords user:pass@) in text. */
export function redact(text: string, secrets: readonly Secret[]): string {
  let out = text.replace(URL_PASSWORD, `$1${REDACTED}@`);
  // Longest first, so a secret that contains another is hidden whole.
  const values = secrets
    .map((s) => s.reveal())
    .filter((v) => v.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join(REDACTED);
  return out;
}
