/**
 * Destructive file operations on a target, fenced twice: here, every path must lie inside a path
 * the step declared; on the host, in the same shell command that acts, each path's folder is
 * resolved with `realpath -m` and the result must lie inside a resolved sandbox — so a symbolic
 * link planted in the data cannot redirect a removal or a write outside it.
 */
import type { FencedFiles } from "../runbook/context.js";
import { FencingError, StepFailure } from "../runbook/failures.js";
import { isWithin, pathShapeProblem, stripSlash } from "./fencing.js";
import type { ExecOptions, ExecResult } from "../../hosts/transport/session.js";

/** Exit code of the host-side fence; distinct from the tools' own codes. */
const FENCE_EXIT = 97;

// $1: resolved sandboxes, one per line; $2: operation; $3: option (extension); then paths.
const SCRIPT = `
sandboxes=$1; op=$2; opt=$3; shift 3
nl='
'
inside() {
  base=$(basename -- "$1") || return 1
  case $base in ""|.|..|/) echo "stronghold fence: refused $1 (no file name)" >&2; return 1;; esac
  real=$(realpath -m -- "$(dirname -- "$1")") || return 1
  full="\${real%/}/$base"
  saved=$IFS; IFS=$nl
  for sb in $sandboxes; do
    case $full in "$sb"|"$sb"/*) IFS=$saved; return 0;; esac
  done
  IFS=$saved
  echo "stronghold fence: refused $1: resolves to $full, outside the sandbox" >&2
  return 1
}
for p in "$@"; do inside "$p" || exit ${FENCE_EXIT}; done
case $op in
  remove)
    if [ -n "$opt" ] && { [ -e "$opt" ] || [ -L "$opt" ]; }; then echo kept; exit 0; fi
    rm -rf -- "$@" || exit 1
    for p in "$@"; do
      if [ -e "$p" ] || [ -L "$p" ]; then echo "still present after removal: $p" >&2; exit 1; fi
    done
    echo removed ;;
  mkdir) mkdir -p -- "$1" ;;
  move) mv -T -- "$1" "$2" ;;
  link-copy)
    mkdir -p -- "$(dirname -- "$2")" &&
      { cp -al -- "$1" "$2" 2>/dev/null || { rm -rf -- "$2"; cp -a -- "$1" "$2"; }; } ;;
  move-over)
    if [ -e "$1" ]; then rm -rf -- "$2" && mv -T -- "$1" "$2" && echo moved; else echo absent; fi ;;
  write)
    if [ -L "$1" ]; then echo "stronghold fence: refused $1: a symbolic link" >&2; exit ${FENCE_EXIT}; fi
    tmp="$1.stronghold-tmp.$$"
    cat > "$tmp" && mv -f -- "$tmp" "$1" ;;
  scramble)
    for f in "$@"; do
      if [ -L "$f" ] || [ ! -f "$f" ]; then echo "stronghold fence: refused $f: not a regular file" >&2; exit ${FENCE_EXIT}; fi
      size=$(stat -c %s -- "$f") || exit 1
      tmp="$f.stronghold-tmp.$$"
      head -c $((size + 16)) /dev/urandom > "$tmp" && chmod --reference="$f" -- "$tmp" &&
        mv -f -- "$tmp" "$f" && mv -T -- "$f" "$f$opt" || exit 1
      if [ -e "$f" ] || [ ! -f "$f$opt" ]; then echo "not replaced: $f" >&2; exit 1; fi
    done ;;
  *) echo "stronghold fence: unknown operation $op" >&2; exit 2 ;;
esac
`;

/** The host a fenced operation runs on: its name and a journaled exec. */
export interface FencedFilesHost {
  readonly name: string;
  /** Runs a fenced command; `label` is what the journal shows instead of the script. */
  exec(argv: readonly string[], options: ExecOptions & { label: string }): Promise<ExecResult>;
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
  const checkShape = (path: string): void => {
    const shape = pathShapeProblem(path);
    if (shape !== undefined)
      throw new FencingError(`step ${step}: ${path} on ${host.name} ${shape}`);
  };
  const checkDeclared = (path: string): void => {
    if (!allowed.some((root) => isWithin(stripSlash(path), root)))
      throw new FencingError(
        `step ${step} may not change ${path} on ${host.name}: it declared only ${allowed.length === 0 ? "no paths" : allowed.join(", ")}`,
      );
  };
  const run = async (
    op: string,
    paths: readonly string[],
    options: { opt?: string; stdin?: string; reads?: readonly string[] } = {},
  ): Promise<string> => {
    if (paths.length === 0) return "";
    // Paths only read (a copy's source) need not be declared; the host still keeps them in the sandbox.
    paths.forEach(checkShape);
    paths.filter((p) => !options.reads?.includes(p)).forEach(checkDeclared);
    const argv = [
      "sh",
      "-c",
      SCRIPT,
      "stronghold-fence",
      resolvedSandbox.join("\n"),
      op,
      options.opt ?? "",
      ...paths,
    ];
    const label = `${op}${options.opt ? ` ${options.opt}` : ""} -- ${paths.join(" ")}`;
    const result = await host.exec(argv, {
      label,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
    if (result.code === FENCE_EXIT)
      throw new FencingError(`${host.name}: ${result.stderr.trim() || "refused by the fence"}`);
    if (result.code !== 0)
      throw new StepFailure(
        `${label.split(" -- ")[0]} on ${host.name} failed (exit ${result.code ?? (result.timedOut ? "timeout" : "signal")}): ${result.stderr.trim().split("\n").at(-1) ?? ""}`,
        [],
        true,
      );
    return result.stdout;
  };
  return {
    remove: async (paths, options = {}) =>
      (await run("remove", paths, { opt: options.unlessExists ?? "" })).trim() !== "kept",
    mkdir: async (path) => void (await run("mkdir", [path])),
    move: async (from, to) => void (await run("move", [from, to])),
    moveOver: async (from, to) => (await run("move-over", [from, to])).trim() === "moved",
    linkCopy: async (from, to) => void (await run("link-copy", [from, to], { reads: [from] })),
    writeFile: async (path, content) => void (await run("write", [path], { stdin: content })),
    scramble: (paths, extension) => {
      if (!/^\.[A-Za-z0-9_-]{1,16}$/.test(extension))
        throw new FencingError(`scramble extension "${extension}" must look like .locked`);
      return run("scramble", paths, { opt: extension }).then(() => undefined);
    },
  };
}
