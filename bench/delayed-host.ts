/**
 * Hosts for the collector benchmarks that cost the host (almost) nothing: the real probe is run
 * once over sshd to measure it and record its output, then every session of a "delayed" sshd
 * sleeps the measured time and replays that output under the session's nonce.
 */
import { performance } from "node:perf_hooks";
import { PROBE_SCRIPT } from "../src/collect/linux/probe-script.js";
import { newNonce, probeCommand } from "../src/collect/probe-script.js";
import { openSession } from "../src/hosts/transport/open-session.js";
import path from "node:path";
import { inventoryHost, keygen, type Sshd } from "../test/fixtures/sshd.js";

/**
 * sshd_config lines giving a host the RSA (3072) and ECDSA (P-256) host keys Debian's
 * openssh-server generates beside the fixture's Ed25519 one: OpenSSH announces all of them after
 * login, and what a client does with the announcement costs per key.
 */
export function debianHostKeys(dir: string): string[] {
  const rsa = path.join(dir, "ssh_host_rsa_key");
  const ecdsa = path.join(dir, "ssh_host_ecdsa_key");
  keygen(rsa, "rsa", ["-b", "3072"]);
  keygen(ecdsa, "ecdsa", ["-b", "256"]);
  return [`HostKey ${rsa}`, `HostKey ${ecdsa}`];
}

/** Stands for the nonce in the recorded probe output; the host puts the session's nonce in. */
export const RECORDED_NONCE = "0000000000000000";

export const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs the real probe script over a real sshd `runs` times, one session each, the way the
 * collector does; returns the median time from exec to the last byte, and the last output with
 * its nonce replaced by RECORDED_NONCE (for the delayed hosts to replay).
 */
export async function measureProbe(
  sshd: Sshd,
  runs: number,
): Promise<{ medianMs: number; minMs: number; maxMs: number; output: string }> {
  const times: number[] = [];
  let output = "";
  for (let i = 0; i < runs; i++) {
    const session = await openSession(inventoryHost(sshd));
    try {
      const nonce = newNonce();
      const started = performance.now();
      const result = await session.exec(probeCommand(nonce, "nosudo"), {
        stdin: PROBE_SCRIPT,
        timeoutMs: 60_000,
      });
      times.push(performance.now() - started);
      if (result.code !== 0 || !result.stdout.includes(`@@${nonce} done`))
        throw new Error(
          `the real probe failed (exit ${result.code}): ${result.stderr.slice(0, 500)}`,
        );
      output = result.stdout.replaceAll(nonce, RECORDED_NONCE);
    } finally {
      await session.close();
    }
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), output };
}

/**
 * The delayed host: reads and drops the script, sleeps, prints the recorded output under the
 * session's nonce. SSH_ORIGINAL_COMMAND is the collector's `sh -s -- NONCE MODE`: the 4th word.
 */
export function delayedCommand(transcript: string, delayMs: number): string {
  const sleep = delayMs > 0 ? ` sleep ${(delayMs / 1000).toFixed(3)};` : "";
  return `ForceCommand cat >/dev/null;${sleep} set -- $SSH_ORIGINAL_COMMAND; exec sed "s/${RECORDED_NONCE}/$4/g" ${transcript}`;
}
