/** Opens a session on an inventory host through its transport. */
import type { InventoryHost } from "../inventory.js";
import { localSession } from "./local-session.js";
import type { HostSession } from "./session.js";
import { SshCredentials } from "./ssh-credentials.js";
import { sshSession } from "./ssh-session.js";

/**
 * A session on the host. Logins of one run share its `credentials` (each identity and known_hosts
 * file read once); without them, this login reads its own.
 */
export function openSession(
  host: InventoryHost,
  credentials: SshCredentials = new SshCredentials(),
): Promise<HostSession> {
  const t = host.transport;
  switch (t.kind) {
    case "local":
      return Promise.resolve(localSession(host));
    case "ssh":
      return sshSession(host, t, credentials);
  }
}
