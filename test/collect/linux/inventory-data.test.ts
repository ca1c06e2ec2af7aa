/** Packages, hardware, network identity, removable media and the idle lock. */
import { expect } from "chai";
import { known, unknown } from "../../../src/collect/fact.js";
import { parseHardware } from "../../../src/collect/linux/hardware.js";
import { parseNetwork } from "../../../src/collect/linux/network.js";
import { parseDpkg, parsePackages, parseRpm } from "../../../src/collect/linux/packages.js";
import { parseRemovableMedia } from "../../../src/collect/linux/removable-media.js";
import { parseIdleLock } from "../../../src/collect/linux/session-lock.js";
import { MISSING, out, section } from "../../fixtures/linux/transcripts.js";

describe("installed packages", () => {
  it("dpkg: installed rows only, held ones included, one per multi-arch duplicate (Debian sample)", () => {
    const fact = parseDpkg(section("debian12", "dpkg"));
    if (!fact.known) throw new Error(fact.reason);
    expect(fact.value).to.deep.include({ name: "openssh-server", version: "1:9.2p1-2+deb12u10" });
    const rows = parseDpkg(
      out(
        "ii \tlibc6\t2.36-9\nii \tlibc6\t2.36-9\nrc \told-pkg\t1.0\niU \thalf\t2\nhi \tjq\t1.6-2.1\niW \tman-db\t2.11\n",
      ),
    );
    expect(rows).to.deep.equal(
      known([
        { name: "libc6", version: "2.36-9" },
        { name: "jq", version: "1.6-2.1" },
        { name: "man-db", version: "2.11" },
      ]),
    );
  });

  it("rpm: epochs only when set, vendors as publishers, no gpg-pubkey (RHEL sample)", () => {
    const fact = parseRpm(section("rhel9", "rpm"));
    if (!fact.known) throw new Error(fact.reason);
    expect(fact.value.map((p) => p.name)).to.not.include("gpg-pubkey");
    expect(fact.value).to.deep.include({
      name: "bind-libs",
      version: "32:9.16.23-18.el9_4.6",
      publisher: "Red Hat, Inc.",
    });
    expect(fact.value).to.deep.include({
      name: "openssh-server",
      version: "8.7p1-38.el9_4.4",
      publisher: "Red Hat, Inc.",
    });
  });

  it("uses the tool of the OS family, or whichever listed something", () => {
    expect(parsePackages("rpm", section("rhel9", "dpkg"), section("rhel9", "rpm")).known).to.equal(
      true,
    );
    expect(parsePackages("deb", MISSING, out("x\t(none):1-1\tV\n")).known).to.equal(false);
    expect(parsePackages(undefined, MISSING, out("x\t(none):1-1\tV\n"))).to.deep.equal(
      known([{ name: "x", version: "1-1", publisher: "V" }]),
    );
    expect(parsePackages(undefined, MISSING, MISSING).known).to.equal(false);
  });
});

describe("hardware", () => {
  it("RHEL sample: Dell, model, serial and asset tag", () => {
    const hw = parseHardware(section("rhel9", "dmi"));
    expect(hw).to.deep.equal({
      manufacturer: known("Dell Inc."),
      model: known("PowerEdge R650"),
      serialNumber: known("7XK2QD3"),
      assetTag: known("MB-00210"),
    });
  });

  it("placeholders and root-only files are unknown", () => {
    const hw = parseHardware(
      out(
        "sys_vendor=To Be Filled By O.E.M.\nproduct_name=OptiPlex 7010\nproduct_serial!unreadable\nchassis_asset_tag=Default string\n",
      ),
    );
    expect(hw.model).to.deep.equal(known("OptiPlex 7010"));
    expect(hw.manufacturer.known === false && hw.manufacturer.reason).to.match(/placeholder/);
    expect(hw.serialNumber.known === false && hw.serialNumber.reason).to.match(/--sudo/);
    expect(hw.assetTag.known).to.equal(false);
  });

  it("no DMI at all (Debian sample, a VM without firmware tables)", () => {
    const hw = parseHardware(section("debian12", "dmi"));
    expect(hw.serialNumber.known === false && hw.serialNumber.reason).to.match(/no DMI data/);
  });
});

describe("network", () => {
  it("RHEL sample: the physical NIC only; loopback, link-local and virbr0 left out", () => {
    expect(parseNetwork(section("rhel9", "network"))).to.deep.equal({
      macAddresses: known(["b0:7b:25:1e:4c:02"]),
      ipAddresses: known(["10.10.0.21"]),
      ipAssignment: known("static"),
    });
  });

  // The shape iproute2 prints (`ip -j addr`): a DHCP lease carries "dynamic": true and a finite
  // valid_life_time; an address set by hand has neither.
  const link = (name: string, ...addrs: object[]) => ({
    ifname: name,
    link_type: "ether",
    address: "52:54:00:12:34:56",
    addr_info: addrs,
  });
  const v4 = (local: string, dynamic: boolean) => ({
    family: "inet",
    local,
    prefixlen: 24,
    scope: "global",
    ...(dynamic ? { dynamic: true } : {}),
    valid_life_time: dynamic ? 86003 : 4294967295,
    preferred_life_time: dynamic ? 86003 : 4294967295,
  });
  const v6 = {
    family: "inet6",
    local: "2001:db8::21",
    prefixlen: 64,
    scope: "global",
    dynamic: true,
  };

  it("a DHCP lease is dhcp; IPv6 autoconfiguration does not count", () => {
    const net = parseNetwork(out(JSON.stringify([link("eth0", v4("10.20.10.21", true), v6)])));
    expect(net.ipAssignment).to.deep.equal(known("dhcp"));
  });

  it("a leased and a configured IPv4 address cannot be summed up in one word", () => {
    const net = parseNetwork(
      out(
        JSON.stringify([
          link("eth0", v4("10.20.10.21", true)),
          link("eth1", v4("10.20.1.5", false)),
        ]),
      ),
    );
    expect(net.ipAssignment.known === false && net.ipAssignment.reason).to.equal(
      "1 IPv4 address(es) leased by DHCP and 1 configured",
    );
  });

  it("no IPv4 address at all leaves the assignment unknown", () => {
    const net = parseNetwork(out(JSON.stringify([link("eth0", v6)])));
    expect(net.ipAssignment.known).to.equal(false);
  });

  it("Debian sample reads ip -j", () => {
    const net = parseNetwork(section("debian12", "network"));
    expect(net.macAddresses.known && net.ipAddresses.known).to.equal(true);
  });

  it("reads the /sys/class/net and hostname -I fallback when ip -j is missing", () => {
    const sysfs = out(
      "@sysfs\nif eno1 1 B0:7B:25:1E:4C:02\nif lo 772 00:00:00:00:00:00\nif virbr0 1 52:54:00:8a:11:3c\n" +
        "if wlan0 1 00:00:00:00:00:00\nips 10.10.0.21 192.168.122.1 fe80::1\n",
    );
    expect(parseNetwork(sysfs)).to.deep.equal({
      macAddresses: known(["b0:7b:25:1e:4c:02"]),
      ipAddresses: known(["10.10.0.21", "192.168.122.1"]),
      ipAssignment: unknown("hostname -I does not say which addresses DHCP leased"),
    });
    const noIps = parseNetwork(out("@sysfs\nif eno1 1 b0:7b:25:1e:4c:02\nips \n"));
    expect(noIps.ipAddresses.known).to.equal(false);
  });

  it("is unknown when the probe failed or printed junk", () => {
    for (const output of [MISSING, out("<html>", 0)]) {
      const net = parseNetwork(output);
      expect(net.macAddresses.known || net.ipAddresses.known).to.equal(false);
    }
  });
});

describe("removable media", () => {
  const cases: [string, string, string][] = [
    [
      "disabled by install /bin/false (RHEL sample)",
      section("rhel9", "usb-storage").stdout,
      "blocked",
    ],
    [
      "blacklisted",
      "loaded=no\nmodules=yes\nmodinfo=/lib/modules/x/usb-storage.ko\nblacklist usb_storage\n",
      "blocked",
    ],
    [
      "loaded right now",
      "loaded=yes\nmodules=yes\nmodinfo=(builtin)\ninstall usb-storage /bin/false\n",
      "allowed",
    ],
    [
      "a module nothing disables",
      "loaded=no\nmodules=yes\nmodinfo=/lib/modules/x/usb-storage.ko\n",
      "allowed",
    ],
    ["a kernel without the driver", "loaded=no\nmodules=yes\nmodinfo=\n", "blocked"],
    [
      "a kernel without module support and without the driver built in",
      "loaded=no\nmodules=no\nmodinfo=\nmodule_support=no\nsysfs=yes\n",
      "blocked",
    ],
    [
      "a kernel without module support with the driver built in",
      "loaded=yes\nmodules=no\nmodinfo=\nmodule_support=no\nsysfs=yes\n",
      "allowed",
    ],
  ];
  for (const [what, stdout, expected] of cases) {
    it(what, () => expect(parseRemovableMedia(out(stdout))).to.deep.equal(known(expected)));
  }
  it("is unknown without the kernel's module tree (Debian sample, a VM kernel)", () => {
    expect(parseRemovableMedia(section("debian12", "usb-storage")).known).to.equal(false);
  });
  const unknowns: [string, string, RegExp][] = [
    [
      "a kernel that loads modules but whose module tree is missing (a container)",
      "loaded=no\nmodules=no\nmodinfo=\nmodule_support=yes\nsysfs=yes\n",
      /module tree is missing/,
    ],
    [
      "a kernel without module support when /sys is not mounted",
      "loaded=no\nmodules=no\nmodinfo=\nmodule_support=no\nsysfs=no\n",
      /\/sys\/module is missing/,
    ],
  ];
  for (const [what, stdout, reason] of unknowns) {
    it(`is unknown on ${what}`, () => {
      const fact = parseRemovableMedia(out(stdout));
      expect(fact.known === false && fact.reason).to.match(reason);
    });
  }
});

describe("idle lock", () => {
  it("servers: the shortest TMOUT, or 0 when none is set", () => {
    expect(parseIdleLock(section("rhel9", "tmout"), "server")).to.deep.equal(known(900));
    expect(parseIdleLock(out('export TMOUT=600\nreadonly TMOUT="1200"\n'), "server")).to.deep.equal(
      known(600),
    );
    expect(parseIdleLock(section("debian12", "tmout"), "server")).to.deep.equal(known(0));
  });
  it("desktops: unknown (the screen lock lives in per-user settings)", () => {
    expect(parseIdleLock(section("rhel9", "tmout"), "workstation").known).to.equal(false);
  });
});
