// The Windows collector's output contract, on documents in the shape scripts/collect-windows.ps1
// writes (test/fixtures/windows, written from the script's code: no Windows host here). Each
// must validate against the published machine-config schema, carry exactly the fields the script
// emits, and get the expected results from `stronghold check`.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import type { CheckReport } from "../../src/check/evaluation/report-model.js";
import { createAjv } from "../../src/documents/ajv.js";
import { orderedKeys, tokenize } from "../fixtures/windows/powershell-source.js";

const dir = fileURLToPath(new URL("../fixtures/windows/", import.meta.url));
const schemaFile = fileURLToPath(
  new URL("../../policies/schemas/machine-config.schema.json", import.meta.url),
);
const scriptFile = fileURLToPath(new URL("../../scripts/collect-windows.ps1", import.meta.url));
const AT = "2026-11-20T12:00:00Z";

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();
const read = (file: string) => readFileSync(path.join(dir, file), "utf8");
const parsed = (file: string) => JSON.parse(read(file)) as Record<string, unknown>;

/**
 * The controls each machine fails; every other control that applies passes. Controls that need
 * the license or asset register are not evaluated here (no --licenses, no --assets).
 */
const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {
  "win11-workstation-compliant.json": [],
  "win10-22h2-laptop-bitlocker-off.json": [
    // BitLocker off also leaves the system volume open to anyone who boots other media.
    "sec-boot-protected",
    "sec-disk-encryption",
    "sec-edr-signatures-current",
    "sec-os-patches-current",
    "sec-os-supported",
    // Entra-joined, no Group Policy: RSoP holds no complexity setting, so it stays unknown.
    "sec-password-complexity",
    // Windows 10's defaults: SMB signing enabled but not required.
    "sec-smb-signing-required",
    // No Group Policy sets the MSS (Legacy) TCP/IP values, so they stay unknown.
    "sec-kernel-network-hardened",
  ],
  // Windows Server 2019 member server defaults: updates only downloaded (AUOptions 3), SMB
  // signing not required; the last cumulative update installed by hand waits for a restart.
  "server-2019-smb1.json": [
    "sec-automatic-updates",
    "sec-smb-signing-required",
    "sec-smbv1-disabled",
    "sec-updates-in-effect",
  ],
  "probes-failed.json": [
    "sec-account-lockout-duration",
    "sec-account-lockout-threshold",
    "sec-audit-logging",
    "sec-boot-protected",
    "sec-disk-encryption",
    "sec-edr-installed",
    "sec-edr-realtime-protection",
    "sec-edr-running",
    "sec-edr-signatures-current",
    "sec-kernel-network-hardened",
    "sec-password-complexity",
    "sec-password-history",
    "sec-password-min-length",
    "sec-smb-signing-required",
    "sec-smbv1-disabled",
    "sec-time-sync",
  ],
  "kiosk-deep-freeze.json": [],
};

/** Field names in a document; the firewalls' keys are profile names (data), not fields. */
function fieldNames(value: unknown, into = new Set<string>(), under = ""): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldNames(v, into, under));
  else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (under === "firewall" || under === "firewallDefaultInbound") continue;
      into.add(key);
      fieldNames(child, into, key);
    }
  }
  return into;
}

/** JSON pointers of every "unknown" value in a document. */
function unknowns(value: unknown, at = ""): string[] {
  if (value === "unknown") return [at];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => unknowns(v, `${at}/${k}`));
}

function bufferIo(): Io & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (chunk) => void (out += chunk),
    stderr: (chunk) => void (err += chunk),
    stdin: Readable.from([]),
    env: {},
    isTTY: false,
    out: () => out,
    err: () => err,
  };
}

describe("Windows collector output (fixtures in the script's shape)", function () {
  this.timeout(60_000);
  // The published file, not the TypeBox source: that is what other tools validate against.
  const validate = createAjv().compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);

  it("covers the machine types the collector must handle", () => {
    expect(fixtures).to.deep.equal(Object.keys(EXPECTED_FAILURES).sort());
  });

  for (const file of fixtures) {
    it(`${file} is UTF-8 without a byte-order mark and valid against machine-config.schema.json`, () => {
      const bytes = readFileSync(path.join(dir, file));
      expect([...bytes.subarray(0, 3)]).to.not.deep.equal([0xef, 0xbb, 0xbf]);
      const valid = validate(parsed(file));
      expect(valid, JSON.stringify(validate.errors, null, 2)).to.equal(true);
      expect(parsed(file).collector).to.deep.equal({
        name: "stronghold-collect-windows",
        version: /^\$CollectorVersion = '([^']+)'$/m.exec(readFileSync(scriptFile, "utf8"))?.[1],
      });
    });
  }

  it("together carry exactly the fields the script emits", () => {
    const emitted = orderedKeys(tokenize(readFileSync(scriptFile, "utf8")));
    const carried = new Set<string>();
    for (const file of fixtures) fieldNames(parsed(file), carried);
    expect(
      [...carried].filter((f) => !emitted.has(f)),
      "in fixtures, not emitted",
    ).to.deep.equal([]);
    expect(
      [...emitted].filter((f) => !carried.has(f)),
      "emitted, in no fixture",
    ).to.deep.equal([]);
  });

  it("get the expected pass and fail from `stronghold check`, and an unknown fact never passes", async () => {
    const io = bufferIo();
    // main() takes process.argv: the node binary and the script come first.
    const argv = ["node", "stronghold", "check", ...fixtures.map((f) => path.join(dir, f))];
    const code = await main([...argv, "--at", AT, "--format", "json"], io);
    expect(io.err()).to.equal("");
    const report = JSON.parse(io.out()) as CheckReport;
    expect(report.problems).to.deep.equal([]);
    expect(code).to.equal(1); // some machines fail controls at or above the default --fail-on low
    for (const file of fixtures) {
      const hostname = parsed(file).hostname as string;
      const subject = report.subjects.find((s) => s.subject === hostname);
      expect(subject, hostname).to.not.equal(undefined);
      const byStatus = (status: string) =>
        subject!.results
          .filter((r) => r.status === status)
          .map((r) => r.control)
          .sort();
      expect(byStatus("fail"), `${file} failures`).to.deep.equal(
        [...EXPECTED_FAILURES[file]!].sort(),
      );
      expect(byStatus("error"), `${file} errors`).to.deep.equal([]);
      // The JSON report lists what did not pass: every other control passed.
      const listed = new Set(Array.from(subject!.results, (r) => r.control));
      const passes = report.controls.filter((c) => !listed.has(c.id));
      expect(passes.length, `${file} passes`).to.be.greaterThan(15);
      // Every failure of the machine whose probes failed is explained by an unknown fact.
      if (file === "probes-failed.json") {
        for (const result of subject!.results) {
          if (result.status !== "fail") continue;
          expect(
            result.evidence.map((e) => e.actual),
            result.control,
          ).to.include("unknown");
        }
      }
    }
  });

  it("a byte-order mark (Windows PowerShell 5.1's Out-File writes one) does not stop `stronghold check`", async () => {
    const dirWithBom = await mkdtemp(path.join(tmpdir(), "stronghold-bom-"));
    try {
      const file = path.join(dirWithBom, "with-bom.json");
      await writeFile(file, `\uFEFF${read("win11-workstation-compliant.json")}`);
      const io = bufferIo();
      await main(["node", "stronghold", "check", file, "--at", AT, "--format", "json"], io);
      const report = JSON.parse(io.out()) as CheckReport;
      expect(report.problems).to.deep.equal([]);
      expect(report.subjects).to.have.length(1);
    } finally {
      await rm(dirWithBom, { recursive: true, force: true });
    }
  });

  it("the failed probes' warnings name a probe of the script and explain every unknown fact", () => {
    const script = readFileSync(scriptFile, "utf8");
    const probes = new Set(
      [...script.matchAll(/(?:-Name|-Probe) '([A-Za-z0-9]+)'/g)].map((m) => m[1]!),
    );
    const lines = read("probes-failed.stderr.txt").trimEnd().split("\n");
    const warned = lines.map((line) => {
      const m = /^stronghold-collect-windows: warning: ([A-Za-z0-9]+): \S.*$/.exec(line);
      expect(m, line).to.not.equal(null);
      expect(probes, line).to.include(m![1]);
      return m![1]!;
    });
    // Which probe answers for a field: its own name, else the nearest enclosing one.
    const ANSWERS_FOR: Readonly<Record<string, string>> = {
      lockout: "passwordPolicy",
      complexity: "passwordComplexity",
    };
    const unexplained = unknowns(parsed("probes-failed.json")).filter((pointer) => {
      const parts = pointer.split("/").filter((p) => p !== "");
      // Who owns an admin account or rotates its password is told by parameters, not probed.
      if (["personal", "passwordManagement"].includes(parts.at(-1)!)) return false;
      const probe = [...parts]
        .reverse()
        .map((p) => ANSWERS_FOR[p] ?? p)
        .find((p) => probes.has(p));
      return probe === undefined || !warned.includes(probe);
    });
    expect(unexplained).to.deep.equal([]);
  });
});
