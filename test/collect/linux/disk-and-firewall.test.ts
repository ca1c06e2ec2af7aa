/** Disk encryption from lsblk and the host firewall from nftables, iptables, ufw and firewalld. */
import { expect } from "chai";
import { parseDiskEncryption } from "../../../src/collect/linux/disk-encryption.js";
import {
  iptablesDropsInput,
  nftDropsInput,
  parseFirewall,
} from "../../../src/collect/linux/firewall.js";
import { MISSING, out, section } from "../../fixtures/linux/transcripts.js";

const lsblk = (devices: unknown[]) => out(JSON.stringify({ blockdevices: devices }));
const part = (name: string, mountpoint: string | null, extra: object = {}) => ({
  name,
  type: "part",
  fstype: "ext4",
  mountpoint,
  ...extra,
});

describe("disk encryption", () => {
  const cases = [
    {
      what: "LUKS under LVM with /boot exempt (RHEL sample)",
      output: section("rhel9", "lsblk"),
      expected: { status: "encrypted", product: "LUKS" },
    },
    {
      what: "a plain root disk (Debian sample)",
      output: section("debian12", "lsblk"),
      expected: { status: "none" },
    },
    {
      what: "an encrypted root but a plain /srv",
      output: lsblk([
        {
          name: "sda",
          type: "disk",
          children: [
            part("sda1", "/boot"),
            {
              name: "sda2",
              type: "part",
              fstype: "crypto_LUKS",
              mountpoint: null,
              children: [{ name: "root", type: "crypt", fstype: "ext4", mountpoint: "/" }],
            },
            part("sda3", "/srv"),
          ],
        },
      ]),
      expected: { status: "partial", product: "LUKS" },
    },
    {
      what: "plain dm-crypt",
      output: lsblk([
        {
          name: "vda",
          type: "disk",
          children: [
            {
              name: "vda1",
              type: "part",
              children: [{ name: "cr", type: "crypt", fstype: "xfs", mountpoint: "/" }],
            },
          ],
        },
      ]),
      expected: { status: "encrypted", product: "dm-crypt" },
    },
    {
      what: "snaps and zram ignored",
      output: lsblk([
        { name: "loop0", type: "loop", fstype: "squashfs", mountpoint: "/snap/core/1" },
        { name: "zram0", type: "disk", mountpoint: "[SWAP]" },
        part("sda1", "/"),
      ]),
      expected: { status: "none" },
    },
  ] as const;
  for (const c of cases) {
    it(c.what, () => {
      expect(parseDiskEncryption(c.output)).to.deep.equal({ known: true, value: c.expected });
    });
  }

  const unknowns: [string, Parameters<typeof parseDiskEncryption>[0], RegExp][] = [
    ["lsblk missing", MISSING, /not available/],
    ["not JSON", out("NAME TYPE\nsda disk\n"), /not JSON/],
    ["no mounted block device (a container)", lsblk([part("vda", null)]), /container/],
  ];
  for (const [what, output, reason] of unknowns) {
    it(`is unknown with ${what}`, () => {
      const fact = parseDiskEncryption(output);
      expect(fact.known === false && fact.reason).to.match(reason);
    });
  }
});

describe("firewall", () => {
  const none = {
    nft: MISSING,
    iptables: MISSING,
    ip6tables: MISSING,
    ufw: MISSING,
    firewalld: MISSING,
  };

  it("firewalld's nft ruleset ends its input chain in reject (RHEL sample)", () => {
    expect(nftDropsInput(section("rhel9", "nft").stdout)).to.equal(true);
    const rhel = {
      nft: section("rhel9", "nft"),
      iptables: MISSING,
      ip6tables: MISSING,
      ufw: MISSING,
      firewalld: section("rhel9", "firewalld"),
    };
    expect(parseFirewall(rhel)).to.deep.equal({ known: true, value: true });
  });

  it("no firewall software at all is off (Debian sample)", () => {
    const debian = {
      nft: section("debian12", "nft"),
      iptables: section("debian12", "iptables"),
      ip6tables: MISSING,
      ufw: section("debian12", "ufw"),
      firewalld: section("debian12", "firewalld"),
    };
    expect(parseFirewall(debian)).to.deep.equal({ known: true, value: false });
  });

  /** One input chain and its rules; `deny` a regular chain with `denyRules`, for jumps. */
  const nft = (chain: object, rules: object[] = [], family = "inet", denyRules: object[] = []) => {
    const rule = (name: string) => (r: object) => ({
      rule: { family, table: "filter", chain: name, expr: Array.isArray(r) ? r : [r] },
    });
    return JSON.stringify({
      nftables: [
        { chain: { family, table: "filter", name: "input", ...chain } },
        ...(denyRules.length > 0 ? [{ chain: { family, table: "filter", name: "deny" } }] : []),
        ...rules.map(rule("input")),
        ...denyRules.map(rule("deny")),
      ],
    });
  };
  const both = (a: string, b: string) =>
    JSON.stringify({
      nftables: [
        ...(JSON.parse(a) as { nftables: object[] }).nftables,
        ...(JSON.parse(b) as { nftables: object[] }).nftables,
      ],
    });
  const telnet = {
    match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: 23 },
  };
  const ssh = { match: { ...telnet.match, right: 22 } };
  const nftCases: [string, string, boolean | undefined][] = [
    ["policy drop", nft({ hook: "input", policy: "drop" }), true],
    ["policy accept, nothing else", nft({ hook: "input", policy: "accept" }), false],
    [
      "policy accept, accepts ssh, ends in drop",
      nft({ hook: "input", policy: "accept" }, [[ssh, { accept: null }], { drop: null }]),
      true,
    ],
    [
      "policy accept, ends in a counted, logged drop",
      nft({ hook: "input", policy: "accept" }, [[{ counter: null }, { log: {} }, { drop: null }]]),
      true,
    ],
    [
      "policy accept, last rule drops only telnet",
      nft({ hook: "input", policy: "accept" }, [
        [ssh, { accept: null }],
        [telnet, { drop: null }],
      ]),
      false,
    ],
    [
      "policy accept, last rule rate-limits then drops",
      nft({ hook: "input", policy: "accept" }, [
        [{ limit: { rate: 10, per: "second" } }, { drop: null }],
      ]),
      false,
    ],
    [
      "an ip6-only input chain drops: IPv4 is open",
      nft({ hook: "input", policy: "drop" }, [], "ip6"),
      false,
    ],
    [
      "an ip input chain drops: IPv6 is open",
      nft({ hook: "input", policy: "drop" }, [], "ip"),
      false,
    ],
    [
      "ip and ip6 input chains both drop",
      both(
        nft({ hook: "input", policy: "drop" }, [], "ip"),
        nft({ hook: "input", policy: "drop" }, [], "ip6"),
      ),
      true,
    ],
    [
      "policy drop after an unconditional accept: nothing is dropped",
      nft({ hook: "input", policy: "drop" }, [[{ counter: null }, { accept: null }]]),
      false,
    ],
    [
      "an unconditional drop followed by rules it hides",
      nft({ hook: "input", policy: "accept" }, [{ drop: null }, [telnet, { accept: null }]]),
      true,
    ],
    [
      "a jump to a chain that drops everything",
      nft({ hook: "input", policy: "accept" }, [{ jump: { target: "deny" } }], "inet", [
        { drop: null },
      ]),
      true,
    ],
    [
      "a goto to a chain that falls through to a drop policy",
      nft({ hook: "input", policy: "drop" }, [{ goto: { target: "deny" } }], "inet", [
        { counter: null },
      ]),
      true,
    ],
    [
      "a jump to a chain that accepts everything, then a drop",
      nft(
        { hook: "input", policy: "accept" },
        [{ jump: { target: "deny" } }, { drop: null }],
        "inet",
        [{ accept: null }],
      ),
      false,
    ],
    [
      "a drop-policy chain and an accept-policy chain at another priority",
      both(
        nft({ hook: "input", policy: "accept", prio: -10 }),
        nft({ hook: "input", policy: "drop" }).replace(/"filter"/g, '"other"'),
      ),
      true,
    ],
    [
      "iptables-nft: a commented accept-all (xt comment match) before a drop policy",
      nft({ hook: "input", policy: "drop" }, [
        [{ xt: { type: "match", name: "comment" } }, { counter: null }, { accept: null }],
      ]),
      false,
    ],
    [
      "iptables-nft: a LOG rule (xt target), then a drop",
      nft({ hook: "input", policy: "accept" }, [
        [{ counter: null }, { xt: { type: "target", name: "LOG" } }],
        [{ counter: null }, { drop: null }],
      ]),
      true,
    ],
    [
      "iptables-nft: a final REJECT (xt target)",
      nft({ hook: "input", policy: "accept" }, [
        [{ counter: null }, { xt: { type: "target", name: "REJECT" } }],
      ]),
      true,
    ],
    [
      "iptables-nft: a drop under a conntrack match (xt match)",
      nft({ hook: "input", policy: "accept" }, [
        [{ xt: { type: "match", name: "conntrack" } }, { drop: null }],
      ]),
      false,
    ],
    ["only a forward chain drops", nft({ hook: "forward", policy: "drop" }), false],
    ["an empty ruleset", JSON.stringify({ nftables: [{ metainfo: {} }] }), false],
    [
      "nulls, numbers, a __proto__ family and a loop of jumps",
      JSON.stringify({
        nftables: [
          null,
          1,
          { chain: { family: "__proto__", table: "t", name: "x", hook: "input", policy: "drop" } },
          { chain: { family: "inet", table: "t", name: "input", hook: "input", policy: "accept" } },
          {
            rule: {
              family: "inet",
              table: "t",
              chain: "input",
              expr: [{ jump: { target: "input" } }],
            },
          },
          { rule: { family: "inet", table: "t", chain: "input", expr: "drop" } },
        ],
      }),
      false,
    ],
    ["not JSON", "table inet filter {", undefined],
  ];
  for (const [what, json, expected] of nftCases) {
    it(`nft: ${what}`, () => expect(nftDropsInput(json)).to.equal(expected));
  }

  const iptCases: [string, string, boolean][] = [
    ["DROP policy (ufw)", "-P INPUT DROP\n-A INPUT -j ufw-before-input\n", true],
    [
      "ACCEPT and a final REJECT",
      "-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n",
      true,
    ],
    [
      "ACCEPT and only a targeted DROP",
      "-P INPUT ACCEPT\n-A INPUT -s 10.0.0.9/32 -j DROP\n",
      false,
    ],
    ["ACCEPT, no rules", "-P INPUT ACCEPT\n", false],
    [
      "DROP policy after an unconditional ACCEPT",
      '-P INPUT DROP\n-A INPUT -m comment --comment "allow all" -j ACCEPT\n',
      false,
    ],
    [
      "a final DROP of conntrack INVALID only",
      "-P INPUT ACCEPT\n-A INPUT -m conntrack --ctstate INVALID -j DROP\n",
      false,
    ],
    [
      "a final DROP under a rate limit",
      "-P INPUT ACCEPT\n-A INPUT -m limit --limit 10/sec -j DROP\n",
      false,
    ],
    [
      "a jump to a user chain that ends in DROP",
      "-P INPUT ACCEPT\n-N deny\n-A INPUT -j deny\n-A deny -p tcp --dport 22 -j ACCEPT\n-A deny -j DROP\n",
      true,
    ],
    [
      "a jump to a user chain that returns",
      "-P INPUT ACCEPT\n-N deny\n-A INPUT -j deny\n-A deny -j RETURN\n-A deny -j DROP\n",
      false,
    ],
    [
      "a final DROP followed by a LOG rule",
      '-P INPUT ACCEPT\n-A INPUT -j DROP\n-A INPUT -j LOG --log-prefix "late: "\n',
      true,
    ],
  ];
  for (const [what, rules, expected] of iptCases) {
    it(`iptables: ${what}`, () => expect(iptablesDropsInput(rules)).to.equal(expected));
  }

  const ip6Cases: [string, typeof MISSING, typeof MISSING, boolean][] = [
    ["iptables and ip6tables both drop", out("-P INPUT DROP\n"), out("-P INPUT DROP\n"), true],
    [
      "iptables drops, ip6tables accepts: IPv6 is open",
      out("-P INPUT DROP\n"),
      out("-P INPUT ACCEPT\n"),
      false,
    ],
    [
      "iptables drops, no ip6tables: IPv6 is not shown filtered",
      out("-P INPUT DROP\n"),
      MISSING,
      false,
    ],
  ];
  for (const [what, iptables, ip6tables, expected] of ip6Cases) {
    it(`iptables: ${what}`, () => {
      const fact = parseFirewall({ ...none, iptables, ip6tables });
      expect(fact).to.deep.equal({ known: true, value: expected });
    });
  }

  describe("a host whose IPv6 is off needs IPv4 dropped only", () => {
    const v4Only = nft({ hook: "input", policy: "drop" }, [], "ip");
    const everyInterface = "all=1\ndefault=1\neth0=1\nlo=0\n";
    const cases: [string, typeof MISSING, boolean][] = [
      ["IPv6 not in the kernel (ipv6.disable=1)", out("absent\n"), true],
      ["disable_ipv6 on all, default and every interface but lo", out(everyInterface), true],
      [
        "disable_ipv6 on all and default, but eth0 turned back on",
        out("all=1\ndefault=1\neth0=0\n"),
        false,
      ],
      [
        "disable_ipv6 on all only: new interfaces get IPv6",
        out("all=1\ndefault=0\neth0=1\n"),
        false,
      ],
      ["IPv6 on", out("all=0\ndefault=0\neth0=0\nlo=0\n"), false],
      ["the probe not run (an older transcript): IPv6 counts as on", MISSING, false],
    ];
    for (const [what, ipv6, expected] of cases) {
      it(`nft ip-family chain drops; ${what}`, () => {
        const fact = parseFirewall({ ...none, nft: out(v4Only), ipv6 });
        expect(fact).to.deep.equal({ known: true, value: expected });
      });
      it(`iptables drops, ip6tables absent; ${what}`, () => {
        const fact = parseFirewall({ ...none, iptables: out("-P INPUT DROP\n"), ipv6 });
        expect(fact).to.deep.equal({ known: true, value: expected });
      });
    }
    it("IPv4 must still be dropped when IPv6 is off", () => {
      const v6Only = nft({ hook: "input", policy: "drop" }, [], "ip6");
      expect(parseFirewall({ ...none, nft: out(v6Only), ipv6: out("absent\n") })).to.deep.equal({
        known: true,
        value: false,
      });
    });
  });

  const ufwCases: [string, string, number, boolean][] = [
    [
      "active, deny incoming",
      "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\n",
      0,
      true,
    ],
    [
      "active, allow incoming",
      "Status: active\nDefault: allow (incoming), allow (outgoing), disabled (routed)\n",
      0,
      false,
    ],
    ["inactive", "Status: inactive\n", 0, false],
    [
      "not root, enabled with DROP in its config",
      'ENABLED=yes\nDEFAULT_INPUT_POLICY="DROP"\n',
      126,
      true,
    ],
    ["not root, disabled in its config", "ENABLED=no\n", 126, false],
    ["not root, nothing readable (and no nft or iptables to load rules)", "", 126, false],
  ];
  for (const [what, stdout, rc, expected] of ufwCases) {
    it(`ufw: ${what}`, () => {
      const fact = parseFirewall({ ...none, ufw: out(stdout, rc) });
      expect(fact).to.deep.equal({ known: true, value: expected });
    });
  }

  it("is unknown when ufw is off but the kernel ruleset could not be read", () => {
    const fact = parseFirewall({
      ...none,
      nft: out("", 126, "needs root: rerun with --sudo"),
      ufw: out("Status: inactive\n"),
    });
    expect(fact.known === false && fact.reason).to.match(/--sudo/);
  });

  it("firewalld in the trusted zone is off; not running is off", () => {
    expect(
      parseFirewall({ ...none, firewalld: out("state=running\nzone=trusted\n") }),
    ).to.deep.equal({ known: true, value: false });
    expect(parseFirewall({ ...none, firewalld: out("state=not running\nzone=\n") })).to.deep.equal({
      known: true,
      value: false,
    });
  });
});
