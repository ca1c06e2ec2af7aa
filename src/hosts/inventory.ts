/**
 * The normalised hosts inventory: every default applied, every path absolute, every transport a
 * closed union. Drills and the collector only ever see this shape.
 */
import type { Role } from "../machine-config/schema.js";

export interface KeyAuth {
  readonly kind: "key";
  readonly identityFile: string;
}
export interface AgentAuth {
  readonly kind: "agent";
}
export type SshAuth = KeyAuth | AgentAuth;

export type HostKeyPolicy =
  | { readonly kind: "known-hosts"; readonly file: string }
  /** An explicit opt-out written in the inventory; never the default. */
  | { readonly kind: "unchecked" };

export interface LocalTransport {
  readonly kind: "local";
}
export interface SshTransport {
  readonly kind: "ssh";
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly auth: SshAuth;
  readonly hostKey: HostKeyPolicy;
  readonly connectTimeoutMs: number;
}
export type Transport = LocalTransport | SshTransport;

export interface MachineFacts {
  readonly department: string;
  readonly site: string;
  readonly role: Role;
  readonly owner?: string;
  readonly assetTag?: string;
  readonly lifecycleStatus?: "active" | "spare" | "pending-disposal" | "disposed";
}

export interface DrillPermissions {
  /** Destructive drill steps may run on this host. */
  readonly target: boolean;
  /** Normalised absolute paths; destructive steps stay inside them. */
  readonly sandbox: readonly string[];
}

/** Which probe script collects a host. */
export type Platform = "linux" | "macos";

export interface InventoryHost {
  readonly name: string;
  readonly transport: Transport;
  /** Which probes collect the host; absent means linux. */
  readonly platform?: Platform;
  readonly roles: readonly string[];
  readonly machine?: MachineFacts;
  readonly drill: DrillPermissions;
  /** JSON pointer of the host in its inventory file, for messages. */
  readonly pointer: string;
}

export interface Inventory {
  readonly file: string;
  readonly hosts: readonly InventoryHost[];
}

/** `user@host:port` or `local`, for messages and reports. */
export function describeTransport(t: Transport): string {
  switch (t.kind) {
    case "local":
      return "local";
    case "ssh":
      return `${t.user}@${t.host}:${t.port}`;
  }
}
