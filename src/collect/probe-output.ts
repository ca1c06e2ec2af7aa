/**
 * The framed output of the probe script: each probe's stdout, the tail of its stderr and its exit
 * code, between lines tagged with a per-run nonce, so nothing a host prints (a file's contents, a
 * hostile banner) can forge a section. Splitting is pure; malformed framing is a result, not a throw.
 */

/** One probe's output as the host produced it. */
export interface ProbeOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code of the probe; undefined when the script never reported one. */
  readonly rc: number | undefined;
}

/** The sections of a run, or why its output cannot be trusted. */
export type SplitResult =
  | { readonly ok: true; readonly sections: ReadonlyMap<string, ProbeOutput> }
  | { readonly ok: false; readonly problem: string };

/** The tag every framing line starts with. */
export function frameTag(nonce: string): string {
  return `@@${nonce}`;
}

function separateStderr(body: string, errTag: string): { stdout: string; stderr: string } {
  // The script prints a probe's stderr (prefixed, one line each) after all of its stdout; a
  // prefix may follow stdout that did not end in a newline, so look for it anywhere.
  const first = body.indexOf(errTag);
  if (first < 0) return { stdout: body, stderr: "" };
  const stderr = body
    .slice(first)
    .split(errTag)
    .map((line) => line.replace(/\n$/, ""))
    .filter((line) => line !== "")
    .join("\n");
  return { stdout: body.slice(0, first), stderr };
}

/** Splits the script's stdout into its sections; refuses output that is not framed by this run. */
export function splitProbeOutput(text: string, nonce: string): SplitResult {
  const tag = frameTag(nonce);
  const begin = `${tag} begin `;
  const endTag = `\n${tag} end `;
  const errTag = `${tag} err `;
  const endLineFormat = new RegExp(`^${tag} end (\\S+) ?(\\d*)$`);
  const sections = new Map<string, ProbeOutput>();
  let at = text.indexOf(begin);
  if (at < 0) return { ok: false, problem: "the probe script printed no framed output" };
  while (at >= 0) {
    const nameEnd = text.indexOf("\n", at);
    if (nameEnd < 0) return { ok: false, problem: "the output ends inside a section header" };
    const name = text.slice(at + begin.length, nameEnd);
    const end = text.indexOf(endTag, nameEnd);
    if (end < 0) return { ok: false, problem: `section "${name}" has no end (output cut short)` };
    const body = text.slice(nameEnd + 1, end);
    const endLineStop = text.indexOf("\n", end + 1);
    const endLine = text.slice(end + 1, endLineStop < 0 ? text.length : endLineStop);
    const match = endLineFormat.exec(endLine);
    if (!match || match[1] !== name)
      return { ok: false, problem: `section "${name}" ends with a malformed line` };
    const rc = match[2] === "" || match[2] === undefined ? undefined : Number(match[2]);
    sections.set(name, { ...separateStderr(body, errTag), rc });
    at = text.indexOf(begin, end);
  }
  if (!text.includes(`${tag} done`))
    return { ok: false, problem: "the probe script stopped before its last probe" };
  return { ok: true, sections };
}

/** The line a probe's time limit prints when it stops a command. */
export const TIMED_OUT = /^timed out after \d+ s$/;

/** Why a probe gave nothing usable, in words for the collection report. */
export function probeFailure(output: ProbeOutput | undefined, tool: string): string {
  if (output === undefined) return `the ${tool} probe did not run`;
  const detail = output.stderr.split("\n").find((l) => l.trim() !== "");
  switch (output.rc) {
    case 127:
      return `${tool} is not available on the host`;
    case 126:
      return detail ?? `${tool} needs root: rerun with --sudo`;
    case 124: {
      // The macOS `limit` helper says how long it waited; coreutils' timeout says nothing.
      const limit = output.stderr.split("\n").find((l) => TIMED_OUT.test(l.trim()));
      return limit === undefined
        ? `${tool} did not answer within its time limit`
        : `${tool} ${limit.trim()}`;
    }
    case undefined:
      return `the ${tool} probe reported no exit code`;
    default:
      return detail === undefined
        ? `${tool} failed (exit ${output.rc})`
        : `${tool} failed (exit ${output.rc}): ${clip(detail)}`;
  }
}

/** Host-supplied text shortened and stripped of control characters before it reaches a report. */
export function clip(text: string, max = 160): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
