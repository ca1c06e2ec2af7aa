/**
 * Collects one Linux host: the Linux probe script run by collectWithProbes, its parsers, and the
 * mapping onto the machine config.
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import {
  collectWithProbes,
  failed,
  validateMapped,
  type Collected,
  type CollectOptions,
  type ProbePlatform,
} from "../collect-with-probes.js";
import { clip } from "../probe-output.js";
import { parseLinuxFacts } from "./linux-facts.js";
import { linuxMachineConfig } from "./machine-config.js";
import { PROBE_SCRIPT } from "./probe-script.js";

/** A probe run's output beyond this is not a machine config but a runaway command. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

const LINUX: ProbePlatform = {
  script: PROBE_SCRIPT,
  maxOutputBytes: MAX_OUTPUT_BYTES,
  interpret(sections, host, collectedAt, options) {
    const facts = parseLinuxFacts(sections, options.catalog);
    if (facts.meta.system !== "Linux") {
      return failed(
        "probe-error",
        facts.meta.system === "Darwin"
          ? "a Mac (uname -s: Darwin): set platform: macos for it in the inventory"
          : `not a Linux host (uname -s: ${clip(facts.meta.system ?? "nothing")}); collect it with its own collector`,
      );
    }
    return validateMapped(
      linuxMachineConfig(facts, host.name, host.machine, collectedAt),
      host.name,
    );
  },
};

/** Collects one inventory host; resolves with a failure rather than throwing. */
export function collectLinuxHost(host: InventoryHost, options: CollectOptions): Promise<Collected> {
  return collectWithProbes(host, options, LINUX);
}
