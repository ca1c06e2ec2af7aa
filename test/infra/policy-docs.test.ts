// The infrastructure docs' policy pack and `infra plan` examples are checked against the real
// files and the real output (the plan runs under Pulumi's mocks: AWS and the engine cannot run
// here). docs/infrastructure-offsite.md carries the pack section that moves out of the README.
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { PACK } from "../../policies/crossguard/policies.js";
import { PROJECT_ROOT } from "../../src/project-root.js";

// Top-level await: mocha imports this file as an ES module, one module graph with the CLI's own
// import() of the plan module (see plan.test.ts).
const { main } = await import("../../src/cli/main.js");

const doc = await readFile(path.join(PROJECT_ROOT, "docs", "infrastructure-offsite.md"), "utf8");
const section = doc.slice(doc.indexOf("## The policy pack"));

describe("docs/infrastructure-offsite.md: the policy pack and infra plan", function () {
  this.timeout(60_000);

  it("lists every policy of the pack", () => {
    const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]);
    expect(listed).to.deep.equal(PACK.policies.map((p) => p.name));
  });

  it("shows prod's policy configuration as it is", async () => {
    const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    const prod = await readFile(
      path.join(PROJECT_ROOT, "policies/crossguard/config/prod.json"),
      "utf8",
    );
    expect(JSON.parse(block!)).to.deep.equal(JSON.parse(prod));
  });

  it("quotes lines the plan of dev really prints", async () => {
    const excerpt = /```text\n(Stack dev:[\s\S]*?)```/.exec(section)?.[1];
    expect(excerpt).to.be.a("string");
    let stdout = "";
    const code = await main(["node", "stronghold", "infra", "plan", "--stack", "dev"], {
      stdout: (chunk) => void (stdout += chunk),
      stderr: () => undefined,
      stdin: new PassThrough(),
      env: { NO_COLOR: "1" },
      isTTY: false,
    });
    expect(code).to.equal(0);
    const printed = new Set(stdout.split("\n"));
    for (const line of excerpt!.split("\n").filter((l) => l !== "" && l !== "…")) {
      expect(printed.has(line), line).to.equal(true);
    }
  });
});
