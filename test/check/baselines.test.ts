/**
 * What each bundled baseline contains, pinned: a control dropped, renamed or pointed at a check
 * that does not exist fails here before it silently stops being evaluated.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import {
  BaselineSchema,
  OsLifecycleSchema,
  SoftwareCatalogSchema,
  type OsLifecycleTable,
  type RawBaseline,
  type SoftwareCatalog,
} from "../../src/check/policy/baseline-schema.js";
import { BASELINES_DIR } from "../../src/check/policy/paths.js";
import { DATA_DIR } from "../../src/support/project-root.js";
import { MACHINE_CHECKS } from "../../src/check/controls/machine/index.js";
import { FLEET_CHECKS } from "../../src/check/controls/fleet/index.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const GOLDEN: Readonly<Record<string, readonly string[]>> = {
  security: [
    "sec-password-min-length",
    "sec-password-history",
    "sec-password-complexity",
    "sec-account-lockout-threshold",
    "sec-account-lockout-duration",
    "sec-screen-lock",
    "sec-guest-account-disabled",
    "sec-local-admin-not-shared",
    "sec-ssh-root-login-disabled",
    "sec-ssh-password-auth-disabled",
    "sec-ssh-max-auth-tries",
    "sec-no-empty-passwords",
    "sec-root-only-uid0",
    "sec-no-legacy-plaintext-services",
    "sec-account-files-protected",
    "sec-logs-forwarded",
    "sec-logs-persistent",
    "sec-kernel-network-hardened",
    "sec-temporary-mounts-restricted",
    "sec-sudo-no-blanket-nopasswd",
    "sec-sudo-logging",
    "sec-default-umask",
    "sec-mac-enforcing",
    "sec-file-integrity-monitoring",
    "sec-updates-in-effect",
    "sec-boot-protected",
    "sec-ssh-brute-force-banning",
    "sec-logon-banner",
    "sec-disk-encryption",
    "sec-firewall-enabled",
    "sec-firewall-default-inbound-block",
    "sec-rdp-nla-required",
    "sec-smb-signing-required",
    "sec-edr-installed",
    "sec-edr-running",
    "sec-edr-realtime-protection",
    "sec-edr-signatures-current",
    "sec-smbv1-disabled",
    "sec-autorun-disabled",
    "sec-removable-media-restricted",
    "sec-os-patches-current",
    "sec-automatic-updates",
    "sec-os-supported",
    "sec-audit-logging",
    "sec-time-sync",
    "sec-server-physical-protection",
    "sec-kiosk-lockdown",
    "sec-netdev-default-credentials",
    "sec-netdev-secure-management",
    "sec-netdev-firmware-current",
    "sec-netdev-vendor-supported",
  ],
  "acceptable-use": [
    "aup-prohibited-software",
    "aup-commercial-software-licensed",
    "aup-license-seats-within-owned",
  ],
  lifecycle: [
    "lcm-hardware-age",
    "lcm-server-warranty",
    "lcm-app-supported",
    "lcm-app-support-ending",
    "lcm-app-browser-current",
    "lcm-app-browser-behind",
    "lcm-disposal-wipe-record",
    "lcm-disposed-wipe-recorded",
    "lcm-disposed-not-reporting",
    "lcm-config-fresh",
    "lcm-asset-registered",
    "lcm-asset-reported",
    "lcm-unique-serial",
    "lcm-unique-hostname",
    "lcm-unique-ip",
    "lcm-ip-in-site-subnet",
    "lcm-static-ip-outside-dhcp",
    "lcm-static-ip-reservation",
    "lcm-unique-mac",
  ],
};

const PREFIX: Readonly<Record<string, string>> = {
  security: "sec-",
  "acceptable-use": "aup-",
  lifecycle: "lcm-",
};

const readYaml = (file: string): unknown => parse(readFileSync(file, "utf8"));

/** strictSchema rejects unknown keywords; the type-pinning strict checks are left to the tests. */
function validator(strictSchema: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, strictSchema, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

/** Every {"$param": name} in a check schema. */
function paramRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(paramRefs);
  if (node === null || typeof node !== "object") return [];
  const record = node as Record<string, unknown>;
  if (typeof record.$param === "string") return [record.$param];
  return Object.values(record).flatMap(paramRefs);
}

/** Replaces each {"$param": name} by the parameter's default, as the engine does. */
function withDefaults(node: unknown, params: Readonly<Record<string, unknown>>): unknown {
  if (Array.isArray(node)) return node.map((n) => withDefaults(n, params));
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$param === "string") return params[record.$param];
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withDefaults(v, params)]));
}

const baselines = Object.keys(GOLDEN).map((id) => ({
  id,
  raw: readYaml(path.join(BASELINES_DIR, `${id}.yaml`)),
}));

describe("bundled baselines", () => {
  const lenient = validator(false);
  // Strict mode rejects unknown keywords, so a misspelt "minimun" cannot silently check nothing.
  const strict = validator(true);
  for (const keyword of ["maxAgeDays", "minDaysRemaining"]) {
    strict.addKeyword({ keyword, schemaType: "number", validate: () => true });
  }

  for (const { id, raw } of baselines) {
    describe(id, () => {
      const baseline = raw as RawBaseline;

      it("validates against BaselineSchema", () => {
        const validate = lenient.compile(BaselineSchema);
        expect(validate(raw), JSON.stringify(validate.errors)).to.equal(true);
        expect(baseline.id).to.equal(id);
      });

      it("contains exactly the pinned controls, in order", () => {
        expect(baseline.controls.map((c) => c.id)).to.deep.equal(GOLDEN[id]);
      });

      it("names the benchmark, its version and a section number in every CIS Benchmark reference", () => {
        // "CIS <platform> Benchmark v<version> <section> (<title>)": every number was checked in
        // that version (docs/check.md names the sources); a setting with no rule there has no
        // reference, so a reference without a number is an unchecked one.
        const reference = /^CIS \S.* Benchmark v\d+\.\d+\.\d+ \d+(\.\d+)* \(.+\)$/;
        for (const c of baseline.controls)
          for (const ref of c.references.cisBenchmark ?? [])
            expect(ref, `${c.id}: ${ref}`).to.match(reference);
      });

      it(`prefixes every control id with ${PREFIX[id]}`, () => {
        for (const c of baseline.controls) expect(c.id).to.match(new RegExp(`^${PREFIX[id]}`));
      });

      it("applies to active machines unless a control says otherwise", () => {
        expect(baseline.appliesTo).to.deep.equal({ lifecycleStatus: ["active"] });
        // A control's own appliesTo replaces the default whole, so it must restate the status.
        for (const c of baseline.controls) {
          if (c.appliesTo) expect(c.appliesTo.lifecycleStatus, c.id).to.not.equal(undefined);
        }
      });

      it("names only registered checks", () => {
        for (const c of baseline.controls) {
          if ("function" in c.check)
            expect(MACHINE_CHECKS, c.id).to.have.property(c.check.function);
          if ("fleet" in c.check) expect(FLEET_CHECKS, c.id).to.have.property(c.check.fleet);
        }
      });

      it("gives every control NIST SP 800-53 and CSF references", () => {
        for (const c of baseline.controls) {
          expect(c.references.nist80053 ?? [], c.id).to.have.length.greaterThan(0);
          expect(c.references.csf ?? [], c.id).to.have.length.greaterThan(0);
        }
      });

      it("has parameter defaults that fit their own schemas", () => {
        for (const c of baseline.controls) {
          for (const [name, param] of Object.entries(c.parameters ?? {})) {
            const validate = lenient.compile(param.schema);
            expect(
              validate(param.default),
              `${c.id}.${name}: ${JSON.stringify(validate.errors)}`,
            ).to.equal(true);
          }
        }
      });

      it("refers in check schemas only to declared parameters, and uses every one declared", () => {
        for (const c of baseline.controls) {
          if (!("schema" in c.check)) continue;
          const declared = Object.keys(c.parameters ?? {}).sort();
          expect([...new Set(paramRefs(c.check.schema))].sort(), c.id).to.deep.equal(declared);
        }
      });

      it("has check schemas that compile in strict mode", () => {
        for (const c of baseline.controls) {
          if (!("schema" in c.check)) continue;
          const schema = c.check.schema;
          const defaults = Object.fromEntries(
            Object.entries(c.parameters ?? {}).map(([name, p]) => [name, p.default]),
          );
          expect(
            () => strict.compile(withDefaults(schema, defaults) as object),
            c.id,
          ).to.not.throw();
        }
      });
    });
  }

  it("uses every registered check", () => {
    const used = baselines.flatMap(({ raw }) =>
      (raw as RawBaseline).controls.map((c) =>
        "function" in c.check ? c.check.function : "fleet" in c.check ? c.check.fleet : "",
      ),
    );
    expect([...Object.keys(MACHINE_CHECKS), ...Object.keys(FLEET_CHECKS)].sort()).to.deep.equal(
      used.filter((u) => u !== "").sort(),
    );
  });
  it("cites exactly the Windows 11 v3.0.0 rules checked against ansible-lockdown/Windows-11-CIS", () => {
    // Numbers found by rule title and registry value (docs/check.md); a control missing here has
    // no rule in v3.0.0 and must not gain an unchecked one.
    const windows11 = /^CIS Microsoft Windows 11 Enterprise Benchmark v3\.0\.0 (\S+) /;
    const cited = Object.fromEntries(
      baselines.flatMap(({ raw }) =>
        (raw as RawBaseline).controls.flatMap((c) => {
          const rules = (c.references.cisBenchmark ?? []).flatMap(
            (ref) => windows11.exec(ref)?.[1] ?? [],
          );
          return rules.length > 0 ? [[c.id, rules]] : [];
        }),
      ),
    );
    expect(cited).to.deep.equal({
      "sec-password-min-length": ["1.1.4"],
      "sec-password-history": ["1.1.1"],
      "sec-password-complexity": ["1.1.5"],
      "sec-account-lockout-threshold": ["1.2.2"],
      "sec-account-lockout-duration": ["1.2.1"],
      "sec-screen-lock": ["2.3.7.4"],
      "sec-guest-account-disabled": ["2.3.1.2"],
      "sec-local-admin-not-shared": ["18.9.25.1"],
      "sec-logon-banner": ["2.3.7.5"],
      "sec-firewall-enabled": ["9.1.1", "9.2.1", "9.3.1"],
      "sec-firewall-default-inbound-block": ["9.1.2", "9.2.2", "9.3.2"],
      "sec-rdp-nla-required": ["18.10.56.3.9.4"],
      "sec-smb-signing-required": ["2.3.8.1", "2.3.9.2"],
      "sec-edr-running": ["18.10.42.17"],
      "sec-edr-realtime-protection": ["18.10.42.10.2"],
      "sec-smbv1-disabled": ["18.4.3", "18.4.4"],
      "sec-autorun-disabled": ["18.10.7.2", "18.10.7.3"],
      "sec-removable-media-restricted": ["18.10.9.3.14"],
      "sec-automatic-updates": ["18.10.92.2.1"],
      "sec-audit-logging": ["17.5.4"],
      "sec-kernel-network-hardened": ["18.5.2", "18.5.3", "18.5.5"],
      "sec-boot-protected": ["18.10.9.2.2"],
    });
  });
});

describe("reference data", () => {
  const lenient = validator(false);

  it("os-lifecycle.yaml matches OsLifecycleSchema, with valid patterns and a source each", () => {
    const raw = readYaml(path.join(DATA_DIR, "os-lifecycle.yaml"));
    const validate = lenient.compile(OsLifecycleSchema);
    expect(validate(raw), JSON.stringify(validate.errors)).to.equal(true);
    for (const r of (raw as OsLifecycleTable).releases) {
      for (const p of [r.name, r.version, r.edition ?? ""])
        expect(() => new RegExp(p, "iu")).to.not.throw();
      expect(r.source, r.name).to.be.a("string");
    }
  });

  it("software-catalog.yaml matches SoftwareCatalogSchema, with valid, unique titles", () => {
    const raw = readYaml(path.join(DATA_DIR, "software-catalog.yaml"));
    const validate = lenient.compile(SoftwareCatalogSchema);
    expect(validate(raw), JSON.stringify(validate.errors)).to.equal(true);
    const titles = (raw as SoftwareCatalog).titles;
    for (const t of titles) expect(() => new RegExp(t.match, "iu")).to.not.throw();
    const names = titles.map((t) => t.title.toLowerCase());
    expect(new Set(names).size).to.equal(names.length);
  });
});
