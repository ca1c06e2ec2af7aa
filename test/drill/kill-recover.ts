/**
 * Killing a real drill process with SIGKILL (as power loss, the OOM killer and `systemctl kill`
 * do) at a chosen step, after a seeded random delay inside it, and reading a share's whole state
 * (every entry's type, mode, owner, modification time to the nanosecond, size, link target,
 * hard-link group and file content) to compare before and after.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import type { DrillLab } from "../fixtures/drill-lab.js";
import { seededRandom } from "../fixtures/seeded.js";

/**
 * Every entry under `root`, one line each, sorted: what must be identical after a drill and its
 * recovery. Hard links appear as the group's first path; files with their sha256.
 */
export function shareState(root: string): string[] {
  const out = execFileSync("find", [root, "-printf", "%y %m %U %G %T@ %s %i %P\\0%l\\0"], {
    maxBuffer: 1 << 28,
  });
  const fields = out.toString("latin1").split("\0");
  const rows: { meta: string; path: string; type: string; inode: string; target: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^(\S) (\S+ \S+ \S+ \S+) (\d+) (\d+) (.*)$/s.exec(fields[i]!)!;
    rows.push({
      type: m[1]!,
      meta: `${m[1]} ${m[2]}${m[1] === "f" ? ` ${m[3]}` : ""}`,
      inode: m[4]!,
      path: m[5]!,
      target: fields[i + 1]!,
    });
  }
  const firstWithInode = new Map<string, string>();
  for (const r of [...rows].sort((a, b) => (a.path < b.path ? -1 : 1)))
    if (r.type === "f" && !firstWithInode.has(r.inode)) firstWithInode.set(r.inode, r.path);
  return rows
    .map((r) => {
      // Paths were read as latin1: each byte one character, turned back into the same bytes.
      const file = Buffer.concat([Buffer.from(`${root}/`), Buffer.from(r.path, "latin1")]);
      const extra =
        r.type === "f"
          ? ` sha256=${createHash("sha256").update(readFileSync(file)).digest("hex")} links-with=${firstWithInode.get(r.inode)}`
          : r.type === "l"
            ? ` -> ${r.target}`
            : "";
      return `${JSON.stringify(r.path)} ${r.meta}${extra}`;
    })
    .sort();
}

/** The step names a run's journal shows as started, in order. */
async function startedSteps(runsDir: string): Promise<string[]> {
  if (!existsSync(runsDir)) return [];
  const names = await readdir(runsDir);
  const started: string[] = [];
  for (const name of names) {
    const journal = join(runsDir, name, "journal.jsonl");
    if (!existsSync(journal)) continue;
    for (const line of (await readFile(journal, "utf8")).split("\n")) {
      if (!line.includes('"step-start"')) continue;
      try {
        started.push((JSON.parse(line) as { step: string }).step);
      } catch {
        // a line still being written
      }
    }
  }
  return started;
}

/** Whether a process (group, when negative) still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What a killed run left: whether it reached the step, and how long it ran. */
export interface KilledRun {
  readonly reached: boolean;
  /** False when the run ended by itself before the kill came. */
  readonly killed: boolean;
  readonly killedAfterMs: number;
}

/**
 * Runs `stronghold drill run <args>` as its own process and kills it with SIGKILL once its journal
 * shows `step` started, after a random delay below `maxDelayMs` drawn from `random` (seeded),
 * and returns as soon as it is gone: not waiting for the commands it started.
 */
export async function killDrillAt(
  lab: DrillLab,
  args: readonly string[],
  runsDir: string,
  step: string,
  delayMs: number,
  env: NodeJS.ProcessEnv = {},
): Promise<KilledRun> {
  const child = spawn(
    process.execPath,
    [join(PROJECT_ROOT, "bin", "stronghold.js"), "drill", "run", ...args],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...lab.env, ...env },
      stdio: ["ignore", "ignore", "ignore"],
      detached: true,
    },
  );
  const started = Date.now();
  let exited = false;
  child.on("exit", () => (exited = true));
  let reached = false;
  const until = Date.now() + 120_000;
  while (!exited && Date.now() < until) {
    if ((await startedSteps(runsDir)).includes(step)) {
      reached = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (reached) await new Promise((r) => setTimeout(r, delayMs));
  const killedAfterMs = Date.now() - started;
  const killed = !exited;
  if (killed) process.kill(child.pid!, "SIGKILL");
  // Only the drill process is killed, as the OOM killer does: the commands it had started go on
  // (sshd does not stop a command whose client has gone; local ones are orphans), and whatever
  // runs next, `drill recover` included, meets them still running.
  while (alive(child.pid!)) await new Promise((r) => setTimeout(r, 5));
  return { reached, killed, killedAfterMs };
}

/** A seeded delay source; the seed comes from STRONGHOLD_KILL_SEED when set, so a failure replays. */
export function killSeed(): { seed: number; next: (max: number) => number } {
  const seed = Number(process.env.STRONGHOLD_KILL_SEED ?? Math.floor(Math.random() * 1e9));
  const random = seededRandom(seed);
  return { seed, next: (max) => Math.floor(random() * max) };
}

/** Folders a town's share has that a file comparison cannot see: empty, read-only, setgid, old. */
export async function seedOddFolders(data: string): Promise<void> {
  await mkdir(join(data, "archive", "2019", "empty"), { recursive: true });
  await mkdir(join(data, "records", "sealed"), { recursive: true });
  await writeFile(join(data, "records", "sealed", "deed-1887.txt"), "Deed of 1887\n");
  await writeFile(join(data, "records", "sealed", "deed-1902.txt"), "Deed of 1902\n");
  await chmod(join(data, "records", "sealed"), 0o555);
  await chmod(join(data, "records"), 0o2775);
  await utimes(
    join(data, "archive", "2019"),
    new Date("2019-12-31T23:59:59Z"),
    new Date("2019-12-31T23:59:59Z"),
  );
}
