/** Legacy plaintext services and the permissions of the account files, from their probes. */
import { expect } from "chai";
import { parseAccountFiles } from "../../../src/collect/linux/account-files.js";
import { legacyServices, parseListening } from "../../../src/collect/linux/legacy-services.js";
import { known, unknown } from "../../../src/collect/fact.js";
import { MISSING, out } from "../../fixtures/linux/transcripts.js";

describe("account files", () => {
  it("reads Debian's modes (stat prints no leading zero)", () => {
    const fact = parseAccountFiles(
      out("/etc/passwd 644 root root\n/etc/shadow 640 root shadow\n/etc/sudoers 440 root root\n"),
    );
    expect(fact).to.deep.equal(
      known({
        passwd: { mode: "0644", owner: "root", group: "root" },
        shadow: { mode: "0640", owner: "root", group: "shadow" },
        sudoers: { mode: "0440", owner: "root", group: "root" },
      }),
    );
  });

  it("reads RHEL's shadow mode 0 and a host without sudo", () => {
    const fact = parseAccountFiles(
      out("/etc/passwd 644 root root\n/etc/shadow 0 root root\n/etc/sudoers absent\n"),
    );
    expect(fact.known && fact.value).to.deep.include({
      shadow: { mode: "0000", owner: "root", group: "root" },
      sudoers: "absent",
    });
  });

  it("keeps setuid, setgid and sticky bits as the fourth digit", () => {
    const fact = parseAccountFiles(
      out("/etc/passwd 4755 root root\n/etc/shadow 640 root shadow\n/etc/sudoers 440 root root\n"),
    );
    expect(fact.known && fact.value.passwd).to.deep.equal({
      mode: "4755",
      owner: "root",
      group: "root",
    });
  });

  for (const [what, output, reason] of [
    ["without stat", MISSING, /not available/],
    ["with a file missing from the output", out("/etc/passwd 644 root root\n"), /every one/],
    [
      "with a mode that is not octal",
      out("/etc/passwd 9z4 root root\n/etc/shadow 640 root shadow\n/etc/sudoers absent\n"),
      /every one/,
    ],
  ] as const)
    it(`is unknown ${what}`, () => {
      const fact = parseAccountFiles(output);
      expect(fact.known).to.equal(false);
      if (!fact.known) expect(fact.reason).to.match(reason);
    });
});

describe("legacy plaintext services", () => {
  // /proc/net/{tcp,tcp6,udp,udp6} rows as the probe's awk prints them: table, hex port, state.
  const table = [
    "tcp 0016 0A", // ssh listening
    "tcp 0017 01", // an established connection to someone's telnet: not offered here
    "tcp6 0202 0A", // 514 = rsh, listening on IPv6
    "udp 0045 07", // 69 = tftp, bound
    "udp 0202 07", // 514/udp is syslog, not rsh
  ].join("\n");

  it("reads listening TCP and bound UDP ports only", () => {
    expect(parseListening(out(`${table}\n`))).to.deep.equal(
      known([
        { protocol: "tcp", port: 22 },
        { protocol: "tcp", port: 514 },
        { protocol: "udp", port: 69 },
        { protocol: "udp", port: 514 },
      ]),
    );
  });

  const pkgs = (...names: string[]) => known(names.map((name) => ({ name, version: "1" })));

  it("finds services by open port and by server package", () => {
    const listening = parseListening(out(`${table}\n`));
    expect(legacyServices(pkgs("openssh-server"), listening)).to.deep.equal(known(["rsh", "tftp"]));
    expect(legacyServices(pkgs("telnetd", "nis"), known([]))).to.deep.equal(
      known(["telnet", "nis"]),
    );
    expect(legacyServices(pkgs("telnet-server", "ypbind"), known([]))).to.deep.equal(
      known(["telnet", "nis"]),
    );
  });

  it("does not count clients: the telnet and tftp client packages are no service", () => {
    expect(legacyServices(pkgs("telnet", "tftp-hpa", "rsh-client"), known([]))).to.deep.equal(
      known([]),
    );
  });

  it("is unknown without the package list, and uses packages alone without the port table", () => {
    const fact = legacyServices(unknown("dpkg-query failed"), known([]));
    expect(fact.known).to.equal(false);
    if (!fact.known) expect(fact.reason).to.match(/installed packages are unknown: dpkg-query/);
    expect(legacyServices(pkgs("tftpd-hpa"), parseListening(MISSING))).to.deep.equal(
      known(["tftp"]),
    );
  });
});
