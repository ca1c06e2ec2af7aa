/**
 * Collects one Mac over SSH the way a Linux host is collected (collectWithProbes): one session,
 * one run of the macOS probe script, its parsers, the mapping and schema validation.
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import {
  collectWithProbes,
  validateMapped,
  type Collected,
  type CollectOptions,
  type ProbePlatform,
} from "../collect-with-probes.js";
import { macosMachineConfig } from "./machine-config.js";
import { parseMacFacts } from "./macos-facts.js";
import { MAC_PROBE_SCRIPT } from "./probe-script.js";

/** The macOS probes print far less than the Linux ones; more is a runaway command. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

const MACOS: ProbePlatform = {
  script: MAC_PROBE_SCRIPT,
  maxOutputBytes: MAX_OUTPUT_BYTES,
  interpret(sections, host, collectedAt, options) {
    const facts = parseMacFacts(sections, options.catalog);
    return validateMapped(
      macosMachineConfig(facts, host.name, host.machine, collectedAt),
      host.name,
    );
  },
};

/** Collects one inventory host with `platform: macos`; resolves with a failure rather than throwing. */
export function collectMacosHost(host: InventoryHost, options: CollectOptions): Promise<Collected> {
  return collectWithProbes(host, options, MACOS);
}
