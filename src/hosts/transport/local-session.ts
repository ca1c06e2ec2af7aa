/** Commands on this machine, for hosts whose transport is `local`. */
import { spawn } from "node:child_process";
import type { InventoryHost } from "../inventory.js";
import {
  CappedBuffer,
  DEFAULT_MAX_OUTPUT_BYTES,
  type ExecOptions,
  type ExecResult,
  type HostSession,
} from "./session.js";

export function localSession(host: InventoryHost): HostSession {
  return {
    host,
    exec: (argv, options) => execLocal(argv, options),
    close: () => Promise.resolve(),
  };
}

/** Runs argv directly (no shell). A command that cannot start is exit code 127, like a shell. */
export function execLocal(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("execLocal needs a command");
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new CappedBuffer(limit);
  const stderr = new CappedBuffer(limit);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    const onStdout = options.onStdout;
    child.stdout?.on("data", onStdout ?? ((c: Buffer) => stdout.push(c)));
    child.stderr?.on("data", (c: Buffer) => stderr.push(c));
    if (options.stdin !== undefined) {
      child.stdin?.on("error", () => undefined); // the command may exit without reading it
      child.stdin?.end(options.stdin);
    }
    let spawnError: Error | undefined;
    child.on("error", (error) => {
      spawnError = error;
    });
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timer) clearTimeout(timer);
      resolve({
        code: spawnError ? 127 : timedOut ? null : code,
        signal: signal ?? null,
        stdout: stdout.text(),
        stderr: spawnError ? `${command}: ${spawnError.message}` : stderr.text(),
        timedOut,
        truncated: stdout.truncated || stderr.truncated,
      });
    };
    child.on("close", end);
    // Killed at its timeout, the command is over once it has exited, even while processes it
    // started still hold its output open (`sleep 30 | cat`); what they write later is dropped.
    child.on("exit", (code, signal) => {
      if (!timedOut) return;
      child.stdout?.destroy();
      child.stderr?.destroy();
      end(code, signal);
    });
  });
}
