// End to end: `stronghold infra plan` through bin/stronghold.js, from the esbuild bundle (the
// programs run under Pulumi's mocks: AWS and the Pulumi engine cannot run here).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";

const bin = path.join(PROJECT_ROOT, "bin", "stronghold.js");
const bundle = path.join(PROJECT_ROOT, "dist", "stronghold.mjs");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The newest file the bundle is built from (bin/stronghold.js makes the same comparison). */
function newestSource(): number {
  let newest = statSync(path.join(PROJECT_ROOT, "package.json")).mtimeMs;
  for (const folder of ["src", path.join("policies", "crossguard")]) {
    for (const e of readdirSync(path.join(PROJECT_ROOT, folder), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

describe("stronghold infra plan (the bin, end to end)", function () {
  this.timeout(120_000);

  before(async () => {
    // `npm test` builds right before the tests; a lone run rebuilds a stale bundle first.
    const built = statSync(bundle, { throwIfNoEntry: false });
    if (built === undefined || built.mtimeMs < newestSource()) {
      const build = await node(["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "build.ts")]);
      expect(build.code, build.stderr).to.equal(0);
    }
  });

  it("runs from the bundle, which loads the Pulumi SDKs from node_modules only for infra", async () => {
    const main = readFileSync(bundle, "utf8");
    // Other commands must not pay for loading Pulumi: no static import of it in the entry chunk.
    expect(main).to.not.match(/from "@pulumi\//);
    const chunks = readdirSync(path.join(PROJECT_ROOT, "dist", "chunks")).filter((f) =>
      f.endsWith(".mjs"),
    );
    const pulumiChunks = chunks.filter((f) =>
      /from "@pulumi\/aws"/.test(
        readFileSync(path.join(PROJECT_ROOT, "dist", "chunks", f), "utf8"),
      ),
    );
    expect(pulumiChunks).to.have.length.greaterThan(0);

    const fromBundle = await node([bin, "infra", "plan", "--stack", "prod", "--format", "json"]);
    expect(fromBundle.stderr).to.equal("");
    expect(fromBundle.code).to.equal(0);
    const plan = JSON.parse(fromBundle.stdout) as {
      blocked: boolean;
      stacks: { stack: string; resourceCount: number }[];
    };
    expect(plan.blocked).to.equal(false);
    expect(plan.stacks.map((s) => s.stack)).to.deep.equal(["prod"]);
    expect(plan.stacks[0]!.resourceCount).to.be.greaterThan(100);

    const fromSource = await node([bin, "infra", "plan", "--stack", "prod", "--format", "json"], {
      STRONGHOLD_FROM_SOURCE: "1",
    });
    expect(fromSource.stdout).to.equal(fromBundle.stdout);
  });

  it("exits 1 with the verdict in Markdown when the policy configuration is stricter", async () => {
    const run = await node([
      bin,
      "infra",
      "plan",
      "--stack",
      "dev",
      "--format",
      "markdown",
      "--policy-config",
      path.join(PROJECT_ROOT, "policies", "crossguard", "config", "prod.json"),
    ]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(
      /^## Infrastructure plan: ❌ blocked by mandatory policy violations/,
    );
    expect(run.stdout).to.include(
      "| `s3-bucket-object-lock-enabled` | ❌ 2 mandatory violations |",
    );
  });
});
