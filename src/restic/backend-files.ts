/**
 * A repository's files changed straight in its storage, without restic: what ransomware holding
 * the repository credentials does to the backups. For a local repository that is the file under
 * `snapshots/`; for a REST server the HTTP calls of its protocol (DELETE to remove, POST to write
 * `/snapshots/<id>`), sent with curl on the host restic runs on (an S3 bucket's object takes several
 * requests: see s3-attack.ts). Only the command and the reading
 * of its result live here; who may aim it at which snapshot is the drill engine's concern.
 */
import type { RepositoryLocation } from "./repository.js";

/** What is done to a snapshot's file. */
export type TamperAction = "delete" | "overwrite";

/** What became of one attempt on the storage. */
export type TamperOutcome =
  /** The storage accepted the change. */
  | { readonly kind: "done"; readonly detail: string }
  /**
   * The storage took the change but kept the snapshot's earlier version (a versioned S3 bucket,
   * that version locked), and the drill made that version current again.
   */
  | { readonly kind: "kept"; readonly detail: string }
  /** The storage refused it (append-only, permissions, a 403). */
  | { readonly kind: "refused"; readonly detail: string }
  /** The attempt could not be made (curl missing, the server unreachable, the file gone). */
  | { readonly kind: "failed"; readonly detail: string }
  /** This kind of repository is not reached this way from the host. */
  | { readonly kind: "unsupported"; readonly detail: string };

/** A command to run on the host: argv (no secret), its stdin (may hold one) and a journal label. */
export interface TamperCommand {
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly label: string;
}

const SNAPSHOT_ID = /^[0-9a-f]{64}$/;
/** Bytes of random data an overwrite writes. */
const GARBAGE_BYTES = 512;

const LOCAL_SCRIPT = [
  'f=$2; [ -e "$f" ] || { echo "no such file: $f" >&2; exit 3; }',
  'if [ "$1" = delete ]; then rm -f -- "$f"; exit $?; fi',
  `{ head -c ${GARBAGE_BYTES} /dev/urandom > "$f"; } 2>/dev/null || { chmod u+w -- "$f" && head -c ${GARBAGE_BYTES} /dev/urandom > "$f"; }`,
].join("\n");

// The URL (it may carry a password) reaches curl in a config file read from stdin, never argv.
const REST_SCRIPT = [
  'command -v curl >/dev/null 2>&1 || { echo "curl: command not found" >&2; exit 127; }',
  'cfg=$(mktemp) || exit 125; trap \'rm -f "$cfg"\' EXIT; cat > "$cfg"',
  `if [ "$1" = delete ]; then curl -sS -o /dev/null -w '%{http_code}' -K "$cfg" -X DELETE`,
  `else head -c ${GARBAGE_BYTES} /dev/urandom | curl -sS -o /dev/null -w '%{http_code}' -K "$cfg" -X POST -H 'Content-Type: application/octet-stream' --data-binary @-; fi`,
].join("\n");

function curlQuoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "<repository URL>";
  }
}

/**
 * The command that deletes or overwrites snapshot `id`'s file in the repository's storage, or why
 * there is none for this kind of repository. `id` must be the full 64-hex id.
 */
export function tamperCommand(
  repository: RepositoryLocation,
  id: string,
  action: TamperAction,
): TamperCommand | { readonly unsupported: string } {
  if (!SNAPSHOT_ID.test(id)) throw new RangeError(`"${id}" is not a full snapshot id`);
  switch (repository.kind) {
    case "local": {
      const file = `${repository.path.replace(/\/+$/, "")}/snapshots/${id}`;
      return {
        argv: ["sh", "-c", LOCAL_SCRIPT, "stronghold-tamper", action, file],
        stdin: "",
        label:
          action === "delete" ? `rm -f ${file}` : `head -c ${GARBAGE_BYTES} /dev/urandom > ${file}`,
      };
    }
    case "rest": {
      const url = `${repository.url.replace(/\/+$/, "")}/snapshots/${id}`;
      const config = [`url = ${curlQuoted(url)}`];
      if (repository.caCertFile !== undefined)
        config.push(`cacert = ${curlQuoted(repository.caCertFile)}`);
      return {
        argv: ["sh", "-c", REST_SCRIPT, "stronghold-tamper", action],
        stdin: `${config.join("\n")}\n`,
        label: `curl -X ${action === "delete" ? "DELETE" : "POST --data-binary <random bytes>"} ${withoutCredentials(url)}`,
      };
    }
    case "s3":
      return {
        unsupported:
          "an S3 object is changed by a series of S3 requests (attackSnapshotObject in s3-attack.ts), not by one command",
      };
    case "sftp":
      return { unsupported: "an sftp repository's files are not changed directly from the host" };
  }
}

/** Reads a tamper command's result: exit code, stdout (curl's HTTP status) and stderr. */
export function tamperOutcome(
  repository: RepositoryLocation,
  action: TamperAction,
  result: { readonly code: number | null; readonly stdout: string; readonly stderr: string },
): TamperOutcome {
  const said = result.stderr.trim().split("\n").at(-1)?.trim() ?? "";
  const verb = action === "delete" ? "deleted" : "overwritten";
  if (repository.kind === "rest") {
    if (result.code === 127) return { kind: "failed", detail: "curl is not installed on the host" };
    const status = Number(result.stdout.trim());
    if (result.code !== 0 || !Number.isInteger(status) || status === 0)
      return { kind: "failed", detail: `curl could not reach the server: ${said || "no message"}` };
    if (status >= 200 && status < 300)
      return { kind: "done", detail: `the server answered ${status}: the file was ${verb}` };
    if (status === 401 || status === 403 || status === 405)
      return { kind: "refused", detail: `the server answered ${status}` };
    return { kind: "failed", detail: `the server answered ${status}` };
  }
  if (result.code === 0) return { kind: "done", detail: `the file was ${verb}` };
  if (result.code === 3) return { kind: "failed", detail: said };
  if (/permission denied|operation not permitted|read-only file system/i.test(said))
    return { kind: "refused", detail: said };
  return { kind: "failed", detail: said || `exit ${result.code ?? "signal"}` };
}
