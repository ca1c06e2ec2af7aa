/**
 * A real sshd on 127.0.0.1 started with `-o` overrides on its command line: the probe script, run
 * over SSH as the collector runs it, must report the settings that daemon applies, not its file's.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { loadEdrCatalog } from "../../../src/collect/linux/edr-catalog.js";
import { parseLinuxFacts } from "../../../src/collect/linux/linux-facts.js";
import { linuxMachineConfig } from "../../../src/collect/linux/machine-config.js";
import { PROBE_SCRIPT } from "../../../src/collect/linux/probe-script.js";
import { newNonce, probeCommand } from "../../../src/collect/probe-script.js";
import { splitProbeOutput } from "../../../src/collect/probe-output.js";
import { startSshd, type Sshd } from "../../fixtures/sshd.js";

/** The probe script over a real SSH connection (OpenSSH's client), as root. */
async function probeOver(sshd: Sshd) {
  const nonce = newNonce();
  const run = spawnSync(
    "ssh",
    [
      "-p",
      String(sshd.port),
      "-i",
      sshd.identityFile,
      "-o",
      `UserKnownHostsFile=${sshd.knownHostsFile}`,
      "-o",
      "BatchMode=yes",
      "-o",
      "IdentitiesOnly=yes",
      `${sshd.user}@${sshd.host}`,
      "--",
      ...probeCommand(nonce, "nosudo"),
    ],
    { input: PROBE_SCRIPT, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  const split = splitProbeOutput(run.stdout, nonce);
  if (!split.ok) throw new Error(`${split.problem}\n${run.stderr}`);
  const facts = parseLinuxFacts(split.sections, await loadEdrCatalog());
  const { config, observations } = linuxMachineConfig(
    facts,
    "here",
    { department: "it", site: "lab", role: "server" },
    new Date().toISOString(),
  );
  return { facts, ssh: config.security?.sshServer, observations };
}

describe("sshd settings overridden on the daemon's command line", function () {
  this.timeout(60_000);
  const started: Sshd[] = [];
  after(() => Promise.all(started.map((s) => s.stop())));

  it("reports password logins a daemon started with -o PasswordAuthentication=yes offers", async () => {
    const sshd = await startSshd({
      args: ["-o", "PasswordAuthentication=yes", "-oPermitRootLogin=yes"],
    });
    started.push(sshd);
    const { facts, ssh, observations } = await probeOver(sshd);
    expect(ssh).to.deep.include({ passwordAuthentication: true, permitRootLogin: "yes" });
    expect(observations.sshdCommandLine).to.deep.equal({
      value: ["PasswordAuthentication=yes", "PermitRootLogin=yes"],
    });
    expect(facts.sshd.known && facts.sshd.value.configFile).to.equal(`${sshd.dir}/sshd_config`);
  });

  it("takes the -o KEY VALUE form and an option whose value holds a glob character", async () => {
    const sshd = await startSshd({
      args: ["-o", "PasswordAuthentication yes", "-o", "AllowUsers=*", "-o", "MaxAuthTries=3"],
    });
    started.push(sshd);
    const { ssh, observations } = await probeOver(sshd);
    expect(ssh).to.deep.include({ passwordAuthentication: true, maxAuthTries: 3 });
    expect(observations.sshdCommandLine).to.deep.equal({
      value: ["PasswordAuthentication=yes", "AllowUsers=*", "MaxAuthTries=3"],
    });
  });

  it("reports no command-line options, and the file's settings, for a daemon started without", async () => {
    const sshd = await startSshd();
    started.push(sshd);
    const { ssh, observations } = await probeOver(sshd);
    expect(ssh).to.deep.include({ passwordAuthentication: false });
    expect(observations.sshdCommandLine).to.deep.equal({ value: [] });
  });
});
