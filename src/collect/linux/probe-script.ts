/** The Linux probe script: the shared framing (../probe-script.ts) around the Linux probes. */
import { assembleProbeScript } from "../probe-script.js";
import { PROBE_HELPERS, PROBES } from "./probes.js";

/** The whole script text; constant for a given build of the collector. */
export const PROBE_SCRIPT: string = assembleProbeScript({
  path: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  helpers: PROBE_HELPERS,
  probes: PROBES,
  prefix: "probe",
  setup: ["find_serving_sshd_config"],
});
