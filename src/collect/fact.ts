/**
 * A fact a probe established, or the reason it could not be. Parsers return facts; only the
 * mapping onto the machine config turns an unknown fact into the literal "unknown", and the
 * collection report keeps the reason.
 */
export type Fact<T> =
  { readonly known: true; readonly value: T } | { readonly known: false; readonly reason: string };

/** A fact the probes established. */
export function known<T>(value: T): Fact<T> {
  return { known: true, value };
}

/** A fact the probes could not establish, with the reason. */
export function unknown(reason: string): Fact<never> {
  return { known: false, reason };
}

/** Applies `f` to a known value; an unknown fact keeps its reason. */
export function mapFact<T, U>(fact: Fact<T>, f: (value: T) => U): Fact<U> {
  return fact.known ? known(f(fact.value)) : fact;
}
