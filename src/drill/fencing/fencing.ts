/**
 * The fences around destructive steps. Before any step runs: every destructive target must be a
 * drill target in the inventory, and every path a step declares must be a normalised absolute
 * path inside that host's sandbox — first as written, then on the host with symbolic links
 * resolved (`realpath -m`), so a link cannot lead a drill out of its sandbox.
 */
import { posix } from "node:path";
import type { HostSession } from "../../hosts/transport/session.js";

/** Why a run is refused before it starts. */
export interface Refusal {
  readonly host: string;
  readonly step?: string;
  readonly path?: string;
  readonly message: string;
}

/** Whether `path` is `root` or below it; both normalised absolute paths. */
export function isWithin(path: string, root: string): boolean {
  if (root === "/") return true;
  return path === root || path.startsWith(`${root}/`);
}

/**
 * A problem with how a path is written, or undefined when it is a normalised absolute path.
 * Declared paths may not hold line breaks; file paths (`lineBreaks: true`) travel NUL-separated
 * and may, as file names on a share can.
 */
export function pathShapeProblem(
  path: string,
  options: { lineBreaks?: boolean } = {},
): string | undefined {
  if (!path.startsWith("/")) return "is not an absolute path";
  if (path.includes("\0")) return "contains a NUL";
  if (!options.lineBreaks && path.includes("\n")) return "contains a line break";
  if (path.split("/").some((part) => part === ".." || part === "."))
    return 'has "." or ".." parts (write the normalised path)';
  const normal = posix.normalize(path);
  if (normal !== path && `${normal}/` !== path)
    return `is not normalised (write ${normal.replace(/\/$/, "")})`;
  return undefined;
}

/** The sandbox containing a path as written, or undefined. */
export function sandboxOf(path: string, sandbox: readonly string[]): string | undefined {
  return sandbox.find((root) => isWithin(stripSlash(path), root));
}

/** A path without trailing slashes ("/" stays "/"). */
export function stripSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** Lexical checks of one declared path; the refusal message names host, step, path and sandbox. */
export function checkDeclaredPath(
  host: string,
  step: string,
  path: string,
  sandbox: readonly string[],
): Refusal | undefined {
  const shape = pathShapeProblem(path);
  if (shape !== undefined)
    return {
      host,
      step,
      path,
      message: `step ${step} declares ${path} on ${host}, which ${shape}`,
    };
  if (sandboxOf(path, sandbox) === undefined)
    return {
      host,
      step,
      path,
      message: `step ${step} would touch ${path} on ${host}, outside its sandbox (${describeSandbox(sandbox)})`,
    };
  return undefined;
}

/** A sandbox list for messages. */
export function describeSandbox(sandbox: readonly string[]): string {
  return sandbox.length === 0 ? "none declared" : sandbox.join(", ");
}

/** Resolves paths on a host (`realpath -m`: missing parts allowed, links followed). */
export async function resolveOnHost(
  session: HostSession,
  paths: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const result = await session.exec(["realpath", "-m", "-z", "--", ...paths], { timeoutMs });
  if (result.code !== 0)
    throw new Error(
      `realpath on ${session.host.name} failed (exit ${result.code ?? "signal"}): ${result.stderr.trim() || "no message"}`,
    );
  const resolved = result.stdout.split("\0").slice(0, paths.length);
  if (resolved.length !== paths.length)
    throw new Error(
      `realpath on ${session.host.name} answered for ${resolved.length} of ${paths.length} paths`,
    );
  return new Map(paths.map((p, i) => [p, resolved[i]!]));
}

/**
 * The host-side check: sandboxes and declared paths resolved on the host; a path whose resolved
 * form leaves every resolved sandbox is refused. Returns the resolved sandboxes for the run.
 */
export async function checkOnHost(
  session: HostSession,
  sandbox: readonly string[],
  declared: readonly { readonly step: string; readonly path: string }[],
  timeoutMs: number,
): Promise<{ resolvedSandbox: readonly string[]; refusals: readonly Refusal[] }> {
  const host = session.host.name;
  const paths = [...new Set([...sandbox, ...declared.map((d) => d.path)])];
  const real = await resolveOnHost(session, paths, timeoutMs);
  const resolvedSandbox = sandbox.map((s) => real.get(s) ?? s);
  const refusals: Refusal[] = [];
  for (const root of resolvedSandbox) {
    if (root === "/" || root.split("/").length < 3)
      refusals.push({
        host,
        path: root,
        message: `the sandbox of ${host} resolves to ${root}, too close to the root of the file system`,
      });
  }
  for (const d of declared) {
    const resolved = real.get(d.path) ?? d.path;
    if (!resolvedSandbox.some((root) => isWithin(resolved, root)))
      refusals.push({
        host,
        step: d.step,
        path: d.path,
        message: `step ${d.step} would touch ${d.path} on ${host}, which resolves to ${resolved} (a symbolic link) outside the sandbox (${describeSandbox(resolvedSandbox)})`,
      });
  }
  return { resolvedSandbox, refusals };
}
