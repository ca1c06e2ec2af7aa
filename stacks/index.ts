// The Pulumi entry (Pulumi.yaml `main`): validate the stack config before any resource exists,
// then build the stack. Its only export is the default one, whose result becomes the outputs.
import * as pulumi from "@pulumi/pulumi";
import { stackConfigFromPulumi } from "../src/infra/config-runtime.js";
import { deployStronghold } from "../src/infra/program.js";

export default function stronghold() {
  return deployStronghold(stackConfigFromPulumi(), pulumi.getStack());
}
