/**
 * What decides whether a host can run the next OS release: the processor model, the installed
 * memory and the TPM version (read by `stronghold budget` against policies/data/os-hardware-minimums.yaml).
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** Processor model, installed memory in GiB, TPM version ("2.0", "1.2"). */
export interface PlatformFacts {
  readonly cpu: Fact<string>;
  readonly memoryGiB: Fact<number>;
  readonly tpmVersion: Fact<string>;
}

const TPM_VERSIONS: Readonly<Record<string, string>> = { "1": "1.2", "2": "2.0" };

/** Reads the platform probe: cpu=, memkb=, tpm= lines. */
export function parsePlatform(output: ProbeOutput | undefined): PlatformFacts {
  if (output?.rc !== 0) {
    const missing = unknown(probeFailure(output, "platform"));
    return { cpu: missing, memoryGiB: missing, tpmVersion: missing };
  }
  const read = new Map<string, string>();
  for (const line of lines(output.stdout)) {
    const m = /^([a-z]+)=(.*)$/.exec(line);
    if (m && !read.has(m[1]!)) read.set(m[1]!, m[2]!.trim());
  }
  const cpuName = (read.get("cpu") ?? "").replace(/\s+/g, " ");
  const cpu =
    cpuName === "" || cpuName.length > 256
      ? unknown("/proc/cpuinfo names no processor model")
      : known(cpuName);
  const kb = Number(read.get("memkb"));
  // MemTotal is what the kernel can use, a little less than what is installed: round up.
  const memoryGiB =
    read.has("memkb") && Number.isFinite(kb) && kb > 0
      ? known(Math.ceil(kb / 1_048_576))
      : unknown("/proc/meminfo has no MemTotal");
  const tpm = read.get("tpm") ?? "";
  const tpmVersion =
    TPM_VERSIONS[tpm] !== undefined
      ? known(TPM_VERSIONS[tpm])
      : tpm === "absent"
        ? unknown(
            "no TPM is visible to the OS (absent, disabled in firmware, or not given to the VM)",
          )
        : unknown(`the kernel does not report the TPM version (${tpm || "nothing"})`);
  return { cpu, memoryGiB, tpmVersion };
}
