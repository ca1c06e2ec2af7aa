/**
 * Reading resource properties that may be unknown during `pulumi preview`.
 *
 * CrossGuard hands policies their properties through a proxy that throws when a value is not
 * known yet (an id or ARN of a resource still to be created). Left alone, that throw turns the
 * whole policy into an advisory "can't run during preview" note. Stack policies look at many
 * resources, so they read through a tracker instead: definite violations are reported, and only
 * at the end is the first unknown value re-thrown, so the engine still says which value it lacked.
 */
import * as policySdk from "@pulumi/policy";

// @pulumi/policy exports the class its proxy throws, but its type declarations leave it out.
const UnknownValueError = (policySdk as unknown as { UnknownValueError: abstract new () => Error })
  .UnknownValueError;

/** True for the error CrossGuard's proxy throws when a property is unknown during preview. */
export function isUnknownValueError(error: unknown): error is Error {
  return error instanceof UnknownValueError;
}

/** A property read that either produced a value or met a value unknown during preview. */
export type Known<T> =
  { readonly known: true; readonly value: T } | { readonly known: false; readonly error: Error };

/** Reads through `get`, turning CrossGuard's unknown-value error into `{ known: false }`. */
export function tryRead<T>(get: () => T): Known<T> {
  try {
    return { known: true, value: get() };
  } catch (error) {
    if (isUnknownValueError(error)) return { known: false, error };
    throw error;
  }
}

/** Remembers the first unknown value met, to re-throw once every definite violation is reported. */
export class UnknownTracker {
  #first: Error | undefined;

  /** Reads through `get`; an unknown value is remembered and comes back as `{ known: false }`. */
  read<T>(get: () => T): Known<T> {
    const result = tryRead(get);
    if (!result.known) this.note(result.error);
    return result;
  }

  /** Remembers an unknown value met elsewhere (the first one wins). */
  note(error: Error): void {
    this.#first ??= error;
  }

  /** Hands the first unknown value back to CrossGuard, which reports it as "can't run during preview". */
  rethrow(): void {
    if (this.#first !== undefined) throw this.#first;
  }
}
