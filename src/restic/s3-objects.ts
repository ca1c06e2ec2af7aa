/**
 * Single S3 requests on a restic repository's objects, sent with curl (`--aws-sigv4`) on the host
 * restic runs on, with the keys restic uses there. The keys, the URL and the headers reach curl in
 * a config file read from stdin: argv and the journal label hold no secret. Also where restic keeps
 * a snapshot's object (`<prefix>/snapshots/<id>`, restic's default layout) and how the bucket is
 * addressed (virtual-hosted on AWS endpoints, as restic's automatic bucket lookup does; path-style
 * for any other endpoint).
 */
import type { RepositoryLocation } from "./repository.js";
import type { S3Response } from "./s3-object-lock.js";
import type { Secret } from "../support/secret.js";

/** An s3: repository. */
export type S3Location = Extract<RepositoryLocation, { kind: "s3" }>;

/** The keys and region curl signs with. */
export interface S3Signing {
  readonly accessKeyId: Secret;
  readonly secretAccessKey: Secret;
  readonly sessionToken?: Secret;
  readonly region: string;
}

/** One request on one object of the repository's bucket. */
export interface S3Request {
  readonly method: "HEAD" | "GET" | "PUT" | "DELETE";
  /** The object key ("" for the bucket itself, e.g. ListObjectVersions). */
  readonly key: string;
  /** Query parameters (curl 7.88 signs them as written: they are sorted and given `=` here). */
  readonly query?: Readonly<Record<string, string>>;
  /** Extra headers (x-amz-copy-source for CopyObject). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A PUT's body: random bytes (an overwrite), or none (CopyObject). */
  readonly body?: "random";
  /** The response body is not wanted (GetObject of the snapshot's encrypted bytes). */
  readonly discardBody?: boolean;
}

/** What one request got: the response, or why there is none (curl missing, no connection). */
export type S3Reply =
  | { readonly kind: "response"; readonly response: S3Response }
  | { readonly kind: "failed"; readonly detail: string };

/** Sends one request and returns its reply: curl on the host in a drill, recorded replies in tests. */
export type S3Exchange = (request: S3Request) => Promise<S3Reply>;

/** Bytes of random data an overwrite writes. */
export const S3_GARBAGE_BYTES = 512;

/** The object key restic uses for a file of the repository: `<prefix>/<dir>/<name>`. */
export function objectKey(repository: S3Location, ...parts: string[]): string {
  return [repository.prefix, ...parts].filter((p) => p !== "").join("/");
}

/** The key of snapshot `id`'s file (full 64-hex id). */
export function snapshotObjectKey(repository: S3Location, id: string): string {
  return objectKey(repository, "snapshots", id);
}

/** The signing region: the repository's, AWS_DEFAULT_REGION, the one in an AWS endpoint, else us-east-1. */
export function signingRegion(repository: S3Location, defaultRegion: string | undefined): string {
  if (repository.region !== undefined) return repository.region;
  if (defaultRegion !== undefined && defaultRegion !== "") return defaultRegion;
  const host = new URL(repository.endpoint).hostname;
  return /^s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1] ?? "us-east-1";
}

/** AWS's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded; "/" kept in keys. */
function uriEncode(text: string, keepSlash: boolean): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === "/")) return c;
      return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** Whether restic (minio-go's automatic lookup) addresses this bucket as `bucket.host`. */
export function virtualHosted(repository: S3Location): boolean {
  const url = new URL(repository.endpoint);
  const aws = /(^|\.)amazonaws\.com(\.cn)?$/.test(url.hostname);
  return aws && !(url.protocol === "https:" && repository.bucket.includes("."));
}

/** The request's URL: bucket by host or path, key encoded, query sorted with `=` on each. */
export function requestUrl(repository: S3Location, request: S3Request): string {
  const url = new URL(repository.endpoint);
  const origin = virtualHosted(repository)
    ? `${url.protocol}//${repository.bucket}.${url.host}`
    : `${url.protocol}//${url.host}`;
  const path = virtualHosted(repository)
    ? `/${uriEncode(request.key, true)}`
    : `/${uriEncode(repository.bucket, false)}/${uriEncode(request.key, true)}`;
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => `${uriEncode(k, false)}=${uriEncode(v, false)}`)
    .sort()
    .join("&");
  return `${origin}${path}${query ? `?${query}` : ""}`;
}

function curlQuoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

// Headers and body both go to stdout: `-D -` dumps the response headers before the body.
const S3_SCRIPT = [
  'command -v curl >/dev/null 2>&1 || { echo "curl: command not found" >&2; exit 127; }',
  'cfg=$(mktemp) || exit 125; trap \'rm -f "$cfg"\' EXIT; cat > "$cfg"',
  `if [ "$1" = random ]; then head -c ${S3_GARBAGE_BYTES} /dev/urandom | curl -sS -D - -K "$cfg" --data-binary @-`,
  'else curl -sS -D - -K "$cfg"; fi',
].join("\n");

/** A request as a command for the host: argv and label without secrets, the curl config on stdin. */
export function s3RequestCommand(
  repository: S3Location,
  signing: S3Signing,
  request: S3Request,
): { readonly argv: readonly string[]; readonly stdin: string; readonly label: string } {
  const url = requestUrl(repository, request);
  const config = [
    `url = ${curlQuoted(url)}`,
    // curl warns against -X HEAD: `head` (-I) sends it and waits for no body.
    request.method === "HEAD" ? "head" : `request = ${curlQuoted(request.method)}`,
    `aws-sigv4 = ${curlQuoted(`aws:amz:${signing.region}:s3`)}`,
    `user = ${curlQuoted(`${signing.accessKeyId.reveal()}:${signing.secretAccessKey.reveal()}`)}`,
    // curl 7.88 neither adds nor computes this header; S3 requires it on every request.
    `header = ${curlQuoted("x-amz-content-sha256: UNSIGNED-PAYLOAD")}`,
  ];
  if (signing.sessionToken !== undefined)
    config.push(`header = ${curlQuoted(`x-amz-security-token: ${signing.sessionToken.reveal()}`)}`);
  if (request.body === "random")
    config.push(`header = ${curlQuoted("Content-Type: application/octet-stream")}`);
  for (const [name, value] of Object.entries(request.headers ?? {}))
    config.push(`header = ${curlQuoted(`${name}: ${value}`)}`);
  if (request.discardBody === true) config.push(`output = ${curlQuoted("/dev/null")}`);
  if (repository.caCertFile !== undefined)
    config.push(`cacert = ${curlQuoted(repository.caCertFile)}`);
  const extra = Object.entries(request.headers ?? {}).map(([n, v]) => ` -H '${n}: ${v}'`);
  return {
    argv: ["sh", "-c", S3_SCRIPT, "stronghold-s3", request.body ?? "none"],
    stdin: `${config.join("\n")}\n`,
    label: `curl --aws-sigv4 aws:amz:${signing.region}:s3 -X ${request.method}${extra.join("")}${request.body === "random" ? " --data-binary <random bytes>" : ""} ${url}`,
  };
}

/**
 * Reads curl's output for a request (headers dumped before the body) into a response, skipping
 * interim `100 Continue` responses; undefined when it holds no HTTP status line.
 */
export function parseCurlResponse(stdout: string): S3Response | undefined {
  let rest = stdout;
  for (;;) {
    const status = /^HTTP\/[\d.]+ (\d{3})[^\r\n]*\r?\n/.exec(rest);
    if (!status) return undefined;
    const end = /\r?\n\r?\n/.exec(rest);
    const headText = end === null ? rest : rest.slice(0, end.index);
    const body = end === null ? "" : rest.slice(end.index + end[0].length);
    const code = Number(status[1]);
    if (code >= 100 && code < 200) {
      rest = body;
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of headText.split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    return { status: code, headers, body };
  }
}

/** Reads a request command's result: the response, or why there is none. */
export function s3Reply(result: {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}): S3Reply {
  if (result.code === 127) return { kind: "failed", detail: "curl is not installed on the host" };
  const response = parseCurlResponse(result.stdout);
  if (result.code !== 0 || response === undefined) {
    const said = result.stderr.trim().split("\n").at(-1)?.trim() ?? "";
    return {
      kind: "failed",
      detail: `curl could not reach the S3 endpoint: ${said || `exit ${result.code ?? "signal"}`}`,
    };
  }
  return { kind: "response", response };
}
