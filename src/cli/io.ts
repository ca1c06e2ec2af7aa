/** Where the CLI writes: real stdout/stderr in production, buffers in tests. */
import type { Readable } from "node:stream";

export interface Io {
  readonly stdout: (chunk: string) => void;
  readonly stderr: (chunk: string) => void;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
  readonly isTTY: boolean;
  /** The working folder (default process.cwd()): where a workspace is looked for. */
  readonly cwd?: string;
}

export const processIo: Io = {
  stdout: (chunk) => void process.stdout.write(chunk),
  stderr: (chunk) => void process.stderr.write(chunk),
  stdin: process.stdin,
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
};

/** NO_COLOR (no-color.org) wins, then FORCE_COLOR, then whether stdout is a terminal. */
export function wantsColor(io: Io, flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return io.isTTY;
}
