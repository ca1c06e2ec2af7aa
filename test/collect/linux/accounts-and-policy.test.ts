/** PAM stacks, password policy, lockout, local administrators, guest and empty passwords. */
import { expect } from "chai";
import { known, unknown, type Fact } from "../../../src/collect/fact.js";
import { parseAccounts } from "../../../src/collect/linux/accounts.js";
import { parseLockout } from "../../../src/collect/linux/lockout.js";
import { parsePam } from "../../../src/collect/linux/pam.js";
import { parsePasswordPolicy } from "../../../src/collect/linux/password-policy.js";
import { MISSING, out, section, sshdSettings } from "../../fixtures/linux/transcripts.js";

const values = (facts: Record<string, Fact<unknown>>) =>
  Object.fromEntries(Object.entries(facts).map(([k, f]) => [k, f.known ? f.value : "unknown"]));

const debianPolicy = () =>
  parsePasswordPolicy(parsePam(section("debian12", "pam")), {
    pwquality: section("debian12", "pwquality"),
    pwhistory: section("debian12", "pwhistory"),
    loginDefs: section("debian12", "login-defs"),
  });

describe("PAM stacks", () => {
  it("parses modules, bracketed controls and arguments (Debian sample)", () => {
    const pam = parsePam(section("debian12", "pam"));
    if (!pam.known) throw new Error(pam.reason);
    const unix = pam.value.find((e) => e.type === "password" && e.module === "pam_unix");
    expect(unix?.control).to.equal("[success=1 default=ignore]");
    expect([...(unix?.args.keys() ?? [])]).to.deep.equal(["obscure", "yescrypt"]);
  });

  it("is unknown without a shared stack", () => {
    expect(parsePam(MISSING).known).to.equal(false);
  });
});

describe("password policy", () => {
  it("Debian defaults: pam_unix only", () => {
    expect(values({ ...debianPolicy() })).to.deep.equal({
      minLength: 6,
      history: 0,
      complexity: false,
      maxAgeDays: 0,
    });
  });

  it("RHEL hardened: pwquality.conf.d minlen 14 minclass 4, pwhistory 24, PASS_MAX_DAYS 365", () => {
    const policy = parsePasswordPolicy(parsePam(section("rhel9", "pam")), {
      pwquality: section("rhel9", "pwquality"),
      pwhistory: section("rhel9", "pwhistory"),
      loginDefs: section("rhel9", "login-defs"),
    });
    expect(values({ ...policy })).to.deep.equal({
      minLength: 14,
      history: 24,
      complexity: true,
      maxAgeDays: 365,
    });
  });

  const stack = (password: string) => out(`@file /etc/pam.d/common-password\n${password}\n`);
  const cases: [string, string, string, Record<string, unknown>][] = [
    [
      "module arguments override pwquality.conf",
      "password requisite pam_pwquality.so minlen=16 dcredit=-1 ucredit=-1 lcredit=-1\npassword [success=1 default=ignore] pam_unix.so remember=5",
      "minlen = 10\n",
      { minLength: 16, history: 5, complexity: true },
    ],
    [
      "positive credits shorten the real minimum",
      "password requisite pam_pwquality.so\npassword required pam_unix.so",
      "minlen = 14\ndcredit = 1\nucredit = 1\n",
      { minLength: 12, history: 0, complexity: false },
    ],
    [
      "cracklib's own defaults (minlen 9, credits 1)",
      "password requisite pam_cracklib.so retry=3\npassword required pam_unix.so",
      "",
      { minLength: 6, history: 0, complexity: false },
    ],
    [
      "pam_unix minlen raises the floor",
      "password requisite pam_pwquality.so\npassword required pam_unix.so minlen=10",
      "",
      { minLength: 10, history: 0, complexity: false },
    ],
    [
      "pwhistory default remember",
      "password required pam_pwhistory.so\npassword required pam_unix.so",
      "",
      { minLength: 6, history: 10, complexity: false },
    ],
  ];
  for (const [what, password, pwquality, expected] of cases) {
    it(what, () => {
      const policy = parsePasswordPolicy(parsePam(stack(password)), {
        pwquality: out(pwquality),
        pwhistory: out(""),
        loginDefs: out("PASS_MAX_DAYS 90\n"),
      });
      expect(values({ ...policy })).to.deep.include({ ...expected, maxAgeDays: 90 });
    });
  }

  it("is unknown without PAM, and without login.defs for the age", () => {
    const policy = parsePasswordPolicy(parsePam(MISSING), {
      pwquality: MISSING,
      pwhistory: MISSING,
      loginDefs: MISSING,
    });
    expect(values({ ...policy })).to.deep.equal({
      minLength: "unknown",
      history: "unknown",
      complexity: "unknown",
      maxAgeDays: "unknown",
    });
  });
});

describe("lockout", () => {
  it("Debian default: no faillock, never locks", () => {
    expect(
      values({
        ...parseLockout(parsePam(section("debian12", "pam")), section("debian12", "faillock")),
      }),
    ).to.deep.equal({ threshold: 0, durationMinutes: 0 });
  });

  it("RHEL with-faillock: faillock.conf deny 5, unlock_time 900", () => {
    expect(
      values({ ...parseLockout(parsePam(section("rhel9", "pam")), section("rhel9", "faillock")) }),
    ).to.deep.equal({ threshold: 5, durationMinutes: 15 });
  });

  const auth = (line: string) =>
    out(`@file /etc/pam.d/common-auth\n${line}\nauth required pam_unix.so\n`);
  const cases: [string, string, string, Record<string, unknown>][] = [
    [
      "faillock defaults",
      "auth required pam_faillock.so preauth",
      "",
      { threshold: 3, durationMinutes: 10 },
    ],
    [
      "arguments override the config",
      "auth required pam_faillock.so preauth deny=4 unlock_time=1800",
      "deny = 10\n",
      { threshold: 4, durationMinutes: 30 },
    ],
    [
      "unlock_time never",
      "auth required pam_faillock.so preauth",
      "unlock_time = never\n",
      { threshold: 3, durationMinutes: 0 },
    ],
    [
      "pam_tally2",
      "auth required pam_tally2.so deny=6 unlock_time=600",
      "",
      { threshold: 6, durationMinutes: 10 },
    ],
    [
      "a garbled deny",
      "auth required pam_faillock.so deny=five",
      "",
      { threshold: "unknown", durationMinutes: 10 },
    ],
  ];
  for (const [what, line, conf, expected] of cases) {
    it(what, () => {
      expect(values({ ...parseLockout(parsePam(auth(line)), out(conf)) })).to.deep.equal(expected);
    });
  }
});

describe("accounts", () => {
  const sshd = sshdSettings;
  const now = 1795140000;

  it("RHEL sample: root locked with PermitRootLogin no is disabled; wheel member enabled", () => {
    const facts = parseAccounts({
      passwd: section("rhel9", "passwd"),
      adminGroups: section("rhel9", "admin-groups"),
      shadow: section("rhel9", "shadow"),
      lightdm: section("rhel9", "lightdm"),
      sshd: sshd("no"),
      hostNow: now,
    });
    expect(facts.localAdmins).to.deep.equal(
      known([
        { name: "root", enabled: known(false) },
        { name: "jdoe", enabled: known(true) },
      ]),
    );
    expect(facts.uid0).to.deep.equal(known(["root"]));
    expect(facts.emptyPasswords).to.deep.equal(known([]));
    expect(facts.guestEnabled).to.deep.equal(known(false));
  });

  it("Debian sample: a locked root that sshd lets in with a key is unknown, not disabled", () => {
    const facts = parseAccounts({
      passwd: section("debian12", "passwd"),
      adminGroups: section("debian12", "admin-groups"),
      shadow: section("debian12", "shadow"),
      lightdm: section("debian12", "lightdm"),
      sshd: sshd("prohibit-password"),
      hostNow: now,
    });
    const admins = facts.localAdmins.known ? facts.localAdmins.value : [];
    expect(admins.map((a) => a.name)).to.deep.equal(["root"]);
    expect(admins[0]?.enabled.known).to.equal(false);
  });

  const passwd =
    "root:0:0:/bin/bash\ntoor:0:0:/bin/sh\nops:1001:27:/bin/bash\nguest:1002:1002:/bin/bash\nkiosk:1003:1003:/usr/sbin/nologin\nold:1004:1004:/bin/bash\n";
  const groups = "sudo:27:alice\n";
  const shadow = `root:set:\ntoor:empty:\nops:locked:\nguest:set:\nkiosk:set:\nold:set:${Math.floor(now / 86_400) - 1}\n`;

  it("finds uid 0 twins, primary-group admins, empty passwords, an enabled guest and expired accounts", () => {
    const facts = parseAccounts({
      passwd: out(passwd),
      adminGroups: out(groups),
      shadow: out(shadow),
      lightdm: MISSING,
      sshd: sshd("no"),
      hostNow: now,
    });
    const admins = facts.localAdmins.known ? facts.localAdmins.value : [];
    expect(
      admins.map((a) => [a.name, a.enabled.known ? a.enabled.value : "unknown"]),
    ).to.deep.equal([
      ["root", true],
      ["toor", true],
      ["ops", "unknown"],
    ]);
    expect(facts.uid0).to.deep.equal(known(["root", "toor"]));
    expect(facts.emptyPasswords).to.deep.equal(known(["toor"]));
    expect(facts.guestEnabled).to.deep.equal(known(true));
  });

  it("without /etc/shadow: enabled and empty passwords are unknown, never false", () => {
    const facts = parseAccounts({
      passwd: out(passwd),
      adminGroups: out(groups),
      shadow: out("", 126, "needs root: rerun with --sudo"),
      lightdm: MISSING,
      sshd: unknown("needs root"),
      hostNow: now,
    });
    const admins = facts.localAdmins.known ? facts.localAdmins.value : [];
    expect(admins.every((a) => !a.enabled.known)).to.equal(true);
    expect(facts.emptyPasswords.known).to.equal(false);
    expect(facts.guestEnabled.known).to.equal(false);
  });

  it("LightDM guest sessions count as an enabled guest", () => {
    const facts = parseAccounts({
      passwd: out("root:0:0:/bin/bash\n"),
      adminGroups: out(""),
      shadow: out("root:locked:\n"),
      lightdm: out("allow-guest=true\n"),
      sshd: sshd("no"),
      hostNow: now,
    });
    expect(facts.guestEnabled).to.deep.equal(known(true));
  });
});
