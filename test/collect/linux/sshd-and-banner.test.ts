/** Effective sshd settings and the logon banner. */
import { expect } from "chai";
import { isLegalNotice, parseLogonBanner } from "../../../src/collect/linux/banner.js";
import { parseSshd } from "../../../src/collect/linux/sshd.js";
import { MISSING, out, section } from "../../fixtures/linux/transcripts.js";

describe("sshd -T", () => {
  it("reads the Debian sample (default config, deprecated alias normalised)", () => {
    const fact = parseSshd(section("debian12", "sshd"));
    expect(fact.known && fact.value).to.deep.include({
      configFile: "default",
      permitRootLogin: "prohibit-password",
      passwordAuthentication: true,
      maxAuthTries: 6,
      banner: undefined,
    });
  });

  it("reads the RHEL sample", () => {
    const fact = parseSshd(section("rhel9", "sshd"));
    expect(fact.known && fact.value).to.deep.equal({
      configFile: "default",
      commandLineOptions: [],
      permitRootLogin: "no",
      passwordAuthentication: false,
      kbdInteractiveAuthentication: false,
      maxAuthTries: undefined, // the sample's sshd -T section is abbreviated
      banner: "/etc/issue.net",
    });
  });

  for (const [value, expected] of [
    ["4", 4],
    ["0", 0],
    ["-1", undefined],
    ["four", undefined],
  ] as const)
    it(`reads MaxAuthTries ${value} as ${String(expected)}`, () => {
      const fact = parseSshd(
        out(`permitrootlogin no\npasswordauthentication no\nmaxauthtries ${value}\n`),
      );
      expect(fact.known && fact.value.maxAuthTries).to.equal(expected);
    });

  it("names the config of the sshd that served the connection", () => {
    const fact = parseSshd(
      out("config=/etc/ssh/alt_config\npermitrootlogin yes\npasswordauthentication yes\n"),
    );
    expect(fact.known && fact.value.configFile).to.equal("/etc/ssh/alt_config");
  });

  it("lists the -o overrides of that sshd's command line", () => {
    const fact = parseSshd(
      out(
        "config=default\noption=PasswordAuthentication=yes\noption=AllowUsers=a*\npermitrootlogin no\npasswordauthentication yes\n",
      ),
    );
    expect(fact.known && fact.value).to.deep.include({
      commandLineOptions: ["PasswordAuthentication=yes", "AllowUsers=a*"],
      passwordAuthentication: true,
    });
  });

  const unknowns: [string, Parameters<typeof parseSshd>[0], RegExp][] = [
    ["without root", out("config=default\n", 126, "needs root: rerun with --sudo"), /--sudo/],
    [
      "when the host keys are unreadable",
      out("config=default\n", 1, "sshd: no hostkeys available -- exiting."),
      /needs root to read the host keys/,
    ],
    ["without sshd", MISSING, /not available/],
    ["with garbage", out("hello\n"), /no PermitRootLogin/],
  ];
  for (const [what, output, reason] of unknowns) {
    it(`is unknown ${what}`, () => {
      const fact = parseSshd(output);
      expect(fact.known === false && fact.reason).to.match(reason);
    });
  }
});

describe("logon banner", () => {
  const notices: [string, boolean][] = [
    ["Debian GNU/Linux 12 \\n \\l\n", false],
    ["Ubuntu 24.04.1 LTS \\n \\l\n\n", false],
    ["\\S\nKernel \\r on an \\m\n", false],
    ["Rocky Linux 9.4 (Blue Onyx)\n", false],
    ["", false],
    ["Authorized use only. Activity is monitored.\n", true],
    ["WARNING: Town of Millbrook property\n", true],
  ];
  for (const [text, expected] of notices) {
    it(`${JSON.stringify(text)} ${expected ? "is" : "is not"} a notice`, () => {
      expect(isLegalNotice(text)).to.equal(expected);
    });
  }

  it("needs a notice on the console and through sshd (RHEL sample has both)", () => {
    expect(
      parseLogonBanner(section("rhel9", "issue"), section("rhel9", "sshd-banner"), true),
    ).to.deep.equal({ known: true, value: true });
  });

  it("is false with the distribution's own /etc/issue (Debian sample)", () => {
    expect(
      parseLogonBanner(section("debian12", "issue"), section("debian12", "sshd-banner"), true),
    ).to.deep.equal({ known: true, value: false });
  });

  it("is false when sshd shows no banner, and unknown when sshd cannot be read", () => {
    const issue = out("Authorized use only. Activity is monitored.\n");
    expect(parseLogonBanner(issue, out("banner=none\n"), true)).to.deep.equal({
      known: true,
      value: false,
    });
    expect(
      parseLogonBanner(issue, out("", 126, "needs root: rerun with --sudo"), true).known,
    ).to.equal(false);
    expect(parseLogonBanner(issue, MISSING, false)).to.deep.equal({ known: true, value: true });
  });
});
