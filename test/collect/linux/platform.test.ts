/** The platform probe: processor model, installed memory and TPM version, or why each is unknown. */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { parsePlatform } from "../../../src/collect/linux/platform.js";
import { PROBES } from "../../../src/collect/linux/probes.js";

const out = (stdout: string, rc = 0) => ({ stdout, stderr: "", rc });

describe("platform facts (CPU, memory, TPM)", () => {
  const cases: [name: string, stdout: string, cpu: unknown, memory: unknown, tpm: unknown][] = [
    [
      "a TPM 2.0 desktop with 8 GiB, of which the kernel reserves some",
      "cpu=Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz\nmemkb=7990000\ntpm=2\n",
      "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz",
      8,
      "2.0",
    ],
    [
      "a TPM 1.2 machine",
      "cpu=AMD Ryzen 5 PRO 4650G\nmemkb=16000000\ntpm=1\n",
      "AMD Ryzen 5 PRO 4650G",
      16,
      "1.2",
    ],
    [
      "a VM with no TPM and a CPU without a model name",
      "cpu=\nmemkb=2000000\ntpm=absent\n",
      undefined,
      2,
      undefined,
    ],
    [
      "a TPM whose version the kernel does not report",
      "cpu=x\nmemkb=\ntpm=unreported\n",
      "x",
      undefined,
      undefined,
    ],
  ];
  for (const [name, stdout, cpu, memory, tpm] of cases)
    it(name, () => {
      const facts = parsePlatform(out(stdout));
      const value = (f: { known: boolean; value?: unknown }) => (f.known ? f.value : undefined);
      expect([value(facts.cpu), value(facts.memoryGiB), value(facts.tpmVersion)]).to.deep.equal([
        cpu,
        memory,
        tpm,
      ]);
    });

  it("says why a TPM is unknown, never that there is none", () => {
    const facts = parsePlatform(out("cpu=x\nmemkb=1\ntpm=absent\n"));
    expect(facts.tpmVersion).to.deep.equal({
      known: false,
      reason: "no TPM is visible to the OS (absent, disabled in firmware, or not given to the VM)",
    });
  });

  it("the probe runs under sh on this machine and its output parses", () => {
    const body = PROBES.find((p) => p.name === "platform")!.body;
    const stdout = execFileSync("sh", ["-c", body], { encoding: "utf8" });
    const facts = parsePlatform(out(stdout));
    expect(facts.memoryGiB.known).to.equal(true);
    expect(stdout).to.match(/^cpu=.*\nmemkb=\d+\ntpm=\S+\n$/);
  });
});
