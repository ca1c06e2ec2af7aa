/**
 * The probe script itself, run for real on this machine: as root, as an unprivileged user (with
 * and without --sudo), with a hostile PATH, and with a nonce that is not one.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadEdrCatalog } from "../../../src/collect/linux/edr-catalog.js";
import { parseLinuxFacts } from "../../../src/collect/linux/linux-facts.js";
import { linuxMachineConfig } from "../../../src/collect/linux/machine-config.js";
import { PROBES } from "../../../src/collect/linux/probes.js";
import { newNonce, PROBE_SCRIPT, probeCommand } from "../../../src/collect/linux/probe-script.js";
import { splitProbeOutput } from "../../../src/collect/probe-output.js";
import { validatorFor } from "../../../src/documents/ajv.js";
import { MachineConfigSchema } from "../../../src/machine-config/schema.js";

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/** Runs the script the way the collector does: `sh -s -- NONCE MODE` with the script on stdin. */
function runScript(
  nonce: string,
  mode: "sudo" | "nosudo",
  options: { prefix?: string[]; env?: NodeJS.ProcessEnv } = {},
): Run {
  const [command, ...args] = [...(options.prefix ?? []), ...probeCommand(nonce, mode)];
  const result = spawnSync(command!, args, {
    input: PROBE_SCRIPT,
    encoding: "utf8",
    env: options.env ?? process.env,
    maxBuffer: 64 << 20,
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

describe("the probe script on this machine", function () {
  this.timeout(60_000);

  it("is valid POSIX sh and never varies", () => {
    expect(spawnSync("sh", ["-n"], { input: PROBE_SCRIPT }).status).to.equal(0);
    const nonce = newNonce();
    expect(PROBE_SCRIPT).to.not.include(nonce);
    expect(probeCommand(nonce, "sudo")).to.deep.equal(["sh", "-s", "--", nonce, "sudo"]);
    expect(nonce).to.match(/^[0-9a-f]{32}$/);
  });

  it("refuses a nonce that is not hex, before running anything", () => {
    const run = runScript("x;id", "nosudo");
    expect(run.status).to.equal(2);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.match(/bad nonce/);
  });

  it("as root: every probe reports, and the facts match the machine", async () => {
    const nonce = newNonce();
    const run = runScript(nonce, "nosudo");
    const split = splitProbeOutput(run.stdout, nonce);
    if (!split.ok) throw new Error(split.problem);
    expect([...split.sections.keys()]).to.deep.equal(PROBES.map((p) => p.name));
    const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
    const osRelease = readFileSync("/etc/os-release", "utf8");
    const versionId = /^VERSION_ID="?([^"\n]+)"?$/m.exec(osRelease)?.[1];
    expect(facts.os.known && facts.os.value.version).to.equal(versionId);
    expect(facts.meta.kernel).to.deep.equal({
      known: true,
      value: execFileSync("uname", ["-r"], { encoding: "utf8" }).trim(),
    });
    const m = linuxMachineConfig(
      facts,
      "here",
      { department: "it", site: "lab", role: "server" },
      new Date().toISOString(),
    );
    expect(validatorFor(MachineConfigSchema)(m.config)).to.equal(true);
    expect(m.observations.privilege).to.deep.equal({ value: "root" });
    expect(m.observations.sshPermitRootLogin).to.have.property("value"); // root can run sshd -T
  });

  it("as an unprivileged user: root-only facts are unknown with a hint, never false", async () => {
    for (const [mode, hint] of [
      ["nosudo", /rerun with --sudo/],
      ["sudo", /sudo is not installed/],
    ] as const) {
      const nonce = newNonce();
      const run = runScript(nonce, mode, { prefix: asNobody });
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      expect(split.sections.get("shadow")?.rc).to.equal(126);
      const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
      const m = linuxMachineConfig(
        facts,
        "here",
        { department: "it", site: "lab", role: "server" },
        new Date().toISOString(),
      );
      expect(validatorFor(MachineConfigSchema)(m.config)).to.equal(true);
      expect(m.observations.privilege).to.deep.equal({ value: mode === "sudo" ? "sudo" : "none" });
      expect(m.observations.sshPermitRootLogin).to.have.property("unknown").that.matches(hint);
      expect(m.observations.emptyPasswordAccounts).to.have.property("unknown").that.matches(hint);
      const root = m.unknown.find((u) => u.field === "/security/localAdmins/0/enabled");
      expect(root?.reason).to.match(hint);
    }
  });

  it("ignores the host's PATH: a planted dpkg-query is never run", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-path-"));
    try {
      const fake = path.join(dir, "dpkg-query");
      writeFileSync(fake, "#!/bin/sh\necho 'ii \tplanted\t6.6.6'\n");
      chmodSync(fake, 0o755);
      const nonce = newNonce();
      const run = runScript(nonce, "nosudo", {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}` },
      });
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      expect(split.sections.get("dpkg")?.stdout).to.not.include("planted");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
