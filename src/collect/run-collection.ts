/**
 * Collects many hosts with a bounded number in flight, writes one machine file per host that
 * came back valid (atomically), and returns the collection report. One host's failure never
 * stops the others; a failed host's earlier machine file is left as it was.
 */
import { performance } from "node:perf_hooks";
import path from "node:path";
import { describeTransport, type InventoryHost } from "../hosts/inventory.js";
import { SshCredentials } from "../hosts/transport/ssh-credentials.js";
import { writeTextAtomic } from "../output/write-atomic.js";
import { VERSION } from "../support/version.js";
import { summarise, type CollectionReport } from "./collection-report.js";
import { machineFileName } from "./file-name.js";
import type { HostResult } from "./host-outcome.js";
import type { CollectOptions } from "./collect-with-probes.js";
import { collectLinuxHost } from "./linux/collect-linux-host.js";
import { collectMacosHost } from "./macos/collect-macos-host.js";
import { mapBounded } from "./pool.js";

/** What to collect, where to write it, and how. */
export interface CollectionRequest extends CollectOptions {
  readonly inventoryFile: string;
  readonly hosts: readonly InventoryHost[];
  readonly outDir: string;
  readonly concurrency: number;
  /** Called as each host finishes, in completion order. */
  readonly onHostDone?: (result: HostResult) => void;
}

async function collectOne(host: InventoryHost, request: CollectionRequest): Promise<HostResult> {
  const started = performance.now();
  const collected =
    host.platform === "macos"
      ? await collectMacosHost(host, request)
      : await collectLinuxHost(host, request);
  const common = {
    name: host.name,
    address: describeTransport(host.transport),
    durationMs: 0,
  };
  const done = (result: HostResult): HostResult => ({
    ...result,
    durationMs: Math.round(performance.now() - started),
  });
  if (collected.kind === "failed") {
    return done({
      ...common,
      outcome: collected.outcome,
      message: collected.message,
      ...(collected.details ? { details: [...collected.details] } : {}),
    });
  }
  const file = machineFileName(host.name);
  try {
    // Asynchronous: a synchronous write and fsync would stall every other host in flight.
    await writeTextAtomic(
      path.join(request.outDir, file),
      `${JSON.stringify(collected.mapped.config, null, 2)}\n`,
    );
  } catch (error) {
    return done({
      ...common,
      outcome: "write-failed",
      message: `cannot write ${path.join(request.outDir, file)}: ${(error as Error).message}`,
    });
  }
  return done({
    ...common,
    outcome: "ok",
    file,
    unknown: [...collected.mapped.unknown],
    observations: { ...collected.mapped.observations },
  });
}

/** Collects every host of the request and returns the collection report. */
export async function runCollection(request: CollectionRequest): Promise<CollectionReport> {
  const startedAt = new Date();
  const started = performance.now();
  // One read of each identity and known_hosts file for the whole run, not one per host.
  const run = { ...request, credentials: request.credentials ?? new SshCredentials() };
  const hosts = await mapBounded(request.hosts, request.concurrency, async (host) => {
    const result = await collectOne(host, run);
    request.onHostDone?.(result);
    return result;
  });
  return {
    version: 1,
    // The whole collection, Linux and macOS hosts alike; each machine file names its own collector.
    collector: { name: "stronghold-collect", version: VERSION },
    inventory: request.inventoryFile,
    outDir: request.outDir,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    options: {
      concurrency: request.concurrency,
      timeoutSeconds: request.timeoutMs / 1000,
      sudo: request.sudo,
    },
    summary: summarise(hosts),
    hosts,
  };
}
