/**
 * Requests waiting right now before they may go (again) to ARM, by why they wait. The gateway counts every wait it
 * makes (its retry policy's backoff, the per-scope throttling gate, Resource Graph's quota reset) through one
 * `RetryWaits`; the CLI's live progress display reads the count to show "N waiting on throttling" beside done of
 * total (issue 9), so a long Retry-After does not look like a hang.
 */
export type WaitKind = 'throttled' | 'transient' | 'consistency';

export class RetryWaits {
  private readonly counts: Record<WaitKind, number> = { throttled: 0, transient: 0, consistency: 0 };
  private readonly listeners = new Set<() => void>();

  /** Requests waiting for this reason now. */
  waiting(kind: WaitKind): number {
    return this.counts[kind];
  }

  /** Sleeps `ms`, counted as one request waiting for `kind` until the sleep ends. */
  async wait(kind: WaitKind, ms: number): Promise<void> {
    this.change(kind, 1);
    try {
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      this.change(kind, -1);
    }
  }

  /** Calls `listener` after every change of a count; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private change(kind: WaitKind, delta: number): void {
    this.counts[kind] += delta;
    for (const l of this.listeners) l();
  }
}
