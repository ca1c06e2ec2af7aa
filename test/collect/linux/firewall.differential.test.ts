/**
 * A differential test of the Linux firewall parser: thousands of generated rule sets (fixed seed),
 * each rendered as what the probes read — `nft -j list ruleset` JSON, `iptables -S` and
 * `ip6tables -S` text (the filter table's chains; iptables-save has the same rule lines) — and
 * the parser's verdict (parseFirewall, no ufw or firewalld) compared with a small reference model
 * that works on the generated structure, never on the text. fast-check is not installed here, so
 * the generator is a seeded PRNG (mulberry32); a mismatch prints the seed, the case number and the
 * rules (`nft list ruleset` form for nftables) to replay it. A smaller sample goes through the
 * real tools: loaded into a network namespace's kernel with `nft -f` / `iptables-restore` and read
 * back with `nft -j list ruleset` / `iptables -S`, so the generated text is known to be realistic.
 *
 * The model's question: is a packet that matches none of the rules' conditions dropped, for IPv4
 * and for IPv6 alike? It deliberately leaves out: which packets the conditions match (a
 * conditional rule never counts for or against default deny, so "drop everything but IPv4" is
 * not default deny), sets, maps and verdict maps, statements that change packets (meta mark set),
 * netdev/bridge/arp families and the ingress hook, non-filter chain types, the iptables tables
 * other than filter (raw, mangle), and whether the host has IPv6 at all.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseFirewall } from "../../../src/collect/linux/firewall.js";
import { MISSING, out } from "../../fixtures/linux/transcripts.js";
import { Gen, PROPERTY_CASES, PROPERTY_SEED, seededRandom } from "../../fixtures/seeded.js";

const SEED = PROPERTY_SEED;
const CASES = PROPERTY_CASES;

// ---- the generated structure, shared by both syntaxes ----

type Condition =
  "ct-established" | "ct-invalid" | "iif-lo" | "not-iif-lo" | "dport" | "saddr" | "limit";
type Verdict =
  | { readonly kind: "accept" | "drop" | "reject" | "return" | "continue" }
  | { readonly kind: "jump" | "goto"; readonly target: string };
interface Rule {
  readonly conditions: readonly Condition[];
  readonly counter: boolean;
  readonly log: boolean;
  readonly comment: string | undefined;
  readonly verdict: Verdict;
}
interface Chain {
  readonly name: string;
  readonly base:
    { readonly hook: string; readonly prio: number; readonly policy: string } | undefined;
  readonly rules: readonly Rule[];
}
type Family = "inet" | "ip" | "ip6";
interface Table {
  readonly family: Family;
  readonly name: string;
  readonly chains: readonly Chain[];
}

const CONDITIONS: readonly Condition[] = [
  "ct-established",
  "ct-invalid",
  "iif-lo",
  "not-iif-lo",
  "dport",
  "saddr",
  "limit",
];

function rule(g: Gen, targets: readonly string[], allowGoto: boolean): Rule {
  // Distinct conditions, at most one on the input interface: iptables refuses a repeated -i or -s.
  const picked = g.chance(0.45)
    ? []
    : Array.from({ length: g.int(1, 2) }, () => g.pick(CONDITIONS));
  const conditions = [...new Set(picked)].filter(
    (k, _, all) => !(k === "not-iif-lo" && all.includes("iif-lo")),
  );
  const kinds = ["accept", "accept", "drop", "reject", "continue", "return"] as const;
  let verdict: Verdict = { kind: g.pick(kinds) };
  if (targets.length > 0 && g.chance(0.25)) {
    verdict = { kind: allowGoto && g.chance(0.3) ? "goto" : "jump", target: g.pick(targets) };
  }
  return {
    conditions,
    counter: g.chance(0.4),
    log: verdict.kind === "continue" || g.chance(0.1),
    comment: g.chance(0.2)
      ? g.pick(["allow ssh", "drop all -j DROP", "default deny", "x"])
      : undefined,
    verdict,
  };
}

/** Regular chains c0..cN-1 jump only to higher-numbered ones: no loops, as nft and iptables require. */
function regularChains(g: Gen, prefix: string, count: number, allowGoto: boolean): Chain[] {
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return names.map((name, i) => ({
    name,
    base: undefined,
    rules: Array.from({ length: g.int(0, 4) }, () => rule(g, names.slice(i + 1), allowGoto)),
  }));
}

function nftRuleset(g: Gen): Table[] {
  const tables: Table[] = [];
  const count = g.int(0, 3);
  for (let t = 0; t < count; t++) {
    const family = g.pick(["inet", "inet", "ip", "ip6"] as const);
    const regular = regularChains(g, "c", g.int(0, 3), true);
    const targets = regular.map((c) => c.name);
    const base: Chain[] = Array.from({ length: g.int(1, 3) }, (_, i) => ({
      name: g.pick(["input", "INPUT", "filter_INPUT", "forward", "output"]) + String(i),
      base: {
        hook: g.pick(["input", "input", "input", "forward", "output"]),
        prio: g.pick([-150, -10, 0, 0, 10, 100]),
        policy: g.pick(["accept", "drop"]),
      },
      rules: Array.from({ length: g.int(0, 5) }, () => rule(g, targets, true)),
    }));
    tables.push({
      family,
      name: g.pick(["filter", "firewalld", "fw"]) + String(t),
      chains: [...base, ...regular],
    });
  }
  return tables;
}

function iptablesRuleset(g: Gen, family: "ip" | "ip6"): Table {
  const regular = regularChains(g, "chain-", g.int(0, 3), false);
  const input: Chain = {
    name: "INPUT",
    base: { hook: "input", prio: 0, policy: g.pick(["ACCEPT", "DROP"]) },
    rules: Array.from({ length: g.int(0, 6) }, () =>
      rule(
        g,
        regular.map((c) => c.name),
        false,
      ),
    ),
  };
  const others: Chain[] = ["FORWARD", "OUTPUT"].map((name) => ({
    name,
    base: { hook: name.toLowerCase(), prio: 0, policy: g.pick(["ACCEPT", "DROP"]) },
    // No interface matches here: iptables refuses -i in OUTPUT.
    rules: g.chance(0.3) ? [{ ...rule(g, [], false), conditions: [] }] : [],
  }));
  return { family, name: "filter", chains: [input, ...others, ...regular] };
}

// ---- the reference model ----

type Outcome = "accept" | "drop" | "fall-through";

/** What happens to a packet that matches no condition, in one chain: jumps followed, gotos too. */
function walk(table: Table, chain: Chain): Outcome {
  for (const r of chain.rules) {
    if (r.conditions.length > 0) continue;
    const v = r.verdict;
    if (v.kind === "accept") return "accept";
    if (v.kind === "drop" || v.kind === "reject") return "drop";
    if (v.kind === "return") return "fall-through";
    if (v.kind === "jump" || v.kind === "goto") {
      const outcome = walk(
        table,
        table.chains.find((c) => c.name === v.target)!,
      );
      if (outcome !== "fall-through" || v.kind === "goto") return outcome;
    }
  }
  return "fall-through";
}

/** A base chain's outcome: its rules, then its policy. */
function baseOutcome(table: Table, chain: Chain): "accept" | "drop" {
  const outcome = walk(table, chain);
  if (outcome !== "fall-through") return outcome;
  return chain.base!.policy.toLowerCase() === "drop" ? "drop" : "accept";
}

const SEES: Record<Family, readonly ("ipv4" | "ipv6")[]> = {
  inet: ["ipv4", "ipv6"],
  ip: ["ipv4"],
  ip6: ["ipv6"],
};

/** nftables: for each IP version, every input base chain in priority order; a drop is final. */
function modelNft(tables: readonly Table[]): boolean {
  return (["ipv4", "ipv6"] as const).every((version) => {
    const chains = tables
      .filter((t) => SEES[t.family].includes(version))
      .flatMap((t) => t.chains.filter((c) => c.base?.hook === "input").map((c) => ({ t, c })))
      .sort((a, b) => a.c.base!.prio - b.c.base!.prio);
    for (const { t, c } of chains) if (baseOutcome(t, c) === "drop") return true;
    return false;
  });
}

/** iptables: the INPUT chain of the filter table, its jumps followed, then its policy. */
function modelIptables(table: Table): boolean {
  return (
    baseOutcome(
      table,
      table.chains.find((c) => c.name === "INPUT")!,
    ) === "drop"
  );
}

// ---- rendering: nft JSON (what the parser reads) and nft text (what a person reads) ----

const NFT_CONDITION: Record<Condition, Record<string, unknown>> = {
  "ct-established": {
    match: { op: "in", left: { ct: { key: "state" } }, right: ["established", "related"] },
  },
  "ct-invalid": { match: { op: "in", left: { ct: { key: "state" } }, right: "invalid" } },
  "iif-lo": { match: { op: "==", left: { meta: { key: "iif" } }, right: "lo" } },
  "not-iif-lo": { match: { op: "!=", left: { meta: { key: "iif" } }, right: "lo" } },
  dport: {
    match: {
      op: "==",
      left: { payload: { protocol: "tcp", field: "dport" } },
      right: { set: [22, 80] },
    },
  },
  saddr: {
    match: {
      op: "==",
      left: { payload: { protocol: "ip", field: "saddr" } },
      right: { prefix: { addr: "10.0.0.0", len: 8 } },
    },
  },
  limit: { limit: { rate: 10, burst: 5, per: "second" } },
};
/** In an ip6 table the address match is IPv6's. */
const NFT_SADDR6 = {
  match: {
    op: "==",
    left: { payload: { protocol: "ip6", field: "saddr" } },
    right: { prefix: { addr: "fd00::", len: 8 } },
  },
};
const NFT_CONDITION_TEXT: Record<Condition, string> = {
  "ct-established": "ct state established,related",
  "ct-invalid": "ct state invalid",
  "iif-lo": 'iif "lo"',
  "not-iif-lo": 'iif != "lo"',
  dport: "tcp dport { 22, 80 }",
  saddr: "ip saddr 10.0.0.0/8",
  limit: "limit rate 10/second burst 5 packets",
};

function nftVerdictJson(v: Verdict): Record<string, unknown> | undefined {
  switch (v.kind) {
    case "accept":
    case "drop":
    case "return":
      return { [v.kind]: null };
    case "reject":
      return { reject: { type: "icmpx", expr: "admin-prohibited" } };
    case "jump":
    case "goto":
      return { [v.kind]: { target: v.target } };
    case "continue":
      return undefined;
  }
}

function nftJson(tables: readonly Table[]): string {
  const objects: unknown[] = [{ metainfo: { version: "1.0.9", json_schema_version: 1 } }];
  let handle = 1;
  for (const t of tables) {
    objects.push({ table: { family: t.family, name: t.name, handle: handle++ } });
    for (const c of t.chains) {
      const base = c.base && {
        type: "filter",
        hook: c.base.hook,
        prio: c.base.prio,
        policy: c.base.policy,
      };
      objects.push({
        chain: { family: t.family, table: t.name, name: c.name, handle: handle++, ...base },
      });
    }
    for (const c of t.chains) {
      for (const r of c.rules) {
        const verdict = nftVerdictJson(r.verdict);
        const expr = [
          ...r.conditions.map((k) =>
            k === "saddr" && t.family === "ip6" ? NFT_SADDR6 : NFT_CONDITION[k],
          ),
          ...(r.counter ? [{ counter: { packets: 0, bytes: 0 } }] : []),
          ...(r.log ? [{ log: { prefix: "fw: " } }] : []),
          ...(verdict ? [verdict] : []),
        ];
        const comment = r.comment === undefined ? {} : { comment: r.comment };
        objects.push({
          rule: {
            family: t.family,
            table: t.name,
            chain: c.name,
            handle: handle++,
            ...comment,
            expr,
          },
        });
      }
    }
  }
  return JSON.stringify({ nftables: objects });
}

function nftText(tables: readonly Table[]): string {
  const verdictText = (v: Verdict) =>
    v.kind === "continue"
      ? ""
      : v.kind === "jump" || v.kind === "goto"
        ? `${v.kind} ${v.target}`
        : v.kind;
  return tables
    .map((t) => {
      const chains = t.chains.map((c) => {
        const head = c.base
          ? [
              `\t\ttype filter hook ${c.base.hook} priority ${c.base.prio}; policy ${c.base.policy};`,
            ]
          : [];
        const rules = c.rules.map((r) =>
          [
            ...r.conditions.map((k) =>
              k === "saddr" && t.family === "ip6" ? "ip6 saddr fd00::/8" : NFT_CONDITION_TEXT[k],
            ),
            r.counter ? "counter packets 0 bytes 0" : "",
            r.log ? 'log prefix "fw: "' : "",
            verdictText(r.verdict),
            r.comment === undefined ? "" : `comment "${r.comment}"`,
          ]
            .filter((s) => s !== "")
            .join(" "),
        );
        return [`\tchain ${c.name} {`, ...head, ...rules.map((s) => `\t\t${s}`), "\t}"].join("\n");
      });
      return [`table ${t.family} ${t.name} {`, ...chains, "}"].join("\n");
    })
    .join("\n");
}

// ---- rendering: iptables -S ----

const IPT_CONDITION: Record<Condition, string | [string, string]> = {
  "ct-established": "-m conntrack --ctstate RELATED,ESTABLISHED",
  "ct-invalid": "-m state --state INVALID",
  "iif-lo": "-i lo",
  "not-iif-lo": "! -i lo",
  dport: "-p tcp -m multiport --dports 22,80",
  saddr: ["-s 10.0.0.0/8", "-s fd00::/8"],
  limit: "-m limit --limit 10/sec --limit-burst 5",
};

/** `iptables -S` lines, or the same rules as `iptables-save` writes them (for iptables-restore). */
function iptablesText(table: Table, format: "-S" | "save" = "-S"): string {
  const condition = (k: Condition) => {
    const text = IPT_CONDITION[k];
    return typeof text === "string" ? text : text[table.family === "ip6" ? 1 : 0];
  };
  const target = (v: Verdict) => {
    switch (v.kind) {
      case "accept":
      case "drop":
      case "return":
        return `-j ${v.kind.toUpperCase()}`;
      case "reject":
        return `-j REJECT --reject-with icmp${table.family === "ip6" ? "6" : ""}-port-unreachable`;
      case "jump":
        return `-j ${v.target}`;
      case "goto":
        return `-g ${v.target}`;
      case "continue":
        return "";
    }
  };
  const out: string[] = format === "save" ? ["*filter"] : [];
  for (const c of table.chains) {
    if (format === "save") out.push(`:${c.name} ${c.base?.policy ?? "-"} [0:0]`);
    else out.push(c.base ? `-P ${c.name} ${c.base.policy}` : `-N ${c.name}`);
  }
  for (const c of table.chains) {
    for (const r of c.rules) {
      // iptables prints a LOG rule on its own: a rule has one target.
      if (r.log)
        out.push(
          [`-A ${c.name}`, ...r.conditions.map(condition), '-j LOG --log-prefix "fw: "'].join(" "),
        );
      if (r.verdict.kind === "continue") continue;
      const comment = r.comment === undefined ? "" : `-m comment --comment "${r.comment}"`;
      out.push(
        [`-A ${c.name}`, ...r.conditions.map(condition), comment, target(r.verdict)]
          .filter((s) => s !== "")
          .join(" "),
      );
    }
  }
  if (format === "save") out.push("COMMIT");
  return out.join("\n") + "\n";
}

// ---- the comparison ----

/** A generator that makes nearly all cases one verdict would compare nothing: both must be common. */
function expectBalanced(denies: number): void {
  expect(denies, "cases the model calls default deny").to.be.within(CASES * 0.15, CASES * 0.85);
}

const run = promisify(execFile);

/** No other firewall tool on the host: the verdict is the kernel ruleset's alone. */
const NONE = {
  nft: MISSING,
  iptables: MISSING,
  ip6tables: MISSING,
  ufw: MISSING,
  firewalld: MISSING,
};

describe("firewall parser against a reference model (differential)", function () {
  this.timeout(60_000);

  it(`nft: ${CASES} generated rule sets (seed ${SEED})`, () => {
    const g = new Gen(seededRandom(SEED));
    let denies = 0;
    for (let i = 0; i < CASES; i++) {
      const tables = nftRuleset(g);
      const expected = modelNft(tables);
      const fact = parseFirewall({ ...NONE, nft: out(nftJson(tables)) });
      if (expected) denies++;
      if (!fact.known || fact.value !== expected) {
        expect.fail(
          `seed ${SEED} case ${i}: parser says ${JSON.stringify(fact)}, model says ${String(expected)}\n` +
            nftText(tables),
        );
      }
    }
    expectBalanced(denies);
  });

  it(`iptables and ip6tables: ${CASES} generated rule sets (seed ${SEED})`, () => {
    const g = new Gen(seededRandom(SEED + 1));
    let denies = 0;
    for (let i = 0; i < CASES; i++) {
      const v4 = iptablesRuleset(g, "ip");
      // Admins often keep the same rules for both; sometimes IPv6 is set up apart, or forgotten.
      const v6 = g.chance(0.6) ? { ...v4, family: "ip6" as const } : iptablesRuleset(g, "ip6");
      const expected = modelIptables(v4) && modelIptables(v6);
      const [text4, text6] = [iptablesText(v4), iptablesText(v6)];
      const fact = parseFirewall({ ...NONE, iptables: out(text4), ip6tables: out(text6) });
      if (expected) denies++;
      if (!fact.known || fact.value !== expected) {
        expect.fail(
          `seed ${SEED + 1} case ${i}: parser says ${JSON.stringify(fact)}, model says ${String(expected)}\n` +
            `iptables -S:\n${text4}ip6tables -S:\n${text6}`,
        );
      }
    }
    expectBalanced(denies);
  });

  /**
   * The same comparison through the real tools: each generated rule set is loaded into the kernel
   * of a fresh network namespace (`unshare -rn`, no root needed) with `nft -f` or
   * `iptables-restore`, read back the way the probes read it, and given to the parser. This
   * checks that the generated JSON and -S text above look like what nft and iptables print.
   */
  describe("through nft and iptables in a network namespace", function () {
    const REAL_CASES = Number(process.env.STRONGHOLD_PROPERTY_REAL_CASES ?? 80);
    let dir = "";
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "stronghold-firewall-"));
    });
    after(async () => {
      if (dir !== "") await rm(dir, { recursive: true, force: true });
    });

    /** Runs a shell script in a new user and network namespace; fails clearly without the tools. */
    async function inNamespace(script: string): Promise<void> {
      const file = join(dir, "run.sh");
      await writeFile(file, `set -e\n${script}`);
      try {
        await run("unshare", ["-rn", "sh", file], { maxBuffer: 1 << 26 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        expect.fail(
          `the tools in a network namespace failed (they need nft, iptables and unshare -rn; ` +
            `npm run setup installs them): ${err.stderr?.trim() || err.message}`,
        );
      }
    }

    it(`nft: ${REAL_CASES} generated rule sets loaded with nft -f (seed ${SEED + 2})`, async () => {
      const g = new Gen(seededRandom(SEED + 2));
      const cases = Array.from({ length: REAL_CASES }, () => nftRuleset(g));
      let script = "";
      for (const [i, tables] of cases.entries()) {
        await writeFile(join(dir, `${i}.nft`), nftText(tables) + "\n");
        script += `nft flush ruleset; nft -f ${dir}/${i}.nft; nft -j list ruleset > ${dir}/${i}.json\n`;
      }
      await inNamespace(script);
      for (const [i, tables] of cases.entries()) {
        const json = await readFile(join(dir, `${i}.json`), "utf8");
        const fact = parseFirewall({ ...NONE, nft: out(json) });
        const expected = modelNft(tables);
        if (!fact.known || fact.value !== expected) {
          expect.fail(
            `seed ${SEED + 2} case ${i}: parser says ${JSON.stringify(fact)}, model says ${String(expected)}\n` +
              nftText(tables),
          );
        }
      }
    });

    it(`iptables and ip6tables: ${REAL_CASES} generated rule sets loaded with iptables-restore (seed ${SEED + 3})`, async () => {
      const g = new Gen(seededRandom(SEED + 3));
      const cases = Array.from({ length: REAL_CASES }, () => {
        const v4 = iptablesRuleset(g, "ip");
        const v6 = g.chance(0.6) ? { ...v4, family: "ip6" as const } : iptablesRuleset(g, "ip6");
        return [v4, v6] as const;
      });
      let script = "";
      for (const [i, [v4, v6]] of cases.entries()) {
        await writeFile(join(dir, `${i}.v4`), iptablesText(v4, "save"));
        await writeFile(join(dir, `${i}.v6`), iptablesText(v6, "save"));
        script +=
          `iptables-restore < ${dir}/${i}.v4; ip6tables-restore < ${dir}/${i}.v6\n` +
          `iptables -S > ${dir}/${i}.s4; ip6tables -S > ${dir}/${i}.s6\n` +
          // iptables here is iptables-nft: the same rules are the nft ruleset too.
          `nft -j list ruleset > ${dir}/${i}.json\n`;
      }
      await inNamespace(script);
      for (const [i, [v4, v6]] of cases.entries()) {
        const [s4, s6, json] = await Promise.all(
          ["s4", "s6", "json"].map((ext) => readFile(join(dir, `${i}.${ext}`), "utf8")),
        );
        const fact = parseFirewall({ ...NONE, iptables: out(s4!), ip6tables: out(s6!) });
        const viaNft = parseFirewall({ ...NONE, nft: out(json!) });
        const expected = modelIptables(v4) && modelIptables(v6);
        if (!fact.known || fact.value !== expected || !viaNft.known || viaNft.value !== expected) {
          expect.fail(
            `seed ${SEED + 3} case ${i}: parser says ${JSON.stringify(fact)} from iptables, ` +
              `${JSON.stringify(viaNft)} from nft, model says ${String(expected)}\n` +
              `iptables -S:\n${s4}ip6tables -S:\n${s6}`,
          );
        }
      }
    });
  });
});
