/**
 * The failed-login guard (src/auth/login-guard.ts, login-guard-redis.ts):
 * thresholds and windows, bounded memory, counts shared through a real Redis,
 * locks announced to other daemons, and counting on when Redis is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { FailureLimiter, MAX_LOCAL_ENTRIES, MemoryFailureCounter, type Lock } from '../../src/auth/login-guard.js';
import { openRedisLoginGuard, RedisFailureCounter } from '../../src/auth/login-guard-redis.js';
import { redisPrefix } from '../support/database.js';
import { startRedis, type RedisServer } from '../support/services.js';
import { waitFor } from './support/daemon.js';

const silent = pino({ level: 'silent' });
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('failure limiter (in process)', () => {
  it('locks a user name at the threshold, whatever the NAS, until the window ends', async () => {
    let now = 1_000_000;
    const announced: Lock[] = [];
    const g = new FailureLimiter(new MemoryFailureCounter(() => now), { userThreshold: 3, nasThreshold: 100, windowSeconds: 60, now: () => now, announce: (l) => announced.push(l) });
    for (const nas of ['a', 'b']) {
      g.recordFailure('mallory', nas);
      await settle();
      expect(await g.isLockedOut('mallory', 'c')).toBe(false);
    }
    g.recordFailure('mallory', 'a');
    await settle();
    expect(await g.isLockedOut('mallory', 'c')).toBe(true);
    expect(await g.isLockedOut('alice', 'a')).toBe(false);
    expect(announced).toEqual([{ kind: 'user', name: 'mallory', ttlMs: 60_000 }]);
    now += 60_001;
    expect(await g.isLockedOut('mallory', 'a')).toBe(false);
  });

  it('throttles a NAS at its own threshold, apart from user names', async () => {
    const g = new FailureLimiter(new MemoryFailureCounter(), { userThreshold: 1000, nasThreshold: 5, windowSeconds: 60 });
    for (let i = 0; i < 5; i++) g.recordFailure(`spray-${i}`, 'bras-1');
    await settle();
    expect(g.isThrottled('bras-1')).toBe(true);
    expect(g.isThrottled('bras-2')).toBe(false);
    expect(await g.isLockedOut('spray-0', 'bras-1')).toBe(false);
    expect(g.counts()).toEqual({ lockedUsers: 0, throttledNas: 1 });
  });

  it('keeps memory bounded under a spray of distinct names', () => {
    const c = new MemoryFailureCounter();
    for (let i = 0; i < MAX_LOCAL_ENTRIES + 20_000; i++) c.incrementNow(`name-${i}`, 60_000);
    expect(c.size).toBeLessThanOrEqual(MAX_LOCAL_ENTRIES);
  });
});

describe('failure counts in Redis', () => {
  let client: Redis;
  beforeAll(() => {
    client = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await client.quit();
  });

  it('counts across daemons in one window that Redis expires', async () => {
    const prefix = `${redisPrefix()}lockout:`;
    const a = new RedisFailureCounter(client, prefix);
    const b = new RedisFailureCounter(client, prefix);
    expect((await a.increment('u:bob', 400)).count).toBe(1);
    const second = await b.increment('u:bob', 400);
    expect(second.count).toBe(2);
    expect(second.ttlMs).toBeGreaterThan(0);
    expect(second.ttlMs).toBeLessThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 450));
    expect((await a.increment('u:bob', 400)).count).toBe(1);
  });

  it('locks a name on every daemon once one of them sees it reach the threshold', async () => {
    const prefix = redisPrefix();
    const opts = { redisUrl: inject('redisUrl'), prefix, userThreshold: 2, nasThreshold: 100, windowSeconds: 60, log: silent };
    const [one, two] = await Promise.all([openRedisLoginGuard(opts), openRedisLoginGuard(opts)]);
    try {
      one.guard.recordFailure('carol', 'nas-1');
      one.guard.recordFailure('carol', 'nas-1');
      await waitFor(async () => one.guard.isLockedOut('carol', 'x'), 2000, 'locked where it failed');
      await waitFor(async () => two.guard.isLockedOut('carol', 'x'), 2000, 'locked on the other daemon, which saw no failure');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe('failure counting while Redis is down', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  it('goes on counting in process, never failing a request, and uses Redis again once it is back', async () => {
    const guarded = await openRedisLoginGuard({ redisUrl: redis.url, prefix: 'x:', userThreshold: 3, nasThreshold: 100, windowSeconds: 60, log: silent });
    const probe = new Redis(redis.url, { lazyConnect: true });
    try {
      await redis.stop();
      for (let i = 0; i < 3; i++) guarded.guard.recordFailure('dave', 'nas');
      await waitFor(async () => guarded.guard.isLockedOut('dave', 'nas'), 2000, 'locked from the local count');
      await redis.start();
      await probe.connect();
      await waitFor(async () => {
        guarded.guard.recordFailure('erin', 'nas');
        await new Promise((r) => setTimeout(r, 50));
        return (await probe.get('x:lockout:u:erin')) !== null;
      }, 10_000, 'counting in Redis again');
    } finally {
      probe.disconnect();
      await guarded.close();
    }
  });
});
