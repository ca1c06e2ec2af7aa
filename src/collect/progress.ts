/** Progress while hosts are collected: a bar on a terminal, one plain line per host otherwise. */
import cliProgress from "cli-progress";
import type { HostResult } from "./host-outcome.js";

/** Receives each host as it finishes. */
export interface Progress {
  hostDone(result: HostResult): void;
  stop(): void;
}

/** A bar on stderr when it is a terminal; plain lines through `write` otherwise. */
export function createProgress(
  total: number,
  terminal: boolean,
  write: (chunk: string) => void,
): Progress {
  let done = 0;
  let failed = 0;
  if (!terminal) {
    return {
      hostDone(result) {
        done++;
        const detail =
          result.outcome === "ok" ? `${result.unknown.length} unknown` : result.message;
        write(
          `[${done}/${total}] ${result.name}: ${result.outcome} (${(result.durationMs / 1000).toFixed(1)} s) ${detail}\n`,
        );
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: "collecting [{bar}] {value}/{total} hosts | {failed} failed | {last}",
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { failed: 0, last: "" });
  return {
    hostDone(result) {
      if (result.outcome !== "ok") failed++;
      bar.increment(1, { failed, last: `${result.name} ${result.outcome}` });
    },
    stop: () => bar.stop(),
  };
}
