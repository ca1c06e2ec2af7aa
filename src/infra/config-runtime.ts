/** The stack config of a real `pulumi up`/`preview`: read from the Pulumi runtime, checked before any resource. */
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "../support/errors.js";
import { parseStackConfig, type StackConfig } from "./config.js";

/**
 * Validates the config the CLI passed this program. A bad stack config stops the program with a
 * RunError (Pulumi prints it without a stack trace) listing every problem and its key.
 */
export function stackConfigFromPulumi(): StackConfig {
  const stack = pulumi.getStack();
  const values = new Map(Object.entries(pulumi.runtime.allConfig()));
  const parsed = parseStackConfig(values, { file: `stacks/Pulumi.${stack}.yaml` });
  if (parsed.ok) return parsed.config;
  throw new pulumi.RunError(
    `the stack config has ${parsed.problems.length} problem(s); nothing was created:\n` +
      parsed.problems.map(formatProblem).join("\n"),
  );
}
