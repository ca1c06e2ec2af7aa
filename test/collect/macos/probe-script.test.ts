/**
 * The macOS probe script run for real on this (Linux) machine: it parses under this machine's
 * POSIX sh (dash), frames every probe with the run's nonce, refuses a nonce that is not one, and
 * ignores a caller's PATH, so a planted tool cannot answer for a Mac's.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { newNonce, probeCommand } from "../../../src/collect/linux/probe-script.js";
import { MAC_PROBE_SCRIPT } from "../../../src/collect/macos/probe-script.js";
import { MAC_PROBES } from "../../../src/collect/macos/probes.js";
import { splitProbeOutput } from "../../../src/collect/probe-output.js";

function runScript(nonce: string, env: NodeJS.ProcessEnv = process.env) {
  const [command, ...args] = probeCommand(nonce, "nosudo");
  return spawnSync(command!, args, { input: MAC_PROBE_SCRIPT, encoding: "utf8", env });
}

describe("the macOS probe script", () => {
  it("parses under sh -n", () => {
    const check = spawnSync("sh", ["-n"], { input: MAC_PROBE_SCRIPT, encoding: "utf8" });
    expect(check.status, check.stderr).to.equal(0);
  });

  it("frames every probe, each with an exit code, and ends with done", () => {
    const nonce = newNonce();
    const run = runScript(nonce);
    expect(run.status, run.stderr).to.equal(0);
    const split = splitProbeOutput(run.stdout, nonce);
    if (!split.ok) throw new Error(split.problem);
    expect([...split.sections.keys()]).to.deep.equal(MAC_PROBES.map((p) => p.name));
    for (const [name, output] of split.sections) expect(output.rc, name).to.be.a("number");
    // This machine is no Mac: the Mac tools are missing, so their probes say so with 127.
    expect(split.sections.get("filevault")?.rc).to.equal(127);
    expect(split.sections.get("sw-vers")?.rc).to.equal(127);
  });

  it("refuses a nonce that is not lowercase hex", () => {
    const run = runScript("abc;rm");
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include("bad nonce");
    expect(run.stdout).to.equal("");
  });

  it("ignores the caller's PATH: a planted fdesetup does not answer", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stronghold-fake-mac-"));
    try {
      const fake = path.join(dir, "fdesetup");
      writeFileSync(fake, "#!/bin/sh\necho 'FileVault is On.'\n");
      chmodSync(fake, 0o755);
      const nonce = newNonce();
      const run = runScript(nonce, { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` });
      const split = splitProbeOutput(run.stdout, nonce);
      if (!split.ok) throw new Error(split.problem);
      expect(split.sections.get("filevault")).to.deep.include({ rc: 127, stdout: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
