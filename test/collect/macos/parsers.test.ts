/**
 * The macOS parsers over the transcript assembled from public sources
 * (test/fixtures/macos/ORIGIN.md names the source of each format), variations, and output they do
 * not know, which must give unknown rather than a guess.
 */
import { expect } from "chai";
import type { Fact } from "../../../src/collect/fact.js";
import {
  parseAccountPolicy,
  parseAdminAccounts,
  parseAdminGroup,
  parseAppFirewall,
  parseApplications,
  parseAuditLogging,
  parseAutomaticUpdates,
  parseDsclUsers,
  parseFileVault,
  parseGatekeeper,
  parseGuest,
  parseIfconfig,
  parseInstallHistory,
  parseMacSysctl,
  parseMacTimeSync,
  parseMediaProfile,
  parsePolicyBanner,
  parseRecommendedUpdates,
  parseRootAccount,
  parseScreenLock,
  parseSip,
  parseSpHardware,
  parseSwVers,
  uid0Accounts,
} from "../../../src/collect/macos/parsers.js";
import type { SshdSettings } from "../../../src/collect/linux/sshd.js";
import { unknown } from "../../../src/collect/fact.js";
import { MISSING, out, sshdSettings } from "../../fixtures/linux/transcripts.js";
import { macSection, rootAccountForm } from "../../fixtures/macos/transcripts.js";

function value<T>(fact: Fact<T>): T {
  if (!fact.known) throw new Error(`unknown: ${fact.reason}`);
  return fact.value;
}

function reason(fact: Fact<unknown>): string {
  if (fact.known) throw new Error(`known: ${JSON.stringify(fact.value)}`);
  return fact.reason;
}

describe("macOS parsers", () => {
  describe("sw_vers", () => {
    it("reads name, version and build from the transcript", () => {
      expect(value(parseSwVers(macSection("sw-vers")))).to.deep.equal({
        name: "macOS",
        version: "14.4.1",
        build: "23E224",
      });
    });
    it("reads the older Mac OS X layout of the man page", () => {
      const text = "ProductName:    Mac OS X\nProductVersion: 10.13.1\nBuildVersion:   17B48\n";
      expect(value(parseSwVers(out(text))).name).to.equal("Mac OS X");
    });
    for (const [label, output] of [
      ["missing tool", MISSING],
      ["garbage", out("hello\n")],
      ["no build", out("ProductName: macOS\nProductVersion: 14.4\n")],
      [
        "a version that is not one",
        out("ProductName: macOS\nProductVersion: soon\nBuildVersion: 1\n"),
      ],
    ] as const) {
      it(`${label} → unknown`, () => {
        expect(reason(parseSwVers(output))).to.be.a("string");
      });
    }
  });

  describe("system_profiler SPHardwareDataType", () => {
    it("reads model (name and identifier) and serial number", () => {
      const hw = parseSpHardware(macSection("hardware"));
      expect(value(hw.model)).to.equal("iMac (iMac21,1)");
      expect(value(hw.serialNumber)).to.equal("C02FK0AAQ6L4");
    });
    it("an identifier alone is the model; no serial line is unknown", () => {
      const hw = parseSpHardware(out("      Model Identifier: Macmini9,1\n"));
      expect(value(hw.model)).to.equal("Macmini9,1");
      expect(reason(hw.serialNumber)).to.match(/Serial Number/);
    });
    it("garbage → unknown", () => {
      const hw = parseSpHardware(out("nothing to see\n"));
      expect(hw.model.known).to.equal(false);
      expect(hw.serialNumber.known).to.equal(false);
    });
  });

  describe("sysctl", () => {
    it("reads the CPU and rounds memory up to GiB", () => {
      const p = parseMacSysctl(macSection("sysctl"));
      expect(value(p.cpu)).to.equal("Apple M1");
      expect(value(p.memoryGiB)).to.equal(16);
    });
    it("empty values (as on Linux, which has neither key) → unknown", () => {
      const p = parseMacSysctl(out("cpu=\nmemsize=\n"));
      expect(p.cpu.known).to.equal(false);
      expect(p.memoryGiB.known).to.equal(false);
    });
  });

  describe("ifconfig", () => {
    it("an en port with an IPv4 and a global IPv6 address counts; link-local and virtual do not", () => {
      const text = [
        "en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500",
        "\tether 64:76:BA:AE:A3:02 ",
        "\tinet6 fe80::6676:baff:feae:a302%en0 prefixlen 64 scopeid 0x4 ",
        "\tinet 172.30.7.47 netmask 0xffff0000 broadcast 172.30.255.255",
        "\tinet6 2001:db8::5 prefixlen 64 autoconf secured",
        "bridge0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500",
        "\tether 66:76:ba:ea:38:00 ",
        "\tinet 192.168.2.1 netmask 0xffffff00 broadcast 192.168.2.255",
        "",
      ].join("\n");
      const network = parseIfconfig(out(text));
      expect(value(network.macAddresses)).to.deep.equal(["64:76:ba:ae:a3:02"]);
      expect(value(network.ipAddresses)).to.deep.equal(["172.30.7.47", "2001:db8::5"]);
    });
    it("no en interface with an address (Linux's eth0, garbage, a missing tool) → unknown", () => {
      const linux =
        "eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet 10.0.0.5  netmask 255.255.255.0\n";
      expect(parseIfconfig(out(linux)).ipAddresses.known).to.equal(false);
      expect(parseIfconfig(out("garbage\n")).macAddresses.known).to.equal(false);
      expect(parseIfconfig(MISSING).ipAddresses.known).to.equal(false);
    });
  });

  describe("fdesetup status", () => {
    for (const [text, status] of [
      ["FileVault is On.\n", "encrypted"],
      ["FileVault is Off.\n", "none"],
      ["Encryption in progress: Percent completed = 42.1\n", "partial"],
      ["Decryption in progress: Percent completed = 10.0\n", "partial"],
    ] as const) {
      it(`"${text.trim()}" → ${status}`, () => {
        expect(value(parseFileVault(out(text)))).to.equal(status);
      });
    }
    it("the transcript's Mac has FileVault off", () => {
      expect(value(parseFileVault(macSection("filevault")))).to.equal("none");
    });
    it("anything else → unknown, quoting it", () => {
      expect(reason(parseFileVault(out("FileVault is maybe.\n")))).to.match(/not understood/);
      expect(reason(parseFileVault(MISSING))).to.match(/not available/);
    });
  });

  describe("socketfilterfw", () => {
    for (const [text, enabled, blockAll] of [
      ["Firewall is disabled. (State = 0)\n", false, false],
      ["Firewall is enabled. (State = 1)\n", true, false],
      ["Firewall is blocking all non-essential incoming connections. (State = 2)\n", true, true],
    ] as const) {
      it(`${text.trim()} → enabled ${enabled}`, () => {
        const fw = parseAppFirewall(out(text));
        expect(value(fw.enabled)).to.equal(enabled);
        expect(value(fw.blockAll)).to.equal(blockAll);
      });
    }
    it("reads stealth mode from the transcript", () => {
      expect(value(parseAppFirewall(macSection("firewall")).stealthMode)).to.equal(true);
    });
    it("no state → unknown", () => {
      const fw = parseAppFirewall(out("Firewall is fine\n"));
      expect(fw.enabled.known).to.equal(false);
      expect(fw.stealthMode.known).to.equal(false);
    });
  });

  describe("spctl and csrutil", () => {
    it("Gatekeeper on, off, garbage", () => {
      expect(value(parseGatekeeper(macSection("gatekeeper")))).to.equal(true);
      expect(value(parseGatekeeper(out("assessments disabled\n", 1)))).to.equal(false);
      expect(parseGatekeeper(out("who knows\n")).known).to.equal(false);
      expect(parseGatekeeper(MISSING).known).to.equal(false);
    });
    it("SIP enabled, disabled; a custom configuration is not plainly on", () => {
      expect(value(parseSip(macSection("sip")))).to.equal(true);
      expect(value(parseSip(out("System Integrity Protection status: disabled.\n")))).to.equal(
        false,
      );
      expect(
        parseSip(out("System Integrity Protection status: enabled (Custom Configuration).\n"))
          .known,
      ).to.equal(false);
    });
  });

  describe("software update preferences", () => {
    const prefs = (a: string, b: string, c: string, d: string) =>
      out(
        `AutomaticCheckEnabled=${a}\nAutomaticDownload=${b}\nAutomaticallyInstallMacOSUpdates=${c}\nCriticalUpdateInstall=${d}\n`,
      );
    it("all four on → true (the transcript)", () => {
      expect(value(parseAutomaticUpdates(macSection("software-update")))).to.equal(true);
    });
    it("any one 0 → false, even with others unset", () => {
      expect(value(parseAutomaticUpdates(prefs("1", "absent", "0", "1")))).to.equal(false);
    });
    it("one unset and none 0 → unknown, naming the key", () => {
      expect(reason(parseAutomaticUpdates(prefs("1", "1", "absent", "1")))).to.match(
        /AutomaticallyInstallMacOSUpdates is not set/,
      );
    });
    it("a value that is not 1 or 0 → unknown", () => {
      expect(parseAutomaticUpdates(prefs("1", "1", "1", "yes")).known).to.equal(false);
    });
  });

  describe("guest account", () => {
    it("GuestEnabled 0 → false, 1 → true, unset → unknown", () => {
      expect(value(parseGuest(macSection("guest")))).to.equal(false);
      expect(value(parseGuest(out("GuestEnabled=1\n")))).to.equal(true);
      expect(parseGuest(out("GuestEnabled=absent\n")).known).to.equal(false);
    });
  });

  describe("systemsetup network time", () => {
    it("on, with its server", () => {
      expect(value(parseMacTimeSync(macSection("time-sync")))).to.deep.equal({
        enabled: true,
        source: "time.apple.com",
      });
    });
    it("off", () => {
      expect(value(parseMacTimeSync(out("Network Time: Off\n")))).to.deep.equal({ enabled: false });
    });
    it("without root → unknown with the hint", () => {
      expect(reason(parseMacTimeSync(out("", 126, "needs root: rerun with --sudo")))).to.match(
        /--sudo/,
      );
    });
    it("garbage → unknown", () => {
      expect(parseMacTimeSync(out("You need administrator access\n")).known).to.equal(false);
    });
  });

  describe("dscl", () => {
    it("uid-0 accounts from the user list", () => {
      expect(value(uid0Accounts(parseDsclUsers(macSection("users"))))).to.deep.equal(["root"]);
    });
    it("a second uid-0 account is listed", () => {
      const users = parseDsclUsers(out("root 0\ntoor 0\nalice 501\n"));
      expect(value(uid0Accounts(users))).to.deep.equal(["root", "toor"]);
    });
    it("a line that is not `name uid` → unknown", () => {
      expect(parseDsclUsers(out("root 0\nNo such key: UniqueID\n")).known).to.equal(false);
    });
    it("admin group members", () => {
      expect(value(parseAdminGroup(macSection("admins")))).to.deep.equal(["root", "libadmin"]);
      expect(value(parseAdminGroup(out("GroupMembership:\n")))).to.deep.equal([]);
      expect(parseAdminGroup(out("No such key: GroupMembership\n")).known).to.equal(false);
    });
  });

  describe("admin account state", () => {
    it("DisabledUser → disabled, an AuthenticationAuthority without it → enabled, none → unknown", () => {
      const states = parseAdminAccounts(
        out(
          [
            "user=alice",
            "AuthenticationAuthority: ;ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2> ;DisabledUser;",
            "user=bob",
            "AuthenticationAuthority: ;ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2>",
            "user=carol",
            "needs root: rerun with --sudo",
            "rc=126",
            "",
          ].join("\n"),
        ),
      );
      expect(value(states.get("alice")!)).to.equal(false);
      expect(value(states.get("bob")!)).to.equal(true);
      expect(reason(states.get("carol")!)).to.match(/--sudo/);
    });
    it("the transcript: libadmin is enabled; root is left to the root-account probe", () => {
      const states = parseAdminAccounts(macSection("admin-accounts"));
      expect([...states.keys()]).to.deep.equal(["libadmin"]);
      expect(value(states.get("libadmin")!)).to.equal(true);
    });
    it("a dscl stopped by the time limit says so", () => {
      const states = parseAdminAccounts(out("user=dave\ntimed out after 30 s\nrc=124\n"));
      expect(reason(states.get("dave")!)).to.equal("dscl timed out after 30 s");
    });
  });

  describe("root account", () => {
    const sshd = sshdSettings;
    const sshdUnread = unknown("sshd -T needs root to read the host keys: rerun with --sudo");
    // [form in root-account-forms.txt, sshd, enabled or the reason it is unknown]
    const cases: [string, Fact<SshdSettings>, boolean | RegExp][] = [
      ["as-shipped", sshd("no"), false],
      [
        "as-shipped",
        sshd("prohibit-password"),
        /^root's password is disabled, but sshd PermitRootLogin prohibit-password lets an authorised key in$/,
      ],
      ["as-shipped", sshdUnread, /^root's password is disabled; sshd -T needs root/],
      ["dsenableroot", sshd("no"), true],
      ["dsenableroot", sshd("yes"), true],
      ["shell-false", sshd("yes"), false],
      ["disabled-user", sshd("yes"), false],
      [
        "without-sudo",
        sshd("no"),
        /^dscl AuthenticationAuthority of root: needs root: rerun with --sudo$/,
      ],
      ["timed-out", sshd("no"), /^dscl AuthenticationAuthority of root: timed out after 30 s$/],
    ];
    for (const [form, settings, expected] of cases) {
      const sshdLabel = settings.known
        ? `PermitRootLogin ${settings.value.permitRootLogin}`
        : "sshd unread";
      it(`${form}, ${sshdLabel} → ${String(expected)}`, () => {
        const fact = parseRootAccount(rootAccountForm(form), settings);
        if (typeof expected === "boolean") expect(value(fact)).to.equal(expected);
        else expect(reason(fact)).to.match(expected);
      });
    }
    it("the transcript: root as shipped, and sshd refuses root → disabled", () => {
      expect(value(parseRootAccount(macSection("root-account"), sshd("no")))).to.equal(false);
    });
    for (const [label, output, expected] of [
      ["missing tool", MISSING, /^dscl is not available on the host$/],
      [
        "a directory error",
        out("<dscl_cmd> DS Error: -14136 (eDSRecordNotFound)\n"),
        /^dscl \. -read \/Users\/root printed something not understood/,
      ],
      [
        "a key not printed",
        out("Password: *\nUserShell: /bin/sh\n"),
        /no AuthenticationAuthority for root/,
      ],
      [
        "an empty Password",
        out("Password: \nUserShell: /bin/sh\nNo such key: AuthenticationAuthority\n"),
        /a Password other than \*/,
      ],
    ] as const) {
      it(`${label} → unknown`, () => {
        expect(reason(parseRootAccount(output, sshd("no")))).to.match(expected);
      });
    }
  });

  describe("policy banner", () => {
    it("a PolicyBanner file → true; none → false; no /Library/Security → unknown", () => {
      expect(value(parsePolicyBanner(macSection("policy-banner")))).to.equal(true);
      expect(value(parsePolicyBanner(out("folder=present\n")))).to.equal(false);
      expect(parsePolicyBanner(out("folder=absent\n")).known).to.equal(false);
    });
  });

  describe("applications", () => {
    it("name and version per bundle; the file name stands in for a missing name", () => {
      const apps = value(parseApplications(macSection("applications")));
      expect(apps).to.deep.include({ name: "Firefox", version: "125.0.3" });
      expect(apps).to.deep.include({ name: "Zoom", version: "5.17.11" });
      expect(apps).to.have.length(5);
    });
    it("a line that is not a bundle → unknown; no /Applications → unknown", () => {
      expect(parseApplications(out("garbage\n")).known).to.equal(false);
      expect(parseApplications(out("", 3, "no /Applications folder")).known).to.equal(false);
    });
  });

  describe("password and lockout policy", () => {
    const pwpolicy = macSection("password-policy");
    const profile = macSection("password-profile");
    const facts = (p = pwpolicy, q = profile) => {
      const { password, lockout } = parseAccountPolicy(p, q);
      return {
        minLength: value(password.minLength),
        history: value(password.history),
        complexity: value(password.complexity),
        maxAgeDays: value(password.maxAgeDays),
        threshold: value(lockout.threshold),
        durationMinutes: value(lockout.durationMinutes),
      };
    };
    const pwSymbol = out(
      pwpolicy.stdout.replace(
        "</array>\n</dict>\n</plist>",
        "\t<dict>\n\t\t\t<key>policyContent</key>\n\t\t\t<string>policyAttributePassword matches '(.*[^a-zA-Z0-9].*){1,}+'</string>\n\t\t</dict>\n\t</array>\n</dict>\n</plist>",
      ),
    );
    const empty = out(
      'Getting global account policies\n<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict/>\n</plist>\n',
    );
    const cases = [
      [
        "a Passcode profile as pwpolicy shows it: letters and digits, no symbol",
        pwpolicy,
        {
          minLength: 14,
          history: 24,
          complexity: false,
          maxAgeDays: 365,
          threshold: 5,
          durationMinutes: 15,
        },
      ],
      [
        "a symbol required too: complex",
        pwSymbol,
        {
          minLength: 14,
          history: 24,
          complexity: true,
          maxAgeDays: 365,
          threshold: 5,
          durationMinutes: 15,
        },
      ],
      [
        "no account policies: nothing required, nothing locks",
        empty,
        {
          minLength: 0,
          history: 0,
          complexity: false,
          maxAgeDays: 0,
          threshold: 0,
          durationMinutes: 0,
        },
      ],
      [
        "lockout without autoEnableInSeconds: stays locked (0, as on Linux)",
        out(
          pwpolicy.stdout.replace(/<key>autoEnableInSeconds<\/key>\s*<integer>900<\/integer>/, ""),
        ),
        {
          minLength: 14,
          history: 24,
          complexity: false,
          maxAgeDays: 365,
          threshold: 5,
          durationMinutes: 0,
        },
      ],
    ] as const;
    for (const [label, output, expected] of cases)
      it(label, () => {
        expect(facts(output)).to.deep.equal(expected);
      });

    it("pwpolicy unreadable: the Passcode profile's payload answers for the keys it sets", () => {
      const timedOut = out("", 124, "timed out after 30 s");
      expect(facts(timedOut)).to.deep.equal({
        minLength: 14,
        history: 24,
        // requireAlphanumeric without minComplexChars
        complexity: false,
        maxAgeDays: 365,
        threshold: 5,
        durationMinutes: 15,
      });
    });

    for (const [label, output] of [
      ["pwpolicy missing", MISSING],
      ["a directory node error", out("Error: Operation is not supported by the directory node.\n")],
      ["a cut-off plist", out(pwpolicy.stdout.slice(0, 400))],
      [
        "a category that is no array",
        out(
          empty.stdout.replace(
            "<dict/>",
            "<dict><key>policyCategoryPasswordContent</key><string>x</string></dict>",
          ),
        ),
      ],
    ] as const)
      it(`${label} and no profile → unknown, naming why`, () => {
        const { password, lockout } = parseAccountPolicy(output, out("absent\n"));
        const facts: Fact<unknown>[] = [
          password.minLength,
          password.history,
          password.complexity,
          password.maxAgeDays,
          lockout.threshold,
          lockout.durationMinutes,
        ];
        for (const fact of facts) expect(reason(fact)).to.match(/pwpolicy|policies|plist/);
      });
  });

  describe("screen lock", () => {
    const profile = macSection("screen-lock");
    const without = (key: string) =>
      out(
        profile.stdout.replace(new RegExp(`\\s*<key>${key}</key>\\s*<[^>]+>(\\d+</integer>)?`), ""),
      );
    it("idleTime plus askForPasswordDelay when a profile asks for the password", () => {
      expect(value(parseScreenLock(profile))).to.equal(600);
      expect(
        value(
          parseScreenLock(
            out(profile.stdout.replace("<integer>0</integer>", "<integer>5</integer>")),
          ),
        ),
      ).to.equal(605);
    });
    it("askForPassword false or idleTime 0 → 0 (no lock)", () => {
      expect(value(parseScreenLock(out(profile.stdout.replace("<true/>", "<false/>"))))).to.equal(
        0,
      );
      expect(
        value(
          parseScreenLock(
            out(profile.stdout.replace("<integer>600</integer>", "<integer>0</integer>")),
          ),
        ),
      ).to.equal(0);
    });
    for (const [label, output, expected] of [
      ["no profile", out("absent\n"), /each user's own setting/],
      ["no idleTime", without("idleTime"), /no idleTime/],
      ["no askForPassword", without("askForPassword"), /no askForPassword;/],
      ["no askForPasswordDelay", without("askForPasswordDelay"), /no askForPasswordDelay/],
      ["plutil missing (not a Mac)", MISSING, /plutil is not available/],
      ["not a plist", out("garbage\n"), /could not be read/],
    ] as const)
      it(`${label} → unknown`, () => {
        expect(reason(parseScreenLock(output))).to.match(expected);
      });
  });

  describe("audit logging", () => {
    const on = "control=present\nloaded=yes\nflags:lo,aa,ad,fd,fm,-all\nAUC_AUDITING\n";
    for (const [label, stdout, expected] of [
      ["no audit_control (macOS 14 and later as shipped)", "control=absent\n", false],
      ["auditd not loaded", "control=present\nloaded=no\n", false],
      ["auditing with lo, aa and ad", on, true],
      ["auditing without ad", on.replace("aa,ad,", "aa,"), false],
      ["audit -c says no auditing", on.replace("AUC_AUDITING", "AUC_NOAUDIT\nrc=1"), false],
    ] as const)
      it(`${label} → ${expected}`, () => {
        expect(value(parseAuditLogging(out(stdout)))).to.equal(expected);
      });
    for (const [label, output, expected] of [
      ["launchctl missing (not a Mac)", MISSING, /launchctl is not available/],
      [
        "without root",
        out("control=present\nloaded=yes\nneeds root: rerun with --sudo\nrc=126\n"),
        /needs root/,
      ],
      [
        "launchctl timed out",
        out("control=present\ntimed out after 30 s\n"),
        /auditd's state: timed out after 30 s/,
      ],
      [
        "audit -c unreadable",
        out("control=present\nloaded=yes\nflags:lo,aa,ad\nwhat\n"),
        /not understood/,
      ],
    ] as const)
      it(`${label} → unknown`, () => {
        expect(reason(parseAuditLogging(output))).to.match(expected);
      });
  });

  describe("install history", () => {
    it("the latest macOS update Software Update installed, not data or app installs", () => {
      expect(value(parseInstallHistory(macSection("install-history")))).to.deep.equal({
        name: "macOS Sonoma 14.4.1",
        date: "2024-03-27",
      });
    });
    it("no macOS update in it, plutil missing, or no plist → unknown", () => {
      const noOs = macSection("install-history").stdout.replace(/macOS Sonoma/g, "Safari");
      expect(reason(parseInstallHistory(out(noOs)))).to.match(/no macOS update/);
      expect(reason(parseInstallHistory(MISSING))).to.match(/plutil is not available/);
      expect(
        reason(parseInstallHistory(out("", 3, "no /Library/Receipts/InstallHistory.plist"))),
      ).to.match(/plutil/);
      expect(reason(parseInstallHistory(out("<plist><dict>")))).to.match(/could not be read/);
    });
  });

  describe("recommended updates (the last background check's cache)", () => {
    it("the names it lists; an absent key is an empty list", () => {
      const cached = out(
        '<plist version="1.0"><array><dict><key>Display Name</key><string>macOS Sonoma 14.7.1</string><key>Identifier</key><string>MSU_UPDATE_23H222_patch_14.7.1</string></dict></array></plist>\n',
      );
      expect(value(parseRecommendedUpdates(cached))).to.deep.equal(["macOS Sonoma 14.7.1"]);
      expect(value(parseRecommendedUpdates(macSection("recommended-updates")))).to.deep.equal([]);
      expect(
        parseRecommendedUpdates(out("<plist><array><integer>1</integer></array></plist>")).known,
      ).to.equal(false);
    });
  });

  describe("removable media (Media Management profile)", () => {
    const profile = (actions: string) =>
      out(
        `<plist version="1.0"><dict><key>mount-controls</key><dict><key>harddisk-external</key><array>${actions}</array></dict></dict></plist>\n`,
      );
    for (const [actions, expected] of [
      ["<string>deny</string><string>eject</string>", "blocked"],
      ["<string>read-only</string>", "read-only"],
      ["<string>authenticate</string>", "allowed"],
      ["", "allowed"],
    ] as const)
      it(`harddisk-external [${actions.replace(/<\/?string>/g, " ").trim()}] → ${expected}`, () => {
        expect(value(parseMediaProfile(profile(actions)))).to.deep.equal({
          externalDisks: expected,
        });
      });
    for (const [label, output, expected] of [
      ["no profile", macSection("removable-media"), /no Media Management profile/],
      ["a profile without mount-controls", out("<plist><dict/></plist>"), /no mount-controls/],
      [
        "an action it does not know",
        profile("<string>encrypt</string>"),
        /"encrypt", not understood/,
      ],
    ] as const)
      it(`${label} → unknown`, () => {
        expect(reason(parseMediaProfile(output))).to.match(expected);
      });
  });
});
