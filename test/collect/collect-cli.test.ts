/** `stronghold collect` usage and input errors (exit 2, every problem located), and the bin. */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { main as collectMain } from "../../src/cli/main-collect.js";
import { loadInventory } from "../../src/hosts/load-inventory.js";
import { bufferIo } from "./buffer-io.js";

const bin = fileURLToPath(new URL("../../bin/stronghold.js", import.meta.url));
const LOCAL =
  "version: 1\nhosts:\n  - name: here\n    transport: local\n    machine: { department: it, site: lab, role: server }\n";

describe("stronghold collect: usage and input errors", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-collect-cli-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function collect(args: string[]) {
    const io = bufferIo();
    const code = await main(["node", "stronghold", "collect", ...args], io);
    return { code, stdout: io.out(), stderr: io.err() };
  }

  async function file(name: string, text: string): Promise<string> {
    const f = path.join(dir, name);
    await writeFile(f, text);
    return f;
  }

  const usage: [string, string[], RegExp][] = [
    [
      "a concurrency of 0",
      ["--concurrency", "0"],
      /--concurrency "0" must be a whole number from 1 to 256/,
    ],
    [
      "a timeout that is not a number",
      ["--timeout", "soon"],
      /--timeout "soon" must be a number of seconds/,
    ],
    [
      "--only with unknown names",
      ["--only", "here,ghost,phantom"],
      /--only names hosts the inventory does not have: ghost, phantom/,
    ],
  ];
  for (const [what, args, message] of usage) {
    it(`refuses ${what} (exit 2)`, async () => {
      const hosts = await file("local.yaml", LOCAL);
      const r = await collect(["--hosts", hosts, "--out", path.join(dir, "o"), ...args]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(message);
    });
  }

  it("needs --hosts", async () => {
    const r = await collect([]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--hosts <file>/);
  });

  it("lists every problem of the inventory and the agent list at once, located", async () => {
    const hosts = await file(
      "bad.yaml",
      "version: 1\nhosts:\n  - name: a\n    prot: 22\n  - name: b/c\n",
    );
    const agents = await file(
      "agents.yaml",
      "agents:\n  - product: X\n    realTimeProtection: always\n    signatures: none\n",
    );
    const r = await collect([
      "--hosts",
      hosts,
      "--edr-agents",
      agents,
      "--out",
      path.join(dir, "o"),
    ]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/input has 3 problem\(s\)/);
    expect(r.stderr).to.include(`${hosts}:4: /hosts/0/prot: is not a known field`);
    expect(r.stderr).to.include(`${hosts}:5: /hosts/1/name: must be a valid value`);
    expect(r.stderr).to.include(
      `${agents}:3: /agents/0/realTimeProtection: must be one of "while-running", "mdatp-health"`,
    );
  });

  it("the inventory example of docs/collect.md loads, every host with its machine facts", async () => {
    const page = await readFile(new URL("../../docs/collect.md", import.meta.url), "utf8");
    const block = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => /^version: 1\n/.test(b) && /^hosts:/m.test(b));
    expect(block).to.be.a("string");
    const loaded = await loadInventory(await file("readme-hosts.yaml", block!));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.inventory.hosts.every((h) => h.machine !== undefined)).to.equal(true);
  });

  it("--help describes the options and exit codes", async () => {
    const r = await collect(["--help"]);
    expect(r.code).to.equal(0);
    for (const option of [
      "--hosts",
      "--concurrency",
      "--out",
      "--report",
      "--timeout",
      "--sudo",
      "--only",
      "--edr-agents",
    ])
      expect(r.stdout).to.include(option);
    expect(r.stdout).to.match(/2 {2}usage or input errors/);
  });

  it("answers alone (the bundle's entry for collect) exactly as the whole CLI does", async () => {
    const hosts = await file("local.yaml", LOCAL);
    for (const args of [
      ["--help"],
      [],
      ["--hosts", hosts, "--concurrency", "0"],
      ["--hosts", path.join(dir, "missing.yaml")],
      ["--no-such-option"],
    ]) {
      const [whole, alone] = [bufferIo(), bufferIo()];
      const codes = [
        await main(["node", "stronghold", "collect", ...args], whole),
        await collectMain(["node", "stronghold", "collect", ...args], alone),
      ];
      const said = (io: typeof whole) => ({ out: io.out(), err: io.err() });
      expect(codes[1], args.join(" ")).to.equal(codes[0]);
      expect(said(alone), args.join(" ")).to.deep.equal(said(whole));
    }
  });

  it("runs from the bin (bundle or sources) and exits 0 when every host is collected", async function () {
    this.timeout(60_000);
    const hosts = await file("local.yaml", LOCAL);
    const out = path.join(dir, "bin-out");
    const report = path.join(dir, "bin-report.json");
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [bin, "collect", "--hosts", hosts, "--out", out, "--report", report, "-q"],
        { env: { ...process.env, NO_COLOR: "1" } },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(result.code, result.stderr).to.equal(0);
    const written = JSON.parse(await readFile(path.join(out, "here.json"), "utf8")) as {
      hostname: string;
      os: { family: string };
    };
    expect(written).to.deep.include({ hostname: "here" });
    expect(written.os.family).to.equal("linux");
    expect(result.stderr).to.match(/wrote 1 machine file\(s\)/);
  });
});
