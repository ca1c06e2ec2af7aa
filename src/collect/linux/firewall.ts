/**
 * The host firewall: on when something drops unsolicited inbound traffic by default — a packet
 * that matches no rule's condition is dropped by an nftables input base chain (for IPv4 and IPv6
 * alike) or by iptables and ip6tables INPUT (a drop policy, or a drop/reject rule every packet
 * reaches, jumps followed), ufw is active with a deny/reject incoming default, or firewalld runs
 * in a zone other than `trusted`. On a host whose IPv6 is off (ipv6.disable=1 at boot, or
 * disable_ipv6 set on every interface) IPv4 alone must be dropped.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { keyValues, lines } from "./key-values.js";

/** The probes the firewall verdict draws on. */
export interface FirewallProbes {
  readonly nft: ProbeOutput | undefined;
  readonly iptables: ProbeOutput | undefined;
  readonly ip6tables: ProbeOutput | undefined;
  readonly ufw: ProbeOutput | undefined;
  readonly firewalld: ProbeOutput | undefined;
  /** Whether IPv6 is on (the `ipv6` probe); without it IPv6 counts as on. */
  readonly ipv6?: ProbeOutput | undefined;
}

/** The IP versions inbound traffic can arrive in. */
type IpVersion = "ipv4" | "ipv6";

/**
 * Off only when the host shows it: no IPv6 in the kernel (booted with ipv6.disable=1), or
 * disable_ipv6 = 1 for `all`, `default` and every interface but loopback. Unread: on.
 */
export function ipv6Off(o: ProbeOutput | undefined): boolean {
  if (o?.rc !== 0) return false;
  if (o.stdout.trim() === "absent") return true;
  const values = keyValues(o.stdout);
  if (values.get("all") !== "1" || values.get("default") !== "1") return false;
  return [...values].every(([iface, value]) => iface === "lo" || value === "1");
}

type Verdict = { readonly on: boolean; readonly read: boolean };

/** What a packet that matches no rule's condition meets in a chain; undefined: it falls through. */
type Outcome = "accept" | "drop" | undefined;

/** A rule's effect on such a packet: its verdict, or nothing when a condition guards it. */
type Step =
  | { readonly kind: "accept" | "drop" | "return" | "continue" }
  | { readonly kind: "jump" | "goto"; readonly target: string };

/**
 * Follows one chain for a packet no condition matches: the first unconditional accept, drop or
 * reject decides, a jump returns here when the target falls through, a goto does not.
 */
function walk(
  chain: string,
  steps: (chain: string) => readonly Step[],
  stack: readonly string[] = [],
): Outcome | "return" {
  if (stack.includes(chain) || stack.length > 32) return undefined;
  for (const step of steps(chain)) {
    switch (step.kind) {
      case "accept":
      case "drop":
        return step.kind;
      case "return":
        return "return";
      case "continue":
        break;
      case "jump":
      case "goto": {
        const outcome = walk(step.target, steps, [...stack, chain]);
        if (outcome === "accept" || outcome === "drop") return outcome;
        if (step.kind === "goto") return "return";
      }
    }
  }
  return undefined;
}

/** A base chain's end for such a packet: its rules, else its policy. */
function baseDrops(chain: string, policy: string, steps: (chain: string) => readonly Step[]) {
  const outcome = walk(chain, steps);
  if (outcome === "accept" || outcome === "drop") return outcome === "drop";
  return policy === "drop";
}

interface NftChain {
  readonly family?: string;
  readonly table?: string;
  readonly name?: string;
  readonly hook?: string;
  readonly policy?: string;
}
interface NftRule {
  readonly family?: string;
  readonly table?: string;
  readonly chain?: string;
  readonly expr?: readonly Record<string, unknown>[];
}

/** The IP versions an nftables family's input hook sees. */
const NFT_FAMILY_SEES: ReadonlyMap<unknown, readonly string[]> = new Map([
  ["inet", ["ipv4", "ipv6"]],
  ["ip", ["ipv4"]],
  ["ip6", ["ipv6"]],
]);
/** Statements that neither match nor limit: they leave a rule unconditional. */
const NFT_PASSIVE = new Set(["counter", "log"]);
/** iptables-nft's compat statements that are passive too: a comment, a logging target. */
const XT_PASSIVE = new Set(["match comment", "target LOG", "target NFLOG"]);

function passive(statement: Record<string, unknown>): boolean {
  const keys = Object.keys(statement);
  if (keys.length !== 1) return false;
  const xt = statement.xt as { type?: unknown; name?: unknown } | null | undefined;
  if (keys[0] === "xt") return XT_PASSIVE.has(`${String(xt?.type)} ${String(xt?.name)}`);
  return NFT_PASSIVE.has(keys[0]!);
}

function nftStep(
  expr: readonly Record<string, unknown>[],
  chainKey: (name: string) => string,
): Step | undefined {
  const active = expr.filter((statement) => !passive(statement));
  if (active.length === 0) return { kind: "continue" };
  if (active.length > 1) return undefined;
  const verdict = active[0]!;
  const [key, ...more] = Object.keys(verdict);
  if (key === undefined || more.length > 0) return undefined;
  if (key === "accept") return { kind: "accept" };
  if (key === "drop" || key === "reject") return { kind: "drop" };
  // iptables-nft writes REJECT as a compat target.
  const xt = verdict.xt as { type?: unknown; name?: unknown } | null | undefined;
  if (key === "xt" && xt?.type === "target" && xt.name === "REJECT") return { kind: "drop" };
  if (key === "return") return { kind: "return" };
  if (key === "continue") return { kind: "continue" };
  if (key === "jump" || key === "goto") {
    const target = (verdict[key] as { target?: unknown } | null)?.target;
    return typeof target === "string" ? { kind: key, target: chainKey(target) } : undefined;
  }
  return undefined;
}

/**
 * nft -j: whether a packet that matches no rule's condition is dropped by some input base chain,
 * for IPv4 and for IPv6 alike. Rules are followed in order, jumps and gotos included; a rule with
 * any condition (a port, an address, a state, a rate limit) neither makes nor breaks default deny.
 */
export function nftDropsInput(
  json: string,
  versions: readonly IpVersion[] = ["ipv4", "ipv6"],
): boolean | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  const objects: unknown = (doc as { nftables?: unknown } | null)?.nftables;
  if (!Array.isArray(objects)) return undefined;
  const entries = objects as readonly ({ chain?: NftChain; rule?: NftRule } | null)[];
  const key = (family?: string, table?: string, chain?: string) => `${family} ${table} ${chain}`;
  const rules = new Map<string, Step[]>();
  for (const r of entries.map((o) => o?.rule)) {
    if (r === undefined || r === null) continue;
    const k = key(r.family, r.table, r.chain);
    // A jump target is named within the rule's own table.
    const chainKey = (name: string) => key(r.family, r.table, name);
    const step = Array.isArray(r.expr) ? nftStep(r.expr, chainKey) : undefined;
    if (step === undefined) continue;
    rules.set(k, [...(rules.get(k) ?? []), step]);
  }
  const inputs = entries
    .map((o) => o?.chain)
    .filter((c): c is NftChain => c?.hook === "input" && NFT_FAMILY_SEES.has(c.family));
  return versions.every((version) =>
    inputs
      .filter((c) => NFT_FAMILY_SEES.get(c.family)!.includes(version))
      .some((c) =>
        baseDrops(
          key(c.family, c.table, c.name),
          c.policy ?? "accept",
          (chain) => rules.get(chain) ?? [],
        ),
      ),
  );
}

/** Splits an iptables -S line into words, keeping a quoted comment whole. */
function words(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * iptables -S: whether a packet that matches no rule's condition is dropped in INPUT, by a
 * DROP/REJECT rule reached by all traffic (jumps and gotos into user chains followed) or by a DROP
 * policy. Any match before the target (-p, -s, -i, -m conntrack, -m limit, ...) makes a rule
 * conditional; only a comment does not.
 */
export function iptablesDropsInput(text: string): boolean {
  const policies = new Map<string, string>();
  const chains = new Map<string, string[][]>();
  for (const line of lines(text)) {
    const [option, chain, ...rest] = words(line);
    if (chain === undefined) continue;
    if (option === "-P") policies.set(chain, rest[0] ?? "");
    else if (option === "-N") chains.set(chain, chains.get(chain) ?? []);
    else if (option === "-A") chains.set(chain, [...(chains.get(chain) ?? []), rest]);
  }
  const step = (rule: readonly string[]): Step | undefined => {
    const at = rule.findIndex((w) => w === "-j" || w === "-g");
    const target = rule[at + 1];
    if (at < 0 || target === undefined) return { kind: "continue" };
    const before = rule.slice(0, at);
    const comment = before.length === 4 && before.slice(0, 3).join(" ") === "-m comment --comment";
    if (before.length > 0 && !comment) return undefined;
    if (target === "ACCEPT") return { kind: "accept" };
    if (target === "DROP" || target === "REJECT") return { kind: "drop" };
    if (target === "RETURN") return { kind: "return" };
    if (chains.has(target)) return { kind: rule[at] === "-g" ? "goto" : "jump", target };
    return { kind: "continue" };
  };
  const steps = (chain: string) =>
    (chains.get(chain) ?? []).flatMap((rule) => {
      const s = step(rule);
      return s === undefined ? [] : [s];
    });
  const policy = (policies.get("INPUT") ?? "ACCEPT").toLowerCase();
  return baseDrops("INPUT", policy === "reject" ? "drop" : policy, steps);
}

function fromNft(o: ProbeOutput | undefined, versions: readonly IpVersion[]): Verdict {
  if (o?.rc !== 0) return { on: false, read: false };
  const drops = nftDropsInput(o.stdout, versions);
  return { on: drops === true, read: drops !== undefined };
}

/**
 * iptables and ip6tables: on when both drop (iptables alone when IPv6 is off); without ip6tables
 * nothing is shown to filter IPv6.
 */
function fromIptables(
  v4: ProbeOutput | undefined,
  v6: ProbeOutput | undefined,
  versions: readonly IpVersion[],
): Verdict {
  if (v4?.rc !== 0) return { on: false, read: false };
  if (!versions.includes("ipv6")) return { on: iptablesDropsInput(v4.stdout), read: true };
  const v6Read = v6?.rc === 0;
  return {
    on: iptablesDropsInput(v4.stdout) && v6Read && iptablesDropsInput(v6.stdout),
    read: v6Read || v6 === undefined || v6.rc === 127,
  };
}

function fromUfw(o: ProbeOutput | undefined): Verdict {
  if (o === undefined || o.rc === 127) return { on: false, read: false };
  const status = /^Status:\s*(\w+)/m.exec(o.stdout)?.[1];
  if (status !== undefined) {
    const denies = /^Default:\s*(deny|reject) \(incoming\)/m.test(o.stdout);
    return { on: status === "active" && denies, read: true };
  }
  // Without root, ufw's own config says whether it starts and what it does by default.
  const conf = keyValues(o.stdout);
  const enabled = conf.get("ENABLED")?.toLowerCase();
  const policy = conf.get("DEFAULT_INPUT_POLICY")?.toUpperCase();
  if (enabled === "no") return { on: false, read: true };
  if (enabled === "yes" && (policy === "DROP" || policy === "REJECT"))
    return { on: true, read: true };
  return { on: false, read: false };
}

function fromFirewalld(o: ProbeOutput | undefined): Verdict {
  if (o?.rc !== 0) return { on: false, read: false };
  const values = keyValues(o.stdout);
  const state = values.get("state");
  if (state === "running") return { on: values.get("zone") !== "trusted", read: true };
  if (state === "not running") return { on: false, read: true };
  return { on: false, read: false };
}

/** Whether a firewall drops unsolicited inbound traffic by default. */
export function parseFirewall(p: FirewallProbes): Fact<boolean> {
  const versions: IpVersion[] = ipv6Off(p.ipv6) ? ["ipv4"] : ["ipv4", "ipv6"];
  const verdicts = [
    fromNft(p.nft, versions),
    fromIptables(p.iptables, p.ip6tables, versions),
    fromUfw(p.ufw),
    fromFirewalld(p.firewalld),
  ];
  if (verdicts.some((v) => v.on)) return known(true);
  // The kernel's rules were read and nothing drops inbound traffic.
  if (verdicts[0]!.read || verdicts[1]!.read) return known(false);
  // Without nft and iptables nothing can load rules (ufw and firewalld drive them), so whatever
  // ufw or firewalld said, or their absence, is the whole story.
  if (p.nft?.rc === 127 && p.iptables?.rc === 127) return known(false);
  // ufw or firewalld being off does not rule out rules loaded some other way.
  const reader = [p.nft, p.iptables].find((o) => o !== undefined && o.rc !== 127);
  return unknown(probeFailure(reader, "the firewall ruleset"));
}
