import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ACCOUNTING_REDIS_OPTIONS, RedisStore } from '../../src/accounting/redis-store.js';
import { HELD_FINISHED_TTL_S } from '../../src/accounting/lua/common.js';
import { uniqueIdFor } from '../../src/accounting/session-machine.js';
import { isRadassocError } from '../../src/errors.js';
import { redisPrefix } from '../support/database.js';
import { startRedis, type RedisServer } from '../support/services.js';
import { interim, start, stop, T0 } from './records.js';
import { storeContract } from './store-contract.js';

const client = (url: string): Redis => {
  const c = new Redis(url, ACCOUNTING_REDIS_OPTIONS);
  c.on('error', () => undefined); // reconnect errors are expected in the fault tests
  return c;
};

storeContract('RedisStore', async () => {
  const c = client(inject('redisUrl'));
  await new Promise<void>((resolve) => c.once('ready', () => resolve()));
  return new RedisStore(c, { prefix: redisPrefix(), snapshotLimit: 3 });
});

/** A store on the suite's Redis under a prefix of its own, with its client for looking at the keys. */
async function freshStore(): Promise<{ prefix: string; c: Redis; store: RedisStore }> {
  const prefix = redisPrefix();
  const c = client(inject('redisUrl'));
  await new Promise<void>((resolve) => c.once('ready', () => resolve()));
  return { prefix, c, store: new RedisStore(c, { prefix }) };
}

describe('RedisStore keys', () => {
  it('puts every key under the prefix and one hash tag (one Cluster slot)', async () => {
    const { prefix, c, store } = await freshStore();
    await store.applyRecord(start());
    await store.applyRecord(interim(300, 1, 1));
    const keys = await c.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(3);
    for (const k of keys) expect(k.startsWith(`${prefix}{acct}:`)).toBe(true);
    await store.close();
  });
});

describe('RedisStore per-tenant listing', () => {
  it("reads a tenant's own set, fills it for sessions opened before it existed, and drops what is no longer open", async () => {
    const { prefix, c, store } = await freshStore();
    await store.applyRecord(start({ acctSessionId: 'a-1', tenantId: 1 }));
    await store.applyRecord(start({ acctSessionId: 'a-2', tenantId: 1 }));
    await store.applyRecord(start({ acctSessionId: 'b-1', username: 'bob', tenantId: 2 }));
    const ids = async (tenantId: number) => (await store.listOpen({ tenantId })).map((s) => s.acctSessionId).sort();
    expect([await ids(1), await ids(2)]).toEqual([['a-1', 'a-2'], ['b-1']]);

    // The layout of a version before the per-tenant sets: no set at all.
    const set1 = `${prefix}{acct}:t1:open`;
    expect(await c.scard(set1)).toBe(2);
    await c.del(set1);
    expect(await ids(1)).toEqual([]);
    expect(await store.reindex()).toBe(2);
    expect(await store.reindex()).toBe(0);
    expect(await ids(1)).toEqual(['a-1', 'a-2']);

    // A session closed by a writer that kept no set leaves it at the next listing.
    await store.applyRecord(stop(60, 1, 1, { acctSessionId: 'a-1', tenantId: 1 }));
    await c.sadd(set1, uniqueIdFor('nas1', 'a-1', T0));
    expect(await ids(1)).toEqual(['a-2']);
    expect(await c.scard(set1)).toBe(1);
    await store.close();
  });
});

describe('RedisStore sessions held unattributed', () => {
  it('a finished one expires after HELD_FINISHED_TTL_S, since no flush will ever take it; a record naming its tenant keeps it', async () => {
    const { prefix, c, store } = await freshStore();
    const held = { acctSessionId: 'held-1', username: 'who', tenantId: null };
    const r = await store.applyRecord(start(held));
    expect(r).toMatchObject({ action: 'created', held: true });
    const key = `${prefix}{acct}:s:${r.uniqueId}`;
    expect(await c.ttl(key)).toBe(-1);
    await store.applyRecord(stop(60, 1, 1, held));
    const ttl = await c.ttl(key);
    expect(ttl).toBeGreaterThan(HELD_FINISHED_TTL_S - 60);
    expect(ttl).toBeLessThanOrEqual(HELD_FINISHED_TTL_S);
    const index = (await c.keys(`${prefix}{acct}:i:*`))[0]!;
    expect(await c.ttl(index)).toBeGreaterThan(HELD_FINISHED_TTL_S - 60);
    // Its Stop again, now routed: the session is the tenant's, kept until flushed.
    await store.applyRecord(stop(60, 1, 1, { ...held, tenantId: 1 }));
    expect(await c.ttl(key)).toBe(-1);
    expect(await c.ttl(index)).toBe(-1);
    expect((await store.pendingFlush(10)).map((i) => i.session.uniqueId)).toEqual([r.uniqueId]);
    await store.close();
  });
});

describe('RedisStore when Redis fails (private server)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.destroy();
  });

  const waitReady = async (store: RedisStore): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      try {
        await store.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('Redis did not come back');
  };

  it('every acknowledged record is still there after Redis is killed (SIGKILL) and restarted (AOF)', async () => {
    const store = new RedisStore(client(server.url), { prefix: 'ack:' });
    await waitReady(store);
    const acked: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = `s${i}`;
      await store.applyRecord(start({ acctSessionId: id }));
      await store.applyRecord(interim(300, 1000 + i, 2000 + i, { acctSessionId: id }));
      if (i % 2 === 0) await store.applyRecord(stop(600, 5000 + i, 6000 + i, { acctSessionId: id }));
      acked.push(id);
    }
    await server.stop(); // SIGKILL: no chance to write anything more
    await server.start();
    await waitReady(store);
    for (const [i, id] of acked.entries()) {
      const s = await store.getSession(uniqueIdFor('nas1', id, T0));
      expect(s?.inputOctets).toBe(i % 2 === 0 ? 5000 + i : 1000 + i);
      expect(s?.stopTime === null).toBe(i % 2 === 1);
    }
    expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(50);
    expect(await store.pendingFlush(1000)).toHaveLength(100);
    // The script cache died with the server: EVALSHA falls back to EVAL.
    expect(await store.applyRecord(stop(900, 1, 1, { acctSessionId: 's1' }))).toMatchObject({ action: 'stopped' });
    await store.close();
  });

  it('rejects quickly with REDIS_UNREACHABLE while Redis is down, so the NAS is not answered and retransmits', async () => {
    const store = new RedisStore(client(server.url), { prefix: 'down:', opTimeoutMs: 1500 });
    await waitReady(store);
    await store.applyRecord(start());
    await server.stop();
    const t = Date.now();
    const err: unknown = await store.applyRecord(interim(300, 1, 1)).catch((e: unknown) => e);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(isRadassocError(err) && err.code).toBe('REDIS_UNREACHABLE');
    await expect(store.ping()).rejects.toThrow(/Redis/);
    await server.start();
    await waitReady(store);
    // The NAS's retransmission now lands.
    expect(await store.applyRecord(interim(300, 1, 1))).toMatchObject({ action: 'updated' });
    await store.close();
  });

  it('answers counts() from set sizes, and rejects it within half a second when Redis hangs or is down', async () => {
    const store = new RedisStore(client(server.url), { prefix: 'counts:' });
    await waitReady(store);
    await store.applyRecord(start());
    await store.applyRecord(start({ acctSessionId: 'sess-2' }));
    await store.applyRecord(stop(60, 1, 1, { acctSessionId: 'sess-2' }));
    expect(await store.counts()).toEqual({ live: 1, flushBacklog: 1, held: 0 });
    await server.pause();
    try {
      const t = Date.now();
      await expect(store.counts()).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE' });
      expect(Date.now() - t).toBeLessThan(900);
    } finally {
      await server.resume();
    }
    await waitReady(store);
    await server.stop();
    const t = Date.now();
    await expect(store.counts()).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE' });
    expect(Date.now() - t).toBeLessThan(900);
    await server.start();
    await waitReady(store);
    expect(await store.counts()).toEqual({ live: 1, flushBacklog: 1, held: 0 });
    await store.close();
  });

  it('rejects within opTimeoutMs even with a client that queues commands while offline', async () => {
    const queueing = new Redis(server.url, { enableOfflineQueue: true, maxRetriesPerRequest: null });
    queueing.on('error', () => undefined);
    const store = new RedisStore(queueing, { prefix: 'q:', opTimeoutMs: 500 });
    await waitReady(store);
    await server.stop();
    const t = Date.now();
    await expect(store.applyRecord(start())).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE' });
    expect(Date.now() - t).toBeLessThan(1500);
    await server.start();
    await waitReady(store);
    queueing.disconnect();
  });
});
