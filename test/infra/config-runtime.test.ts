// The stack config as `pulumi up` hands it over: the Pulumi runtime is set up with mocks (the
// engine cannot run here) and the values put where the language host puts them.
import { expect } from "chai";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfigFile } from "../../src/infra/config-file.js";
import { stackConfigFromPulumi } from "../../src/infra/config-runtime.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";

async function runtimeWith(stack: string, values: Record<string, string>): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: () => {
        throw new Error("no resource may be registered while reading the config");
      },
      call: () => ({}),
    },
    "stronghold",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(values, []);
}

function devValues(): Record<string, string> {
  const read = readStackConfigFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.dev.yaml"));
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return Object.fromEntries(read.values);
}

describe("stack config from the Pulumi runtime (engine mocked)", () => {
  it("validates and normalises what the CLI passed", async () => {
    await runtimeWith("dev", devValues());
    const config = stackConfigFromPulumi();
    expect(config.offsiteStorage.lockMode).to.equal("GOVERNANCE");
    expect(config.drNetwork.subnets).to.have.length(2);
  });

  it("stops with a RunError listing every problem, each naming its key in the stack's file", async () => {
    await runtimeWith("dev", {
      ...devValues(),
      "stronghold:drRegion": "us-east-1",
      "stronghold:lockDays": "7",
    });
    let error: unknown;
    try {
      stackConfigFromPulumi();
    } catch (caught) {
      error = caught;
    }
    expect(pulumi.RunError.isInstance(error)).to.equal(true);
    const message = (error as Error).message;
    expect(message).to.match(/^the stack config has 4 problem\(s\); nothing was created:\n/);
    expect(message).to.include(
      "stacks/Pulumi.dev.yaml: /config/stronghold:lockDays: is not a known setting",
    );
    expect(message).to.include(
      "stacks/Pulumi.dev.yaml: /config/stronghold:drRegion: must differ from stronghold:primaryRegion (us-east-1)",
    );
  });
});
