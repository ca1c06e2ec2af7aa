/**
 * Where a resource lives. With @pulumi/aws v7 each resource may name its own `region`; otherwise
 * its provider's region applies (an explicit provider's `region` argument, or the stack's
 * `aws:region` on the default provider).
 */
import type { Known } from "./known.js";
import { tryRead } from "./known.js";
import { nonEmptyString, prop } from "./values.js";

/** What region lookup needs: the resource's properties and, when known, its provider's. */
export interface Regional {
  readonly props: Record<string, unknown>;
  readonly provider?: { readonly props: Record<string, unknown> } | undefined;
}

/**
 * The resource's region: its own `region`, else its provider's; `{ known: true, value: undefined }`
 * when neither says (nothing to decide with), `{ known: false }` when a value is unknown in preview.
 */
export function regionOf(resource: Regional): Known<string | undefined> {
  const own = tryRead(() => nonEmptyString(prop(resource, "region")));
  if (!own.known || own.value !== undefined) return own;
  const provider = resource.provider;
  if (provider === undefined) return { known: true, value: undefined };
  return tryRead(() => nonEmptyString(prop(provider, "region")));
}
