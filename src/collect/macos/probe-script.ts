/**
 * Assembles the macOS probe script: the same framing as the Linux script (`@@NONCE begin NAME` …
 * `@@NONCE end NAME RC`, stderr tails as `@@NONCE err …`, `@@NONCE done` last), so the same
 * splitter reads it. Fed on stdin to `sh -s -- NONCE MODE` (see ../linux/probe-script.ts).
 */
import { assembleProbeScript } from "../probe-script.js";
import { MAC_PROBE_HELPERS, MAC_PROBES } from "./probes.js";

/** The whole macOS script text; constant for a given build of the collector. */
export const MAC_PROBE_SCRIPT: string = assembleProbeScript({
  path: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
  helpers: MAC_PROBE_HELPERS,
  probes: MAC_PROBES,
  prefix: "mac",
});
