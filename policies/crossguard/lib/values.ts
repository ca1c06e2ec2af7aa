/** Small readers for the plain JSON values CrossGuard passes as resource properties. */

/** A property of a resource as an `unknown` JSON value (CrossGuard types them `any`). */
export function prop(
  resource: { readonly props: Readonly<Record<string, unknown>> },
  key: string,
): unknown {
  return resource.props[key];
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value if it is a non-empty string. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The value as a list: an array as is, a single value as a one-element list, nothing as empty. */
export function asList(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The region field of an ARN (`arn:partition:service:region:account:resource`), if it has one. */
export function arnRegion(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts.length >= 6 && parts[0] === "arn" ? nonEmptyString(parts[3]) : undefined;
}

/** A short human label for a resource in a violation message: `aws:s3/bucket:Bucket "offsite"`. */
export function describeResource(resource: {
  readonly type: string;
  readonly name: string;
}): string {
  return `${resource.type} "${resource.name}"`;
}
