/**
 * Ctrl-C and SIGTERM during a drill. The first signal stops the current step at its next command
 * and goes straight to cleanup; cleanup still runs. A later signal cannot skip cleanup either: it
 * only bounds how much longer the run waits for it. Handlers exist only while a run does.
 */

export const HANDLED_SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** A signal a drill handles by stopping and cleaning up. */
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** The signals received during a run, as promises the runner races its steps against. */
export class Interrupts {
  /** The first signal received, if any. */
  received: HandledSignal | undefined;
  /** Resolves with the first signal. */
  readonly first: Promise<HandledSignal>;
  /** Resolves when cleanup has had its last chance (a bound after a repeated signal). */
  readonly force: Promise<void>;
  private resolveFirst!: (signal: HandledSignal) => void;
  private resolveForce!: () => void;
  private forceTimer: NodeJS.Timeout | undefined;
  private count = 0;

  private readonly listeners = new Set<(signal: HandledSignal, action: string) => void>();

  constructor(private readonly forceBoundMs: number) {
    this.first = new Promise((resolve) => (this.resolveFirst = resolve));
    this.force = new Promise((resolve) => (this.resolveForce = resolve));
  }

  /** Hears every signal with what the run does about it; returns the unsubscription. */
  listen(listener: (signal: HandledSignal, action: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onSignal(signal: HandledSignal, action: string): void {
    for (const listener of this.listeners) listener(signal, action);
  }

  /** Whether a repeated signal has used up the cleanup bound. */
  forced = false;

  /** Delivers a signal (from a process handler, or a test). */
  trigger(signal: HandledSignal): void {
    this.count += 1;
    if (this.count === 1) {
      this.received = signal;
      this.onSignal(signal, "stopping the current step; cleanup runs next");
      this.resolveFirst(signal);
      return;
    }
    if (this.forceTimer === undefined) {
      this.onSignal(
        signal,
        `cleanup is still running; waiting up to ${Math.round(this.forceBoundMs / 1000)} s more for it`,
      );
      this.forceTimer = setTimeout(() => {
        this.forced = true;
        this.resolveForce();
      }, this.forceBoundMs);
      this.forceTimer.unref();
    } else {
      this.onSignal(signal, "cleanup is still running within its bound");
    }
  }

  /** Installs process handlers for SIGINT and SIGTERM; returns their removal. */
  install(): () => void {
    const handlers = HANDLED_SIGNALS.map((signal) => {
      const handler = () => this.trigger(signal);
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      if (this.forceTimer !== undefined) clearTimeout(this.forceTimer);
    };
  }
}
