/**
 * The manifest of a tree on an SSH host, built there by one shell command (find, stat, openssl
 * or sha256sum) so no file content crosses the network. Records are NUL-separated, so any file
 * name survives.
 */
import {
  checkSamplePath,
  linksOf,
  ManifestError,
  manifestOf,
  type Manifest,
  type ManifestEntry,
  type FileIdentity,
  type ManifestOptions,
  type ManifestSymlink,
} from "./entries.js";
import { FileTable } from "./file-table.js";
import type { HostSession } from "../../hosts/transport/session.js";
import { nameFromBytes, nulSeparated } from "../../support/file-names.js";

// $1 root, $2 parallel hashers ("auto": one per core of the host), $3 "sample" when stdin lists
// the files (NUL-separated, ./-relative). Prints symbolic-link records "./path\0target\0" (none
// for a sample), an empty record, stat records "size mode mtime links inode ./path\0" (mtime as
// find's %T@, with a fraction), an empty record, then hash records "hash  ./path\0".
// A whole tree is walked once: one find pass prints the links and writes the stat records and
// the lists of files to hash, split by size, so no file is stat'ed twice.
// Files of 1 MiB and more go through openssl when the host has it: it uses the CPU's SHA
// instructions and hashes several times faster than sha256sum. openssl prints one line per file,
// in order, with the name unescaped, so each of its lines is paired with its argument and a name
// with a line break goes to sha256sum (-z) instead. Small files go through sha256sum in batches
// of BATCH, where starting one process per file would cost more than the hashing.
// Parallel hashers each append to their own file (named by their pid), since concurrent writers
// into one pipe could split a record.
const BATCH = 512;
const SCRIPT = `
set -e
cd -- "$1" 2>/dev/null || { echo "cannot enter $1" >&2; exit 66; }
hashers=$2
[ "$hashers" = auto ] && hashers=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fmt='%s %m %T@ %n %i %p\\0'
nl=$(printf '*\\n*')
: > "$tmp/large"
if [ "$3" = sample ]; then
  xargs -0 -r sh -c 'for f; do if [ -f "$f" ] && [ ! -L "$f" ]; then printf "%s\\0" "$f"; fi; done' sh > "$tmp/small"
  printf '\\0'
  xargs -0 -r sh -c 'exec find "$@" -maxdepth 0 -printf "$0"' "$fmt" < "$tmp/small"
elif command -v openssl >/dev/null 2>&1; then
  find . \\( -type f -fprintf "$tmp/stat" "$fmt" \\( -size +1048575c ! -path "$nl" -fprint0 "$tmp/large" -o -fprint0 "$tmp/small" \\) \\) -o \\( -type l -printf '%p\\0%l\\0' \\)
  printf '\\0'
  cat "$tmp/stat"
else
  find . \\( -type f -fprintf "$tmp/stat" "$fmt" -fprint0 "$tmp/small" \\) -o \\( -type l -printf '%p\\0%l\\0' \\)
  printf '\\0'
  cat "$tmp/stat"
fi
printf '\\0'
if [ "$3" = sample ] && command -v openssl >/dev/null 2>&1; then
  mv "$tmp/small" "$tmp/sampled"
  xargs -0 -r sh -c 'exec find "$@" -maxdepth 0 -size +1048575c ! -path "$0" -print0' "$nl" < "$tmp/sampled" > "$tmp/large"
  xargs -0 -r sh -c 'exec find "$@" -maxdepth 0 \\( ! -size +1048575c -o -path "$0" \\) -print0' "$nl" < "$tmp/sampled" > "$tmp/small"
fi
mkdir "$tmp/sums"
xargs -0 -r -P "$hashers" -n 8 sh -c 'openssl dgst -sha256 -r "$@" | for f; do IFS= read -r h || exit 1; printf "%s  %s\\0" "\${h%% *}" "$f"; done >> "$0/$$"' "$tmp/sums" < "$tmp/large"
xargs -0 -r -P "$hashers" -n ${BATCH} sh -c 'exec sha256sum -z -- "$@" >> "$0/$$"' "$tmp/sums" < "$tmp/small"
cat "$tmp/sums"/* 2>/dev/null || true
`;

function stripDot(path: string): string {
  return path.startsWith("./") ? path.slice(2) : path;
}

/**
 * Reads the three NUL-separated sections the script prints as they stream in, record by record,
 * so the output is never held whole; `whole`: not a sample. Throws ManifestError on a record it
 * does not expect, from `push` or `end`.
 */
export class RemoteOutputParser {
  #section: "links" | "stats" | "hashes" = "links";
  #rest: Buffer | undefined;
  #linkPath: string | undefined;
  readonly #symlinks: ManifestSymlink[] = [];
  /** Stat records as they come, each given its hash when its hash record comes. */
  readonly #entries = new FileTable<ManifestEntry>();
  /** Only files with more than one link: the others never form a hard-link group. */
  readonly #linked: FileIdentity[] = [];

  constructor(
    readonly root: string,
    readonly whole = true,
  ) {}

  push(chunk: Buffer): void {
    const data = this.#rest === undefined ? chunk : Buffer.concat([this.#rest, chunk]);
    let start = 0;
    for (let nul = data.indexOf(0); nul >= 0; nul = data.indexOf(0, start)) {
      this.#record(nameFromBytes(data.subarray(start, nul)));
      start = nul + 1;
    }
    this.#rest = start < data.length ? data.subarray(start) : undefined;
  }

  end(): Manifest {
    if (this.#rest !== undefined) this.#record(nameFromBytes(this.#rest));
    this.#rest = undefined;
    if (this.#section !== "hashes")
      throw new ManifestError(`unexpected manifest output for ${this.root}`);
    const left = this.#entries.unhashed();
    if (left.stray !== undefined)
      throw new ManifestError(`${this.root}/${left.stray} was hashed but not listed`);
    if (left.count > 0)
      throw new ManifestError(
        `${this.root}: ${left.count} file(s) were listed but not hashed, e.g. ${left.first}`,
      );
    return manifestOf(
      this.root,
      this.#entries,
      this.whole ? linksOf(this.#symlinks, this.#linked) : undefined,
    );
  }

  #record(record: string): void {
    switch (this.#section) {
      case "links":
        if (record === "") {
          if (this.#linkPath !== undefined)
            throw new ManifestError(`unexpected symbolic-link records for ${this.root}`);
          this.#section = "stats";
        } else if (this.#linkPath === undefined) this.#linkPath = record;
        else {
          this.#symlinks.push({ path: stripDot(this.#linkPath), target: record });
          this.#linkPath = undefined;
        }
        return;
      case "stats":
        if (record === "") this.#section = "hashes";
        else this.#stat(record);
        return;
      case "hashes":
        if (record !== "") this.#hash(record);
        return;
    }
  }

  #stat(record: string): void {
    const match = /^(\d+) ([0-7]+) (-?\d+)(?:\.(\d+))? (\d+) (\d+) (.+)$/s.exec(record);
    if (!match)
      throw new ManifestError(`unexpected stat record for ${this.root}: ${JSON.stringify(record)}`);
    const path = stripDot(match[7]!);
    // Whole seconds as stat's %Y gives them: find prints the seconds rounded down and then the
    // nanoseconds past them ("-2.5000000000" is -1.5 s), so the whole part is the answer. The
    // string is cut, not parsed as a float, whose 53 bits would round ".9999999990" up.
    this.#entries.addUnhashed({
      path,
      size: Number(match[1]),
      mode: parseInt(match[2]!, 8),
      mtime: Number(match[3]),
    });
    const nlink = Number(match[5]);
    if (nlink > 1) this.#linked.push({ path, nlink, inode: Number(match[6]) });
  }

  #hash(record: string): void {
    const match = /^\\?([0-9a-f]{64}) [ *](.+)$/s.exec(record);
    if (!match)
      throw new ManifestError(
        `unexpected sha256sum record for ${this.root}: ${JSON.stringify(record)}`,
      );
    this.#entries.setHash(stripDot(match[2]!), match[1]!);
  }
}

/** Parses the three NUL-separated sections the script prints; `whole`: not a sample. */
export function parseRemoteOutput(root: string, stdout: string, whole = true): Manifest {
  const parser = new RemoteOutputParser(root, whole);
  parser.push(Buffer.from(stdout, "utf8"));
  return parser.end();
}

/** Builds the manifest on the host; file content never leaves it. */
export async function remoteManifest(
  session: HostSession,
  root: string,
  options: ManifestOptions = {},
): Promise<Manifest> {
  options.sample?.forEach(checkSamplePath);
  const hashers =
    options.concurrency === undefined
      ? "auto"
      : String(Math.max(1, Math.floor(options.concurrency)));
  const parser = new RemoteOutputParser(root, options.sample === undefined);
  let garbled: Error | undefined;
  const result = await session.exec(
    ["sh", "-c", SCRIPT, "stronghold-manifest", root, hashers, options.sample ? "sample" : "all"],
    {
      ...(options.sample ? { stdin: nulSeparated([...new Set(options.sample)], "./") } : {}),
      // Parsed as it arrives: the output of 10^5 files is never held whole.
      onStdout: (chunk) => {
        if (garbled !== undefined) return;
        try {
          parser.push(chunk);
        } catch (error) {
          garbled = error as Error;
        }
      },
    },
  );
  const host = session.host.name;
  if (result.code !== 0 || result.timedOut) {
    const why = result.stderr.trim().split("\n").at(-1) || `exit ${result.code ?? result.signal}`;
    throw new ManifestError(`cannot build the manifest of ${root} on ${host}: ${why}`);
  }
  if (garbled !== undefined) throw garbled;
  return parser.end();
}
