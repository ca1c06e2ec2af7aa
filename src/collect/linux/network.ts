/**
 * Network identity: MAC addresses of real interfaces and the addresses assigned to them, from
 * `ip -j addr` (or /sys/class/net and `hostname -I`), and whether the IPv4 addresses are leased
 * (ip marks a DHCP lease `dynamic`, with a lifetime) or configured. Loopback, link-local addresses and the
 * virtual interfaces of containers and VMs (veth, docker, bridges, tunnels) are left out, so they
 * do not collide across machines.
 */
import { isIP } from "node:net";
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** MAC and IP addresses of a host. */
export interface NetworkFacts {
  readonly macAddresses: Fact<readonly string[]>;
  readonly ipAddresses: Fact<readonly string[]>;
  readonly ipAssignment: Fact<"static" | "dhcp">;
}

const VIRTUAL =
  /^(lo|veth|docker|br-|virbr|vnet|cni|flannel|cali|weave|kube|tun|tap|wg|zt|tailscale|ifb|dummy|bond-slave|podman|lxc|lxd)/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const ZERO_MAC = /^(00:){5}00$/;
/** At most this many of each, as the machine-config schema allows. */
const LIMIT = 64;

function usableAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  if (/^127\./.test(address) || address === "::1") return false;
  if (/^169\.254\./.test(address) || /^fe[89ab][0-9a-f]:/i.test(address)) return false;
  return true;
}

interface IpLink {
  readonly ifname?: unknown;
  readonly link_type?: unknown;
  readonly address?: unknown;
  readonly addr_info?: readonly {
    readonly local?: unknown;
    readonly scope?: unknown;
    readonly family?: unknown;
    readonly dynamic?: unknown;
  }[];
}

function fromIpJson(text: string): NetworkFacts | undefined {
  let links: unknown;
  try {
    links = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(links)) return undefined;
  const macs = new Set<string>();
  const ips = new Set<string>();
  let leased = 0;
  let configured = 0;
  for (const link of links as IpLink[]) {
    if (typeof link.ifname !== "string" || VIRTUAL.test(link.ifname)) continue;
    if (
      link.link_type === "ether" &&
      typeof link.address === "string" &&
      MAC.test(link.address) &&
      !ZERO_MAC.test(link.address)
    )
      macs.add(link.address.toLowerCase());
    for (const info of link.addr_info ?? [])
      if (typeof info.local === "string" && info.scope !== "host" && usableAddress(info.local)) {
        ips.add(info.local);
        if (isIP(info.local) === 4) {
          if (info.dynamic === true) leased += 1;
          else configured += 1;
        }
      }
  }
  return {
    macAddresses: known([...macs].slice(0, LIMIT)),
    ipAddresses: known([...ips].slice(0, LIMIT)),
    ipAssignment: assignment(leased, configured),
  };
}

/** dhcp when every IPv4 address is a lease, static when none is; otherwise it cannot be said. */
function assignment(leased: number, configured: number): Fact<"static" | "dhcp"> {
  if (leased + configured === 0) return unknown("no IPv4 address is assigned");
  if (configured === 0) return known("dhcp");
  if (leased === 0) return known("static");
  return unknown(`${leased} IPv4 address(es) leased by DHCP and ${configured} configured`);
}

function fromSysfs(text: string): NetworkFacts {
  const macs = new Set<string>();
  let ips: Fact<readonly string[]> = unknown("hostname -I listed no addresses");
  for (const line of lines(text)) {
    const [kind, ...rest] = line.trim().split(/\s+/);
    if (kind === "if") {
      const [name, type, address] = rest;
      // ARPHRD_ETHER is type 1.
      if (
        name &&
        !VIRTUAL.test(name) &&
        type === "1" &&
        address &&
        MAC.test(address) &&
        !ZERO_MAC.test(address)
      )
        macs.add(address.toLowerCase());
    } else if (kind === "ips" && rest.length > 0) {
      ips = known(rest.filter(usableAddress).slice(0, LIMIT));
    }
  }
  return {
    macAddresses: known([...macs].slice(0, LIMIT)),
    ipAddresses: ips,
    ipAssignment: unknown("hostname -I does not say which addresses DHCP leased"),
  };
}

/** Addresses from `ip -j addr`, or from sysfs and `hostname -I` when the probe fell back (@sysfs). */
export function parseNetwork(output: ProbeOutput | undefined): NetworkFacts {
  if (output?.rc !== 0) {
    const reason = probeFailure(output, "ip and /sys/class/net");
    return {
      macAddresses: unknown(reason),
      ipAddresses: unknown(reason),
      ipAssignment: unknown(reason),
    };
  }
  if (output.stdout.startsWith("@sysfs")) return fromSysfs(output.stdout);
  const parsed = fromIpJson(output.stdout);
  if (parsed) return parsed;
  const reason = "ip -j printed something that is not JSON";
  return {
    macAddresses: unknown(reason),
    ipAddresses: unknown(reason),
    ipAssignment: unknown(reason),
  };
}
