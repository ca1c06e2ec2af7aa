import { expect } from "chai";
import { AT, compliantMachine, withValues } from "../../fixtures/machine-factory.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { supportedOs } from "../../../src/check/controls/machine/supported-os.js";
import { browsersCurrent } from "../../../src/check/controls/machine/browsers.js";
import { hardwareAge } from "../../../src/check/controls/machine/hardware-age.js";
import { SharedFailures } from "../../../src/check/evaluation/shared-failures.js";
import type { CheckContext, Outcome } from "../../../src/check/controls/types.js";
import type { ControlResult, Evidence } from "../../../src/check/evaluation/result.js";
import { evaluateFleetControlById } from "../../../src/check/evaluation/evaluate-one.js";
import { licenses } from "../../fixtures/registers.js";

// Machines that fail alike get one frozen evidence list from the control, which a run's failures
// then know by identity: these pin that, and that a list's text is what each machine would get.
const data = await loadReferenceData();
const ctx: CheckContext = { at: AT, params: { allowedMajorsBehind: 2 }, data };

function evidenceOf(outcome: Outcome): readonly Evidence[] {
  if (outcome.status !== "fail") throw new Error(`expected a failure, got ${outcome.status}`);
  return outcome.evidence;
}

const windows10 = (hostname: string) =>
  withValues(compliantMachine(), {
    "/hostname": hostname,
    "/os/name": "Windows 10 Pro",
    "/os/version": "22H2",
    "/os/edition": "Pro",
  });

const chrome = (hostname: string, ...versions: string[]) =>
  withValues(compliantMachine(), {
    "/hostname": hostname,
    "/software": versions.map((version) => ({ name: "Google Chrome", version, publisher: "G" })),
  });

describe("findings shared between machines that fail alike", () => {
  it("sec-os-supported: one frozen list per OS release as reported", () => {
    const a = evidenceOf(supportedOs(windows10("a"), ctx));
    const b = evidenceOf(supportedOs(windows10("b"), ctx));
    expect(b).to.equal(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).to.equal(true);
    expect(a).to.deep.equal([
      {
        pointer: "/os",
        actual: "Windows 10 Pro 22H2",
        expected: a[0]!.expected,
      },
    ]);
    expect(a[0]!.expected).to.match(/^a supported release; support ended 2025-10-14/);
    const failures = new SharedFailures();
    expect(failures.failure("sec-os-supported", b)).to.equal(
      failures.failure("sec-os-supported", a),
    );
  });

  it("lcm-app-browser-current: one list per failing browser and place; two browsers, a list of both", () => {
    const a = evidenceOf(browsersCurrent(chrome("a", "120.0.1"), ctx));
    const b = evidenceOf(browsersCurrent(chrome("b", "120.0.1"), ctx));
    expect(b).to.equal(a);
    expect(Object.isFrozen(a)).to.equal(true);
    // Another version, or the same one elsewhere in the inventory, is another finding.
    expect(evidenceOf(browsersCurrent(chrome("c", "121.0.1"), ctx))).to.not.equal(a);
    const both = evidenceOf(browsersCurrent(chrome("d", "120.0.1", "120.0.1"), ctx));
    expect(both.map((e) => e.pointer)).to.deep.equal(["/software/0", "/software/1"]);
    expect(both[0]).to.deep.equal(a[0]);
    // Machines failing alike with two browsers share their list of both too.
    expect(evidenceOf(browsersCurrent(chrome("e", "120.0.1", "120.0.1"), ctx))).to.equal(both);
    expect(Object.isFrozen(both)).to.equal(true);
  });

  it("lcm-hardware-age: one frozen list per role, purchase date and day", () => {
    const refresh = { params: { refreshYears: { workstation: 3, server: 5 } } };
    const bought = (hostname: string, purchaseDate: string | undefined, role = "workstation") =>
      withValues(compliantMachine(), {
        "/hostname": hostname,
        "/role": role,
        "/hardware/purchaseDate": purchaseDate,
      });
    const old = { ...ctx, ...refresh };
    const a = evidenceOf(hardwareAge(bought("a", "2020-01-15"), old));
    expect(evidenceOf(hardwareAge(bought("b", "2020-01-15"), old))).to.equal(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).to.equal(true);
    expect(a[0]!.expected).to.match(
      /^≤ 1095 days old \(3 years for workstation\); it is \d+ days old$/,
    );
    // The same purchase a day later is a day older; as a server, another cycle.
    const tomorrow = { ...old, at: new Date(AT.getTime() + 86_400_000) };
    expect(evidenceOf(hardwareAge(bought("c", "2020-01-15"), tomorrow))[0]!.expected).to.not.equal(
      a[0]!.expected,
    );
    const server = evidenceOf(hardwareAge(bought("d", "2020-01-15", "server"), old));
    expect(server[0]!.expected).to.match(/5 years for server/);
    // No date and the text "undefined" are two findings.
    const none = evidenceOf(hardwareAge(bought("e", undefined), old));
    const text = evidenceOf(hardwareAge(bought("f", "undefined"), old));
    expect([none[0]!.actual, text[0]!.actual]).to.deep.equal([undefined, "undefined"]);
  });

  it("a long process checking night after night keeps a bounded number of findings per policy", () => {
    // One resolved policy kept across nights: each night's ages and day are new keys.
    const refresh = { params: { refreshYears: { workstation: 3 } } };
    const machine = withValues(compliantMachine(), {
      "/hardware/purchaseDate": "2020-01-15",
      "/os/name": "Windows 10 Pro",
      "/os/version": "22H2",
      "/os/edition": "Pro",
    });
    const night = (n: number) => ({
      ...ctx,
      ...refresh,
      at: new Date(AT.getTime() + n * 86_400_000),
    });
    const firstAge = evidenceOf(hardwareAge(machine, night(0)));
    const firstOs = evidenceOf(supportedOs(machine, night(0)));
    for (let n = 1; n <= 60_000; n++) {
      hardwareAge(machine, night(n));
      supportedOs(machine, night(n));
    }
    // The first night's findings were let go (made again, equal), not kept for ever.
    const ageAgain = evidenceOf(hardwareAge(machine, night(0)));
    const osAgain = evidenceOf(supportedOs(machine, night(0)));
    expect(ageAgain).to.deep.equal(firstAge);
    expect(ageAgain).to.not.equal(firstAge);
    expect(osAgain).to.deep.equal(firstOs);
    expect(osAgain).to.not.equal(firstOs);
  });

  it("aup-license-seats-within-owned: machines over seats on two titles alike share one list", async () => {
    const machine = (hostname: string) =>
      compliantMachine({
        hostname,
        software: [{ name: "AutoCAD 2024 - English" }, { name: "Microsoft Visio Professional" }],
      });
    const { results } = await evaluateFleetControlById(
      "aup-license-seats-within-owned",
      [machine("a"), machine("b"), machine("c")],
      {
        at: AT,
        data: {
          licenses: licenses(
            { product: "AutoCAD", seats: 1 },
            { product: "Microsoft Visio", seats: 2 },
          ),
        },
      },
    );
    const [a, b] = results.map(evidenceOfResult);
    expect(a!.map((e) => e.pointer)).to.deep.equal(["/software/0", "/software/1"]);
    expect(b).to.equal(a);
    expect(Object.isFrozen(a)).to.equal(true);
  });
});

function evidenceOfResult(result: ControlResult): readonly Evidence[] {
  if (result.status !== "fail") throw new Error(`expected a failure, got ${result.status}`);
  return result.evidence;
}

describe("SharedFailures with frozen evidence lists", () => {
  const list = (): readonly Evidence[] =>
    Object.freeze([
      Object.freeze({ pointer: "/os", actual: "X 1", expected: "a supported release" }),
    ]);

  it("shares a frozen list's failure with an equal list made apart, frozen or not", () => {
    const failures = new SharedFailures();
    const frozen = list();
    const first = failures.failure("sec-os-supported", frozen);
    expect(first.evidence).to.equal(frozen);
    expect(failures.failure("sec-os-supported", list())).to.equal(first);
    expect(failures.failure("sec-os-supported", [...list()])).to.equal(first);
  });

  it("keeps one list's failures of two controls apart", () => {
    const failures = new SharedFailures();
    const frozen = list();
    const a = failures.failure("sec-os-supported", frozen);
    const b = failures.failure("other-control", frozen);
    expect(b).to.not.equal(a);
    expect(b.control).to.equal("other-control");
    expect(failures.failure("sec-os-supported", frozen)).to.equal(a);
  });
});
