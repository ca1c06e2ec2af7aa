/**
 * Running the drill command against the drill lab (real sshd ×2, restic, s3rver or rclone): the
 * CLI in-process with captured output, and readers for the evidence and the share's state.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import { stringify } from "yaml";
import type { DrillLab } from "../fixtures/drill-lab.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `stronghold drill …` in this process, as CI would (no terminal). */
export async function drillCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (c) => (stdout += c),
    stderr: (c) => (stderr += c),
    stdin: new PassThrough(),
    env,
    isTTY: false,
  };
  const code = await main(["node", "stronghold", "drill", ...args], io);
  return { code, stdout, stderr };
}

/** The flags every lab drill needs. */
export function labArgs(lab: DrillLab, runsDir: string): string[] {
  return [
    "--hosts",
    lab.inventoryFile,
    "--repo",
    lab.repositorySpec,
    "--password-file",
    lab.passwordFile,
    // site-loss: the DR site's own password file, on dr01 (this machine, like every lab host).
    "--dr-password-file",
    lab.passwordFile,
    "--data",
    lab.dataDir,
    "--runs-dir",
    runsDir,
    ...(lab.caCertFile ? ["--cacert", lab.caCertFile] : []),
  ];
}

/** The environment for the lab's repository (cloud keys for s3). */
export function labEnv(lab: DrillLab): NodeJS.ProcessEnv {
  return { ...process.env, ...lab.env };
}

/** sha256 and mode of every file under a folder, by relative path. */
export async function treeState(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const state: Record<string, string> = {};
  for (const e of entries) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    const hash = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
    state[relative(root, file)] = hash;
  }
  return state;
}

/** The single run folder a CLI run wrote under `runsDir` (the newest one). */
export async function lastRun(runsDir: string): Promise<string> {
  const names = (await readdir(runsDir)).sort();
  const last = names.at(-1);
  if (!last) throw new Error(`no run folder in ${runsDir}`);
  return join(runsDir, last);
}

export async function reportOf(runDir: string): Promise<string> {
  return readFile(join(runDir, "report.md"), "utf8");
}

/** The lab's inventory with both hosts on the local transport: this machine, the same paths. */
export async function localInventory(lab: DrillLab): Promise<string> {
  const file = join(lab.dir, "hosts-local.yaml");
  const host = (name: string, role: string, sandbox: string) => ({
    name,
    transport: "local",
    roles: [role],
    drill: { target: true, sandbox: [sandbox] },
  });
  await writeFile(
    file,
    stringify({
      version: 1,
      hosts: [
        host("fs01", "file-server", lab.fs01Sandbox),
        host("dr01", "dr-host", lab.drRestoreDir),
      ],
    }),
  );
  return file;
}

/** A process as ps lists it. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly args: string;
}

/** Every process (pid, parent and command line), read with ps. */
function processes(): ProcessEntry[] {
  return execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
}

/** Processes below `root` (pid and command line), from `all` (by default, read with ps now). */
export function processTree(
  root: number | undefined,
  all: readonly ProcessEntry[] = processes(),
): ProcessEntry[] {
  if (root === undefined) return [];
  const below = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all)
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
  }
  return all.filter((p) => below.has(p.pid) && p.pid !== root);
}
