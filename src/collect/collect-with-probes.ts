/**
 * Collects one host over SSH with a platform's probe script: one session, one run of the script
 * (a single round trip), the platform's parsers and mapping, and schema validation. Every way this
 * can go wrong comes back as a typed failure; nothing here throws for a host's sake.
 */
import type { InventoryHost, MachineFacts } from "../hosts/inventory.js";
import { createAjv, twoSpeed, type TwoSpeedValidator } from "../documents/ajv.js";
import { validationProblems } from "../documents/validation-problems.js";
import isMachineConfig from "../machine-config/machine-config.validate.cjs";
import { MachineConfigSchema, type MachineConfig } from "../machine-config/schema.js";
import { openSession } from "../hosts/transport/open-session.js";
import type { SshCredentials } from "../hosts/transport/ssh-credentials.js";
import { TransportError, type HostSession } from "../hosts/transport/session.js";
import { machineFileName } from "./file-name.js";
import type { Failure } from "./host-outcome.js";
import type { EdrCatalog } from "./linux/edr-catalog-schema.js";
import type { MappedMachine } from "./linux/machine-config.js";
import { clip, splitProbeOutput, type ProbeOutput } from "./probe-output.js";
import { newNonce, probeCommand } from "./probe-script.js";

/** How hosts are collected. */
export interface CollectOptions {
  /** Run the privileged probes through `sudo -n`. */
  readonly sudo: boolean;
  /** The whole host (connect, probes) must finish within this. */
  readonly timeoutMs: number;
  readonly catalog: EdrCatalog;
  /** The collection time written into the config. */
  readonly now: () => Date;
  /** The run's identity and known_hosts files, read once for all its hosts (each login reads its own when absent). */
  readonly credentials?: SshCredentials;
}

/** A mapped machine config, or the failure that prevented one. */
export type Collected =
  | { readonly kind: "config"; readonly mapped: MappedMachine }
  | {
      readonly kind: "failed";
      readonly outcome: Failure;
      readonly message: string;
      readonly details?: readonly string[];
    };

export const failed = (
  outcome: Failure,
  message: string,
  details?: readonly string[],
): Collected => ({
  kind: "failed",
  outcome,
  message,
  ...(details ? { details } : {}),
});

/** Resolves with the session, or undefined when the deadline passes first (then closes it late). */
async function openWithin(
  host: InventoryHost,
  ms: number,
  credentials: SshCredentials | undefined,
): Promise<HostSession | undefined> {
  const opening = openSession(host, credentials);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    const session = await Promise.race([opening, expired]);
    if (session === undefined)
      opening
        .then(
          (s) => s.close(),
          () => undefined,
        )
        .catch(() => undefined);
    return session;
  } finally {
    clearTimeout(timer);
  }
}

// The yes/no validator is precompiled (npm run validators): compiling the schema cost 0.25–0.3 s
// of CPU per run here. The detailed validator (every error, verbose), and the ajv instance that
// compiles it, are made only when a host's config fails, to say why.
let machineConfig: TwoSpeedValidator<MachineConfig> | undefined;

/** The mapped config if it validates against the machine-config schema, else an invalid-config failure. */
export function validateMapped(mapped: MappedMachine, name: string): Collected {
  if (isMachineConfig(mapped.config)) return { kind: "config", mapped };
  machineConfig ??= twoSpeed<MachineConfig>(MachineConfigSchema, isMachineConfig, createAjv());
  const problems = validationProblems(machineConfig.explain(mapped.config), machineFileName(name));
  return failed(
    "invalid-config",
    `the collected facts do not make a valid machine config (${problems.length} problem(s))`,
    problems.map((p) => `${p.pointer || "/"}: ${p.message}`),
  );
}

/** What collecting one platform over SSH needs: its probe script and how its sections map onto a config. */
export interface ProbePlatform {
  readonly script: string;
  /** Output beyond this is not a machine config but a runaway command. */
  readonly maxOutputBytes: number;
  /** The mapped, validated config of the probe sections, or the failure that prevented one. */
  interpret(
    sections: ReadonlyMap<string, ProbeOutput>,
    host: InventoryHost & { readonly machine: MachineFacts },
    collectedAt: string,
    options: CollectOptions,
  ): Collected;
}

/**
 * Collects one inventory host with a platform's probe script: one session, one run of the script
 * (a single round trip), its sections interpreted; resolves with a failure rather than throwing.
 */
export async function collectWithProbes(
  host: InventoryHost,
  options: CollectOptions,
  platform: ProbePlatform,
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
    session = await openWithin(host, options.timeoutMs, options.credentials);
    if (!session)
      return failed("timeout", `no session within the ${options.timeoutMs / 1000} s host timeout`);
    const nonce = newNonce();
    const result = await session.exec(probeCommand(nonce, options.sudo ? "sudo" : "nosudo"), {
      stdin: platform.script,
      timeoutMs: Math.max(1, deadline - Date.now()),
      maxOutputBytes: platform.maxOutputBytes,
    });
    if (result.timedOut)
      return failed(
        "timeout",
        `the probes did not finish within the ${options.timeoutMs / 1000} s host timeout`,
      );
    if (result.truncated)
      return failed(
        "probe-error",
        `the probes printed more than ${platform.maxOutputBytes / 1024 / 1024} MiB`,
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
    return platform.interpret(split.sections, { ...host, machine }, collectedAt, options);
  } catch (error) {
    if (error instanceof TransportError) {
      // The report names the host already; keep only what happened.
      const prefix = `${error.hostName}: `;
      const message = error.message.startsWith(prefix)
        ? error.message.slice(prefix.length)
        : error.message;
      return failed(error.reason, message);
    }
    // A bug while reading one host's output must not stop the others; say it is one.
    return failed(
      "probe-error",
      `stronghold failed on this host's output: ${(error as Error).message} (a bug in stronghold)`,
    );
  } finally {
    await session?.close();
  }
}
