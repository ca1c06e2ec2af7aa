/**
 * restic, driven on the host the data lives on through its HostSession. The repository, the
 * password and any credentials reach restic on its standard input (read by a tiny POSIX shell
 * prologue into its environment), so they never appear in argv, in `ps`, or in a journal.
 */
import type { HostSession } from "../hosts/transport/session.js";
import { repositoryString, type RepositoryLocation } from "./repository.js";
import { redact, Secret } from "../support/secret.js";

/** How to reach restic and its repository. */
export interface ResticOptions {
  /** Where restic runs. */
  session: HostSession;
  repository: RepositoryLocation;
  /**
   * Passed on stdin, never argv or logs; or a password file that is already on the host restic
   * runs on (`RESTIC_PASSWORD_FILE`), in which case no password leaves this process at all.
   */
  password: Secret | HostPasswordFile;
  /**
   * restic's cache folder on the host for `backup` (default: restic's own, ~/.cache/restic).
   * Every other command runs with `--no-cache`, as on a DR host that never saw the repository:
   * it proves the offsite copy, not a warm cache.
   */
  cacheDir?: string;
  /** Extra environment for restic, e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY as Secrets. */
  env?: Record<string, Secret | string>;
  /** Kills a restic command that runs longer than this. */
  timeoutMs?: number;
  /** The ssh command restic runs for an sftp: repository (restic's `-o sftp.command`). */
  sftpCommand?: string;
  /** Journal hook: called after each command, everything already redacted and truncated. */
  onCommand?: (event: ResticCommandEvent) => void;
}

/** A password file on the host restic runs on: the host's own credentials, read there. */
export interface HostPasswordFile {
  /** Absolute path on that host. */
  readonly fileOnHost: string;
}

/** One finished restic command, for a journal: redacted and truncated. */
export interface ResticCommandEvent {
  argv: string[];
  redacted: string;
  startedAt: Date;
  endedAt: Date;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A snapshot as `restic snapshots --json` lists it. */
export interface Snapshot {
  id: string;
  shortId: string;
  time: Date;
  paths: string[];
  hostname: string;
  tags: string[];
  /** The id of the snapshot's root tree (`restic cat blob`). */
  tree: string;
}

/**
 * One node of a tree blob (`restic cat blob <tree id>`): unlike `ls --json` it carries symbolic
 * link targets and link counts, and names with bytes that are not UTF-8 as restic escapes them
 * ("caf\\xe9").
 */
export interface TreeNode {
  name: string;
  type: "file" | "dir" | "symlink" | "other";
  /** Permission bits. */
  mode: number;
  mtime: Date;
  size: number;
  /** Hard links to the file when it was backed up. */
  links: number;
  /** The file's inode on the backed-up host (0 when restic did not record it). */
  inode: number;
  linkTarget?: string;
  /** The folder's own tree id. */
  subtree?: string;
}

/** The summary line of `restic backup --json`. */
export interface BackupSummary {
  /** As restic 0.14 prints it: the short id, usable wherever an id is. */
  snapshotId: string;
  filesNew: number;
  filesChanged: number;
  totalFiles: number;
  totalBytes: number;
  durationSeconds: number;
}

/** The outcome of `restic check`: ok, or restic's error lines. */
export interface CheckResult {
  ok: boolean;
  errors: string[];
  readDataSubset?: string;
}

/** One node of a snapshot, from `restic ls --json`. */
export interface SnapshotNode {
  /** Path inside the snapshot, starting with "/". */
  path: string;
  type: "file" | "dir" | "symlink" | "other";
  size: number;
  /** Permission bits, with setuid, setgid and sticky as 0o4000, 0o2000, 0o1000. */
  mode: number;
  mtime: Date;
  /** Owner as the snapshot recorded it (-1 when the listing has none). */
  uid?: number;
  gid?: number;
}

/** Why a restic command failed: the closed set a drill reports and decides retries on. */
export const RESTIC_FAILURES = [
  "restic-missing",
  "wrong-password",
  "repository-missing",
  "locked",
  "corrupt-data",
  "append-only-refused",
  "unreadable",
  "no-space",
  "connection",
  "timeout",
  "failed",
] as const;
/** One of RESTIC_FAILURES. */
export type ResticFailure = (typeof RESTIC_FAILURES)[number];

/** Failures another try may cure: a lock held by a running backup, a dropped connection, a deadline. */
export const TRANSIENT_RESTIC_FAILURES: ReadonlySet<ResticFailure> = new Set([
  "locked",
  "connection",
  "timeout",
]);

/**
 * A restic command failed; `reason` says why in a closed set, the message in one line, `output`
 * quotes restic's own first lines (secrets redacted) for the report.
 */
export class ResticError extends Error {
  override name = "ResticError";
  constructor(
    readonly reason: ResticFailure,
    message: string,
    readonly output: readonly string[] = [],
  ) {
    super(message);
  }
}

const OUTPUT_LIMIT = 8 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Reads NAME=value lines up to an empty line into the environment, then hands the rest of stdin
// (the password line) to restic. `read` consumes a pipe byte by byte, so nothing is lost.
// $1 is the folder to run in ("" for none), $2 "exec" or "watch-refusal", the rest restic's args.
// A repository that refuses a delete makes restic retry for about 45 s before giving up, so in
// watch mode the first refusal interrupts it (SIGINT: restic removes its own lock) and exits 77.
const PROLOGUE = [
  "unset RESTIC_PASSWORD RESTIC_PASSWORD_FILE RESTIC_PASSWORD_COMMAND RESTIC_REPOSITORY RESTIC_REPOSITORY_FILE",
  'while IFS= read -r kv && [ -n "$kv" ]; do export "$kv" || exit 125; done',
  'if [ -n "$1" ]; then cd -- "$1" 2>/dev/null || { echo "cannot enter folder $1" >&2; exit 124; }; fi',
  "mode=$2; shift 2",
  'command -v restic >/dev/null 2>&1 || { echo "restic: command not found" >&2; exit 127; }',
  '[ "$mode" = exec ] && exec restic "$@"',
  "err=$(mktemp) || exit 125",
  "trap 'rm -f \"$err\"' EXIT",
  "exec 3<&0",
  'restic "$@" <&3 2>"$err" &',
  "pid=$!",
  'while kill -0 "$pid" 2>/dev/null; do',
  '  if grep -Eq "server response: 403|Access Denied|AccessDenied" "$err"; then',
  '    kill -INT "$pid"; wait "$pid"; cat "$err" >&2',
  '    echo "the repository refused to delete (append-only)" >&2; exit 77',
  "  fi",
  "  sleep 0.1",
  "done",
  'wait "$pid"; rc=$?; cat "$err" >&2; exit "$rc"',
].join("\n");

const REFUSED_EXIT = 77;

/** What restic 0.14 prints when pack data does not decrypt or hash to its id. */
const CORRUPT =
  /ciphertext verification failed|Pack ID does not match|pack [0-9a-f]+ contains \d+ errors|invalid data returned|unexpected EOF|does not exist|not found in index|pack file cannot be listed|wrong data returned|decrypting blob|is damaged|Unmarshal/i;

/** A repository file (key, config, index, pack) restic may not read: no retry fixes permissions. */
const UNREADABLE = /permission denied|operation not permitted/i;

/** A network that dropped or refused: worth another try. */
const CONNECTION =
  /connection (refused|reset|timed out)|broken pipe|i\/o timeout|TLS handshake timeout|no route to host|network is unreachable|Client\.Timeout|server misbehaving|EOF$|ssh command exited|unable to start the sftp session/i;

/** Lines of restic's stderr worth quoting: not the password prompt, at most this many. */
const QUOTED_LINES = 5;
const QUOTED_LINE_LENGTH = 300;

/**
 * restic's first distinct lines, and its closing "Fatal:" line last when it is not among them: a
 * restore that fails on 19,671 files ends with "Fatal: There were 19671 errors", which says
 * nothing of why without the lines before it.
 */
function quoted(stderr: string): string[] {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("reading repository password"));
  const first = [...new Set(lines)].slice(0, QUOTED_LINES);
  const fatal = lines.findLast((l) => l.startsWith("Fatal:"));
  if (fatal !== undefined && !first.includes(fatal)) first.push(fatal);
  // Cut in the middle: Go puts the cause ("no space left on device") at the end of a long path.
  const half = QUOTED_LINE_LENGTH / 2;
  return first.map((l) =>
    l.length > QUOTED_LINE_LENGTH ? `${l.slice(0, half)}…${l.slice(-half)}` : l,
  );
}

/** A full file system or a used-up quota, as Go prints ENOSPC and EDQUOT. */
const NO_SPACE: readonly (readonly [RegExp, string])[] = [
  [/no space left on device/i, "no space left on device (ENOSPC)"],
  [/disk quota exceeded/i, "disk quota exceeded (EDQUOT)"],
];

/** `restic snapshots` skips a snapshot file it cannot read with this line on stderr, and exits 0. */
const UNREADABLE_SNAPSHOT = /^could not load snapshot ([0-9a-f]+): (.*)$/;

interface RunOptions {
  cwd?: string;
  /** The folder the command writes to, named when it runs out of space there. */
  writesTo?: string;
  watchRefusal?: boolean;
  /** Use restic's cache (only `backup`, as the town's own backup job does). */
  cache?: boolean;
  /** Standard output line by line as it arrives, instead of whole (the Run's stdout is then empty). */
  onLine?: (line: string) => void;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.startsWith("Fatal:")) ??
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("reading repository password"))
      .at(-1) ??
    ""
  );
}

/** Rotating subset for scheduled integrity drills: day-of-year based "n/N". */
export function rotatingSubset(now: Date, parts: number): string {
  if (!Number.isInteger(parts) || parts < 1)
    throw new RangeError("parts must be a positive integer");
  const startOfYear = Date.UTC(now.getUTCFullYear(), 0, 1);
  const dayOfYear = Math.floor((now.getTime() - startOfYear) / 86_400_000);
  return `${(dayOfYear % parts) + 1}/${parts}`;
}

/** restic on one host against one repository. */
export class Restic {
  readonly #options: ResticOptions;
  readonly #secrets: Secret[];

  constructor(options: ResticOptions) {
    this.#options = options;
    this.#secrets = [
      ...(options.password instanceof Secret ? [options.password] : []),
      ...Object.values(options.env ?? {}).filter((v): v is Secret => v instanceof Secret),
    ];
  }

  /** The repository as shown in messages and journals (URL passwords redacted). */
  get repositoryLabel(): string {
    return redact(repositoryString(this.#options.repository), this.#secrets);
  }

  #globalArgs(cache: boolean): string[] {
    const o = this.#options;
    // --quiet keeps restic's chatter ("reading repository password from stdin") out of stdout.
    const args: string[] = ["--quiet"];
    if (!cache) args.push("--no-cache");
    else if (o.cacheDir !== undefined) args.push("--cache-dir", o.cacheDir);
    const repo = o.repository;
    switch (repo.kind) {
      case "s3":
        if (repo.caCertFile !== undefined) args.push("--cacert", repo.caCertFile);
        if (repo.region !== undefined) args.push("-o", `s3.region=${repo.region}`);
        break;
      case "rest":
        if (repo.caCertFile !== undefined) args.push("--cacert", repo.caCertFile);
        break;
      case "sftp":
        if (o.sftpCommand !== undefined) args.push("-o", `sftp.command=${o.sftpCommand}`);
        break;
      case "local":
        break;
    }
    return args;
  }

  #stdin(): string {
    const lines: string[] = [`RESTIC_REPOSITORY=${repositoryString(this.#options.repository)}`];
    for (const [name, value] of Object.entries(this.#options.env ?? {})) {
      if (!ENV_NAME.test(name))
        throw new ResticError("failed", `environment variable name "${name}" is not valid`);
      lines.push(`${name}=${value instanceof Secret ? value.reveal() : value}`);
    }
    const own = this.#options.password;
    // With the host's own password file restic reads it there; stdin then ends after the
    // environment, so nothing a wrong or empty file makes restic prompt for can be answered.
    if (!(own instanceof Secret)) lines.push(`RESTIC_PASSWORD_FILE=${own.fileOnHost}`);
    const password = own instanceof Secret ? own.reveal() : "";
    if (lines.some((l) => l.includes("\n")) || password.includes("\n"))
      throw new ResticError(
        "failed",
        "the repository, password and environment values must each be a single line",
      );
    return own instanceof Secret
      ? `${lines.join("\n")}\n\n${password}\n`
      : `${lines.join("\n")}\n\n`;
  }

  async #run(args: string[], options: RunOptions = {}): Promise<Run> {
    const o = this.#options;
    const resticArgs = [...this.#globalArgs(options.cache === true), ...args];
    const mode = options.watchRefusal ? "watch-refusal" : "exec";
    const argv = [
      "sh",
      "-c",
      PROLOGUE,
      "stronghold-restic",
      options.cwd ?? "",
      mode,
      ...resticArgs,
    ];
    const startedAt = new Date();
    const lines = options.onLine && lineSplitter(options.onLine);
    const result = await o.session.exec(argv, {
      stdin: this.#stdin(),
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
      ...(lines ? { onStdout: lines.push } : {}),
    });
    lines?.end();
    const endedAt = new Date();
    if (o.onCommand) {
      const shown = ["restic", ...resticArgs];
      const clip = (text: string) => {
        const clean = redact(text, this.#secrets);
        return clean.length > OUTPUT_LIMIT
          ? `${clean.slice(0, OUTPUT_LIMIT)}… [${clean.length - OUTPUT_LIMIT} more characters]`
          : clean;
      };
      o.onCommand({
        argv: shown.map((a) => redact(a, this.#secrets)),
        redacted: redact(
          `${options.cwd === undefined ? "" : `cd ${options.cwd} && `}RESTIC_REPOSITORY=${repositoryString(o.repository)} ${o.password instanceof Secret ? "" : `RESTIC_PASSWORD_FILE=${o.password.fileOnHost} `}${shown.join(" ")}`,
          this.#secrets,
        ),
        startedAt,
        endedAt,
        code: result.code,
        stdout: clip(result.stdout),
        stderr: clip(result.stderr),
      });
    }
    return result;
  }

  /** The one-line error for a failed command, classified, with restic's own lines attached. */
  #failure(run: Run, what: string, writesTo?: string): ResticError {
    const error = this.#classify(run, what, writesTo);
    return new ResticError(error.reason, error.message, quoted(redact(run.stderr, this.#secrets)));
  }

  #classify(run: Run, what: string, writesTo?: string): ResticError {
    const host = this.#options.session.host.name;
    const repo = this.repositoryLabel;
    const stderr = redact(run.stderr, this.#secrets);
    if (run.timedOut)
      return new ResticError(
        "timeout",
        `restic ${what} on ${host} did not finish within ${(this.#options.timeoutMs ?? 0) / 1000} s`,
      );
    if (run.code === 127 || /restic: (command )?not found/.test(stderr))
      return new ResticError(
        "restic-missing",
        `restic is not installed on ${host} (install the restic package there)`,
      );
    const passwordFile =
      /Resolving password failed: (?:Fatal: )?(.*)$|(an empty password is not a password)/m.exec(
        stderr,
      );
    if (passwordFile !== null && !(this.#options.password instanceof Secret))
      return new ResticError(
        "wrong-password",
        `the password file ${this.#options.password.fileOnHost} on ${host} gives no password: ${(passwordFile[1] ?? passwordFile[2] ?? "").trim()}`,
      );
    if (/wrong password or no key found/.test(stderr))
      return new ResticError(
        "wrong-password",
        `wrong password for the restic repository ${repo} (no key matches it)`,
      );
    if (
      /unable to open config file|Is there a repository at the following location|bucket does not exist|NoSuchBucket/i.test(
        stderr,
      )
    )
      return new ResticError("repository-missing", `no restic repository at ${repo}`);
    if (/repository is already locked/.test(stderr))
      return new ResticError(
        "locked",
        `the restic repository ${repo} is locked (a stale lock from an interrupted run? run restic unlock once no backup is running)`,
      );
    for (const [pattern, cause] of NO_SPACE) {
      const line = stderr.split("\n").find((l) => pattern.test(l));
      if (line === undefined) continue;
      // restic's lines (quoted with the error) name the files; the message names the place, or
      // quotes the line when the place is elsewhere (the repository's or the cache's disk).
      const place =
        writesTo !== undefined && line.includes(writesTo)
          ? ` in ${writesTo}: ${cause}`
          : `: ${cause}: ${line.trim()}`;
      return new ResticError("no-space", `restic ${what} on ${host} ran out of space${place}`);
    }
    const unreadable = stderr.split("\n").find((l) => UNREADABLE.test(l));
    if (unreadable !== undefined)
      return new ResticError(
        "unreadable",
        `restic ${what} may not read part of the repository ${repo} (fix the permissions; a retry would not help): ${unreadable.trim()}`,
      );
    const corrupt = stderr.split("\n").find((l) => CORRUPT.test(l));
    if (corrupt !== undefined)
      return new ResticError(
        "corrupt-data",
        `restic ${what} found corrupt data in ${repo}: ${corrupt.trim()}`,
      );
    if (run.code === REFUSED_EXIT || /server response: 403|Access ?Denied/i.test(stderr))
      return new ResticError(
        "append-only-refused",
        `the repository ${repo} refused to delete data (append-only): ${firstLine(stderr)}`,
      );
    if (run.code === 124)
      return new ResticError("failed", `restic ${what} on ${host}: ${firstLine(stderr)}`);
    const dropped = stderr.split("\n").find((l) => CONNECTION.test(l.trim()));
    if (dropped !== undefined)
      return new ResticError(
        "connection",
        `restic ${what} on ${host} lost its connection to ${repo}: ${dropped.trim()}`,
      );
    return new ResticError(
      "failed",
      `restic ${what} on ${host} failed (exit ${run.code ?? "signal"}): ${firstLine(stderr) || "no message"}`,
    );
  }

  async #ok(args: string[], what: string, options: RunOptions = {}): Promise<Run> {
    const run = await this.#run(args, options);
    if (run.code !== 0) throw this.#failure(run, what, options.writesTo);
    return run;
  }

  /** restic's version line, e.g. "restic 0.14.0 compiled with go1.19.8 on linux/amd64". */
  async version(): Promise<string> {
    const run = await this.#ok(["version"], "version");
    return run.stdout.trim();
  }

  /** Creates the repository. */
  async init(): Promise<void> {
    await this.#ok(["init"], "init");
  }

  /** `cd dir && restic backup .`, so a restore lands straight in its target. */
  async backup(
    dir: string,
    options: { tags?: string[]; host?: string } = {},
  ): Promise<BackupSummary> {
    const args = ["backup", ".", "--json"];
    for (const tag of options.tags ?? []) args.push("--tag", tag);
    if (options.host !== undefined) args.push("--host", options.host);
    const run = await this.#run(args, { cwd: dir, cache: true });
    if (run.code === 3)
      throw new ResticError(
        "failed",
        `restic backup of ${dir} on ${this.#options.session.host.name} is incomplete: some files could not be read (${firstLine(run.stderr)})`,
      );
    if (run.code !== 0) throw this.#failure(run, "backup");
    const summary = run.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((m) => m.message_type === "summary");
    if (!summary) throw new ResticError("failed", "restic backup printed no summary");
    return {
      snapshotId: String(summary.snapshot_id),
      filesNew: Number(summary.files_new),
      filesChanged: Number(summary.files_changed),
      totalFiles: Number(summary.total_files_processed),
      totalBytes: Number(summary.total_bytes_processed),
      durationSeconds: Number(summary.total_duration),
    };
  }

  /** Snapshots, oldest first; with tags, those carrying every one of them. */
  async snapshots(options: { tags?: string[] } = {}): Promise<Snapshot[]> {
    const args = ["snapshots", "--json"];
    if (options.tags && options.tags.length > 0) args.push("--tag", options.tags.join(","));
    const run = await this.#ok(args, "snapshots");
    // A snapshot file that does not decrypt is skipped, with exit 0: the newest snapshot may be
    // the one missing, so a list without it would silently point a drill at an older one.
    const lost = redact(run.stderr, this.#secrets)
      .split("\n")
      .map((l) => UNREADABLE_SNAPSHOT.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null);
    if (lost.length > 0)
      throw new ResticError(
        "corrupt-data",
        `snapshot ${lost.map((m) => m[1]).join(", ")} in ${this.repositoryLabel} cannot be read (${lost[0]![2]}): it may be the newest, so no snapshot is chosen — the backup job or the offsite copy is broken`,
        quoted(redact(run.stderr, this.#secrets)),
      );
    const json = run.stdout.split("\n").find((l) => l.startsWith("["));
    if (json === undefined) throw new ResticError("failed", "restic snapshots printed no JSON");
    return (JSON.parse(json) as RawSnapshot[])
      .map(snapshotOf)
      .sort((a, b) => a.time.getTime() - b.time.getTime());
  }

  /** Latest snapshot taken strictly before `instant` (ransomware). */
  async snapshotBefore(
    instant: Date,
    options: { tags?: string[] } = {},
  ): Promise<Snapshot | undefined> {
    const before = (await this.snapshots(options)).filter(
      (s) => s.time.getTime() < instant.getTime(),
    );
    return before.at(-1);
  }

  /** Files, folders and links of a snapshot (`restic ls --json`). */
  async ls(snapshotId: string): Promise<SnapshotNode[]> {
    const nodes: SnapshotNode[] = [];
    await this.eachNode(snapshotId, (n) => nodes.push(n));
    return nodes;
  }

  /**
   * Every node of a snapshot (`restic ls --json`), handed over one by one as restic prints them:
   * nothing of the listing is held but what `onNode` keeps.
   */
  async eachNode(snapshotId: string, onNode: (node: SnapshotNode) => void): Promise<void> {
    await this.#list(snapshotId, [], onNode);
  }

  /**
   * The snapshot and the folders on the way to `folders` with their entries, in one repository
   * open: `restic ls --json <snapshot> / <folders…>` (restic 0.14) lists the root's entries and
   * those of every folder on a path to a listed one, without descending anywhere else. A folder
   * the snapshot does not hold is left out.
   */
  async lsFolders(
    snapshotId: string,
    folders: readonly string[],
  ): Promise<{ snapshot: Snapshot; nodes: SnapshotNode[] }> {
    const nodes: SnapshotNode[] = [];
    const snapshot = await this.#list(snapshotId, ["/", ...folders], (n) => nodes.push(n));
    return { snapshot, nodes };
  }

  async #list(
    snapshotId: string,
    folders: readonly string[],
    onNode: (node: SnapshotNode) => void,
  ): Promise<Snapshot> {
    let snapshot: Snapshot | undefined;
    let failure: Error | undefined;
    await this.#ok(["ls", "--json", snapshotId, ...folders], "ls", {
      onLine: (line) => {
        if (failure !== undefined || !line.startsWith("{")) return;
        try {
          const n = JSON.parse(line) as RawNode & RawSnapshot & { struct_type?: string };
          if (n.struct_type === "snapshot") snapshot = snapshotOf(n);
          else if (n.struct_type === "node" && n.path !== undefined) onNode(nodeOf(n));
        } catch (error) {
          failure = error as Error;
        }
      },
    });
    if (failure !== undefined)
      throw new ResticError(
        "failed",
        `restic ls of snapshot ${snapshotId.slice(0, 8)} printed a line that is not a node: ${failure.message}`,
      );
    if (snapshot === undefined)
      throw new ResticError(
        "failed",
        `restic ls printed no snapshot line for ${snapshotId.slice(0, 8)}`,
      );
    return snapshot;
  }

  /** The nodes of one tree blob: a folder of a snapshot as restic stored it. */
  async tree(treeId: string): Promise<TreeNode[]> {
    if (!/^[0-9a-f]{64}$/.test(treeId))
      throw new ResticError("failed", `"${treeId}" is not a tree id`);
    const run = await this.#ok(["cat", "blob", treeId], "cat blob");
    let parsed: { nodes?: Record<string, unknown>[] | null };
    try {
      parsed = JSON.parse(run.stdout) as typeof parsed;
    } catch {
      throw new ResticError("corrupt-data", `tree ${treeId.slice(0, 8)} is not a restic tree`);
    }
    return (parsed.nodes ?? []).map((n) => ({
      name: String(n.name),
      type: nodeType(n.type),
      mode: permissionBits(Number(n.mode ?? 0)),
      mtime: new Date(typeof n.mtime === "string" ? n.mtime : 0),
      size: Number(n.size ?? 0),
      links: Number(n.links ?? 0),
      inode: Number(n.inode ?? 0),
      ...(typeof n.linktarget === "string" ? { linkTarget: n.linktarget } : {}),
      ...(typeof n.subtree === "string" ? { subtree: n.subtree } : {}),
    }));
  }

  /**
   * Restores a snapshot into `target`; `include` names paths inside the snapshot ("/docs/a.txt"),
   * each with everything below it. With `verify`, restic reads every restored file back and
   * checks it against the snapshot's blob hashes (`restore --verify`): a difference fails.
   * Files and bytes are those of the snapshot's files the restore covers.
   */
  async restore(
    snapshotId: string,
    target: string,
    options: {
      include?: string[];
      verify?: boolean;
      /** Each node of the snapshot's listing (the one the restore counts with), as it arrives. */
      onNode?: (node: SnapshotNode) => void;
    } = {},
  ): Promise<{ files: number; bytes: number; durationSeconds: number }> {
    const args = ["restore", snapshotId, "--target", target];
    for (const path of options.include ?? []) args.push("--include", globEscaped(path));
    if (options.verify === true) args.push("--verify");
    const include = options.include ?? [];
    const covers = (path: string) =>
      include.length === 0 ||
      include.some((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`));
    let files = 0;
    let bytes = 0;
    const count = (n: SnapshotNode) => {
      if (n.type === "file" && covers(n.path)) {
        files += 1;
        bytes += n.size;
      }
      options.onNode?.(n);
    };
    const started = performance.now();
    // Both end before either's failure is thrown: a restic left running would go on reading the
    // repository, and writing its locks there, after the caller moved on (to its cleanup).
    const ended = await Promise.allSettled([
      this.#ok(args, "restore", { writesTo: target }),
      this.eachNode(snapshotId, count),
    ]);
    for (const one of ended) if (one.status === "rejected") throw one.reason;
    const durationSeconds = (performance.now() - started) / 1000;
    return { files, bytes, durationSeconds };
  }

  /**
   * `restic check`, reading a subset of the pack data when asked ("1/5", "10%"). A failing check
   * is a result (ok: false, with restic's error lines); only a check that cannot run throws.
   */
  async check(options: { readDataSubset?: string } = {}): Promise<CheckResult> {
    const args = ["check"];
    if (options.readDataSubset !== undefined)
      args.push("--read-data-subset", options.readDataSubset);
    const run = await this.#run(args);
    const subset =
      options.readDataSubset === undefined ? {} : { readDataSubset: options.readDataSubset };
    if (run.code === 0) return { ok: true, errors: [], ...subset };
    const failure = this.#failure(run, "check");
    if (failure.reason !== "corrupt-data" && failure.reason !== "failed") throw failure;
    const errors = redact(`${run.stdout}\n${run.stderr}`, this.#secrets)
      .split("\n")
      .map((l) => l.trim())
      .filter((l) =>
        /error|does not match|does not exist|not found|Fatal|invalid|failed|missing/i.test(l),
      );
    return { ok: false, errors: errors.length > 0 ? errors : [failure.message], ...subset };
  }

  /**
   * What restoring writes: `restic stats --json --mode restore-size`, which counts every file,
   * folder and link (`files`, the inodes a restore takes) and the files' bytes. Given snapshots
   * are counted in full and together. With `include` (one snapshot, a path inside it), only what
   * `restore --include <path>` writes: restic 0.14's stats cannot be narrowed to a path (it takes
   * the path for a snapshot id it cannot find, says "Ignoring", and counts every snapshot), so the
   * nodes below it are counted from the snapshot's listing, with the folders on the way to it;
   * the listing does not show hard links, so a file's second name counts with its size there
   * (stats counts its bytes once): an over-estimate, never too little.
   */
  async restoreSize(
    snapshotIds: string | readonly string[],
    include?: string,
  ): Promise<{ files: number; bytes: number }> {
    const ids = typeof snapshotIds === "string" ? [snapshotIds] : [...snapshotIds];
    if (ids.length === 0) throw new ResticError("failed", "restic stats needs a snapshot");
    if (include !== undefined && include !== "/") {
      if (ids.length !== 1 || !include.startsWith("/"))
        throw new ResticError(
          "failed",
          `the restore size of a path needs one snapshot and an absolute path, got ${ids.length} snapshot(s) and "${include}"`,
        );
      return this.#pathSize(ids[0]!, include);
    }
    const run = await this.#ok(["stats", "--json", "--mode", "restore-size", ...ids], "stats");
    const host = this.#options.session.host.name;
    const json = run.stdout.split("\n").find((l) => l.startsWith("{"));
    if (json === undefined)
      throw new ResticError(
        "failed",
        `restic stats on ${host} printed no JSON: ${firstLine(run.stdout) || "nothing"}`,
      );
    let stats: Record<string, unknown>;
    try {
      stats = JSON.parse(json) as Record<string, unknown>;
    } catch (error) {
      throw new ResticError(
        "failed",
        `restic stats on ${host} printed a line that is not JSON (${(error as Error).message}): ${json.slice(0, 200)}`,
      );
    }
    const count = (field: string): number => {
      const value = stats[field];
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
        throw new ResticError(
          "failed",
          `restic stats on ${host} gave ${field} = ${JSON.stringify(value)}, not a count: ${json.slice(0, 200)}`,
        );
      return value;
    };
    // An id restic cannot resolve is skipped with "Ignoring …" and exit 0.
    if (count("snapshots_count") !== ids.length)
      throw new ResticError(
        "failed",
        `restic stats on ${host} found ${count("snapshots_count")} of the ${ids.length} snapshot(s) ${ids.map((i) => i.slice(0, 8)).join(", ")} in ${this.repositoryLabel}`,
        quoted(redact(run.stderr, this.#secrets)),
      );
    return { files: count("total_file_count"), bytes: count("total_size") };
  }

  async #pathSize(snapshotId: string, path: string): Promise<{ files: number; bytes: number }> {
    const prefix = `${path.replace(/\/+$/, "")}/`;
    let files = 0;
    let bytes = 0;
    let found = false;
    await this.eachNode(snapshotId, (n) => {
      if (n.path === prefix.slice(0, -1)) found = true;
      else if (!n.path.startsWith(prefix)) return;
      files += 1;
      if (n.type === "file") bytes += n.size;
    });
    if (!found)
      throw new ResticError(
        "failed",
        `snapshot ${snapshotId.slice(0, 8)} in ${this.repositoryLabel} holds nothing at ${path}`,
      );
    // restore --include also creates the folders on the way to the path.
    const above = prefix.split("/").filter(Boolean).length - 1;
    return { files: files + above, bytes };
  }

  /** Forgets one snapshot (an append-only repository refuses: ResticError "append-only-refused"). */
  async forget(snapshotId: string): Promise<void> {
    await this.#ok(["forget", snapshotId], "forget", { watchRefusal: true });
  }

  /**
   * `restic forget <ids…> --prune`: forgets exactly these snapshots and removes the data only they
   * used. Prune takes an exclusive lock: no backup can run meanwhile. An append-only repository
   * refuses at the first delete, before anything is forgotten (ResticError "append-only-refused").
   */
  async forgetAndPrune(snapshotIds: readonly string[]): Promise<void> {
    if (snapshotIds.length === 0) return;
    await this.#ok(["forget", "--prune", ...snapshotIds], "forget --prune", {
      watchRefusal: true,
    });
  }

  /** Removes stale locks. */
  async unlock(): Promise<void> {
    await this.#ok(["unlock"], "unlock");
  }
}

function nodeType(type: unknown): "file" | "dir" | "symlink" | "other" {
  return type === "file" || type === "dir" || type === "symlink" ? type : "other";
}

/** restic's include and exclude arguments are glob patterns: a literal path escapes * ? [ and \\. */
export function globEscaped(path: string): string {
  return path.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

interface RawSnapshot {
  id: string;
  short_id: string;
  time: string;
  paths?: string[];
  hostname?: string;
  tags?: string[];
  tree?: string;
}

interface RawNode {
  path?: string;
  type?: string;
  size?: number;
  mode?: number;
  mtime?: string;
  uid?: number;
  gid?: number;
}

function snapshotOf(s: RawSnapshot): Snapshot {
  return {
    id: s.id,
    shortId: s.short_id,
    time: new Date(s.time),
    // Sorted: `restic snapshots` prints them sorted, `restic ls` in the order they were given.
    paths: [...(s.paths ?? [])].sort(),
    hostname: s.hostname ?? "",
    tags: s.tags ?? [],
    tree: s.tree ?? "",
  };
}

// restic's JSON gives Go's os.FileMode: the permission bits as in Unix, but setuid, setgid and
// sticky as bits 23, 22 and 20 (a group share's setgid folders are common).
const GO_SETUID = 1 << 23;
const GO_SETGID = 1 << 22;
const GO_STICKY = 1 << 20;

/** Unix permission bits (mode & 0o7777) of a Go os.FileMode. */
export function permissionBits(goMode: number): number {
  return (
    (goMode & 0o777) |
    (goMode & GO_SETUID ? 0o4000 : 0) |
    (goMode & GO_SETGID ? 0o2000 : 0) |
    (goMode & GO_STICKY ? 0o1000 : 0)
  );
}

function nodeOf(n: RawNode): SnapshotNode {
  return {
    path: n.path ?? "",
    type: nodeType(n.type),
    size: n.size ?? 0,
    mode: permissionBits(n.mode ?? 0),
    mtime: new Date(n.mtime ?? 0),
    uid: n.uid ?? -1,
    gid: n.gid ?? -1,
  };
}

/** Splits a byte stream into UTF-8 lines, a line split across chunks joined first. */
export function lineSplitter(onLine: (line: string) => void): {
  push: (chunk: Buffer) => void;
  end: () => void;
} {
  let rest: Buffer | undefined;
  return {
    push: (chunk) => {
      const data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
        onLine(data.toString("utf8", start, nl));
        start = nl + 1;
      }
      rest = start < data.length ? data.subarray(start) : undefined;
    },
    end: () => {
      if (rest !== undefined) onLine(rest.toString("utf8"));
      rest = undefined;
    },
  };
}
