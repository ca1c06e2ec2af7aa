/** Hosts inventory: defaults, normalisation and every problem located. */
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventory } from "../../src/hosts/load-inventory.js";

describe("hosts inventory", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), "stronghold-inventory-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function load(text: string) {
    const file = join(dir, `inv-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    return { file, result: await loadInventory(file) };
  }

  it("loads the sample town's inventory with defaults applied", async () => {
    const result = await loadInventory("examples/millbrook/hosts.yaml");
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [fs01, , , admin] = result.inventory.hosts;
    expect(fs01?.transport).to.deep.equal({
      kind: "ssh",
      host: "10.10.0.20",
      port: 22,
      user: "stronghold",
      auth: { kind: "key", identityFile: join(homedir(), ".ssh/stronghold_ed25519") },
      hostKey: { kind: "known-hosts", file: join(homedir(), ".ssh/known_hosts") },
      connectTimeoutMs: 10_000,
    });
    expect(fs01?.drill).to.deep.equal({ target: true, sandbox: ["/srv/drill/share"] });
    expect(fs01?.machine?.department).to.equal("town-hall");
    expect(admin?.transport).to.deep.equal({ kind: "local" });
    expect(admin?.drill.target).to.equal(false);
  });

  it("resolves key paths relative to the inventory and honours an explicit opt-out", async () => {
    const { result } = await load(
      "version: 1\nhosts:\n  - { name: lab1, identityFile: keys/id, agent: false, hostKeyChecking: 'off', port: 2222 }\n",
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const t = result.inventory.hosts[0]?.transport;
    expect(t).to.deep.include({ port: 2222, hostKey: { kind: "unchecked" } });
    expect(t && t.kind === "ssh" && t.auth).to.deep.equal({
      kind: "key",
      identityFile: join(dir, "keys/id"),
    });
  });

  it("reports every problem with its pointer and line", async () => {
    const { file, result } = await load(
      [
        "version: 1",
        "hosts:",
        "  - name: fs01",
        "    drill: { target: true }",
        "  - name: FS01",
        "    prot: 22",
        "  - name: bad/name",
        "  - name: web",
        "    transport: local",
        "    port: 22",
        "",
      ].join("\n"),
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => `${p.pointer} ${p.message}`);
    expect(messages).to.include('/hosts/1/prot is not a known field (did you mean "port"?)');
    expect(messages.some((m) => m.startsWith("/hosts/2/name must be a valid value"))).to.equal(
      true,
    );
    expect(result.problems.every((p) => p.file === file)).to.equal(true);
  });

  it("platform: macos per host or in defaults; linux, the default, stays implicit", async () => {
    const { result } = await load(
      [
        "version: 1",
        "defaults: { platform: macos }",
        "hosts:",
        "  - { name: mac1 }",
        "  - { name: lin1, platform: linux }",
        "  - { name: here, transport: local, platform: macos }",
        "",
      ].join("\n"),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.inventory.hosts.map((h) => h.platform)).to.deep.equal([
      "macos",
      undefined,
      "macos",
    ]);
    const plain = await load("version: 1\nhosts:\n  - { name: lin2 }\n");
    if (!plain.result.ok) throw new Error(JSON.stringify(plain.result.problems));
    expect(plain.result.inventory.hosts[0]).to.not.have.property("platform");
  });

  it("an unknown platform is a located problem", async () => {
    const { result } = await load(
      "version: 1\ndefaults: { platform: darwin }\nhosts:\n  - name: mac1\n    platform: windows\n",
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    const where = result.problems.map((p) => `${p.pointer}:${p.line}`);
    expect(where).to.include("/defaults/platform:2");
    expect(where).to.include("/hosts/0/platform:5");
  });

  it("refuses duplicate names, sandboxes that are missing, shallow or not normalised", async () => {
    const { result } = await load(
      [
        "version: 1",
        "hosts:",
        "  - { name: fs01, drill: { target: true } }",
        "  - { name: FS01, drill: { target: true, sandbox: [/srv, /srv/a/../b] } }",
        "  - { name: web, transport: local, port: 22 }",
        "  - { name: k, identityFile: ~/.ssh/k, agent: true }",
        "",
      ].join("\n"),
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.pointer, p.line])).to.deep.equal([
      ["/hosts/0/drill/sandbox", 3],
      ["/hosts/1/name", 4],
      ["/hosts/1/drill/sandbox/0", 4],
      ["/hosts/1/drill/sandbox/1", 4],
      ["/hosts/2/port", 5],
      ["/hosts/3/agent", 6],
    ]);
  });
});
