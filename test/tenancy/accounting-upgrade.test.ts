/**
 * An upgrade with sessions open: a Redis session and an embedded journal
 * written before tenancy (no tenant anywhere in them) are read after it as
 * the default tenant's, still counted for simultaneous-use, still closed by
 * their Stop, and flushed with tenant_id 1. Another tenant sees none of them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { flushUsage } from '../../src/accounting/flusher.js';
import { JOURNAL_FILE, MemoryStore } from '../../src/accounting/memory-store.js';
import { ACCOUNTING_REDIS_OPTIONS, RedisStore } from '../../src/accounting/redis-store.js';
import { uniqueIdFor } from '../../src/accounting/normalize.js';
import type { Db } from '../../src/db/db.js';
import { DEFAULT_TENANT_ID, type TenantRef } from '../../src/domain/tenant.js';
import { migratedPostgres, tempDataDir } from '../db/helpers.js';
import { liveSession, startRecord } from '../lifecycle/fixtures.js';
import { redisPrefix } from '../support/database.js';
import { addTenant } from './accounting-fixtures.js';

const START = Date.parse('2026-11-02T08:00:00Z');
let db: Db;
let other: TenantRef;
let client: Redis;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  other = await addTenant(db, 'asso-b', ['asso-b']);
  client = new Redis(inject('redisUrl'), ACCOUNTING_REDIS_OPTIONS);
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
});

afterAll(async () => {
  client?.disconnect();
  await db?.close();
});

const tenantsOf = async (table: string): Promise<Array<[string, number]>> =>
  (await db.query<{ acct_session_id: string; tenant_id: number }>(`SELECT acct_session_id, tenant_id FROM ${table} ORDER BY acct_session_id`)).rows.map(
    (r) => [r.acct_session_id, Number(r.tenant_id)],
  );

describe('an upgrade with open sessions', () => {
  it('reads a Redis session written before tenancy as the default tenant\'s, counts it, closes it and flushes it', async () => {
    const P = `${redisPrefix()}{acct}:`;
    const uid = uniqueIdFor('bras1', 'old-1', START);
    // The keys and fields the store wrote before tenancy (lua/common.ts then): no tenantId, the member set u:<user>.
    await client.hset(`${P}s:${uid}`, {
      uniqueId: uid, nas: 'bras1', acctSessionId: 'old-1', username: 'alice', startTime: START, lastUpdate: START,
      interimInterval: 300, sessionTime: 0, inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0, ver: 1,
      ik: `${P}i:5:bras1:old-1`,
    });
    await client.set(`${P}i:5:bras1:old-1`, uid);
    await client.zadd(`${P}open`, START, uid);
    await client.zadd(`${P}dirty`, START, uid);
    await client.sadd(`${P}u:alice`, uid);
    await client.sadd(`${P}n:bras1`, uid);

    const store = new RedisStore(client, { prefix: P, ownsClient: false });
    expect(await store.getSession(uid)).toMatchObject({ tenantId: DEFAULT_TENANT_ID, username: 'alice' });
    expect((await store.listOpen({ tenantId: DEFAULT_TENANT_ID, username: 'alice' })).map((s) => s.uniqueId)).toEqual([uid]);
    expect(await store.listOpen({ tenantId: other.id })).toEqual([]);
    expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
    expect(await store.countOpenForUser('alice', other.id)).toBe(0);

    const interim = await store.applyRecord(startRecord({ statusType: 'interim', acctSessionId: 'old-1', sessionTime: 600, inputOctets: 10, outputOctets: 20, receivedAt: START + 600_000 }));
    expect(interim).toMatchObject({ action: 'updated', uniqueId: uid });
    const stop = await store.applyRecord(startRecord({ statusType: 'stop', acctSessionId: 'old-1', sessionTime: 900, inputOctets: 30, outputOctets: 40, receivedAt: START + 900_000 }));
    expect(stop).toMatchObject({ action: 'stopped', uniqueId: uid });
    expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(0);
    expect(await client.scard(`${P}u:alice`)).toBe(0);

    await flushUsage(store, db);
    expect(await tenantsOf('usage_sessions')).toContainEqual(['old-1', DEFAULT_TENANT_ID]);
  });

  it('replays an embedded journal written before tenancy: its sessions and records are the default tenant\'s', async () => {
    const dir = tempDataDir();
    // A compacted state with one open session, then one record appended after it: both without a tenant.
    const old = liveSession({ uniqueId: uniqueIdFor('bras1', 'old-2', START), acctSessionId: 'old-2', username: 'carol', startTime: START, lastUpdate: START });
    const lines = [
      { t: 'state', entries: [{ session: old, version: 1, dirtySince: START, expiresAt: null, snapshots: [] }], index: [['bras1\u0000old-2', old.uniqueId]] },
      { t: 'rec', rec: startRecord({ acctSessionId: 'old-3', username: 'dave', receivedAt: START + 60_000 }) },
    ];
    expect(JSON.stringify(lines)).not.toContain('tenantId');
    writeFileSync(join(dir, JOURNAL_FILE), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));

    const store = await MemoryStore.openJournaled(dir);
    const open = await store.listOpen({ tenantId: DEFAULT_TENANT_ID });
    expect(open.map((s) => [s.acctSessionId, s.tenantId])).toEqual([['old-2', DEFAULT_TENANT_ID], ['old-3', DEFAULT_TENANT_ID]]);
    expect(await store.listOpen({ tenantId: other.id })).toEqual([]);
    expect(await store.countOpenForUser('carol', DEFAULT_TENANT_ID)).toBe(1);
    expect(await store.countOpenForUser('dave', DEFAULT_TENANT_ID)).toBe(1);
    await store.applyRecord(startRecord({ statusType: 'stop', acctSessionId: 'old-2', username: null, sessionTime: 120, receivedAt: START + 120_000 }));
    expect(await store.countOpenForUser('carol', DEFAULT_TENANT_ID)).toBe(0);
    await flushUsage(store, db);
    await store.close();

    // The compacted journal, read again, says the same.
    const again = await MemoryStore.openJournaled(dir);
    expect((await again.listOpen()).map((s) => [s.acctSessionId, s.tenantId])).toEqual([['old-3', DEFAULT_TENANT_ID]]);
    await again.close();
    const rows = await tenantsOf('usage_sessions');
    expect(rows).toContainEqual(['old-2', DEFAULT_TENANT_ID]);
    expect(rows).toContainEqual(['old-3', DEFAULT_TENANT_ID]);
  });
});
