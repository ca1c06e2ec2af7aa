/**
 * Assembles the macOS probe script: the same framing as the Linux script (`@@NONCE begin NAME` …
 * `@@NONCE end NAME RC`, stderr tails as `@@NONCE err …`, `@@NONCE done` last), so the same
 * splitter reads it. Fed on stdin to `sh -s -- NONCE MODE` (see ../linux/probe-script.ts).
 */
import { MAC_PROBE_HELPERS, MAC_PROBES } from "./probes.js";

const HEADER = `
M="@@$1"
case "$1" in *[!0-9a-f]*|"") echo "stronghold probe: bad nonce" >&2; exit 2 ;; esac
MODE="$2"
# A host's own PATH or locale must not change what the probes run or how tools print.
PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
LC_ALL=C
export PATH LC_ALL
unset LANG LANGUAGE
if [ "$(id -u)" = 0 ]; then PRIV=root
elif [ "$MODE" = sudo ] && command -v sudo >/dev/null 2>&1; then PRIV=sudo
else PRIV=none; fi
run() {
  printf '%s begin %s\\n' "$M" "$1"
  err=$("$2" </dev/null 2>&1 1>&3 3>&-)
  rc=$?
  if [ -n "$err" ]; then printf '%s\\n' "$err" | tail -n 20 | sed "s/^/$M err /"; fi
  printf '\\n%s end %s %s\\n' "$M" "$1" "$rc"
}
exec 3>&1
`;

function functionName(probe: string): string {
  return `mac_${probe.replace(/-/g, "_")}`;
}

/** The whole macOS script text; constant for a given build of the collector. */
export const MAC_PROBE_SCRIPT: string = [
  HEADER,
  MAC_PROBE_HELPERS,
  ...MAC_PROBES.map((p) => `${functionName(p.name)}() {\n${p.body.trim()}\n}\n`),
  ...MAC_PROBES.map((p) => `run ${p.name} ${functionName(p.name)}`),
  `printf '%s done\\n' "$M"`,
  "",
].join("\n");
