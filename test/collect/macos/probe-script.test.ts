/**
 * The macOS probe script run for real on this (Linux) machine: it parses under this machine's
 * POSIX sh (dash), frames every probe with the run's nonce, refuses a nonce that is not one,
 * ignores a caller's PATH, so a planted tool cannot answer for a Mac's, and its time limit (perl's
 * alarm, as on a Mac, which has no timeout(1)) stops a command that hangs.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { assembleProbeScript, newNonce, probeCommand } from "../../../src/collect/probe-script.js";
import { parseSpHardware } from "../../../src/collect/macos/parsers.js";
import { MAC_PROBE_SCRIPT } from "../../../src/collect/macos/probe-script.js";
import {
  MAC_COMMAND_LIMIT_SECONDS,
  MAC_PROBE_HELPERS,
  MAC_PROBES,
} from "../../../src/collect/macos/probes.js";
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

  describe("the time limit", () => {
    /** Runs `limit …` with the script's own helpers; the elapsed time in ms. */
    function limited(command: string) {
      const started = Date.now();
      const run = spawnSync("sh", ["-c", `${MAC_PROBE_HELPERS}\n${command}`], { encoding: "utf8" });
      return { ...run, ms: Date.now() - started };
    }

    it("stops a command that outlives it: exit 124 and 'timed out after N s', at N seconds", () => {
      const run = limited("limit 1 sleep 5");
      expect(run.status, run.stderr).to.equal(124);
      // The shell may first note the signal itself ("Alarm clock"); the limit's line comes last.
      expect(run.stderr.trim().split("\n").at(-1)).to.equal("timed out after 1 s");
      expect(run.ms).to.be.within(900, 2_500);
    });

    it("leaves a command that ends in time alone: its output and exit code", () => {
      const run = limited("limit 2 sh -c 'echo done; exit 3'");
      expect(run).to.deep.include({ status: 3, stdout: "done\n", stderr: "" });
    });

    it("a hanging system_profiler makes the hardware facts unknown, 'timed out', not a parse failure", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "stronghold-slow-mac-"));
      try {
        // exec: the alarm stops the command itself; processes it forks would outlive it.
        writeFileSync(path.join(dir, "system_profiler"), "#!/bin/sh\nexec sleep 5\n");
        chmodSync(path.join(dir, "system_profiler"), 0o755);
        const hardware = MAC_PROBES.find((p) => p.name === "hardware")!;
        const body = hardware.body.replace(`limit ${MAC_COMMAND_LIMIT_SECONDS} `, "limit 1 ");
        expect(body, "the hardware probe runs system_profiler under limit").to.not.equal(
          hardware.body,
        );
        const script = assembleProbeScript({
          path: `${dir}:/usr/bin:/bin`,
          helpers: MAC_PROBE_HELPERS,
          probes: [{ name: "hardware", body }],
          prefix: "mac",
        });
        const nonce = newNonce();
        const [command, ...args] = probeCommand(nonce, "nosudo");
        const started = Date.now();
        const run = spawnSync(command!, args, { input: script, encoding: "utf8" });
        expect(Date.now() - started).to.be.below(2_500);
        const split = splitProbeOutput(run.stdout, nonce);
        if (!split.ok) throw new Error(split.problem);
        expect(split.sections.get("hardware")?.rc).to.equal(124);
        const facts = parseSpHardware(split.sections.get("hardware"));
        expect(facts.serialNumber).to.deep.equal({
          known: false,
          reason: "system_profiler timed out after 1 s",
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
