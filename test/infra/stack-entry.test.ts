// Loads the Pulumi entry the way `pulumi up` would: node started with exactly the runtime
// options Pulumi.yaml gives, the stack config passed in PULUMI_CONFIG as the language host does,
// and the program's default export called. The Pulumi engine and AWS are mocked (setMocks in the
// child) because neither can run here.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { readStackConfigFile } from "../../src/infra/config-file.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";

const run = promisify(execFile);

interface ProjectFile {
  runtime: { name: string; options: { typescript?: boolean; nodeargs?: string } };
  main: string;
  stackConfigDir: string;
}

/** What the child prints: the entry's exports, the stack outputs' keys or the error, and how many resources were registered. */
interface ChildReport {
  exports: string[];
  outputs?: string[];
  error?: string;
  resources: number;
}

// The entry is imported first, by file URL as @pulumi/pulumi/cmd/run does, so a loader problem
// shows there; it only defines a function, so the mocks can be set after it loads.
const CHILD = `
import * as pulumi from "@pulumi/pulumi";
import { pathToFileURL } from "node:url";
const entry = await import(pathToFileURL(process.env.STRONGHOLD_ENTRY).href);
const exports = Object.keys(entry);
const { mockCall, mockResource } = await import("./src/infra/mocks.ts");
let resources = 0;
await pulumi.runtime.setMocks(
  { newResource: (args) => { resources++; return mockResource(args, "us-east-1"); }, call: mockCall },
  "stronghold", process.env.PULUMI_NODEJS_STACK, false);
try {
  const result = await entry.default();
  const outputs = await new Promise((done) => pulumi.output(result).apply(done));
  console.log(JSON.stringify({ exports, outputs: Object.keys(outputs), resources }));
} catch (error) {
  console.log(JSON.stringify({ exports, error: String(error.message), resources }));
}
`;

async function projectFile(): Promise<ProjectFile> {
  return parse(await readFile(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** Runs the entry of `project` for a stack with the given config, node started with `nodeArgs`. */
async function runEntry(
  project: ProjectFile,
  nodeArgs: string[],
  config: Record<string, string>,
): Promise<ChildReport> {
  const { stdout } = await run(
    process.execPath,
    [...nodeArgs, "--input-type=module", "--eval", CHILD],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_OPTIONS: "",
        PULUMI_NODEJS_STACK: "prod",
        PULUMI_NODEJS_PROJECT: "stronghold",
        PULUMI_CONFIG: JSON.stringify(config),
        STRONGHOLD_ENTRY: path.join(PROJECT_ROOT, project.main),
      },
      timeout: 60_000,
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop()!) as ChildReport;
}

function prodConfig(): Record<string, string> {
  const read = readStackConfigFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"));
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return Object.fromEntries(read.values);
}

describe("the Pulumi entry, loaded as Pulumi.yaml tells node to load it (engine and AWS mocked)", function () {
  this.timeout(120_000);

  it("declares a Node.js program run through tsx, its entry in stacks/, its stack settings in stacks/", async () => {
    const project = await projectFile();
    expect(project.runtime.name).to.equal("nodejs");
    expect(project.runtime.options.typescript).to.equal(false);
    expect(project.runtime.options.nodeargs).to.equal("--import tsx");
    expect(project.main).to.equal("stacks/index.ts");
    expect(project.stackConfigDir).to.equal("stacks");
  });

  it("loads with exactly those node options and builds the prod stack from PULUMI_CONFIG", async () => {
    const project = await projectFile();
    const nodeArgs = project.runtime.options.nodeargs!.split(/\s+/);
    const report = await runEntry(project, nodeArgs, prodConfig());
    expect(report.error).to.equal(undefined);
    // Pulumi refuses an entry with both a default and named exports.
    expect(report.exports).to.deep.equal(["default"]);
    expect(report.outputs).to.include.members(["offsite", "vaults", "dr", "objectives", "agents"]);
    expect(report.resources).to.be.greaterThan(100);
  });

  it("stops before registering any resource when the stack config is bad, naming each key", async () => {
    const project = await projectFile();
    const config = {
      ...prodConfig(),
      "stronghold:drRegion": "us-east-1",
      "stronghold:retentionDayz": "30",
    };
    const report = await runEntry(project, project.runtime.options.nodeargs!.split(/\s+/), config);
    expect(report.resources).to.equal(0);
    expect(report.error).to.include("the stack config has 4 problem(s); nothing was created");
    expect(report.error).to.include(
      "stacks/Pulumi.prod.yaml: /config/stronghold:drRegion: must differ from stronghold:primaryRegion (us-east-1)",
    );
    expect(report.error).to.include("/config/stronghold:retentionDayz: is not a known setting");
    expect(report.error).to.include("/config/stronghold:drNetwork/availabilityZones/0");
  });

  it("does not load without those options (so the test above proves they are what makes it work)", async () => {
    const project = await projectFile();
    const failed = await runEntry(project, [], prodConfig()).then(
      () => undefined,
      (error: { stderr?: string }) => error.stderr ?? "",
    );
    expect(failed).to.match(/Unknown file extension "\.ts" for .*stacks\/index\.ts/);
  });
});
