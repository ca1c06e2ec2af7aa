/** Regenerates the precompiled machine-config validator (a test fails when it is stale). */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MACHINE_VALIDATOR_FILE, machineValidatorCode } from "./validator-code.js";

const root = fileURLToPath(new URL("../", import.meta.url));
await writeFile(path.join(root, MACHINE_VALIDATOR_FILE), machineValidatorCode());
console.log(`wrote ${MACHINE_VALIDATOR_FILE}`);
