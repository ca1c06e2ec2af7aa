/**
 * What a recovered system serves, as network rules: the catalogue of services a critical system
 * may name in the stack settings (each a fixed set of protocol/port rules), the town's own extra
 * rules, and the coverage test the program and the policy pack share. Pure data and functions.
 */

/** Protocols a security-group rule of the stack settings may name. */
export const PROTOCOLS = ["tcp", "udp", "icmp", "all"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** One normalised rule: tcp/udp carry a port range, icmp and all carry none. */
export type PortRule =
  | {
      readonly protocol: "tcp" | "udp";
      readonly fromPort: number;
      readonly toPort: number;
      readonly purpose: string;
    }
  | { readonly protocol: "icmp" | "all"; readonly purpose: string };

const tcp = (fromPort: number, purpose: string, toPort = fromPort): PortRule => ({
  protocol: "tcp",
  fromPort,
  toPort,
  purpose,
});
const udp = (fromPort: number, purpose: string, toPort = fromPort): PortRule => ({
  protocol: "udp",
  fromPort,
  toPort,
  purpose,
});

/**
 * The services a DR system can be restored to serve. Active Directory follows Microsoft's
 * "Active Directory and Active Directory Domain Services port requirements" (Windows Server
 * 2008 and later): DNS and Kerberos over UDP and TCP (MS-KILE: "UDP port 88 and TCP port 88 are
 * used"), NTP and connectionless LDAP over UDP, and the RPC dynamic range 49152-65535 that
 * replication and Netlogon use after the endpoint mapper on 135.
 */
export const DR_SERVICES = {
  "active-directory": {
    title: "Active Directory domain controller (with its DNS)",
    rules: [
      udp(53, "DNS"),
      tcp(53, "DNS (large answers, zone transfers)"),
      udp(88, "Kerberos"),
      tcp(88, "Kerberos (tickets over 1465 bytes)"),
      udp(123, "NTP (W32Time: domain time for Kerberos)"),
      tcp(135, "RPC endpoint mapper"),
      udp(389, "LDAP ping (DC locator)"),
      tcp(389, "LDAP"),
      tcp(445, "SMB (SYSVOL, NETLOGON, Group Policy)"),
      udp(464, "Kerberos password change"),
      tcp(464, "Kerberos password change"),
      tcp(636, "LDAPS"),
      tcp(3268, "Global catalog", 3269),
      tcp(49152, "RPC dynamic ports (replication, Netlogon)", 65535),
    ],
  },
  dns: {
    title: "DNS server",
    rules: [udp(53, "DNS"), tcp(53, "DNS (large answers, zone transfers)")],
  },
  "file-share": { title: "Windows file shares (SMB)", rules: [tcp(445, "SMB")] },
  rdp: { title: "Remote Desktop", rules: [tcp(3389, "RDP"), udp(3389, "RDP (UDP transport)")] },
  https: { title: "web application over HTTPS", rules: [tcp(443, "HTTPS")] },
  http: { title: "web application over plain HTTP", rules: [tcp(80, "HTTP")] },
  mssql: { title: "Microsoft SQL Server", rules: [tcp(1433, "SQL Server")] },
  ssh: { title: "SSH administration (from the town only)", rules: [tcp(22, "SSH")] },
} as const satisfies Record<string, { title: string; rules: readonly PortRule[] }>;

export type DrService = keyof typeof DR_SERVICES;
export const DR_SERVICE_NAMES = Object.keys(DR_SERVICES) as DrService[];

/** The tag that records, on a DR security group, the services its system serves. */
export const SERVICES_TAG = "dr-services";

/** A rule as the stack settings write it (protocol, optional port range). */
export interface RawPortRule {
  readonly protocol: Protocol;
  readonly fromPort?: number;
  readonly toPort?: number;
}

/** Normalises a written rule; the config check has already refused inconsistent ones. */
export function normaliseRule(rule: RawPortRule, purpose: string): PortRule {
  if (rule.protocol === "icmp" || rule.protocol === "all")
    return { protocol: rule.protocol, purpose };
  const fromPort = rule.fromPort ?? 0;
  return { protocol: rule.protocol, fromPort, toPort: rule.toPort ?? fromPort, purpose };
}

/** What is wrong with a written rule, or undefined. */
export function ruleProblem(rule: RawPortRule): { field: string; message: string } | undefined {
  if (rule.protocol === "icmp" || rule.protocol === "all") {
    if (rule.fromPort !== undefined || rule.toPort !== undefined) {
      return {
        field: rule.fromPort !== undefined ? "fromPort" : "toPort",
        message: `must be absent for protocol ${rule.protocol}, which has no ports`,
      };
    }
    return undefined;
  }
  if (rule.fromPort === undefined) {
    return { field: "fromPort", message: `is required for protocol ${rule.protocol}` };
  }
  if (rule.toPort !== undefined && rule.toPort < rule.fromPort) {
    return { field: "toPort", message: `is ${rule.toPort}, below fromPort (${rule.fromPort})` };
  }
  return undefined;
}

/** `tcp 49152-65535`, `udp 53`, `icmp`, `all`. */
export function formatRule(rule: PortRule): string {
  const shape = toSecurityGroupRule(rule);
  if (rule.protocol === "icmp" || rule.protocol === "all") return rule.protocol;
  const ports =
    shape.fromPort === shape.toPort ? `${shape.fromPort}` : `${shape.fromPort}-${shape.toPort}`;
  return `${rule.protocol} ${ports}`;
}

/**
 * The rules a system needs: its services' rules, then its own, without repeats (a rule inside
 * an earlier one of the same protocol is dropped), in a stable order.
 */
export function rulesFor(
  services: readonly DrService[],
  extra: readonly RawPortRule[] = [],
): PortRule[] {
  const all: PortRule[] = [
    ...services.flatMap((s) => DR_SERVICES[s].rules),
    ...extra.map((r) => normaliseRule(r, "town rule")),
  ];
  const kept: PortRule[] = [];
  for (const rule of all) {
    if (!kept.some((k) => covers(k, rule))) kept.push(rule);
  }
  return kept;
}

/** The protocol and ports of a security-group rule as AWS writes them (`-1` = all). */
export interface SecurityGroupRuleShape {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
}

/** A PortRule as the arguments of an aws.ec2.SecurityGroup ingress or egress entry. */
export function toSecurityGroupRule(rule: PortRule): SecurityGroupRuleShape {
  switch (rule.protocol) {
    case "all":
      return { protocol: "-1", fromPort: 0, toPort: 0 };
    case "icmp":
      // -1/-1: every ICMP type and code.
      return { protocol: "icmp", fromPort: -1, toPort: -1 };
    case "tcp":
    case "udp":
      return { protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort };
  }
}

/** AWS accepts protocol names and numbers; these are the ones that mean the same. */
const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = {
  "6": "tcp",
  "17": "udp",
  "1": "icmp",
  all: "-1",
};

/** Whether `granted` (a PortRule, or an AWS-shaped ingress entry) admits everything `needed` does. */
export function covers(granted: PortRule | SecurityGroupRuleShape, needed: PortRule): boolean {
  const shape = "purpose" in granted ? toSecurityGroupRule(granted) : granted;
  const protocol = PROTOCOL_NUMBERS[String(shape.protocol).toLowerCase()] ?? shape.protocol;
  if (protocol === "-1") return true;
  const want = toSecurityGroupRule(needed);
  if (protocol !== want.protocol) return false;
  if (protocol === "icmp") return shape.fromPort === -1;
  return shape.fromPort <= want.fromPort && shape.toPort >= want.toPort;
}
