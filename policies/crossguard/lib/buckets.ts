/**
 * Puts an S3 bucket together with its settings. @pulumi/aws v7 splits a bucket's configuration
 * into sibling resources (BucketVersioning, BucketObjectLockConfiguration, …) that name the
 * bucket in a property, so bucket rules are stack policies that correlate them.
 *
 * A sibling belongs to a bucket when its property depends on that bucket resource (the engine
 * records this even in preview, when the bucket's id is still unknown), or else when the
 * property's value is the bucket's name or id.
 */
import type { PolicyResource } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { tryRead, type UnknownTracker } from "./known.js";
import { nonEmptyString, prop } from "./values.js";

const BUCKET_TYPE = "aws:s3/bucket:Bucket";

/** A resource class as CrossGuard's `isType` takes it. */
type ResourceClass = Parameters<PolicyResource["isType"]>[0];

/** The names by which other resources can refer to a bucket: its name, id and ARN, when known. */
function bucketIdentifiers(bucket: PolicyResource): Set<string> {
  const ids = new Set<string>();
  for (const key of ["bucket", "id", "arn"]) {
    const value = tryRead(() => nonEmptyString(prop(bucket, key)));
    if (value.known && value.value !== undefined) ids.add(value.value);
  }
  return ids;
}

/** The stack's buckets, each with its sibling resources found by type. */
export interface BucketIndex {
  readonly buckets: readonly PolicyResource[];
  /**
   * The siblings of `siblingClass` whose `property` refers to `bucket`. `undecided` holds the
   * unknown-value error when some sibling's reference could not be resolved in preview: a bucket
   * that seems to lack the sibling may then have it after all.
   */
  siblingsOf(
    bucket: PolicyResource,
    siblingClass: ResourceClass,
    property?: string,
  ): { readonly found: readonly PolicyResource[]; readonly undecided?: Error };
  /**
   * "log" for a bucket that receives server access logs (a logging configuration's target without
   * Object Lock: S3 requires SSE-S3 and no default retention there), "backup" for any other; an
   * Error when a logging target is unknown yet. A bucket policy admitting S3's log delivery does
   * not make a bucket a log bucket: one Allow statement would otherwise switch every bucket rule
   * off for a backup bucket.
   */
  roleOf(bucket: PolicyResource): "backup" | "log" | Error;
}

/** Indexes the stack's buckets and their siblings; resolving references by dependency, then by value. */
export function indexBuckets(resources: readonly PolicyResource[]): BucketIndex {
  const buckets = resources.filter((r) => r.type === BUCKET_TYPE);
  const identifiers = new Map(buckets.map((b) => [b, bucketIdentifiers(b)] as const));

  /** The buckets `resource.props[property]` refers to; an Error when that cannot be known yet. */
  function referencedBuckets(resource: PolicyResource, property: string): PolicyResource[] | Error {
    const byDependency = (resource.propertyDependencies[property] ?? []).filter(
      (d) => d.type === BUCKET_TYPE,
    );
    if (byDependency.length > 0) return byDependency;
    const value = tryRead(() => nonEmptyString(prop(resource, property)));
    if (!value.known) return value.error;
    const name = value.value;
    if (name === undefined) return [];
    return buckets.filter((b) => identifiers.get(b)!.has(name));
  }

  const cache = new Map<
    string,
    { byBucket: Map<PolicyResource, PolicyResource[]>; undecided?: Error }
  >();
  function attach(siblingClass: ResourceClass, property: string) {
    const key = `${String((siblingClass as { __pulumiType?: string }).__pulumiType)}#${property}`;
    let entry = cache.get(key);
    if (entry === undefined) {
      const byBucket = new Map<PolicyResource, PolicyResource[]>();
      let undecided: Error | undefined;
      for (const sibling of resources.filter((r) => r.isType(siblingClass))) {
        const targets = referencedBuckets(sibling, property);
        if (targets instanceof Error) {
          undecided ??= targets;
          continue;
        }
        for (const bucket of targets)
          byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), sibling]);
      }
      entry = undecided === undefined ? { byBucket } : { byBucket, undecided };
      cache.set(key, entry);
    }
    return entry;
  }

  const logTargets = new Set<PolicyResource>();
  let logTargetsUndecided: Error | undefined;
  for (const logging of resources.filter((r) => r.isType(aws.s3.BucketLogging))) {
    const targets = referencedBuckets(logging, "targetBucket");
    const sources = referencedBuckets(logging, "bucket");
    if (targets instanceof Error) logTargetsUndecided ??= targets;
    // A bucket logging into itself is misconfigured, not a log bucket.
    else
      for (const t of targets)
        if (!(sources instanceof Array && sources.includes(t))) logTargets.add(t);
  }
  // A bucket with Object Lock holds backups whatever points at it: making it a logging target
  // must not exempt it from the bucket rules.
  for (const bucket of [...logTargets]) {
    const lock = tryRead(() => prop(bucket, "objectLockEnabled"));
    if (!lock.known || lock.value === true) logTargets.delete(bucket);
  }

  return {
    buckets,
    roleOf(bucket) {
      if (logTargets.has(bucket)) return "log";
      return logTargetsUndecided ?? "backup";
    },
    siblingsOf(bucket, siblingClass, property = "bucket") {
      const { byBucket, undecided } = attach(siblingClass, property);
      const found = byBucket.get(bucket) ?? [];
      return undecided === undefined ? { found } : { found, undecided };
    },
  };
}

/** Reports a bucket that lacks a sibling, unless an unresolved reference might be that sibling. */
export function missingSibling(
  lookup: { readonly found: readonly PolicyResource[]; readonly undecided?: Error },
  unknowns: UnknownTracker,
  report: () => void,
): void {
  if (lookup.found.length > 0) return;
  if (lookup.undecided !== undefined) unknowns.note(lookup.undecided);
  else report();
}
