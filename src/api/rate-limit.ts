/**
 * Failed logins and bad tokens, counted per source address and per login in
 * this process's memory: past the limit within the window, further attempts
 * from that address (or for that login) are refused with 429 until the
 * window has passed, right password or not. Each daemon counts its own (a
 * restart forgets); a guesser spread over several daemons gets each one's
 * limit, which is still a handful of guesses a minute.
 */
export interface RateLimitOptions {
  /** Failures allowed per key within the window. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.opts.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string): number {
    const list = this.recent(key);
    if (list.length < this.opts.limit) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.opts.limit]! + this.opts.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    // Bounded memory under a flood of distinct keys: forget the oldest.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }
}
