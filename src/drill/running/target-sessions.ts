/**
 * One session per target host, opened on first use, reopened after a lost connection, closed at
 * the end — and refused outright once the runbook declares the host lost.
 */
import type { InventoryHost } from "../../hosts/inventory.js";
import { openSession } from "../../hosts/transport/open-session.js";
import { TransportError, type HostSession } from "../../hosts/transport/session.js";

/** Opens a session on a host (the transport's, or a test's). */
export type SessionOpener = (host: InventoryHost) => Promise<HostSession>;

/** The sessions of one run's targets (see the module comment). */
export class TargetSessions {
  private readonly open = new Map<string, Promise<HostSession>>();
  private readonly lost = new Map<string, Date>();

  constructor(private readonly opener: SessionOpener = openSession) {}

  /** The host's session; throws `transport-refused` once the host is declared lost. */
  async get(host: InventoryHost): Promise<HostSession> {
    this.refuseIfLost(host);
    let session = this.open.get(host.name);
    if (session === undefined) {
      session = this.opener(host);
      this.open.set(host.name, session);
      // A failed connection is not cached: the next use (a retry) tries again.
      const opening = session;
      void opening.catch(() => {
        if (this.open.get(host.name) === opening) this.open.delete(host.name);
      });
    }
    return session;
  }

  refuseIfLost(host: InventoryHost): void {
    const since = this.lost.get(host.name);
    if (since !== undefined)
      throw new TransportError(
        "transport-refused",
        host.name,
        `refused: the host was declared lost at ${since.toISOString()} and may not be used again in this drill`,
      );
  }

  /** Refuses every later use of the host, and closes its session. */
  declareLost(host: InventoryHost): void {
    this.lost.set(host.name, new Date());
    void this.drop(host);
  }

  isLost(host: InventoryHost): boolean {
    return this.lost.has(host.name);
  }

  /** Forgets a broken session so the next use reconnects. */
  async drop(host: InventoryHost): Promise<void> {
    const session = this.open.get(host.name);
    this.open.delete(host.name);
    if (session) await session.then((s) => s.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.open.values()];
    this.open.clear();
    await Promise.all(sessions.map((s) => s.then((x) => x.close()).catch(() => undefined)));
  }
}
