// docs/infrastructure.md's policy pack and `infra plan` examples are checked against the real files and the
// real output (the plan runs under Pulumi's mocks: AWS and the engine cannot run here).
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { PACK } from "../../policies/crossguard/policies.js";
import { DR_SERVICES, formatRule } from "../../src/infra/dr-services.js";
import { RECOVERY_PATHS } from "../../src/infra/config-schema.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";

// Top-level await: mocha imports this file as an ES module, one module graph with the CLI's own
// import() of the plan module (see plan.test.ts).
const { main } = await import("../../src/cli/main.js");

const page = await readFile(path.join(PROJECT_ROOT, "docs/infrastructure.md"), "utf8");
const section = page.slice(
  page.indexOf("## Policy pack (CrossGuard)"),
  page.indexOf("## Rough monthly cost"),
);

describe("docs/infrastructure.md: the policy pack and infra plan", function () {
  this.timeout(60_000);

  it("lists every policy of the pack", () => {
    const listed = [...section.matchAll(/^\| `([a-z][a-z0-9-]*)` +\|/gm)].map((m) => m[1]);
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

describe("docs/infrastructure.md: recovering each service", () => {
  const recovering = page.slice(
    page.indexOf("## Recovering each service"),
    page.indexOf("## Reaching and managing DR systems"),
  );
  const rows = (first: string) =>
    [...recovering.matchAll(new RegExp(`^\\| \`([a-z-]+)\` +\\|(.*)$`, "gm"))]
      .filter((m) => m[2]!.split("|").length === (first === "service" ? 3 : 2))
      .map((m) => [m[1]!, ...m[2]!.split("|").map((c) => c.trim())]);

  it("lists every service with exactly the rules its security group opens", () => {
    expect(rows("service").map(([name, , opens]) => [name, opens])).to.deep.equal(
      Object.entries(DR_SERVICES).map(([name, s]) => [name, s.rules.map(formatRule).join(", ")]),
    );
  });

  it("says how each recovery path works", () => {
    const paths = rows("recovery").map(([name]) => name);
    // The header row names the setting itself.
    expect(paths.filter((name) => name !== "recovery")).to.deep.equal([...RECOVERY_PATHS]);
  });
});

describe("docs/infrastructure.md: the cost estimate", function () {
  this.timeout(60_000);
  it("quotes lines `infra plan --stack prod --data-gb 2000` really prints", async () => {
    const costs = page.slice(page.indexOf("## Rough monthly cost"));
    const excerpt = /```text\n(Monthly cost estimate[\s\S]*?)```/.exec(costs)?.[1];
    expect(excerpt).to.be.a("string");
    let stdout = "";
    const code = await main(
      ["node", "stronghold", "infra", "plan", "--stack", "prod", "--data-gb", "2000"],
      {
        stdout: (chunk) => void (stdout += chunk),
        stderr: () => undefined,
        stdin: new PassThrough(),
        env: { NO_COLOR: "1" },
        isTTY: false,
      },
    );
    expect(code).to.equal(0);
    const printed = new Set(stdout.split("\n"));
    for (const line of excerpt!.split("\n").filter((l) => l !== "")) {
      expect(printed.has(line), line).to.equal(true);
    }
  });

  it("refuses a --data-gb that is not a positive number (exit 2)", async () => {
    let stderr = "";
    const code = await main(["node", "stronghold", "infra", "plan", "--data-gb", "-5"], {
      stdout: () => undefined,
      stderr: (chunk) => void (stderr += chunk),
      stdin: new PassThrough(),
      env: { NO_COLOR: "1" },
      isTTY: false,
    });
    expect(code).to.equal(2);
    expect(stderr).to.match(/--data-gb/);
  });
});
