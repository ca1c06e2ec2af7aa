/**
 * Where a restic repository lives, as a closed union, and the two ways to name one: restic's own
 * `-r` syntax and the offsite bucket recorded in the Pulumi stack outputs.
 */
import { Type, type Static } from "@sinclair/typebox";
import type { InputProblem } from "../documents/input-problem.js";
import { UsageError } from "../support/errors.js";
import { validatorFor } from "../documents/ajv.js";
import { validationProblems } from "../documents/validation-problems.js";
import { redact, Secret } from "../support/secret.js";

/** Where a restic repository lives: one variant per backend restic is driven with here. */
export type RepositoryLocation =
  | { kind: "local"; path: string }
  | { kind: "sftp"; user?: string; host: string; port?: number; path: string }
  | {
      kind: "s3";
      /** `https://host[:port]`, scheme included. */
      endpoint: string;
      bucket: string;
      /** Folder inside the bucket, without leading or trailing slashes; "" for the bucket root. */
      prefix: string;
      region?: string;
      /** CA certificate (on the host restic runs on) for a TLS endpoint with a private CA. */
      caCertFile?: string;
    }
  | { kind: "rest"; url: string; caCertFile?: string };

const EXAMPLES =
  "expected /path, local:/path, sftp:user@host:/path, sftp://user@host:port//path, s3:https://host[:port]/bucket[/prefix] or rest:http(s)://host:port/";

function invalid(spec: string, why: string): UsageError {
  return new UsageError(`repository "${redact(spec, [])}": ${why} (${EXAMPLES})`);
}

function parseSftp(spec: string, rest: string): RepositoryLocation {
  if (rest.startsWith("//")) {
    // sftp://user@host:port//absolute or sftp://host/relative
    let url: URL;
    try {
      url = new URL(`sftp:${rest}`);
    } catch {
      throw invalid(spec, "is not a valid sftp URL");
    }
    if (!url.hostname) throw invalid(spec, "names no host");
    const path = decodeURIComponent(url.pathname.slice(1));
    if (!path) throw invalid(spec, "names no path");
    return {
      kind: "sftp",
      ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
      host: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path,
    };
  }
  // sftp:[user@]host:path
  const match = /^(?:([^@:/]+)@)?([^@:/]+):(.+)$/.exec(rest);
  if (!match) throw invalid(spec, "is not of the form sftp:[user@]host:path");
  const [, user, host, path] = match;
  return { kind: "sftp", ...(user ? { user } : {}), host: host!, path: path! };
}

function parseS3(spec: string, rest: string): RepositoryLocation {
  const withScheme = /^https?:\/\//i.test(rest) ? rest : `https://${rest}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(spec, "is not a valid s3 URL");
  }
  if (url.username || url.password)
    throw invalid(spec, "must not carry credentials (use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
  const parts = url.pathname.split("/").filter((p) => p !== "");
  const [bucket, ...prefix] = parts;
  if (!bucket) throw invalid(spec, "names no bucket");
  return {
    kind: "s3",
    endpoint: `${url.protocol}//${url.host}`,
    bucket,
    prefix: prefix.join("/"),
  };
}

function parseRest(spec: string, rest: string): RepositoryLocation {
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    throw invalid(spec, "is not a valid rest URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalid(spec, "must use http or https");
  return { kind: "rest", url: rest };
}

/** Parses restic's `-r` syntax ("s3:https://host:port/bucket/prefix", "rest:http://…", "sftp:user@host:/p", "/path"). */
export function parseRepository(spec: string): RepositoryLocation {
  const trimmed = spec.trim();
  if (trimmed === "") throw invalid(spec, "is empty");
  const colon = trimmed.indexOf(":");
  const scheme = colon > 0 ? trimmed.slice(0, colon) : "";
  const rest = trimmed.slice(colon + 1);
  switch (scheme) {
    case "local":
      if (!rest) throw invalid(spec, "names no path");
      return { kind: "local", path: rest };
    case "sftp":
      return parseSftp(spec, rest);
    case "s3":
      return parseS3(spec, rest);
    case "rest":
      return parseRest(spec, rest);
    default:
      if (/^[a-z][a-z0-9]*$/i.test(scheme) && !trimmed.startsWith("/") && scheme.length > 1)
        throw invalid(spec, `uses the unsupported backend "${scheme}"`);
      return { kind: "local", path: trimmed };
  }
}

/** Restic's `-r` syntax for a location (the inverse of `parseRepository`). */
export function repositoryString(loc: RepositoryLocation): string {
  switch (loc.kind) {
    case "local":
      return loc.path.startsWith("/") ? loc.path : `local:${loc.path}`;
    case "sftp": {
      const user = loc.user ? `${loc.user}@` : "";
      if (loc.port === undefined) return `sftp:${user}${loc.host}:${loc.path}`;
      return `sftp://${user}${loc.host}:${loc.port}/${loc.path}`;
    }
    case "s3":
      return `s3:${loc.endpoint}/${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ""}`;
    case "rest":
      return `rest:${loc.url}`;
  }
}

const Text = Type.String({ minLength: 1 });

/**
 * The part of the infrastructure stack outputs (`pulumi stack output --json`, schema version 1)
 * a drill reads: the offsite bucket, its region and endpoint, and the restic agent's prefix and
 * keys. Only this subset is checked here; the full shape is published as stack-outputs.schema.json.
 */
export const OffsiteOutputsSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1, { description: "Stack outputs shape version." }),
    offsite: Type.Object({
      bucket: Type.String({
        pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description: "Name of the offsite S3 bucket.",
      }),
      region: Type.String({
        pattern: "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$",
        description: "AWS region of the offsite bucket, e.g. us-west-2.",
      }),
      endpoint: Type.Optional(
        Type.String({ pattern: "^https://[^/]+/?$", description: "The regional S3 endpoint." }),
      ),
    }),
    agents: Type.Object({
      restic: Type.Object({
        prefix: Type.String({
          pattern: "^([A-Za-z0-9._-]+/)*[A-Za-z0-9._-]*$",
          description: "Folder in the bucket restic writes to, e.g. restic/.",
        }),
        accessKeyId: Type.Optional(Text),
        secretAccessKey: Type.Optional(Text),
      }),
    }),
  },
  { additionalProperties: true },
);
/** The stack outputs subset, as validated. */
export type OffsiteOutputs = Static<typeof OffsiteOutputsSchema>;

/** What `pulumi stack output --json` prints for a secret unless --show-secrets is given. */
const SECRET_MASK = "[secret]";

/** The restic agent's S3 keys, as secrets. */
export interface S3Credentials {
  readonly accessKeyId: Secret;
  readonly secretAccessKey: Secret;
}

/**
 * From a saved `pulumi stack output --json`: the restic repository in the offsite bucket, and the
 * restic agent's keys when the outputs were saved with --show-secrets.
 */
export function repositoryFromStackOutputs(
  outputs: unknown,
  file: string,
):
  | { ok: true; location: RepositoryLocation; credentials?: S3Credentials }
  | { ok: false; problems: InputProblem[] } {
  const validate = validatorFor(OffsiteOutputsSchema);
  if (!validate(outputs))
    return { ok: false, problems: validationProblems(validate.errors ?? [], file) };
  const { offsite, agents } = outputs;
  const endpoint = (offsite.endpoint ?? `https://s3.${offsite.region}.amazonaws.com`).replace(
    /\/$/,
    "",
  );
  const { accessKeyId, secretAccessKey } = agents.restic;
  const revealed = (v: string | undefined) => v !== undefined && v !== SECRET_MASK;
  return {
    ok: true,
    location: {
      kind: "s3",
      endpoint,
      bucket: offsite.bucket,
      prefix: agents.restic.prefix.replace(/\/+$/, ""),
      region: offsite.region,
    },
    ...(revealed(accessKeyId) && revealed(secretAccessKey)
      ? {
          credentials: {
            accessKeyId: new Secret(accessKeyId!),
            secretAccessKey: new Secret(secretAccessKey!),
          },
        }
      : {}),
  };
}
