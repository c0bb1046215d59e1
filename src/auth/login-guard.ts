/**
 * Failed-login limiting: the LoginGuard the access policy consults.
 *
 * What it limits (config `lockout`):
 * - a username with `userThreshold` failures (bad password or unknown user)
 *   within `windowSeconds` is locked out until that window ends: every
 *   request for it is rejected with 'locked-out', right password or not.
 *   Unknown names are counted exactly like members, so the lockout itself
 *   does not tell a guesser which names exist;
 * - a NAS with `nasThreshold` failures within the window is throttled until
 *   the window ends: server/fairness.ts rate-limits its Access-Requests and
 *   drops the excess as 'overload'. Why throttle rather than reject it all:
 *   the NAS carries many subscribers, most of them innocent; rejecting every
 *   request would lock them all out because of one bad actor or one
 *   misconfiguration, while a rate limit still lets their logins trickle
 *   through (the NAS retransmits) and bounds what that NAS can cost the
 *   shared CPU, Redis and authentication log, which is what protects the
 *   other NASes.
 *
 * Cost on the hot path: isLockedOut is one Map lookup; nothing is read from
 * Redis per request. Counting happens after a failure, fire-and-forget: the
 * counter (Redis when configured, so every daemon counts together) answers
 * with the window's total, and the daemon that sees the total reach the
 * threshold locks locally and tells the others (login-guard-redis.ts). A
 * daemon that missed that message locks at its own next failure for the
 * name, since the shared count is then over the threshold.
 */
import type { LoginGuard } from './access-policy.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';

/** A key's failures in its current window, and how long that window still runs. */
export interface WindowCount {
  count: number;
  ttlMs: number;
}

/** Where failures are counted: fixed windows that start at a key's first failure. */
export interface FailureCounter {
  increment(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}

export type LockKind = 'user' | 'nas';

export interface Lock {
  kind: LockKind;
  name: string;
  ttlMs: number;
  /** A user name's tenant, when not the default one: alice of one association is not alice of another. */
  tenant?: number;
}

/**
 * Where a lock is held and counted. The default tenant keeps the keys of
 * before tenancy (`u:alice`), so locks and counts survive the upgrade; other
 * tenants' start with `t<id>:`, which no key of the default tenant does.
 */
function lockKey(kind: LockKind, name: string, tenant: number): string {
  if (kind === 'nas') return `n:${name}`;
  return tenant === DEFAULT_TENANT_ID ? `u:${name}` : `t${tenant}:u:${name}`;
}

export interface FailureLimiterOptions {
  userThreshold: number;
  nasThreshold: number;
  windowSeconds: number;
  log?: { warn(obj: Record<string, unknown>, msg: string): void };
  /** Called once when this daemon saw a key reach its threshold (to tell other daemons). */
  announce?: (lock: Lock) => void;
  now?: () => number;
}

/** Hard bound of locally held locks and counters: a flood of names must not grow memory without end. */
export const MAX_LOCAL_ENTRIES = 100_000;

// Built once: isLockedOut allocates nothing.
const LOCKED: Promise<boolean> = Promise.resolve(true);
const OPEN: Promise<boolean> = Promise.resolve(false);

export class FailureLimiter implements LoginGuard {
  private readonly locks: Record<LockKind, Map<string, number>> = { user: new Map(), nas: new Map() };
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(
    private readonly counter: FailureCounter,
    private readonly opts: FailureLimiterOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowSeconds * 1000;
  }

  isLockedOut(username: string, _nas: string, tenant: number = DEFAULT_TENANT_ID): Promise<boolean> {
    return this.held('user', lockKey('user', username, tenant)) ? LOCKED : OPEN;
  }

  /** Whether this NAS is over its failure threshold (the fair queue then rate-limits it). */
  isThrottled(nas: string): boolean {
    return this.held('nas', lockKey('nas', nas, DEFAULT_TENANT_ID));
  }

  /** `userThreshold`: the tenant's own lockout threshold, else the deployment's. */
  recordFailure(username: string, nas: string, tenant: number = DEFAULT_TENANT_ID, userThreshold: number = this.opts.userThreshold): void {
    this.count('user', username, tenant, userThreshold);
    this.count('nas', nas, DEFAULT_TENANT_ID, this.opts.nasThreshold);
  }

  /** Another daemon saw this key reach its threshold. */
  applyRemote(lock: Lock): void {
    if (lock.ttlMs > 0 && lock.ttlMs <= this.windowMs) this.hold(lock.kind, lockKey(lock.kind, lock.name, lock.tenant ?? DEFAULT_TENANT_ID), lock.ttlMs);
  }

  /** Locked names and throttled NASes held now (for /metrics). */
  counts(): { lockedUsers: number; throttledNas: number } {
    return { lockedUsers: this.live('user'), throttledNas: this.live('nas') };
  }

  async close(): Promise<void> {
    await this.counter.close();
  }

  private count(kind: LockKind, name: string, tenant: number, threshold: number): void {
    const key = lockKey(kind, name, tenant);
    // The counter never rejects (the Redis one falls back to memory), so no rejection can go unhandled.
    void this.counter.increment(key, this.windowMs).then((c) => {
      if (c.count < threshold) return;
      this.hold(kind, key, c.ttlMs);
      if (c.count !== threshold) return;
      // Exactly at the threshold: this daemon is the one that tips it, so it alone logs and tells the others.
      const other = tenant === DEFAULT_TENANT_ID ? {} : { tenant };
      this.opts.log?.warn(
        kind === 'user'
          ? { user: name, ...other, failures: c.count, lockedForSeconds: Math.ceil(c.ttlMs / 1000) }
          : { nas: name, failures: c.count, throttledForSeconds: Math.ceil(c.ttlMs / 1000) },
        kind === 'user' ? 'user name locked out after repeated failed logins' : 'NAS over its failed-login threshold: its Access-Requests are rate-limited',
      );
      this.opts.announce?.({ kind, name, ttlMs: c.ttlMs, ...other });
    });
  }

  private held(kind: LockKind, name: string): boolean {
    const map = this.locks[kind];
    const until = map.get(name);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    map.delete(name);
    return false;
  }

  private hold(kind: LockKind, name: string, ttlMs: number): void {
    const map = this.locks[kind];
    map.delete(name); // re-inserted last, so eviction below takes the oldest
    map.set(name, this.now() + ttlMs);
    if (map.size > MAX_LOCAL_ENTRIES) evict(map, this.now(), (until) => until);
  }

  private live(kind: LockKind): number {
    const now = this.now();
    let n = 0;
    for (const until of this.locks[kind].values()) if (until > now) n++;
    return n;
  }
}

/**
 * Drops expired entries, then the oldest ones, down to 90% of the bound: the
 * slack makes this full scan rare (once per 10,000 new names at worst).
 */
function evict<T>(map: Map<string, T>, now: number, expiresAt: (v: T) => number): void {
  const target = MAX_LOCAL_ENTRIES * 0.9;
  for (const [k, v] of map) if (expiresAt(v) <= now) map.delete(k);
  for (const k of map.keys()) {
    if (map.size <= target) break;
    map.delete(k);
  }
}

/**
 * Counts in this process: the embedded mode, and the fallback while Redis is
 * unreachable (each daemon then limits on its own, which still stops a
 * guesser, only less tightly).
 */
export class MemoryFailureCounter implements FailureCounter {
  private readonly windows = new Map<string, { count: number; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, windowMs: number): Promise<WindowCount> {
    return Promise.resolve(this.incrementNow(key, windowMs));
  }

  incrementNow(key: string, windowMs: number): WindowCount {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.until <= now) {
      w = { count: 0, until: now + windowMs };
      this.windows.delete(key);
      this.windows.set(key, w);
      if (this.windows.size > MAX_LOCAL_ENTRIES) evict(this.windows, now, (v) => v.until);
    }
    w.count++;
    return { count: w.count, ttlMs: w.until - now };
  }

  get size(): number {
    return this.windows.size;
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}
