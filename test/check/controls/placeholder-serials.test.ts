import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { resolvePolicy } from "../../../src/check/policy/resolve.js";
import { InputError } from "../../../src/support/errors.js";
import { placeholderTest } from "../../../src/check/controls/fleet/placeholder-serials.js";
import { assetKey } from "../../../src/check/input/registers.js";
import { parseHardware } from "../../../src/collect/linux/hardware.js";

interface Control {
  id: string;
  parameters?: Record<string, { default?: unknown }>;
}
const lifecycle = parse(readFileSync("policies/baselines/lifecycle.yaml", "utf8")) as {
  controls: Control[];
};
const defaultOf = (id: string, parameter: string) =>
  lifecycle.controls.find((c) => c.id === id)?.parameters?.[parameter]?.default as string[];
const shipped = defaultOf("lcm-asset-registered", "placeholderSerials");

/** As the controls ask: a serial's key, then the list's test; unknown and empty are no serial. */
const testOf = (entries: readonly string[]) => (serial: string) => {
  const key = assetKey(serial);
  return key !== undefined && placeholderTest(entries)(key);
};

/** What the Linux collector makes of a serial DMI reports: known, or unknown as a placeholder. */
const collectorCalls = (serial: string) => {
  const fact = parseHardware({
    rc: 0,
    stdout: `product_serial=${serial}\n`,
    stderr: "",
  }).serialNumber;
  return fact.known ? "a serial" : "a placeholder";
};

describe("placeholder serials", () => {
  it("compares serials with letter case and surrounding spaces aside", () => {
    const test = testOf(["To Be Filled By O.E.M.", "N/A"]);
    expect(test(" to be filled by o.e.m. ")).to.equal(true);
    expect(test("n/a")).to.equal(true);
    expect(test("To Be Filled")).to.equal(false);
  });

  it("reads entries between slashes as case-insensitive expressions, anchored as written", () => {
    const test = testOf(["/^0+$/", "/^sn-x+$/", "/chassis/"]);
    expect(["0", "0000000000", "SN-XXXX", "my chassis 7"].map(test)).to.deep.equal([
      true,
      true,
      true,
      true,
    ]);
    expect(["00001", "SN-XXXX1", "CZC1234"].map(test)).to.deep.equal([false, false, false]);
  });

  it("takes a lone slash as a serial, not an expression", () => {
    expect(testOf(["/"])("/")).to.equal(true);
    expect(testOf(["/"])("anything")).to.equal(false);
  });

  it("leaves unknown and empty serials to the controls: they are no serial at all", () => {
    const test = testOf(shipped);
    expect(["unknown", "", "  "].map(test)).to.deep.equal([false, false, false]);
  });

  it("is one list for the asset controls and lcm-unique-serial", () => {
    for (const id of ["lcm-asset-reported", "lcm-disposed-wipe-recorded"])
      expect(defaultOf(id, "placeholderSerials"), id).to.deep.equal(shipped);
    expect(defaultOf("lcm-unique-serial", "placeholders")).to.deep.equal(shipped);
  });

  // A register, a CSV export or another collector is judged by the baseline's list; the Linux
  // collector judges DMI by its own expression. Neither may call a serial real that the other
  // calls a placeholder.
  it("agrees with the Linux collector on what firmware reports", () => {
    const firmware = [
      ...shipped.filter((entry) => !entry.startsWith("/")),
      "0",
      "00000000",
      "000000000000",
      "To be filled by O.E.M.",
      "SYSTEM SERIAL NUMBER",
    ];
    const test = testOf(shipped);
    for (const serial of firmware) {
      expect(test(serial), `the baseline on ${serial}`).to.equal(true);
      expect(collectorCalls(serial), serial).to.equal("a placeholder");
    }
    for (const serial of ["5CG3301XYZ", "J8K2LM3", "0000000001", "C02XK1ABJGH5"]) {
      expect(test(serial), `the baseline on ${serial}`).to.equal(false);
      expect(collectorCalls(serial), serial).to.equal("a serial");
    }
  });

  it("refuses an expression that does not compile, or one with nothing between the slashes", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "stronghold-placeholders-"));
    const overlayFile = path.join(dir, "overlay.yaml");
    try {
      await writeFile(
        overlayFile,
        stringify({
          name: "t",
          extends: ["lifecycle"],
          controls: {
            "lcm-asset-registered": { parameters: { placeholderSerials: ["OEM", "/[0-/"] } },
            "lcm-unique-serial": { parameters: { placeholders: ["//", "/^0+$/"] } },
          },
        }),
      );
      const error = await resolvePolicy({ at: new Date("2026-12-06"), overlayFile }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(InputError);
      const problems = (error as InputError).problems.map((p) => ({
        file: p.file,
        pointer: p.pointer,
        message: p.message,
      }));
      expect(problems).to.have.length(2);
      expect(problems[0]).to.include({
        file: overlayFile,
        pointer: "/controls/lcm-asset-registered/parameters/placeholderSerials/1",
      });
      expect(problems[0]!.message).to.match(/must be a valid regex/);
      expect(problems[1]).to.include({
        file: overlayFile,
        pointer: "/controls/lcm-unique-serial/parameters/placeholders/0",
      });
      expect(problems[1]!.message).to.match(
        /must be a valid value: a regular expression between the slashes/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
