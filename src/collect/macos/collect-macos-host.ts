/**
 * Collects one Mac over SSH: one session, one run of the macOS probe script, the pure parsers, the
 * mapping onto the machine config and schema validation. Failures come back typed, never thrown.
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import { openSession } from "../../hosts/transport/open-session.js";
import { TransportError, type HostSession } from "../../hosts/transport/session.js";
import type { Failure } from "../host-outcome.js";
import {
  validateMapped,
  type Collected,
  type CollectOptions,
} from "../linux/collect-linux-host.js";
import { newNonce, probeCommand } from "../linux/probe-script.js";
import { clip, splitProbeOutput } from "../probe-output.js";
import { macosMachineConfig } from "./machine-config.js";
import { parseMacFacts } from "./macos-facts.js";
import { MAC_PROBE_SCRIPT } from "./probe-script.js";

/** The macOS probes print far less than the Linux ones; more is a runaway command. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

const failed = (outcome: Failure, message: string): Collected => ({
  kind: "failed",
  outcome,
  message,
});

/** Resolves with the session, or undefined when the deadline passes first (then closes it late). */
async function openWithin(host: InventoryHost, ms: number): Promise<HostSession | undefined> {
  const opening = openSession(host);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    const session = await Promise.race([opening, expired]);
    if (session === undefined) opening.then((s) => s.close()).catch(() => undefined);
    return session;
  } finally {
    clearTimeout(timer);
  }
}

/** Collects one inventory host with `platform: macos`; resolves with a failure rather than throwing. */
export async function collectMacosHost(
  host: InventoryHost,
  options: CollectOptions,
): Promise<Collected> {
  const { machine } = host;
  if (!machine) {
    return failed(
      "inventory-incomplete",
      `${host.pointer}/machine is missing: add { department, site, role } for this host to the inventory`,
    );
  }
  const deadline = Date.now() + options.timeoutMs;
  let session: HostSession | undefined;
  try {
    session = await openWithin(host, options.timeoutMs);
    if (!session)
      return failed("timeout", `no session within the ${options.timeoutMs / 1000} s host timeout`);
    const nonce = newNonce();
    const result = await session.exec(probeCommand(nonce, options.sudo ? "sudo" : "nosudo"), {
      stdin: MAC_PROBE_SCRIPT,
      timeoutMs: Math.max(1, deadline - Date.now()),
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
    if (result.timedOut)
      return failed(
        "timeout",
        `the probes did not finish within the ${options.timeoutMs / 1000} s host timeout`,
      );
    if (result.truncated)
      return failed(
        "probe-error",
        `the probes printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`,
      );
    const split = splitProbeOutput(result.stdout, nonce);
    if (!split.ok) {
      const said = clip(result.stdout.trim() || result.stderr.trim(), 200);
      return failed(
        "probe-error",
        `${split.problem}${said ? `; the host said: "${said}"` : ""} (is the login shell a POSIX shell?)`,
      );
    }
    const collectedAt = options
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    const facts = parseMacFacts(split.sections, options.catalog);
    return validateMapped(macosMachineConfig(facts, host.name, machine, collectedAt), host.name);
  } catch (error) {
    if (error instanceof TransportError) {
      const prefix = `${error.hostName}: `;
      const message = error.message.startsWith(prefix)
        ? error.message.slice(prefix.length)
        : error.message;
      return failed(error.reason, message);
    }
    return failed(
      "probe-error",
      `stronghold failed on this host's output: ${(error as Error).message} (a bug in stronghold)`,
    );
  } finally {
    await session?.close();
  }
}
