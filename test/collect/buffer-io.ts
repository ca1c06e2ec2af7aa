/** An Io that keeps what the CLI writes, for in-process runs of `main`. */
import { Readable } from "node:stream";
import type { Io } from "../../src/cli/io.js";

export interface BufferIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

export function bufferIo(env: NodeJS.ProcessEnv = {}): BufferIo {
  let stdout = "";
  let stderr = "";
  return {
    stdout: (chunk) => void (stdout += chunk),
    stderr: (chunk) => void (stderr += chunk),
    stdin: Readable.from([]),
    env: { NO_COLOR: "1", ...env },
    isTTY: false,
    out: () => stdout,
    err: () => stderr,
  };
}
