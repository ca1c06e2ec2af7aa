/**
 * Destructive file operations on a target, fenced twice: here, every path must lie inside a path
 * the step declared; on the host, in the same shell command that acts, each path's folder is
 * resolved with `realpath -m` and the result must lie inside a resolved sandbox — so a symbolic
 * link planted in the data cannot redirect a removal or a write outside it. Path lists travel
 * NUL-separated on stdin and are resolved and checked in bulk: no command line grows with the
 * number of files, and one refused path refuses the whole batch before anything changes.
 */
import type { FencedFiles, Renamed } from "../runbook/context.js";
import { FencingError, StepFailure } from "../runbook/failures.js";
import { isWithin, pathShapeProblem, stripSlash } from "./fencing.js";
import type { ExecOptions, ExecResult } from "../../hosts/transport/session.js";
import { lockedName } from "./names.js";
import { nulSeparated } from "../../support/file-names.js";
import { LISTING_FORMAT } from "../manifest/tree-listing.js";

/** Exit code of the host-side fence; distinct from the tools' own codes. */
const FENCE_EXIT = 97;

// Reads from\0to\0 pairs; first checks them all (regular file, not a link; target absent), then
// writes each file's replacement (size + 16 random bytes, same mode) as a new inode under its
// new name and removes the original: a hard-link copy keeps the old content.
const PERL_SCRAMBLE = `
use strict; use Fcntl;
local $/ = "\\0";
open(my $in, "<", $ARGV[0]) or die "cannot read the list: $!\\n";
my @pairs;
while (defined(my $from = <$in>)) {
  my $to = <$in>; chomp $from; chomp $to;
  my @st = lstat($from);
  if (!@st || -l _ || !-f _) { print STDERR "stronghold fence: refused $from: not a regular file\\n"; exit ${FENCE_EXIT}; }
  if (lstat($to)) { print STDERR "stronghold fence: refused $to: already exists\\n"; exit ${FENCE_EXIT}; }
  push @pairs, [$from, $to, $st[7], $st[2] & 07777];
}
open(my $rand, "<", "/dev/urandom") or die "cannot read /dev/urandom: $!\\n";
for my $p (@pairs) {
  my ($from, $to, $size, $mode) = @$p;
  (my $dir = $from) =~ s{/[^/]*$}{};
  my $tmp = ($dir eq "" ? "" : $dir) . "/.stronghold-tmp.$$";
  sysopen(my $out, $tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600) or die "cannot create $tmp: $!\\n";
  my $left = $size + 16;
  while ($left > 0) {
    my $n = $left < 1048576 ? $left : 1048576;
    my $buf; read($rand, $buf, $n) == $n or die "short read from /dev/urandom\\n";
    print $out $buf or die "cannot write $tmp: $!\\n"; $left -= $n;
  }
  close($out) or die "cannot write $tmp: $!\\n";
  chmod($mode, $tmp) or die "cannot chmod $tmp: $!\\n";
  rename($tmp, $to) or die "cannot rename $tmp to $to: $!\\n";
  unlink($from) or die "cannot remove $from: $!\\n";
  if (lstat($from) || !-f $to) { print STDERR "not replaced: $from\\n"; exit 1; }
}
`.replaceAll("'", `'"'"'`);

// $1: resolved sandboxes, one per line; $2: operation; $3: option; then the paths, or, for
// remove and scramble, none: the list comes NUL-separated on stdin (scramble: from\0to\0 pairs).
// The fence: every path's folder resolved by one realpath per xargs batch, then one awk pass
// comparing "<resolved folder>/<name>" with the sandboxes. Scrambling runs in one perl process
// when the host has perl (every Debian/RHEL host does); otherwise a slower per-file shell loop.
const SCRIPT = `
sandboxes=$1; op=$2; opt=$3; shift 3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Read-only folders (0555) on a share: a user who is not root cannot remove, add or rename
# entries in them. Each folder that must change is made writable for the act and given its mode
# back afterwards (relax, act, restore); a folder inside a tree being removed just goes. Root
# needs none of it.
if [ "$(id -u)" = 0 ]; then asroot=1; else asroot=; fi
: > "$tmp/relaxed"
relax() {
  [ -n "$asroot" ] && return 0
  xargs -0 -r sh -c 'for d; do if [ -d "$d" ] && [ ! -L "$d" ] && [ ! -w "$d" ]; then m=$(stat -c %a -- "$d") && chmod u+w -- "$d" && printf "%s\\0%s\\0" "$m" "$d"; fi; done' sh >> "$tmp/relaxed"
}
relax_trees() {
  [ -n "$asroot" ] && return 0
  xargs -0 -r sh -c 'for p; do if [ -d "$p" ] && [ ! -L "$p" ]; then find "$p" -type d ! -perm -u+w -exec chmod u+w {} +; fi; done' sh
}
restore_relaxed() {
  xargs -0 -n 2 -r sh -c 'if [ -d "$1" ]; then chmod "$0" -- "$1"; fi' < "$tmp/relaxed"
}
case $op in
  remove|scramble) cat > "$tmp/list" || exit 1 ;;
  *) printf '%s\\0' "$@" > "$tmp/list" ;;
esac
sed -z 's|/[^/]*$||; s|^$|/|' "$tmp/list" | xargs -0 -r realpath -m -z -- > "$tmp/real" ||
  { echo "stronghold fence: cannot resolve the paths' folders" >&2; exit ${FENCE_EXIT}; }
SB=$sandboxes LC_ALL=C awk '
  BEGIN { RS = "\\0"; n = split(ENVIRON["SB"], sb, "\\n"); real = ARGV[2]; ARGV[2] = "" }
  {
    path = $0
    if ((getline dir < real) <= 0) { print "stronghold fence: refused " path ": not resolved" > "/dev/stderr"; exit 1 }
    base = path; sub(/.*\\//, "", base)
    if (base == "" || base == "." || base == "..") { print "stronghold fence: refused " path " (no file name)" > "/dev/stderr"; exit 1 }
    full = (dir == "/" ? "" : dir) "/" base
    for (i = 1; i <= n; i++) if (full == sb[i] || index(full, sb[i] "/") == 1) next
    print "stronghold fence: refused " path ": resolves to " full ", outside the sandbox" > "/dev/stderr"
    exit 1
  }' "$tmp/list" "$tmp/real" || exit ${FENCE_EXIT}
case $op in
  remove)
    if [ -n "$opt" ] && { [ -e "$opt" ] || [ -L "$opt" ]; }; then echo kept; exit 0; fi
    sed -z 's|/[^/]*$||; s|^$|/|' "$tmp/list" | sort -zu | relax
    relax_trees < "$tmp/list"
    xargs -0 -r rm -rf -- < "$tmp/list"; removed=$?
    restore_relaxed
    [ $removed = 0 ] || exit 1
    xargs -0 -r sh -c 'for p; do if [ -e "$p" ] || [ -L "$p" ]; then echo "still present after removal: $p" >&2; exit 1; fi; done' sh < "$tmp/list" || exit 1
    echo removed ;;
  mkdir) mkdir -p -- "$1" ;;
  move)
    # Moving a folder to another parent rewrites its "..": it must be writable for that.
    printf '%s\\0%s\\0%s\\0' "$1" "$(dirname -- "$1")" "$(dirname -- "$2")" | relax
    mv -T -- "$1" "$2"; moved=$?
    FROM=$1 TO=$2 LC_ALL=C awk 'BEGIN { RS = "\\0"; ORS = "\\0" } NR % 2 == 0 && $0 == ENVIRON["FROM"] { $0 = ENVIRON["TO"] } 1' "$tmp/relaxed" > "$tmp/relaxed.at" && mv "$tmp/relaxed.at" "$tmp/relaxed"
    restore_relaxed
    exit $moved ;;
  link-copy)
    # Copied under a temporary name and renamed when whole: the copy exists only complete, so
    # putting it back can never put back half a share. With $opt, the source's listing (every
    # entry's metadata) is kept first, to judge the put-back by. Both synced before the rename.
    rm -rf -- "$2.partial" "$opt.partial" &&
      mkdir -p -- "$(dirname -- "$2")" &&
      { [ -z "$opt" ] || find -H "$1" -printf '${LISTING_FORMAT}' > "$opt.partial"; } &&
      { cp -al -- "$1" "$2.partial" 2>/dev/null || { rm -rf -- "$2.partial"; cp -a -- "$1" "$2.partial"; }; } &&
      { sync -f "$2.partial" 2>/dev/null || sync; } &&
      { [ -z "$opt" ] || mv -T -- "$opt.partial" "$opt"; } &&
      mv -T -- "$2.partial" "$2" && { sync -f "$2" 2>/dev/null || sync; } ;;
  move-over)
    if [ -e "$1" ]; then
      printf '%s\\0' "$2" | relax_trees
      rm -rf -- "$2" || exit 1
      printf '%s\\0%s\\0' "$1" "$(dirname -- "$1")" | relax
      mv -T -- "$1" "$2"; moved=$?
      FROM=$1 TO=$2 LC_ALL=C awk 'BEGIN { RS = "\\0"; ORS = "\\0" } NR % 2 == 0 && $0 == ENVIRON["FROM"] { $0 = ENVIRON["TO"] } 1' "$tmp/relaxed" > "$tmp/relaxed.at" && mv "$tmp/relaxed.at" "$tmp/relaxed"
      restore_relaxed
      [ $moved = 0 ] && { sync -f "$2" 2>/dev/null || sync; } && echo moved
    else echo absent; fi ;;
  write)
    if [ -L "$1" ]; then echo "stronghold fence: refused $1: a symbolic link" >&2; exit ${FENCE_EXIT}; fi
    tmpfile="$1.stronghold-tmp.$$"
    cat > "$tmpfile" && mv -f -- "$tmpfile" "$1" ;;
  scramble)
    sed -z 's|/[^/]*$||; s|^$|/|' "$tmp/list" | sort -zu | relax
    trap 'restore_relaxed; rm -rf "$tmp"' EXIT
    if command -v perl >/dev/null 2>&1; then
      perl -e '${PERL_SCRAMBLE}' "$tmp/list"
      exit $?
    fi
    # Without perl: the same checks, then the same changes, one file at a time.
    xargs -0 -n 2 -r sh -c 'if [ -L "$1" ] || [ ! -f "$1" ]; then echo "stronghold fence: refused $1: not a regular file" >&2; exit 255; fi
      if [ -e "$2" ] || [ -L "$2" ]; then echo "stronghold fence: refused $2: already exists" >&2; exit 255; fi' sh < "$tmp/list" ||
      exit ${FENCE_EXIT}
    xargs -0 -n 2 -r sh -c 'size=$(stat -c %s -- "$1") || exit 255
      t="$(dirname -- "$1")/.stronghold-tmp.$$"
      head -c $((size + 16)) /dev/urandom > "$t" && chmod --reference="$1" -- "$t" &&
        mv -T -- "$t" "$2" && rm -f -- "$1" || exit 255' sh < "$tmp/list" || exit 1 ;;
  *) echo "stronghold fence: unknown operation $op" >&2; exit 2 ;;
esac
`;

/** The host a fenced operation runs on: its name and a journaled exec. */
export interface FencedFilesHost {
  readonly name: string;
  /** Runs a fenced command; `label` is what the journal shows instead of the script. */
  exec(argv: readonly string[], options: ExecOptions & { label: string }): Promise<ExecResult>;
}

function nulList(paths: readonly string[]): Buffer {
  return nulSeparated(paths);
}

function describePaths(paths: readonly string[]): string {
  const first = paths.slice(0, 3).map((p) => JSON.stringify(p));
  return paths.length <= 3
    ? first.join(" ")
    : `${paths.length} paths: ${first.join(" ")} … ${JSON.stringify(paths.at(-1))}`;
}

/**
 * File operations for one step on one target. `allowed` are the paths the step declared there,
 * `resolvedSandbox` the host's sandbox with links resolved at the start of the run.
 */
export function fencedFiles(
  host: FencedFilesHost,
  step: string,
  allowed: readonly string[],
  resolvedSandbox: readonly string[],
): FencedFiles {
  const check = (path: string): void => {
    const shape = pathShapeProblem(path, { lineBreaks: true });
    if (shape !== undefined)
      throw new FencingError(`step ${step}: ${JSON.stringify(path)} on ${host.name} ${shape}`);
  };
  const checkDeclared = (path: string): void => {
    if (!allowed.some((root) => isWithin(stripSlash(path), root)))
      throw new FencingError(
        `step ${step} may not change ${path} on ${host.name}: it declared only ${allowed.length === 0 ? "no paths" : allowed.join(", ")}`,
      );
  };
  const run = async (
    op: string,
    given: readonly string[],
    options: {
      opt?: string;
      stdin?: string;
      reads?: readonly string[];
      /** The paths go on stdin, NUL-separated, not in argv. */
      listed?: boolean;
    } = {},
  ): Promise<string> => {
    if (given.length === 0) return "";
    // Paths only read (a copy's source) need not be declared; the host still keeps them in the sandbox.
    given.forEach(check);
    const paths = given.map(stripSlash);
    const reads = new Set(options.reads?.map(stripSlash));
    for (const p of paths) if (!reads.has(p)) checkDeclared(p);
    const argv = [
      "sh",
      "-c",
      SCRIPT,
      "stronghold-fence",
      resolvedSandbox.join("\n"),
      op,
      options.opt ?? "",
      ...(options.listed ? [] : paths),
    ];
    const stdin = options.listed ? nulList(paths) : options.stdin;
    const label = `${op}${options.opt ? ` ${options.opt}` : ""} -- ${describePaths(paths)}`;
    const result = await host.exec(argv, {
      label,
      ...(stdin === undefined ? {} : { stdin }),
    });
    if (result.code === FENCE_EXIT)
      throw new FencingError(`${host.name}: ${result.stderr.trim() || "refused by the fence"}`);
    if (result.code !== 0)
      throw new StepFailure(
        `${op} on ${host.name} failed (exit ${result.code ?? (result.timedOut ? "timeout" : "signal")}): ${result.stderr.trim().split("\n").at(-1) ?? ""}`,
        [],
        true,
      );
    return result.stdout;
  };
  return {
    remove: async (paths, options = {}) =>
      (await run("remove", paths, { opt: options.unlessExists ?? "", listed: true })).trim() !==
      "kept",
    mkdir: async (path) => void (await run("mkdir", [path])),
    move: async (from, to) => void (await run("move", [from, to])),
    moveOver: async (from, to) => (await run("move-over", [from, to])).trim() === "moved",
    linkCopy: async (from, to, options = {}) => {
      if (options.listing !== undefined) {
        check(options.listing);
        checkDeclared(stripSlash(options.listing));
      }
      await run("link-copy", [from, to], {
        reads: [from],
        ...(options.listing === undefined ? {} : { opt: stripSlash(options.listing) }),
      });
    },
    writeFile: async (path, content) => void (await run("write", [path], { stdin: content })),
    scramble: async (paths, extension) => {
      if (!/^\.[A-Za-z0-9_-]{1,16}$/.test(extension))
        throw new FencingError(`scramble extension "${extension}" must look like .locked`);
      paths.forEach(check);
      const renamed = scrambledNames(paths.map(stripSlash), extension);
      if (renamed.length === 0) return renamed;
      const pairs = renamed.flatMap((r) => [r.from, r.to]);
      pairs.forEach(check);
      pairs.forEach(checkDeclared);
      await run("scramble", pairs, { opt: extension, listed: true });
      return renamed;
    },
  };
}

/** Each file's new name: its own with the extension, shortened when that would pass 255 bytes. */
export function scrambledNames(paths: readonly string[], extension: string): Renamed[] {
  const taken = new Set<string>();
  return paths.map((from) => {
    const slash = from.lastIndexOf("/");
    const dir = from.slice(0, slash);
    const to = `${dir}/${lockedName(from.slice(slash + 1), extension, (n) => taken.has(`${dir}/${n}`))}`;
    taken.add(to);
    return { from, to };
  });
}
