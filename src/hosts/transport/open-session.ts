/** Opens a session on an inventory host through its transport. */
import type { InventoryHost } from "../inventory.js";
import { localSession } from "./local-session.js";
import type { HostSession } from "./session.js";
import { sshSession } from "./ssh-session.js";

export function openSession(host: InventoryHost): Promise<HostSession> {
  const t = host.transport;
  switch (t.kind) {
    case "local":
      return Promise.resolve(localSession(host));
    case "ssh":
      return sshSession(host, t);
  }
}
