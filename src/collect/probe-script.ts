/**
 * Assembles a probe script: one POSIX sh program that runs every probe and frames each one's
 * output as `@@NONCE begin NAME` … `@@NONCE end NAME RC`, stderr tail lines as `@@NONCE err …`,
 * and ends with `@@NONCE done`. It is fed on stdin to `sh -s -- NONCE MODE`: the command line is
 * constant, and the only variable parts are two arguments the transport quotes. Linux and macOS
 * hosts each have their probes; the framing and the command are the same.
 */
import { randomBytes } from "node:crypto";

/** The framing every probe script shares; `${path}` is the PATH its probes run with. */
const header = (path: string) => `
M="@@$1"
case "$1" in *[!0-9a-f]*|"") echo "stronghold probe: bad nonce" >&2; exit 2 ;; esac
MODE="$2"
# A host's own PATH or locale must not change what the probes run or how tools print.
PATH=${path}
LC_ALL=C
export PATH LC_ALL
unset LANG LANGUAGE
# The privilege really used: sudo only when asked for and installed (its refusals show per probe).
if [ "$(id -u)" = 0 ]; then PRIV=root
elif [ "$MODE" = sudo ] && command -v sudo >/dev/null 2>&1; then PRIV=sudo
else PRIV=none; fi
# stdout goes straight out; stderr is captured and, only when there is some, its last lines are
# printed after the stdout, each tagged (no extra processes for the usual silent probe).
run() {
  printf '%s begin %s\\n' "$M" "$1"
  err=$("$2" </dev/null 2>&1 1>&3 3>&-)
  rc=$?
  if [ -n "$err" ]; then printf '%s\\n' "$err" | tail -n 20 | sed "s/^/$M err /"; fi
  printf '\\n%s end %s %s\\n' "$M" "$1" "$rc"
}
exec 3>&1
`;

/** A probe: a shell function body whose output is framed under its name. */
export interface ScriptProbe {
  readonly name: string;
  readonly body: string;
}

/**
 * A probe script: the shared framing, the helpers, one function per probe (named
 * `<prefix>_<name>`), the `setup` lines, then one framed run of each probe and the end mark.
 */
export function assembleProbeScript(o: {
  readonly path: string;
  readonly helpers: string;
  readonly probes: readonly ScriptProbe[];
  readonly prefix: string;
  readonly setup?: readonly string[];
}): string {
  const functionName = (probe: string) => `${o.prefix}_${probe.replace(/-/g, "_")}`;
  return [
    header(o.path),
    o.helpers,
    ...o.probes.map((p) => `${functionName(p.name)}() {\n${p.body.trim()}\n}\n`),
    ...(o.setup ?? []),
    ...o.probes.map((p) => `run ${p.name} ${functionName(p.name)}`),
    `printf '%s done\\n' "$M"`,
    "",
  ].join("\n");
}

/** Whether privileged probes may use `sudo -n`. */
export type PrivilegeMode = "sudo" | "nosudo";

/** The argv that runs the script (fed on stdin) with this run's nonce and privilege mode. */
export function probeCommand(nonce: string, mode: PrivilegeMode): readonly string[] {
  return ["sh", "-s", "--", nonce, mode];
}

/** A fresh nonce per host run: 128 random bits, hex. */
export function newNonce(): string {
  return randomBytes(16).toString("hex");
}
