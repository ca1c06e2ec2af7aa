/**
 * A run's commands on a host, found and stopped. Every command a drill step runs carries the
 * run's marker in its environment — its id and a random part, as two drills may start in the
 * same second with the same id — and so do the processes it starts. sshd does not stop a
 * command whose client went away (no terminal, no hangup), and a local command outlives a
 * killed drill too: a step stopped by a signal or its deadline, or a run killed outright, can
 * leave one running that later recreates what cleanup removed. So the run's commands are
 * stopped — TERM, then KILL after a bound — found through /proc/<pid>/environ (Linux; the
 * host's own user sees its own processes).
 */
import { randomBytes } from "node:crypto";
import type { HostSession } from "../../hosts/transport/session.js";

/** The environment variable naming the drill run a process belongs to. */
export const RUN_ENV = "STRONGHOLD_DRILL_RUN";
/** And the one command of the run it belongs to: `<marker>/<n>`. */
export const COMMAND_ENV = "STRONGHOLD_DRILL_COMMAND";

/** A new run's marker: `<run id>.<12 hex digits>`. */
export function newRunMarker(runId: string): string {
  return `${runId}.${randomBytes(6).toString("hex")}`;
}

let commands = 0;

/** What a step's command gets in its environment: the run's marker and its own. */
export function commandEnvironment(marker: string): Readonly<Record<string, string>> {
  commands += 1;
  return { [RUN_ENV]: marker, [COMMAND_ENV]: `${marker}/${commands}` };
}

/** A process of the run, as the host listed it. */
export interface RunProcess {
  readonly pid: number;
  readonly command: string;
}

/** What stopping a run's commands on a host found. */
export interface StoppedCommands {
  /** Running when looked for, and stopped. */
  readonly stopped: readonly RunProcess[];
  /** Still there after KILL and its bound (a process in uninterruptible sleep). */
  readonly survivors: readonly RunProcess[];
}

// $1 the variable's line, $2 tenths of a second TERM has before KILL. The scan itself runs
// without the variable, so it never finds itself. Lines out: "found|left <pid> <command>".
const STOP = `
line=$1; bound=$2
list() {
  grep -lzxF -e "$line" /proc/[0-9]*/environ 2>/dev/null | sed -n 's,^/proc/\\([0-9]*\\)/environ$,\\1,p'
}
describe() {
  for p in $1; do
    c=$(tr -d '\\n' < "/proc/$p/comm" 2>/dev/null) || continue
    echo "$2 $p $c"
  done
}
pids=$(list)
[ -n "$pids" ] || exit 0
describe "$pids" found
kill -TERM $pids 2>/dev/null
n=0
while [ "$n" -lt "$bound" ]; do
  left=$(list)
  [ -n "$left" ] || exit 0
  sleep 0.1; n=$((n + 1))
done
left=$(list)
[ -n "$left" ] || exit 0
kill -KILL $left 2>/dev/null
n=0
while [ "$n" -lt 20 ]; do
  left=$(list)
  [ -n "$left" ] || exit 0
  sleep 0.1; n=$((n + 1))
done
describe "$left" left
exit 0
`;

/** How long a run's commands have after TERM before KILL (docs/drills.md says 5 s). */
export const TERM_BOUND_MS = 5_000;

/** How long to wait for processes after TERM, and for the whole stop. */
export interface StopBounds {
  readonly termBoundMs: number;
  readonly timeoutMs: number;
}

/**
 * Stops every process of the run on the session's host: TERM, KILL after `termBoundMs`. The
 * session must not itself add the run's variable to its commands.
 */
export function stopRunCommands(
  session: HostSession,
  marker: string,
  bounds: StopBounds,
): Promise<StoppedCommands> {
  return stopMarked(session, `${RUN_ENV}=${marker}`, `the commands of run ${marker}`, bounds);
}

/**
 * Stops what is left of one command (its environment from `commandEnvironment`) once it has
 * timed out: its own timeout ends only the process it started, not that one's children.
 */
export function stopCommand(
  session: HostSession,
  environment: Readonly<Record<string, string>>,
  bounds: StopBounds,
): Promise<StoppedCommands> {
  const line = `${COMMAND_ENV}=${environment[COMMAND_ENV] ?? ""}`;
  return stopMarked(session, line, `what is left of command ${line}`, bounds);
}

async function stopMarked(
  session: HostSession,
  line: string,
  what: string,
  bounds: StopBounds,
): Promise<StoppedCommands> {
  const tenths = Math.max(1, Math.round(bounds.termBoundMs / 100));
  const result = await session.exec(["sh", "-c", STOP, "stronghold-stop", line, String(tenths)], {
    timeoutMs: bounds.timeoutMs,
  });
  if (result.code !== 0)
    throw new Error(
      `cannot stop ${what} on ${session.host.name}: ${result.stderr.trim() || `exit ${result.code ?? `signal ${result.signal ?? "?"}`}`}`,
    );
  const stopped: RunProcess[] = [];
  const survivors: RunProcess[] = [];
  for (const row of result.stdout.split("\n")) {
    const m = /^(found|left) (\d+) (.*)$/.exec(row);
    if (!m) continue;
    (m[1] === "found" ? stopped : survivors).push({ pid: Number(m[2]), command: m[3]! });
  }
  return { stopped, survivors };
}

/** "2 commands (restic 4121, cp 4130)". */
export function describeProcesses(list: readonly RunProcess[]): string {
  const shown = list
    .slice(0, 5)
    .map((p) => `${p.command} ${p.pid}`)
    .join(", ");
  const more = list.length > 5 ? `, ${list.length - 5} more` : "";
  return `${list.length} command${list.length === 1 ? "" : "s"} (${shown}${more})`;
}
