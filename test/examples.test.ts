// The sample town is documentation: this pins what it reports, so the README's table of planted
// problems (examples/millbrook/README.md) cannot drift from what the baselines find.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCheck } from "../src/check/evaluation/run-check.js";
import { loadAssetRegister, loadLicenseRegister } from "../src/check/input/registers.js";
import { loadDisposalRegister } from "../src/check/input/disposals.js";
import { createAjv, loadValidated } from "../src/documents/ajv.js";
import { renderToString } from "../src/check/report/index.js";
import { WaiversSchema } from "../src/check/policy/baseline-schema.js";
import { loadReferenceData } from "../src/check/policy/data.js";
import { loadIpPlan } from "../src/check/input/ip-plan.js";
import { resolvePolicy } from "../src/check/policy/resolve.js";
import type { CheckReport } from "../src/check/evaluation/report-model.js";
import type { BudgetReport } from "../src/budget/report-model.js";
import { main } from "../src/cli/main.js";
import { PassThrough } from "node:stream";

const town = fileURLToPath(new URL("../examples/millbrook/", import.meta.url));
const at = new Date("2026-11-20T12:00:00Z");

const EXPECTED = `
dpw-lt-01 aup-license-seats-within-owned fail
dpw-lt-01 sec-boot-protected fail
dpw-lt-01 sec-disk-encryption fail
dpw-lt-02 lcm-asset-reported fail
dpw-srv-01 sec-logs-forwarded fail
dpw-srv-01 sec-rdp-nla-required fail
dpw-srv-01 sec-server-physical-protection fail
dpw-ws-01 aup-license-seats-within-owned fail
dpw-ws-01 sec-local-admin-not-shared fail
dpw-ws-01 sec-removable-media-restricted fail
dpw-ws-03 aup-commercial-software-licensed fail
dpw-ws-03 aup-license-seats-within-owned fail
dpw-ws-03 sec-edr-realtime-protection fail
dpw-ws-04 aup-prohibited-software fail
dpw-ws-04 lcm-hardware-age fail
dpw-ws-04 sec-os-patches-current fail
dpw-ws-04 sec-os-supported fail-expired-waiver
dpw-ws-04 sec-password-min-length fail
lib-kiosk-01 sec-removable-media-restricted waived
lib-kiosk-02 sec-removable-media-restricted waived
lib-kiosk-03 sec-removable-media-restricted waived
lib-kiosk-04 sec-kiosk-lockdown fail
lib-kiosk-04 sec-removable-media-restricted waived
lib-kiosk-05 sec-removable-media-restricted waived
lib-kiosk-06 sec-removable-media-restricted waived
lib-staff-02 aup-prohibited-software fail
lib-staff-02 sec-removable-media-restricted fail
lib-staff-04 lcm-disposed-not-reporting fail
pd-fw-01 lcm-unique-mac fail
pd-mdt-02 sec-edr-signatures-current fail
pd-mdt-02 sec-os-patches-current fail
pd-mdt-02 sec-os-supported fail
pd-mdt-02 sec-screen-lock waived
pd-mdt-03 lcm-asset-registered fail
pd-scan-01 lcm-static-ip-outside-dhcp fail
th-sw-01 sec-netdev-secure-management fail
lib-mfp-01 sec-netdev-default-credentials fail
pd-nvr-01 sec-netdev-firmware-current fail
pd-nvr-01 sec-netdev-vendor-supported fail
pd-scan-01 sec-smbv1-disabled waived
pd-ws-04 lcm-disposal-wipe-record fail
sc-lt-01 lcm-config-fresh fail
sc-lt-01 sec-edr-signatures-current fail
sc-lt-01 sec-firewall-enabled fail
sc-lt-01 sec-os-patches-current fail
sc-lt-01 sec-os-supported fail
sc-ws-01 aup-commercial-software-licensed fail
sc-ws-01 sec-local-admin-not-shared fail
sc-ws-02 aup-prohibited-software fail
sc-ws-02 sec-audit-logging fail
sc-ws-02 sec-password-min-length fail
sc-ws-03 lcm-app-supported fail
lib-kiosk-01 lcm-app-supported fail
lib-kiosk-02 lcm-app-supported fail
lib-kiosk-03 lcm-app-supported fail
lib-kiosk-04 lcm-app-supported fail
lib-mac-01 sec-disk-encryption fail
sc-ws-03 lcm-hardware-age fail
sc-ws-03 sec-autorun-disabled fail
sc-ws-03 sec-guest-account-disabled fail
sc-ws-03 sec-logon-banner fail
sc-ws-03 sec-os-supported fail
th-asr-02 lcm-unique-ip fail
th-backup-01 sec-kernel-network-hardened fail
th-backup-01 sec-sudo-no-blanket-nopasswd fail
th-gis-01 sec-file-integrity-monitoring fail
th-gis-01 sec-logs-persistent fail
th-gis-01 sec-sudo-logging fail
th-gis-01 sec-updates-in-effect fail
th-web-01 sec-default-umask fail
th-web-01 sec-mac-enforcing fail
th-web-01 sec-ssh-brute-force-banning fail
th-web-01 sec-temporary-mounts-restricted fail
th-clerk-02 lcm-unique-ip fail
th-clerk-03 lcm-hardware-age fail
th-clerk-03 sec-screen-lock fail
th-fs-01 lcm-hardware-age fail
th-fs-01 lcm-server-warranty fail
th-fs-01 sec-os-patches-current fail
th-fs-01 sec-smbv1-disabled fail
th-gis-01 sec-account-lockout-duration fail
th-gis-01 sec-account-lockout-threshold fail
th-web-01 sec-audit-logging fail
th-web-01 sec-disk-encryption fail
th-web-01 sec-logon-banner fail
th-web-01 sec-ssh-max-auth-tries fail
`
  .trim()
  .split("\n");

describe("the sample Town of Millbrook", function () {
  this.timeout(30_000);
  let report: CheckReport;

  before(async () => {
    const [policy, reference, licenses, assets, disposals, ipPlan, waivers] = await Promise.all([
      resolvePolicy({ at, overlayFile: path.join(town, "overlay.yaml") }),
      loadReferenceData(),
      loadLicenseRegister(path.join(town, "licenses.csv")),
      loadAssetRegister(path.join(town, "assets.csv")),
      loadDisposalRegister(path.join(town, "disposals.csv")),
      loadIpPlan(path.join(town, "ip-plan.yaml")),
      loadValidated(path.join(town, "waivers.yaml"), WaiversSchema),
    ]);
    if (!waivers.ok) throw new Error(JSON.stringify(waivers.problems));
    report = await runCheck({
      inputs: [path.join(town, "machines"), path.join(town, "network-devices.yaml")],
      policy,
      data: {
        ...reference,
        licenses: licenses.register,
        assets: assets.register,
        disposals: disposals.register,
        ipPlan: ipPlan.plan,
      },
      waivers: waivers.value.waivers,
      at,
      failOn: "high",
      minScore: 0,
      problems: [
        ...licenses.problems,
        ...assets.problems,
        ...disposals.problems,
        ...ipPlan.problems,
      ],
    });
  });

  it("has no input problems and no errors, and warns only that the browser majors are stale", () => {
    expect(report.problems).to.deep.equal([]);
    expect(report.scores.fleet.counts.error).to.equal(0);
    expect(report.warnings).to.deep.equal([
      "lcm-app-browser-current: the browsers' current major versions in policies/data/app-lifecycle.yaml are as of 2026-08-22, 90 days before this run (more than 60): browsers behind a newer major pass until the table is updated",
    ]);
  });

  it("has 59 machines (3 of them in the hand-written network devices file) and one register asset that never reported", () => {
    expect(report.subjects.filter((s) => s.kind === "machine")).to.have.length(59);
    expect(
      report.subjects.filter((s) => s.kind === "unreported-asset").map((s) => s.subject),
    ).to.deep.equal(["dpw-lt-02"]);
  });

  it("reports exactly the planted problems listed in its README", () => {
    const found = report.subjects
      .flatMap((s) =>
        s.results
          .filter((r) => r.status === "fail" || r.status === "waived" || r.status === "error")
          .map(
            (r) =>
              `${s.subject} ${r.control} ${r.status}${r.status === "fail" && r.expiredWaiver ? "-expired-waiver" : ""}`,
          ),
      )
      .sort();
    expect(found).to.deep.equal([...EXPECTED].sort());
  });

  it("its JSON report validates against the published report schema", () => {
    const schema = JSON.parse(
      readFileSync(
        new URL("../policies/schemas/check-report.schema.json", import.meta.url),
        "utf8",
      ),
    ) as object;
    const ajv = createAjv();
    const validate = ajv.compile(schema);
    const json = JSON.parse(renderToString("json", report)) as unknown;
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
  });

  it("fails the gate at --fail-on high", () => {
    expect(report.gate.passed).to.equal(false);
  });
});

describe("the sample Town of Millbrook's budget forecast", function () {
  this.timeout(30_000);
  const readme = readFileSync(path.join(town, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Budget forecast"));
  const command = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  const args = command
    .replace(/\\\n/g, " ")
    .trim()
    .split(/\s+/)
    .slice(2) // stronghold budget
    .map((a) => (a.startsWith("examples/") ? path.join(town, "..", "..", a) : a));

  async function budget(extra: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = "";
    const code = await main(["node", "stronghold", "budget", ...args, ...extra], {
      stdout: (chunk) => void (stdout += chunk),
      stderr: () => undefined,
      stdin: new PassThrough(),
      env: { NO_COLOR: "1" },
      isTTY: false,
    });
    return { code, stdout };
  }

  it("prints the request and the curve its README shows", async () => {
    const shown = /```text\n([\s\S]*?)```/.exec(section)![1]!;
    const { code, stdout } = await budget([]);
    expect(code).to.equal(0);
    expect(stdout.startsWith(shown), stdout).to.equal(true);
  });

  it("levelled at $90,000 a year, moves the 13 machines its README says and keeps th-gis-01", async () => {
    const { code, stdout } = await budget(["--max-per-year", "90000", "--format", "json"]);
    expect(code).to.equal(0);
    const report = JSON.parse(stdout) as BudgetReport;
    expect(report.moves).to.have.length(13);
    expect(report.moves.every((m) => m.fromYear === 2028 && m.toYear === 2029)).to.equal(true);
    expect(report.moves.map((m) => m.subject)).to.not.include("th-gis-01");
    expect(report.smoothing!.overCap).to.deep.equal([2028]);
    const unpriced = report.lines.filter((l) => l.costCents === null).map((l) => l.subject);
    expect([...new Set(unpriced)]).to.deep.equal(["Zoom Workplace"]);
    const late = report.lines
      .filter((l) => l.late && l.kind === "replacement")
      .map((l) => l.subject);
    expect(late).to.include.members(["th-fs-01", "dpw-ws-04", "sc-ws-03", "th-clerk-03"]);
  });
});
