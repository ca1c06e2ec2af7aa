/**
 * A Mac from probe transcript to machine config, and `stronghold collect` dispatching an inventory
 * host with `platform: macos` to the macOS probes over a real sshd on 127.0.0.1.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { main } from "../../../src/cli/main.js";
import type { CollectionReport } from "../../../src/collect/collection-report.js";
import { validateMapped } from "../../../src/collect/collect-with-probes.js";
import { loadEdrCatalog } from "../../../src/collect/linux/edr-catalog.js";
import { macosMachineConfig, MACOS_COLLECTOR } from "../../../src/collect/macos/machine-config.js";
import { parseMacFacts } from "../../../src/collect/macos/macos-facts.js";
import { MAC_PROBES } from "../../../src/collect/macos/probes.js";
import type { MachineFacts } from "../../../src/hosts/inventory.js";
import type { MachineConfig } from "../../../src/machine-config/schema.js";
import { startSshd, type Sshd } from "../../fixtures/sshd.js";
import { macTranscript, rootAccountForm } from "../../fixtures/macos/transcripts.js";
import { bufferIo } from "../buffer-io.js";

const AT = "2026-11-20T12:00:00Z";
/** Each security-baseline control's status for one machine config, through `stronghold check`. */
async function checkStatuses(config: MachineConfig): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), "stronghold-mac-check-"));
  try {
    await writeFile(path.join(dir, "m.json"), JSON.stringify(config));
    const io = bufferIo();
    const code = await main(
      [
        "node",
        "stronghold",
        "check",
        dir,
        "--baseline",
        "security",
        "--at",
        AT,
        "--format",
        "json",
        "--fail-on",
        "never",
      ],
      io,
    );
    expect(code, io.err()).to.equal(0);
    const report = JSON.parse(io.out()) as {
      problems: unknown[];
      controls: { id: string }[];
      subjects: { results: { control: string; status: string }[] }[];
    };
    expect(report.problems).to.deep.equal([]);
    // A control a subject's results do not name passed.
    return {
      ...Object.fromEntries(report.controls.map((c) => [c.id, "pass"])),
      ...Object.fromEntries(report.subjects[0]!.results.map((r) => [r.control, r.status])),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const staff: MachineFacts = { department: "library", site: "main-library", role: "workstation" };

describe("macOS collection", function () {
  describe("transcript → machine config", () => {
    it("maps every fact the transcript shows and validates against the schema", async () => {
      const facts = parseMacFacts(macTranscript(), await loadEdrCatalog());
      const mapped = macosMachineConfig(facts, "lib-mac-01", staff, AT);
      const validated = validateMapped(mapped, "lib-mac-01");
      expect(validated.kind, JSON.stringify(validated)).to.equal("config");
      const c = mapped.config;
      expect(c.os).to.deep.equal({
        family: "macos",
        name: "macOS",
        version: "14.4.1",
        build: "23E224",
        // macOS Sonoma 14.4.1 in InstallHistory.plist; the cached RecommendedUpdates is empty.
        lastPatchDate: "2024-03-27",
      });
      expect(c.serialNumber).to.equal("C02FK0AAQ6L4");
      // en0 only: en1 holds no address, awdl0 and utun0 are virtual, lo0 is loopback.
      expect(c.macAddresses).to.deep.equal(["f4:d4:88:5a:1c:07"]);
      expect(c.ipAddresses).to.deep.equal(["10.20.50.25"]);
      expect(c.hardware).to.deep.include({
        manufacturer: "Apple",
        model: "iMac (iMac21,1)",
        cpu: "Apple M1",
        memoryGiB: 16,
        tpmVersion: "unknown",
      });
      expect(c.security).to.deep.include({
        diskEncryption: { status: "none" },
        firewall: { default: true },
        automaticUpdates: true,
        guestEnabled: false,
        uid0Accounts: ["root"],
        timeSync: { enabled: true, source: "time.apple.com" },
        logonBanner: true,
        sshServer: { permitRootLogin: "no", passwordAuthentication: false, maxAuthTries: 4 },
        // the Passcode profile as pwpolicy shows it: letters and digits, but no symbol required
        passwordPolicy: { minLength: 14, history: 24, complexity: false, maxAgeDays: 365 },
        lockout: { threshold: 5, durationMinutes: 15 },
        // the screensaver profile: 600 s idle, password asked at once
        screenLockSeconds: 600,
        // no /etc/security/audit_control, as macOS 14 ships
        auditLogging: false,
        // no Media Management profile
        removableMedia: "unknown",
      });
      expect(c.security?.antivirus).to.deep.include({
        product: "Microsoft Defender for Endpoint",
        running: true,
      });
      // root as shipped (no AuthenticationAuthority, Password *) behind sshd PermitRootLogin no.
      expect(c.security?.localAdmins).to.deep.equal([
        { name: "root", enabled: false },
        { name: "libadmin", enabled: true },
      ]);
      expect(c.software).to.deep.include({ name: "LibreOffice", version: "7.6.6" });
      expect(c.collector?.name).to.equal(MACOS_COLLECTOR);
      expect(mapped.observations).to.deep.include({
        system: { value: "Darwin" },
        gatekeeper: { value: true },
        systemIntegrityProtection: { value: true },
        firewallStealthMode: { value: true },
      });
      // Every "unknown" in the config is listed with a reason.
      const fields = mapped.unknown.map((u) => u.field);
      expect(fields).to.include.members(["/ipAssignment", "/security/removableMedia"]);
      expect(mapped.unknown.every((u) => u.reason.length > 0)).to.equal(true);
    });

    it("the security baseline judges it: FileVault off and what the collector cannot read fail", async () => {
      const facts = parseMacFacts(macTranscript(), await loadEdrCatalog());
      const statuses = await checkStatuses(
        macosMachineConfig(facts, "lib-mac-01", staff, AT).config,
      );
      const failing = Object.entries(statuses)
        .filter(([, status]) => status === "fail")
        .map(([id]) => id)
        .sort();
      expect(failing).to.deep.equal(
        [
          // planted in the transcript
          "sec-disk-encryption",
          // macOS 14 left Apple's three supported releases before 2026-11-20
          "sec-os-supported",
          // the last macOS update, 14.4.1, was installed in March 2024
          "sec-os-patches-current",
          // the Passcode profile requires no symbol
          "sec-password-complexity",
          // no audit_control, as macOS 14 ships
          "sec-audit-logging",
          // facts the macOS collector leaves unknown
          // root is disabled, but libadmin is enabled and nothing says it is one person's
          "sec-local-admin-not-shared",
          "sec-no-empty-passwords",
          "sec-edr-realtime-protection",
          "sec-edr-signatures-current",
          "sec-removable-media-restricted",
        ].sort(),
      );
      for (const id of [
        "sec-password-min-length",
        "sec-password-history",
        "sec-account-lockout-threshold",
        "sec-account-lockout-duration",
        "sec-screen-lock",
        "sec-firewall-enabled",
        "sec-guest-account-disabled",
        "sec-automatic-updates",
        "sec-time-sync",
        "sec-logon-banner",
        "sec-root-only-uid0",
        "sec-ssh-root-login-disabled",
        "sec-ssh-password-auth-disabled",
        "sec-ssh-max-auth-tries",
        "sec-edr-installed",
        "sec-edr-running",
      ])
        expect(statuses[id], id).to.equal("pass");
    });

    it("root's state decides sec-local-admin-not-shared on a Mac whose only admin is root", async () => {
      const catalog = await loadEdrCatalog();
      const rootOnly = async (form: string) => {
        const sections = new Map(macTranscript());
        sections.set("admins", { stdout: "GroupMembership: root\n", stderr: "", rc: 0 });
        sections.set("admin-accounts", { stdout: "", stderr: "", rc: 0 });
        sections.set("root-account", rootAccountForm(form));
        const config = macosMachineConfig(parseMacFacts(sections, catalog), "m", staff, AT).config;
        return (await checkStatuses(config))["sec-local-admin-not-shared"];
      };
      expect(await rootOnly("as-shipped")).to.equal("pass");
      expect(await rootOnly("dsenableroot")).to.equal("fail");
    });

    it("FileVault on names the product; encryption in progress is partial", async () => {
      const catalog = await loadEdrCatalog();
      const withFileVault = (stdout: string) => {
        const sections = new Map(macTranscript());
        sections.set("filevault", { stdout, stderr: "", rc: 0 });
        return macosMachineConfig(parseMacFacts(sections, catalog), "m", staff, AT).config;
      };
      expect(withFileVault("FileVault is On.\n").security?.diskEncryption).to.deep.equal({
        status: "encrypted",
        product: "FileVault",
      });
      expect(
        withFileVault("Encryption in progress: Percent completed = 3.0\n").security?.diskEncryption,
      ).to.deep.equal({ status: "partial", product: "FileVault" });
    });

    it("a pending update in the cached RecommendedUpdates withholds the patch date", async () => {
      const sections = new Map(macTranscript());
      sections.set("recommended-updates", {
        stdout:
          '<plist version="1.0"><array><dict><key>Display Name</key><string>macOS Sonoma 14.4.2</string></dict></array></plist>\n',
        stderr: "",
        rc: 0,
      });
      const mapped = macosMachineConfig(
        parseMacFacts(sections, await loadEdrCatalog()),
        "m",
        staff,
        AT,
      );
      expect(mapped.config.os.lastPatchDate).to.equal("unknown");
      expect(mapped.unknown.find((u) => u.field === "/os/lastPatchDate")?.reason).to.match(
        /listed 1 update\(s\) as pending: macOS Sonoma 14.4.2/,
      );
    });

    it("a Media Management profile that blocks external disks counts only before macOS 11", async () => {
      const catalog = await loadEdrCatalog();
      const withProfile = (version: string) => {
        const sections = new Map(macTranscript());
        sections.set("removable-media", {
          stdout:
            '<plist version="1.0"><dict><key>mount-controls</key><dict><key>harddisk-external</key><array><string>deny</string></array></dict></dict></plist>\n',
          stderr: "",
          rc: 0,
        });
        const swVers = sections.get("sw-vers")!;
        sections.set("sw-vers", { ...swVers, stdout: swVers.stdout.replace("14.4.1", version) });
        return macosMachineConfig(parseMacFacts(sections, catalog), "m", staff, AT);
      };
      expect(withProfile("10.15.7").config.security?.removableMedia).to.equal("blocked");
      const sonoma = withProfile("14.4.1");
      expect(sonoma.config.security?.removableMedia).to.equal("unknown");
      expect(sonoma.unknown.find((u) => u.field === "/security/removableMedia")?.reason).to.match(
        /deprecated mount-controls in macOS 11/,
      );
      expect(sonoma.observations.removableMediaProfile).to.deep.equal({ value: "blocked" });
    });

    it("no sections at all still makes a valid config with every fact unknown", async () => {
      const mapped = macosMachineConfig(
        parseMacFacts(new Map(), await loadEdrCatalog()),
        "empty",
        staff,
        AT,
      );
      expect(validateMapped(mapped, "empty").kind).to.equal("config");
      expect(mapped.config.os).to.deep.include({ family: "macos", name: "unknown" });
      expect(mapped.config.security?.sshServer).to.equal("unknown");
    });
  });

  describe("stronghold collect with platform: macos (real sshd on 127.0.0.1)", function () {
    this.timeout(60_000);
    let sshd: Sshd;
    let dir: string;
    let config: MachineConfig;
    let report: CollectionReport;
    /** The one host's result, which must be a collected config. */
    const host = () => {
      const h = report.hosts[0];
      if (h?.outcome !== "ok") throw new Error(`not collected: ${JSON.stringify(h)}`);
      return h;
    };
    let code: number;

    before(async () => {
      sshd = await startSshd();
      dir = await mkdtemp(path.join(tmpdir(), "stronghold-collect-mac-"));
      const inventory = path.join(dir, "hosts.yaml");
      await writeFile(
        inventory,
        stringify({
          version: 1,
          defaults: { platform: "macos", connectTimeoutSeconds: 5 },
          hosts: [
            {
              name: "lib-mac-01",
              address: sshd.host,
              port: sshd.port,
              user: sshd.user,
              identityFile: sshd.identityFile,
              knownHostsFile: sshd.knownHostsFile,
              machine: staff,
            },
          ],
        }),
      );
      const io = bufferIo();
      code = await main(
        [
          "node",
          "stronghold",
          "collect",
          "--hosts",
          inventory,
          "--out",
          path.join(dir, "out"),
          "--report",
          path.join(dir, "report.json"),
          "-q",
        ],
        io,
      );
      report = JSON.parse(
        await readFile(path.join(dir, "report.json"), "utf8"),
      ) as CollectionReport;
      config = JSON.parse(
        await readFile(path.join(dir, "out", "lib-mac-01.json"), "utf8"),
      ) as MachineConfig;
    });
    after(async () => {
      await sshd?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    // This machine is Linux: the Mac commands are missing, so every Mac fact comes back unknown.
    // What the test proves is the transport, the framing and the dispatch: the macOS script ran
    // over SSH, every one of its sections came back, and a valid config with os.family macos and an
    // honest "unknown" per fact was written.
    it("writes a valid machine config with os.family macos", () => {
      expect(code).to.equal(0);
      expect(report.hosts[0]).to.deep.include({ name: "lib-mac-01", outcome: "ok" });
      expect(config.os).to.deep.include({ family: "macos", name: "unknown", version: "unknown" });
      expect(config.collector?.name).to.equal(MACOS_COLLECTOR);
    });

    it("every Mac-only fact is unknown, with the reason in the report", () => {
      expect(config.serialNumber).to.equal("unknown");
      // Linux has no enN interfaces (nor, without net-tools, ifconfig).
      expect(config.macAddresses).to.equal("unknown");
      expect(config.security).to.deep.include({
        diskEncryption: { status: "unknown" },
        firewall: "unknown",
        automaticUpdates: "unknown",
        guestEnabled: "unknown",
        uid0Accounts: "unknown",
        localAdmins: "unknown",
        logonBanner: "unknown",
        timeSync: { enabled: "unknown" },
        screenLockSeconds: "unknown",
        passwordPolicy: {
          minLength: "unknown",
          history: "unknown",
          complexity: "unknown",
          maxAgeDays: "unknown",
        },
        lockout: { threshold: "unknown", durationMinutes: "unknown" },
        auditLogging: "unknown",
        removableMedia: "unknown",
      });
      expect(config.os.lastPatchDate).to.equal("unknown");
      expect(config.software).to.equal("unknown");
      const unknown = new Map(host().unknown.map((u) => [u.field, u.reason]));
      expect(unknown.get("/security/diskEncryption/status")).to.equal(
        "fdesetup is not available on the host",
      );
      expect(unknown.get("/os/name")).to.equal("sw_vers is not available on the host");
      expect(unknown.get("/security/logonBanner")).to.match(/Library\/Security does not exist/);
      expect(unknown.get("/security/auditLogging")).to.equal(
        "launchctl is not available on the host",
      );
      expect(unknown.get("/security/screenLockSeconds")).to.equal(
        "plutil is not available on the host",
      );
      expect(unknown.get("/security/passwordPolicy/minLength")).to.match(
        /^pwpolicy is not available on the host; plutil is not available on the host$/,
      );
    });

    it("reports this machine's kernel name and architecture as observed", () => {
      const observations = host().observations;
      expect(observations.system).to.deep.equal({
        value: execFileSync("uname", ["-s"], { encoding: "utf8" }).trim(),
      });
      expect(observations.architecture).to.deep.equal({
        value: execFileSync("uname", ["-m"], { encoding: "utf8" }).trim(),
      });
    });

    it("sshd -T, which this machine has, is read as on a Mac (the system default config)", () => {
      // The test login is uid 0, so sshd -T runs; it reads /etc/ssh/sshd_config, as on a Mac.
      const truth = execFileSync("/usr/sbin/sshd", ["-T"], { encoding: "utf8" });
      const setting = (key: string) => new RegExp(`^${key} (\\S+)$`, "m").exec(truth)?.[1];
      expect(config.security?.sshServer).to.deep.equal({
        permitRootLogin: setting("permitrootlogin")?.replace(
          "without-password",
          "prohibit-password",
        ),
        passwordAuthentication: setting("passwordauthentication") === "yes",
        maxAuthTries: Number(setting("maxauthtries")),
      });
    });

    it("the script ran every macOS probe", () => {
      expect(MAC_PROBES.length).to.be.greaterThan(10);
      // An unknown reason of "did not run" would mean a section was lost in the framing.
      const reasons = host().unknown.map((u) => u.reason);
      expect(reasons.filter((r) => /did not run|no exit code/.test(r))).to.deep.equal([]);
    });
  });
});
