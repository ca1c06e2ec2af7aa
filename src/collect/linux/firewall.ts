/**
 * The host firewall: on when something drops or rejects unsolicited inbound traffic by default —
 * an nftables (IPv4) or iptables input chain with a drop policy or a final unconditional drop/reject rule, ufw active
 * with a deny/reject incoming default, or firewalld running in a zone other than `trusted`.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { keyValues, lines } from "./key-values.js";

/** The probes the firewall verdict draws on. */
export interface FirewallProbes {
  readonly nft: ProbeOutput | undefined;
  readonly iptables: ProbeOutput | undefined;
  readonly ufw: ProbeOutput | undefined;
  readonly firewalld: ProbeOutput | undefined;
}

type Verdict = { readonly on: boolean; readonly read: boolean };

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

/** Families whose input hook sees IPv4: the town's traffic. An ip6-only table leaves it open. */
const IPV4_FAMILIES = new Set(["ip", "inet"]);
/** Statements that neither match nor limit: a rule of only these and a verdict is unconditional. */
const UNCONDITIONAL = new Set(["counter", "log", "drop", "reject"]);

/**
 * nft -j: a base chain on the IPv4 input hook that drops by policy, or whose last rule drops or
 * rejects unconditionally (a last rule that drops only telnet is no default deny).
 */
export function nftDropsInput(json: string): boolean | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  const objects: unknown = (doc as { nftables?: unknown } | null)?.nftables;
  if (!Array.isArray(objects)) return undefined;
  const entries = objects as readonly { chain?: NftChain; rule?: NftRule }[];
  const chains = entries
    .map((o) => o.chain)
    .filter((c): c is NftChain => c?.hook === "input" && IPV4_FAMILIES.has(c.family ?? ""));
  const rules = entries.map((o) => o.rule).filter((r): r is NftRule => r !== undefined);
  return chains.some((c) => {
    if (c.policy === "drop") return true;
    const own = rules.filter(
      (r) => r.family === c.family && r.table === c.table && r.chain === c.name,
    );
    const expr = own.at(-1)?.expr ?? [];
    const last = expr.at(-1);
    return (
      last !== undefined &&
      ("drop" in last || "reject" in last) &&
      expr.every((statement) => Object.keys(statement).every((k) => UNCONDITIONAL.has(k)))
    );
  });
}

/** iptables -S INPUT: a DROP policy or a final DROP/REJECT rule. */
export function iptablesDropsInput(text: string): boolean {
  const rules = lines(text);
  if (rules.some((r) => /^-P INPUT (DROP|REJECT)\b/.test(r))) return true;
  const last = rules.filter((r) => r.startsWith("-A INPUT")).at(-1) ?? "";
  return /-j (DROP|REJECT)\b/.test(last) && !/ -[sdpi] /.test(last.replace(/^-A INPUT/, ""));
}

function fromNft(o: ProbeOutput | undefined): Verdict {
  if (o?.rc !== 0) return { on: false, read: false };
  const drops = nftDropsInput(o.stdout);
  return { on: drops === true, read: drops !== undefined };
}

function fromIptables(o: ProbeOutput | undefined): Verdict {
  if (o?.rc !== 0) return { on: false, read: false };
  return { on: iptablesDropsInput(o.stdout), read: true };
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
  const verdicts = [
    fromNft(p.nft),
    fromIptables(p.iptables),
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
